/** Entity spotting: countries (ISO 3166-1 alpha-2), certifications and sectors, in English, German and Swedish. */
import fs from 'node:fs';
import path from 'node:path';
import levenshtein from 'natural/lib/natural/distance/levenshtein_distance.js';
import { z } from 'zod';
import { fold } from './features.js';

export interface Entity {
  type: 'country' | 'certification' | 'sector';
  value: string;
  /** The words of the message that were recognised. */
  text: string;
}

const GazetteerSchema = z.array(
  z.strictObject({
    code: z.string().regex(/^[A-Z]{2}$/),
    forms: z.array(z.string().min(2)),
    caseSensitive: z.array(z.string().min(2)).optional(),
  }),
);

interface Span {
  start: number;
  end: number;
  text: string;
}

/** Word spans with their positions, so that multi-word names and the original wording can be reported. */
function words(text: string): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}.]+/gu)) {
    const t = m[0].replace(/^\.+|\.+$/g, '');
    if (t) out.push({ start: m.index, end: m.index + m[0].length, text: t });
  }
  return out;
}

/** Minimum length for typo-tolerant matching: shorter names are too easily confused with other words. */
const FUZZY_MIN_LENGTH = 7;

export class CountryGazetteer {
  private readonly forms = new Map<string, string>();
  private readonly caseSensitive = new Map<string, string>();
  /**
   * Typo index (the SymSpell idea): every single-word form and each of its one-letter deletions point to the form.
   * A word within one edit of a form shares at least one such key with it, so a lookup is a few map reads.
   */
  private readonly fuzzyIndex = new Map<string, { form: string; code: string }[]>();
  private readonly maxWords: number;
  /** First words of multi-word names ("united", "south"…): only there is a longer match possible. */
  private readonly multiWordStarts = new Set<string>();

  constructor(entries: z.infer<typeof GazetteerSchema>) {
    let maxWords = 1;
    for (const e of entries) {
      for (const f of e.forms) {
        const key = fold(f.toLowerCase());
        this.forms.set(key, e.code);
        const parts = key.split(' ');
        maxWords = Math.max(maxWords, parts.length);
        if (parts.length > 1) this.multiWordStarts.add(parts[0]!);
        if (!key.includes(' ') && key.length >= FUZZY_MIN_LENGTH) {
          for (const variant of deletions(key)) {
            const bucket = this.fuzzyIndex.get(variant) ?? [];
            bucket.push({ form: key, code: e.code });
            this.fuzzyIndex.set(variant, bucket);
          }
        }
      }
      for (const f of e.caseSensitive ?? []) this.caseSensitive.set(f, e.code);
    }
    this.maxWords = maxWords;
  }

  static load(file: string): CountryGazetteer {
    const parsed = GazetteerSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return new CountryGazetteer(parsed.data);
  }

  find(text: string): Entity[] {
    const ws = words(text);
    const keys = ws.map((w) => fold(w.text.toLowerCase()));
    const found: Entity[] = [];
    const used = new Uint8Array(ws.length);
    for (let n = Math.min(this.maxWords, ws.length); n >= 1; n--) {
      for (let i = 0; i + n <= ws.length; i++) {
        if (n > 1 && !this.multiWordStarts.has(keys[i]!)) continue;
        let free = true;
        for (let k = i; k < i + n; k++) if (used[k]) free = false;
        if (!free) continue;
        const key = n === 1 ? keys[i]! : keys.slice(i, i + n).join(' ');
        const code = (n === 1 ? this.caseSensitive.get(ws[i]!.text) : undefined) ?? this.forms.get(key);
        if (code) {
          found.push({ type: 'country', value: code, text: text.slice(ws[i]!.start, ws[i + n - 1]!.end).replace(/[.]+$/, '') });
          used.fill(1, i, i + n);
        }
      }
    }
    // Typos ("Germnay", "Schwedne") on longer single words only.
    ws.forEach((w, i) => {
      if (used[i] || w.text.length < FUZZY_MIN_LENGTH) return;
      const key = keys[i]!;
      const candidates = deletions(key).flatMap((v) => this.fuzzyIndex.get(v) ?? []);
      const hit = candidates.find(({ form }) => levenshtein.DamerauLevenshteinDistance(key, form) <= 1);
      if (hit) {
        found.push({ type: 'country', value: hit.code, text: w.text });
        used[i] = 1;
      }
    });
    return dedupe(found);
  }
}

