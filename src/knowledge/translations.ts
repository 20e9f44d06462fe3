/**
 * Checks of the dataset's German and Swedish text (issue 12): every record has both, with every field its English has;
 * no field is still the English text; where the source is German or Swedish, that language's text is the original
 * wording; and the glossary's key terms are rendered as data/glossary.json says. Also counts per language.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { textOf } from './localize.js';
import type { DataKind } from './schema.js';

/** The fields each kind has in German and Swedish (schema.ts, `i18n`). */
export const TRANSLATED_FIELDS: Record<DataKind, readonly string[]> = {
  sources: ['short'],
  keyAreas: ['name', 'subAreas'],
  barriers: ['text', 'detail'],
  rootCauses: ['text'],
  solutions: ['text', 'detail'],
  agencies: ['offers'],
  facts: ['figure', 'text', 'population'],
  insights: ['title', 'text', 'pros', 'cons'],
};

const LANGS = ['de', 'sv'] as const;
type TranslatedLang = (typeof LANGS)[number];

export interface TranslationProblem {
  file: string;
  id: string;
  problem: string;
}

/** A glossary entry: when the English text uses one of `en`, the German uses one of `de` and the Swedish one of `sv`. */
const GlossaryEntry = z.strictObject({ en: z.array(z.string().min(2)).min(1), de: z.array(z.string().min(2)).min(1), sv: z.array(z.string().min(2)).min(1) });
export const GlossarySchema = z.strictObject({ note: z.string().optional(), terms: z.array(GlossaryEntry) });
export type Glossary = z.infer<typeof GlossarySchema>;

/** data/glossary.json, validated; undefined when the file is absent. Throws naming the file when it is invalid. */
export function readGlossary(dir: string): Glossary | undefined {
  const file = path.join(dir, 'glossary.json');
  if (!fs.existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = GlossarySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Quoted titles stay in their own language ("Table 13 “Overview of…”"): the glossary does not look inside quotes. */
const unquoted = (s: string): string => s.replace(/“[^”]*”|„[^“]*“|”[^”]*”|"[^"]*"|«[^»]*»/g, ' ');
const words = (s: string): string => ` ${unquoted(s).toLowerCase().replace(/[^\p{L}\p{N}-]+/gu, ' ')} `;
const contains = (text: string, term: string): boolean => words(text).includes(` ${term.toLowerCase()}`);

export interface TranslationReport {
  problems: TranslationProblem[];
  /** Records with each language's text, of all records. */
  counts: Record<TranslatedLang, { done: number; of: number }>;
}

/** Checks the translations of located records (kind → records with the file they came from). */
export function checkTranslations(records: { kind: DataKind; file: string; record: Record<string, unknown> }[], glossary: Glossary | undefined): TranslationReport {
  const problems: TranslationProblem[] = [];
  const counts = { de: { done: 0, of: records.length }, sv: { done: 0, of: records.length } };
  for (const { kind, file, record } of records) {
    const id = String(record.id);
    const i18n = (record.i18n ?? {}) as Partial<Record<TranslatedLang, Record<string, unknown>>>;
    const original = record.original as { lang: string; text: string } | undefined;
    for (const lang of LANGS) {
      const t = i18n[lang];
      const name = lang === 'de' ? 'German' : 'Swedish';
      if (!t) {
        problems.push({ file, id, problem: `no ${name} text (i18n.${lang})` });
        continue;
      }
      counts[lang].done++;
      for (const field of TRANSLATED_FIELDS[kind]) {
        const en = record[field];
        if (en === undefined) continue;
        if (t[field] === undefined) problems.push({ file, id, problem: `i18n.${lang}.${field} is missing (the English has it)` });
        else if (kind === 'keyAreas' && field === 'subAreas') {
          // The English is a list of {id, name}; the translation maps each sub-area id to its name.
          const ids = (en as { id: string }[]).map((x) => x.id);
          const translated = Object.keys(t[field] as object);
          const missing = ids.filter((x) => !translated.includes(x));
          if (missing.length > 0 || translated.length !== ids.length) problems.push({ file, id, problem: `i18n.${lang}.subAreas must name exactly the sub-areas ${ids.join(', ')}` });
        } else if (Array.isArray(en) && (!Array.isArray(t[field]) || (t[field] as unknown[]).length !== en.length)) {
          problems.push({ file, id, problem: `i18n.${lang}.${field} must have as many entries as the English (${en.length})` });
        } else if (typeof en === 'string' && en === t[field] && en.length > 12 && !(original?.lang === lang)) {
          problems.push({ file, id, problem: `i18n.${lang}.${field} is still the English text` });
        }
      }
      if (original?.lang === lang && t.text !== original.text) problems.push({ file, id, problem: `i18n.${lang}.text must be the original wording (original.text), the source being ${name}` });
      for (const entry of glossary?.terms ?? []) {
        for (const field of TRANSLATED_FIELDS[kind]) {
          // The source's own wording is what it is: the glossary rules translations.
          if (original?.lang === lang && field === 'text') continue;
          const en = textOf(record[field]);
          if (!en || !entry.en.some((term) => contains(en, term))) continue;
          const translated = textOf(t[field]);
          // A title kept in its own language, in quotes, carries the English term as it is.
          const keptQuoted = entry.en.some((term) => translated.toLowerCase().includes(term.toLowerCase()));
          if (translated && !keptQuoted && !entry[lang].some((term) => contains(translated, term))) {
            problems.push({ file, id, problem: `i18n.${lang}.${field}: "${entry.en[0]}" is "${entry[lang].join('" or "')}" in the glossary` });
          }
        }
      }
    }
  }
  return { problems, counts };
}
