/**
 * Message catalogs: every string a user reads comes from one, in English, German and Swedish. A feature declares its
 * own catalog with defineMessages({ en, de, sv }); all three languages are required, and the English catalog sets the
 * shape: the German and the Swedish one must have every key of it, nested ones included, and no other, with the same
 * types (a function takes the same parameters). The compiler checks it. test/i18n/catalogs.test.ts checks what the
 * compiler cannot: parameter counts, placeholders and Markdown marks kept, nothing left in English, and that every
 * word a reply tells the user to type is a command word of that language.
 */
import { LANGS, type Lang } from '../common/lang.js';

/** One catalog: the English strings, and German and Swedish ones of the very same shape (inferred from English only). */
export type Catalog<T> = { en: T } & { [L in Exclude<Lang, 'en'>]: NoInfer<T> };

const defined: Catalog<unknown>[] = [];

/** The catalog lookup of one feature: `m(lang).someKey(...)`. */
export function defineMessages<T>(catalog: Catalog<T>): (lang: Lang) => T {
  defined.push(catalog);
  // Every language is there; a value from outside the type (never from a validated source) reads English.
  return (lang) => catalog[lang] ?? catalog.en;
}

/** Every catalog defined so far, in definition order (for the catalog tests). */
export function definedCatalogs(): readonly Catalog<unknown>[] {
  return defined;
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
