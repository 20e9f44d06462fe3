/**
 * A dataset record's text in the reply language: its German or Swedish field (i18n) when the record has one, else
 * the English (the data check makes every record have both; a missing one still reads in English, never breaks).
 */
import type { Lang } from '../common/lang.js';

type Translatable = { i18n?: { de?: object; sv?: object } };

export function tr<R extends Translatable, K extends keyof R & string>(record: R, field: K, lang: Lang): R[K] {
  if (lang === 'en') return record[field];
  // The i18n fields mirror the record's own (schema.ts), so the field's type is the record's.
  const translated = record.i18n?.[lang] as Partial<Pick<R, K>> | undefined;
  return translated?.[field] ?? record[field];
}

/** The words of a dataset field, whatever its shape: a string, a list (of strings or named items), a map of names. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  if (value && typeof value === 'object') return 'name' in value ? textOf(value.name) : Object.values(value).map(textOf).join(' ');
  return '';
}
