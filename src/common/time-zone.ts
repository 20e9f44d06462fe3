/** IANA time zones, as this Node's Intl knows them. */

/** True for a time zone name this Node knows (IANA, e.g. Europe/Berlin). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.length > 0 && tz.length <= 64;
  } catch {
    return false;
  }
}
