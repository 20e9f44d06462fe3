/**
 * Which language a reply is written in. In order: the language the user chose (the profile's "language: German"),
 * the language of their message when it is clear, the language last used in that conversation, the platform's locale
 * for the user (Slack, Teams, the browser, the CLI's `locale`), and the deployment's default. A button carries no
 * text, so its reply is in the conversation's language.
 */
import { LANGS, type Lang } from '../common/lang.js';
import { localeLang } from './i18n.js';

export interface LanguageClues {
  /** Chosen by the user; wins over everything. */
  preferred?: Lang;
  /** The message's text ('' for a button). */
  text: string;
  /** The language last used in this conversation (kept in its session). */
  conversation?: Lang;
  /** The platform's locale for the user ("de-AT"). */
  locale?: string;
  defaultLang: Lang;
  /** The matcher's detector: the text's language when it is clear, else the hint (kept for short texts when sticky). */
  detect(text: string, hint: Lang, sticky: boolean): Lang;
}

export function replyLanguage(clues: LanguageClues): Lang {
  if (clues.preferred) return clues.preferred;
  const hint = clues.conversation ?? localeLang(clues.locale) ?? clues.defaultLang;
  // A conversation's language holds against a short reply that could be in it ("ja" in German, "ok" anywhere).
  return clues.text.trim() === '' ? hint : clues.detect(clues.text, hint, clues.conversation !== undefined);
}

/**
 * What the session keeps of the reply language: nothing when the locale (or the default) would give the same, so that
 * most conversations keep no record at all.
 */
export function conversationLanguage(lang: Lang, locale: string | undefined, defaultLang: Lang): Lang | undefined {
  return lang === (localeLang(locale) ?? defaultLang) ? undefined : lang;
}

/** A stored session's language, read without trusting the record. */
export function storedLanguage(raw: unknown): Lang | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const lang = (raw as { lang?: unknown }).lang;
  return LANGS.find((l) => l === lang);
}
