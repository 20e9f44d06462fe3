/**
 * Answers that help (issue 11): the matching guide comes first with the body for the user's country; government or
 * cluster programmes are never given to an SME as its own advice; a finding that names one country's bodies reaches
 * only that country's SMEs; a country named in a question is a target market unless the user says it is theirs (in
 * English, German and Swedish); a question that waited for the country is answered as soon as it is given.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/knowledge/dataset.js';
import type { Guide } from '../../src/knowledge/guide-schema.js';
import type { ReplyJson } from '../../src/core/collect.js';
import { smeActionable } from '../../src/advisor/answers/compose.js';
import { TestAdvisor } from '../helpers/advisor.js';
import { ROOT } from '../helpers/tmp.js';

const d = loadDataset(path.join(ROOT, 'data'));
const guide = (id: string): Guide => d.guides.find((g) => g.id === id)!;
const agencyUrls = (replies: ReplyJson[], scope: string) => {
  const urls = new Set(replies.flatMap((r) => r.links ?? []).map((l) => l.url));
  return d.agencies.filter((a) => a.scope === scope && urls.has(a.url)).map((a) => a.id);
};
/** Every wording of a record's text (English, German, Swedish), to look for it in a reply. */
const wordings = (x: { text: string; i18n?: { de?: { text: string }; sv?: { text: string } } }) => [x.text, x.i18n?.de?.text, x.i18n?.sv?.text].filter((t): t is string => Boolean(t));

/** One question per topic, each with the guide that answers it. */
const BY_TOPIC: [string, string, string][] = [
  ['trade_rules', 'How do I get an EORI number for my company?', 'customs-eori'],
  ['trade_rules', 'Which HS code do I put on the invoice for our ball bearings?', 'customs-tariff-classification'],
  ['trade_rules', 'Do I need to register for the VAT one-stop shop when we sell online to consumers in other EU countries?', 'vat-oss-ioss-distance-sales'],
  ['certification', 'Do we need CE marking for our machines, and who issues it?', 'ce-marking-route'],
  ['financing', 'How can we insure ourselves against a foreign buyer not paying?', 'financing-export-credit-insurance'],
  ['markets', 'How do we find a reliable distributor in a new export market?', 'find-partners-distributors-agents'],
  ['digital_marketing', 'How should we translate and localise our website for a foreign market?', 'website-localisation-translate'],
  ['skills', 'How do we prepare our sales team for the business culture of a new market?', 'skills-intercultural-preparation'],
  ['clusters', 'What does joining a cluster bring us and how do we find one?', 'clusters-join-cluster'],
  ['strategy', 'What goes into an export plan?', 'export-plan-contents'],
];

