/**
 * A dataset citation for a reply: the source and section, and, when the record is shown translated (the reply is not
 * in the source's language and the record has that language's text), so.
 */
import type { Lang } from '../common/lang.js';
import type { Knowledge } from '../knowledge/dataset.js';
import type { Citation } from '../knowledge/schema.js';
import { coreMessages } from './messages.js';

export function citationIn(k: Knowledge, record: { cite: Citation; i18n?: { de?: object; sv?: object } }, lang: Lang): string {
  const from = k.sourceLang(record.cite);
  const line = k.citation(record.cite, lang);
  const translated = from !== lang && (lang === 'en' || record.i18n?.[lang] !== undefined);
  return translated ? `${line} ${coreMessages(lang).translatedFrom(from)}` : line;
}
