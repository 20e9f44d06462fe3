/** The user's profile (country and sector of the company), owned by the profile feature and read by others. */
import { z } from 'zod';
import { isCountryCode } from '../../common/countries.js';
import { LANGS } from '../../common/lang.js';
import type { IntentMatcher } from '../../core/ports.js';
import { defineCollection } from '../../store/collections.js';
import type { Store } from '../../store/store.js';

export const SECTORS = ['automotive', 'ict', 'green_tech', 'food', 'medtech', 'machinery', 'textiles', 'construction', 'chemicals', 'logistics', 'other'] as const;
export type Sector = (typeof SECTORS)[number];
/** Company size by the EU's SME definition (headcount): micro < 10, small < 50, medium < 250; surveys ask it. */
export const COMPANY_SIZES = ['micro', 'small', 'medium', 'large'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];

export const ProfileSchema = z.object({
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  sector: z.enum(SECTORS).optional(),
  size: z.enum(COMPANY_SIZES).optional(),
  /** The language the user chose to be answered in; absent: follow the language of their messages. */
  language: z.enum(LANGS).optional(),
  /** IANA time zone the user set ("time zone Europe/Berlin"); absent: the platform's, else the deployment's default. */
  timeZone: z.string().max(64).optional(),
  /** Asked once each: the advisor never nags. */
  askedCountry: z.boolean().default(false),
  askedSector: z.boolean().default(false),
  /**
   * The question that waited for the country ("which body issues EORI numbers?" before the user said where they are):
   * answered as soon as the country is given, if that is within PENDING_MINUTES.
   */
  pending: z.object({ text: z.string().max(4000), at: z.string() }).optional(),
  updatedAt: z.string(),
});
export type Profile = z.infer<typeof ProfileSchema>;

/**
 * The country a user typed or picked, as its ISO code: a two-letter code as sent by a button or typed in capitals
 * ("SE"; in lower case it may be a word: "it"), else a country the matcher finds in the text ("Sweden", "Schweden").
 */
export function countryCodeIn(matcher: Pick<IntentMatcher, 'entities'>, text: string): string | undefined {
  const trimmed = text.trim();
  return isCountryCode(trimmed) ? trimmed : matcher.entities.extract(text).find((e) => e.type === 'country')?.value;
}

/** How long a question waits for the country before it is dropped. */
export const PENDING_MINUTES = 60;

/** Keyed by the user key; one file per user in the embedded store. */
export const profiles = defineCollection('profiles', ProfileSchema, { split: 'owner', segments: 3 });

/** The stored profile, or an empty one. */
export async function readProfile(store: Store, userKey: string, now: Date): Promise<Profile> {
  return (await profiles.get(store, userKey)) ?? { askedCountry: false, askedSector: false, updatedAt: now.toISOString() };
}

/** Applies a change to the profile atomically. */
export async function patchProfile(store: Store, userKey: string, patch: Partial<Profile>, now: Date): Promise<void> {
  await profiles.update(store, userKey, (current) => ({ askedCountry: false, askedSector: false, ...current, ...patch, updatedAt: now.toISOString() }));
}
