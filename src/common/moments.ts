/** Moments as people type and read them: durations (30m, 2h, 3d; also German and Swedish), times read in a zone. */
import { DateTime } from 'luxon';
import type { Lang } from './lang.js';

/** A duration such as 30m, 2h, 3d (also "2 h", "1 tag", "3 dagar"); minutes, or undefined. */
export function durationMinutes(text: string): number | undefined {
  const d = /^(?:in\s+|om\s+)?(\d{1,5})\s*(m|min|mins|minutes?|minuten?|minuter|h|hours?|std|stunden?|t|timmar?|timme|d|days?|tage?n?|dagar?)$/i.exec(text.trim());
  if (!d) return undefined;
  const n = Number(d[1]);
  const unit = d[2]!.toLowerCase();
  if (/^m/.test(unit)) return n;
  if (/^(h|std|stunde|t$|timm)/.test(unit)) return n * 60;
  return n * 1440;
}

/**
 * A moment as typed: ISO with an offset (kept), ISO without one or "2026-12-04 17:00" (read in `zone`), a date alone
 * (17:00 that day, in `zone`), or a duration from now. Undefined when unreadable.
 */
export function parseMoment(text: string, zone: string, now: Date): Date | undefined {
  const t = text.trim();
  const minutes = durationMinutes(t);
  if (minutes !== undefined) return new Date(now.getTime() + minutes * 60_000);
  const iso = t.replace(/^(\d{4}-\d{2}-\d{2})[ ](\d{1,2}:\d{2})/, '$1T$2');
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const parsed = DateTime.fromISO(dateOnly ? `${iso}T17:00` : iso, { zone, setZone: false });
  return parsed.isValid && /^\d{4}-\d{2}-\d{2}/.test(iso) ? parsed.toJSDate() : undefined;
}

/** A moment as the fallback text of a moment mark: "Fri 4 Dec 2026, 17:00 (Europe/Berlin)", in the reply language. */
export function momentText(at: Date, zone: string, lang: Lang): string {
  const locale = { en: 'en-GB', de: 'de-DE', sv: 'sv-SE' }[lang];
  return `${DateTime.fromJSDate(at, { zone }).setLocale(locale).toFormat('ccc d LLL yyyy, HH:mm')} (${zone})`;
}
