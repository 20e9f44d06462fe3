/**
 * Message catalogs: every string a user reads comes from one, per language. A feature declares its own catalog with
 * defineMessages; English is complete, and a German or Swedish catalog must have every key of the English one (the
 * compiler checks it). Until a language's catalog exists, its users read English.
 */
import { LANGS, type Lang } from '../common/lang.js';

export type Catalog<T> = { en: T } & { [L in Exclude<Lang, 'en'>]?: T };

/** The catalog lookup of one feature: `m(lang).someKey(...)`. */
export function defineMessages<T>(catalog: Catalog<T>): (lang: Lang) => T {
  return (lang) => catalog[lang] ?? catalog.en;
}

/** The language of a platform locale ("de-AT" → de), when it is one of ours. */
export function localeLang(locale: string | undefined): Lang | undefined {
  const l = locale?.slice(0, 2).toLowerCase();
  return LANGS.find((x) => x === l);
}

/** Formats a count for the reply language (1 234 / 1,234 / 1.234). */
export function formatNumber(n: number, lang: Lang): string {
  return n.toLocaleString(lang);
}
