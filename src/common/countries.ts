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

/**
 * "in <country>" as the reply language says it: English and German put an article before some names ("in the
 * United States", "in der Schweiz", "im Vereinigten Königreich"); Swedish never does ("i USA").
 */
const IN_PHRASES: Record<Lang, Record<string, string>> = {
  en: { US: 'in the United States', GB: 'in the United Kingdom', NL: 'in the Netherlands', AE: 'in the United Arab Emirates', PH: 'in the Philippines', DO: 'in the Dominican Republic', BS: 'in the Bahamas', GM: 'in the Gambia', CZ: 'in Czechia' },
  de: {
    CH: 'in der Schweiz', TR: 'in der Türkei', SK: 'in der Slowakei', UA: 'in der Ukraine', MN: 'in der Mongolei', DO: 'in der Dominikanischen Republik',
    US: 'in den USA', NL: 'in den Niederlanden', AE: 'in den Vereinigten Arabischen Emiraten', PH: 'auf den Philippinen',
    GB: 'im Vereinigten Königreich', IR: 'im Iran', IQ: 'im Irak', LB: 'im Libanon', YE: 'im Jemen', SD: 'im Sudan', VA: 'im Vatikan',
  },
  sv: {},
};
const IN_WORD: Record<Lang, string> = { en: 'in', de: 'in', sv: 'i' };

export function inCountry(code: string, lang: Lang = 'en'): string {
  return IN_PHRASES[lang][code] ?? `${IN_WORD[lang]} ${countryName(code, lang)}`;
}