describe('answers that help', () => {
  let t: TestAdvisor;
  beforeAll(async () => {
    t = await TestAdvisor.start();
  });
  afterAll(() => t.close());

  it.each(BY_TOPIC)('%s: answers "%s" with its guide first, the national body, and no government programme as advice', async (_topic, question, id) => {
    const user = t.as(`se-${id}`);
    await user.send('my country is Sweden');
    const r = await user.send(question);
    const first = r.replies[0]!;
    const g = guide(id);
    expect(first.text.split('\n')[0]).toBe(`**${g.en.title}**`);
    expect(first.text).toContain(g.en.answer);
    expect(first.text).toMatch(/_What to do:_\n1\. /);
    expect(first.context).toMatch(/Facts checked on \d+ \w+ 2026/);
    const swedish = g.variants.find((v) => v.countries.includes('SE'));
    if (g.variantBy === 'home' && swedish) expect(first.text).toContain(swedish.en.where);
    for (const s of d.solutions.filter((x) => !smeActionable(x))) for (const w of wordings(s)) expect(first.text, s.id).not.toContain(w);
  });

  it('labels a government or cluster programme as such when "more" shows it, and never lists it as the SME\'s to-do', async () => {
    const user = t.as('policy-reader');
    await user.send('my country is Bulgaria');
    let r = await user.send('Which support programmes or subsidies help us do market analyses abroad?');
    const seen: string[] = [];
    for (let page = 0; page < 6 && r.replies[0]?.buttons?.some((b) => b.action.id === 'answers.more'); page++) {
      r = await user.press(r.button('answers.more'));
      seen.push(r.text());
    }
    const all = seen.join('\n');
    const policy = d.solutions.filter((x) => !smeActionable(x));
    const shown = policy.filter((s) => wordings(s).some((w) => all.includes(w)));
    expect(shown.length).toBeGreaterThan(0);
    for (const page of seen) {
      for (const s of shown) {
        const at = page.indexOf(s.text);
        if (at >= 0) expect(page.slice(0, at), page).toMatch(/What policy or your cluster can do \(not steps for you\):_\n(?:• [^\n]*\n)*• (?:In [^:\n]+: )?$/);
      }
    }
  });

  it('never shows a finding that names Swedish bodies to a German user, and shows it to a Swedish one', async () => {
    const swedishOnly = d.solutions.filter((s) => s.countryOnly && s.cite.source === 'achtenhagen-study');
    expect(swedishOnly.length).toBeGreaterThan(0);
    const ask = async (user: ReturnType<TestAdvisor['as']>, question: string) => {
      const pages = [];
      let r = await user.send(question);
      pages.push(r.text());
      for (let i = 0; i < 5 && r.replies[0]?.buttons?.some((b) => b.action.id === 'answers.more'); i++) {
        r = await user.press(r.button('answers.more'));
        pages.push(r.text());
      }
      return pages.join('\n');
    };
    const questions = ['Which export finance actors can give us long-term export financing?', 'Where do we find information about restrictions on shipping goods and the documents needed?', 'Which export agency can help us enter new markets?'];
    const german = t.as('de-user');
    await german.send('my country is Germany');
    const swede = t.as('se-user');
    await swede.send('my country is Sweden');
    let swedeSaw = 0;
    for (const q of questions) {
      const toGerman = await ask(german, q);
      for (const s of swedishOnly) for (const w of wordings(s)) expect(toGerman, `${s.id} in "${q}"`).not.toContain(w);
      const toSwede = await ask(swede, q);
      swedeSaw += swedishOnly.filter((s) => toSwede.includes(s.text)).length;
    }
    expect(swedeSaw).toBeGreaterThan(0);
  });

  it('labels a finding from a study of one country with that country for users from elsewhere', async () => {
    const user = t.as('at-user');
    await user.send('my country is Austria');
    const r = await user.send('Our team lacks foreign language skills, what helps?');
    const all = r.text();
    const fromSweden = [...d.barriers, ...d.solutions].filter((x) => x.cite.source === 'achtenhagen-study' && all.includes(x.text));
    for (const x of fromSweden) expect(all).toContain(`In Sweden: ${x.text}`);
  });

  describe('home country and target market', () => {
    it.each([
      ['en', 'We are a German firm and want to ship spare parts to Switzerland. What paperwork do we need?', 'DE', 'non-eu-neighbours-switzerland', /in Switzerland: German Chambers of Commerce Abroad/, /Noted: your company is in \*\*Germany\*\*/],
      ['de', 'Wir sitzen in Deutschland und liefern Maschinen in die Schweiz. Welche Zollpapiere brauchen wir?', 'DE', 'non-eu-neighbours-switzerland', /in der Schweiz: German Chambers of Commerce Abroad/, /Notiert: Ihr Unternehmen sitzt in \*\*Deutschland\*\*/],
      ['sv', 'Vårt företag finns i Sverige och vi vill sälja till Norge. Vad gäller för tullen?', 'SE', 'non-eu-neighbours-norway', /i Norge: Business Sweden/, /Noterat: ditt företag finns i \*\*Sverige\*\*/],
    ])('%s: takes the stated home country as home and the other as the target', async (lang, question, home, id, abroad, noted) => {
      const user = t.as(`home-${lang}`);
      const r = await user.send(question);
      const g = guide(id);
      expect(r.replies[0]!.text.split('\n')[0]).toBe(`**${g[lang as 'en' | 'de' | 'sv'].title}**`);
      // The target market's own body for the goods arriving there, the home country's bodies, and theirs in the target.
      expect(r.replies[0]!.text).toMatch(abroad);
      expect(agencyUrls(r.replies, home).length).toBeGreaterThan(0);
      expect(agencyUrls(r.replies, home === 'DE' ? 'CH' : 'NO')).toEqual([]);
      expect(r.text()).toMatch(noted);
      expect((await user.send(lang === 'en' ? 'my profile' : lang === 'de' ? 'mein profil' : 'min profil')).text()).toMatch(home === 'DE' ? /Deutschland|Germany/ : /Sverige/);
    });

    it('keeps a country named as a destination out of the home country', async () => {
      const user = t.as('target-only');
      await user.send('my country is Austria');
      const r = await user.send('A customer in France emailed us asking for a quote. What should the offer contain?');
      expect(r.text()).not.toMatch(/Noted: your company is in/);
      expect(agencyUrls(r.replies, 'FR')).toEqual([]);
      expect((await user.send('my profile')).text()).toMatch(/Austria/);
    });
  });

  describe('a question that waits for the country', () => {
    it.each([
      ['a button', async (u: ReturnType<TestAdvisor['as']>, r: Awaited<ReturnType<ReturnType<TestAdvisor['as']>['send']>>) => u.press({ ...r.button('answers.home'), value: 'SE' })],
      ['the country name', async (u: ReturnType<TestAdvisor['as']>) => u.send('Sweden')],
      ['"my country is …"', async (u: ReturnType<TestAdvisor['as']>) => u.send('my country is Sweden')],
      ['"vårt företag finns i …"', async (u: ReturnType<TestAdvisor['as']>) => u.send('vårt företag finns i Sverige')],
    ])('is answered with the national body right after %s', async (how, give) => {
      const user = t.as(`pending-${how}`);
      const asked = await user.send('How do I get an EORI number?');
      expect(asked.text()).toMatch(/Which country is your company based in\? The body to go to for “EORI number/);
      expect(asked.text()).not.toMatch(/What to do/);
      const r = await give(user, asked);
      const eori = guide('customs-eori');
      const swedish = eori.variants.find((v) => v.countries.includes('SE'))!;
      expect(r.text()).toMatch(/Sweden|Sverige/);
      const answerReply = r.replies.find((x) => x.text.includes('**'))!;
      expect(r.text()).toContain(swedish.en.where.slice(0, 60));
      expect(answerReply).toBeDefined();
    });

    it('is answered in German after "wir sitzen in Österreich"', async () => {
      const user = t.as('pending-de');
      expect((await user.send('Wie bekomme ich eine EORI-Nummer?')).text()).toMatch(/In welchem Land hat Ihr Unternehmen seinen Sitz/);
      const r = await user.send('Wir sitzen in Österreich');
      const austrian = guide('customs-eori').variants.find((v) => v.countries.includes('AT'))!;
      expect(r.text()).toContain(austrian.de.where.slice(0, 60));
      expect(r.text()).toMatch(/So gehen Sie vor:/);
    });

    it('takes a question that names a country as a new question, not as the answer', async () => {
      const user = t.as('pending-question');
      expect((await user.send('How do I get an EORI number?')).text()).toMatch(/Which country is your company based in/);
      const r = await user.send('What about VAT in Germany?');
      expect(r.text()).not.toMatch(/Saved: your company is in/);
      expect((await user.send('my profile')).text()).toMatch(/Country: not set/);
    });

    it('is not asked again once the user went on to something else', async () => {
      const user = t.as('pending-ignored');
      await user.send('How do I get an EORI number?');
      const r = await user.send('What goes into an export plan?');
      expect(r.text()).toMatch(/What to do:/);
      const again = await user.send('How do I get an EORI number?');
      expect(again.text()).toMatch(/What to do:/);
      expect(again.text()).not.toMatch(/The body to go to/);
    });
  });

  it('keeps questions naming a trade, customs or certification term in scope, whatever the classifier thinks', async () => {
    const user = t.as('terms');
    await user.send('my country is Ireland');
    for (const [q, id] of [
      ['EORI?', 'customs-eori'],
      ['Schedule B', 'customs-tariff-classification'],
      ['carnet', 'ata-carnet'],
      ['reverse charge', 'vat-reverse-charge-b2b-services'],
      ['Ursprungszeugnis', 'origin-certificate-non-preferential'],
    ] as const) {
      const r = await user.send(q);
      expect(r.replies[0]!.text.split('\n')[0], q).toBe(`**${guide(id)[r.replies[0]!.text.includes('So gehen Sie vor') ? 'de' : 'en'].title}**`);
    }
  });

  it('shows the page a "more" button names, so a double click does not skip one', async () => {
    const user = t.as('pager');
    await user.send('my country is Germany');
    const first = await user.send('What goes into an export plan?');
    const button = first.button('answers.more');
    const once = await user.press(button);
    const twice = await user.press(button);
    expect(twice.replies[0]!.text).toBe(once.replies[0]!.text);
    const next = await user.press(twice.button('answers.more'));
    expect(next.replies[0]!.text).not.toBe(once.replies[0]!.text);
  });

  it('says honestly when it has no guide yet, with the research and the body best placed to ask', async () => {
    const user = t.as('no-guide');
    await user.send('my country is Germany');
    const r = await user.send('How do we protect our trademark abroad?');
    expect(r.replies[0]!.text).toMatch(/I don’t have a guide for that yet/);
    expect(r.replies[0]!.text).toMatch(/Where to ask:_\n• /);
    expect(r.replies[0]!.links!.length).toBeGreaterThan(0);
  });

  it('answers a question in another language politely in English, naming the languages it understands', async () => {
    for (const q of ['Comment obtenir un numéro EORI pour mon entreprise ?', '¿Cómo puedo exportar mis productos a Alemania?', 'Hoe kan ik mijn producten exporteren naar Duitsland?']) {
      expect((await t.as('visitor-x').send(q)).text(), q).toBe('Sorry, I only understand English, German and Swedish (Deutsch, svenska). Please ask your question in one of them.');
    }
  });
});