/** The word itself and every variant with one letter deleted. */
function deletions(word: string): string[] {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

function dedupe(es: Entity[]): Entity[] {
  const seen = new Set<string>();
  return es.filter((e) => {
    const k = `${e.type}:${e.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const CERTIFICATIONS: { pattern: RegExp; value: (m: RegExpMatchArray) => string }[] = [
  { pattern: /\bISO\s*\/\s*IEC\s*-?\s*(\d{4,5})(?:[-:]\d+)?/gi, value: (m) => `ISO/IEC ${m[1]}` },
  { pattern: /\bISO\s*-?\s*(\d{3,5})(?:[-:]\d+)?/gi, value: (m) => `ISO ${m[1]}` },
  { pattern: /\bIATF\s*-?\s*(16949)/gi, value: () => 'IATF 16949' },
  { pattern: /\bIATF\b/gi, value: () => 'IATF 16949' },
  { pattern: /\bCE\b(?:[-\s]?(?:marking|mark|label|kennzeichnung|zeichen|märkning|markning|märkt|märkta|certificate|certification|zertifizierung|certifiering))?/g, value: () => 'CE' },
  { pattern: /\bce[-\s](?:marking|mark|kennzeichnung|zeichen|märkning|markning|certification)\b/gi, value: () => 'CE' },
  { pattern: /\bUKCA\b/gi, value: () => 'UKCA' },
  { pattern: /\bUL\b(?:\s*(\d{2,4}))?/g, value: (m) => (m[1] ? `UL ${m[1]}` : 'UL') },
  { pattern: /\bRoHS\b/gi, value: () => 'RoHS' },
  { pattern: /\bREACH\b/g, value: () => 'REACH' },
  { pattern: /\bATEX\b/gi, value: () => 'ATEX' },
  { pattern: /\bHACCP\b/gi, value: () => 'HACCP' },
  { pattern: /\bGMP\b/g, value: () => 'GMP' },
  { pattern: /\bFDA\b/g, value: () => 'FDA' },
  { pattern: /\bCCC\b/g, value: () => 'CCC' },
  { pattern: /\bMDR\b/g, value: () => 'MDR' },
  { pattern: /\bIFS\b/g, value: () => 'IFS' },
  { pattern: /\bBRC(?:GS)?\b/g, value: () => 'BRCGS' },
  { pattern: /\bFSC\b/g, value: () => 'FSC' },
  { pattern: /\bT[ÜU]V\b|\bTUEV\b/gi, value: () => 'TÜV' },
  { pattern: /\bEN\s?(\d{3,5})(?:-\d+)?\b/g, value: (m) => `EN ${m[1]}` },
  { pattern: /\bIEC\s?(\d{4,5})(?:-\d+)?\b/g, value: (m) => `IEC ${m[1]}` },
  { pattern: /\bTISAX\b/gi, value: () => 'TISAX' },
  { pattern: /\bEMAS\b/g, value: () => 'EMAS' },
  { pattern: /\becolabel\b|\bumweltzeichen\b|\bmiljömärk\w*/gi, value: () => 'EU Ecolabel' },
];

/** Sectors with word-start patterns in English, German and Swedish. */
const SECTORS: { value: string; pattern: RegExp }[] = [
  { value: 'automotive', pattern: /\b(automotive|car\s?makers?|car\s?parts|oems?|tier[- ]?[12]|automobil\w*|autoindustrie|kfz\w*|fahrzeug\w*|zulieferer\w*|fordon\w*|bilindustri\w*|bilbransch\w*|underleverantör\w*)/giu },
  { value: 'ict', pattern: /\b(ict|it\s?(?:company|firm|services|cluster|sector|branche|bolag|företag)|software\w*|saas|apps?\b|cloud|cyber\w*|ikt|it-\w+|mjukvar\w*|programvar\w*|digitalagentur|softwareentwickl\w*)/giu },
  { value: 'green_tech', pattern: /\b(green\s?tech\w*|clean\s?tech\w*|renewabl\w*|solar\w*|wind\s?(?:power|energy|turbines?)|recycl\w*|circular|umwelttechn\w*|erneuerbar\w*|grön\s?teknik|miljöteknik|förnybar\w*|energieeffizien\w*|photovolt\w*|heat\s?pumps?|wärmepump\w*|värmepump\w*)/giu },
  { value: 'food', pattern: /\b(food|beverages?|drinks?|dairy|bakery|lebensmittel\w*|nahrungsmittel\w*|getränke\w*|livsmedel\w*|mejeri\w*|dryck\w*)/giu },
  { value: 'medtech', pattern: /\b(med\s?tech|medical\s?devices?|medizintechn\w*|medicinteknik\w*|diagnostics?|pharma\w*|läkemedel\w*)/giu },
  { value: 'machinery', pattern: /\b(machinery|machine\s?build\w*|machine\s?tools?|maschinenbau\w*|maschinen\w*|werkzeugmaschin\w*|maskin\w*|verkstadsindustri\w*)/giu },
  { value: 'textiles', pattern: /\b(textiles?|apparel|fashion|garments?|textil\w*|bekleidung\w*|kläder|mode\b)/giu },
  { value: 'construction', pattern: /\b(construction|building\s?materials?|bau(?:branche|industrie|gewerbe|stoffe)\w*|bygg\w*)/giu },
  { value: 'chemicals', pattern: /\b(chemicals?|chemistry|chemie\w*|kemi\w*|plastics?|kunststoff\w*)/giu },
  { value: 'logistics', pattern: /\b(logistics|freight|spedition\w*|logistik\w*|frakt\w*)/giu },
];

/** One cheap test before the ~25 certification patterns: most messages name no certification at all. */
const MAY_NAME_CERTIFICATION = /\b(?:ISO|IATF|CE|UKCA|UL|RoHS|REACH|ATEX|HACCP|GMP|FDA|CCC|MDR|IFS|BRC|FSC|T[ÜU]E?V|EN\s?\d|IEC|TISAX|EMAS)\b|ecolabel|umweltzeichen|miljömärk/i;

const SECTOR_TABLE = SECTORS.map((s) => ({ pattern: s.pattern, value: () => s.value }));
/** All sector patterns in one, tested first: one scan for the common case of a message that names no sector. */
const MAY_NAME_SECTOR = new RegExp(SECTORS.map((s) => s.pattern.source).join('|'), 'iu');

function scanPatterns(text: string, type: Entity['type'], table: { pattern: RegExp; value: (m: RegExpMatchArray) => string }[]): Entity[] {
  const out: Entity[] = [];
  const taken: [number, number][] = [];
  for (const { pattern, value } of table) {
    for (const m of text.matchAll(pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      out.push({ type, value: value(m), text: m[0].trim() });
    }
  }
  return out;
}

export class EntityExtractor {
  constructor(private readonly countries: CountryGazetteer) {}

  static load(intentsDir: string): EntityExtractor {
    return new EntityExtractor(CountryGazetteer.load(path.join(intentsDir, 'entities', 'countries.json')));
  }

  /** Every country, certification and sector mentioned, in the order: countries, certifications, sectors. */
  extract(text: string): Entity[] {
    return [
      ...this.countries.find(text),
      ...(MAY_NAME_CERTIFICATION.test(text) ? dedupe(scanPatterns(text, 'certification', CERTIFICATIONS)) : []),
      ...(MAY_NAME_SECTOR.test(text) ? dedupe(scanPatterns(text, 'sector', SECTOR_TABLE)) : []),
    ];
  }
}
