/** Dates for the reply language: "1 Dec 2026", "01.12.2026", "1 dec. 2026" (the calendar date in UTC, as stored). */
import type { Lang } from '../common/lang.js';

const LOCALES: Record<Lang, string> = { en: 'en-GB', de: 'de-DE', sv: 'sv-SE' };
const formats = new Map<Lang, Intl.DateTimeFormat>();

export function formatDate(date: Date | string, lang: Lang): string {
  let f = formats.get(lang);
  if (!f) formats.set(lang, (f = new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeZone: 'UTC' })));
  return f.format(typeof date === 'string' ? new Date(date) : date);
}
