/** Country names and the one-click country choices, shared by the features and the adapters. */
import type { Lang } from './lang.js';

/** Countries offered as one-click choices: those with national agencies in the dataset. */
export const COUNTRY_CHOICES = ['SE', 'DE', 'AT', 'BE', 'NL', 'FR', 'IE', 'RO', 'BG', 'RS'] as const;

const names = new Map<Lang, Intl.DisplayNames>();

/** The country's name in the reply language for an ISO 3166-1 alpha-2 code (the code itself when unknown). */
export function countryName(code: string, lang: Lang = 'en'): string {
  let display = names.get(lang);
  if (!display) names.set(lang, (display = new Intl.DisplayNames([lang], { type: 'region' })));
  try {
    return display.of(code) ?? code;
  } catch {
    return code;
  }
}

/** True for a two-letter code that Intl knows as a region. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countryName(code) !== code;
}
