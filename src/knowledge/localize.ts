/**
 * A dataset record's text in the reply language: its German or Swedish field (i18n) when the record has one, else
 * the English. Until the whole dataset is translated, a missing translation falls back to the English text.
 */
import type { Lang } from '../common/lang.js';

type Translatable = { i18n?: { de?: object; sv?: object } };

export function tr<R extends Translatable, K extends keyof R & string>(record: R, field: K, lang: Lang): R[K] {
  if (lang === 'en') return record[field];
  // The i18n fields mirror the record's own (schema.ts), so the field's type is the record's.
  const translated = record.i18n?.[lang] as Partial<Pick<R, K>> | undefined;
  return translated?.[field] ?? record[field];
}

/** True when the record is shown in `lang` from a translation rather than from its source's own wording. */
export function isTranslation(sourceLang: Lang, lang: Lang): boolean {
  return sourceLang !== lang;
}
