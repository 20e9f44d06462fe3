/** Zod schemas for every file under data/. The dataset is validated at load; nothing unvalidated reaches the advisor. */
import { z } from 'zod';
import { TOPICS } from '../common/topics.js';

export const Topic = z.enum(TOPICS);
export type Topic = z.infer<typeof Topic>;

/** The four barrier headings of the social-media blog post (seed 004). */
export const BarrierHeading = z.enum(['psychological', 'organisational', 'operational', 'product_market']);
export type BarrierHeading = z.infer<typeof BarrierHeading>;

/** Who acts on a solution. */
export const Actor = z.enum(['sme', 'cluster', 'government', 'consultant']);
export type Actor = z.infer<typeof Actor>;

const Id = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are lowercase kebab-case, e.g. "give-b-digital-skills"');

/** Where a record comes from: a source id from sources.json and the section of that document. */
export const Citation = z.strictObject({
  source: Id,
  section: z.string().min(1),
  /** Line range in the seed file, e.g. "120-134", where it helps a reviewer. */
  lines: z
    .string()
    .regex(/^\d+(-\d+)?$/)
    .optional(),
});
export type Citation = z.infer<typeof Citation>;

/** Wording in the source's own language, kept beside the English text. */
export const Original = z.strictObject({
  lang: z.enum(['de', 'sv']),
  text: z.string().min(1),
});

/**
 * A record's text in German and Swedish: the same fields as the English ones. A translation of the English, or, where
 * the source itself is in that language (`original`), the original wording. Optional while the dataset is being
 * translated; the data check counts what is missing per language.
 */
function translations<S extends z.ZodRawShape>(fields: S) {
  const one = z.strictObject(fields);
  return z.strictObject({ de: one, sv: one }).partial().optional();
}
const Words = z.string().min(1);

export const HttpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://'), 'must be an https:// URL');

/** ISO 3166-1 alpha-2, or "EU" for EU-wide agencies. */
export const Scope = z.string().regex(/^(EU|[A-Z]{2})$/, 'scope is "EU" or an ISO 3166-1 alpha-2 country code');

/**
 * Findings tied to one country: `country` is where they were found (the source's country unless the record says
 * otherwise); others see them labelled with it. `countryOnly` marks advice that names that country's own bodies or
 * schemes ("Use Swedish Customs (Tullen)"): it reaches only that country's SMEs.
 */
const CountryTie = { country: Scope.optional(), countryOnly: z.literal(true).optional() };

export const Source = z.strictObject({
  id: Id,
  /** File name under ../shared/seeds/ */
  file: z.string().regex(/^\d{3}_[0-9a-f]+\.txt$/),
  title: z.string().min(1),
  /** How answers cite it in one line, e.g. "GIVE focus group report, Sofia 2018". */
  short: z.string().min(1).max(80),
  author: z.string().min(1),
  year: z.number().int().min(1990).max(2030),
  lang: z.enum(['en', 'de', 'sv']),
  sections: z.array(z.string().min(1)).min(1),
  /** The country whose SMEs the document studied, when it is one (its findings are labelled with it). */
  country: Scope.optional(),
  /** The one-line citation in German and Swedish (the title stays the document's own). */
  i18n: translations({ short: z.string().min(1).max(80) }),
});
export type Source = z.infer<typeof Source>;

export const SubArea = z.strictObject({ id: Id, name: z.string().min(1) });
export const KeyArea = z.strictObject({
  id: Id,
  name: z.string().min(1),
  subAreas: z.array(SubArea).min(1),
  cite: Citation,
  /** `subAreas`: sub-area id → its name. */
  i18n: translations({ name: Words, subAreas: z.record(Id, Words) }),
});
export type KeyArea = z.infer<typeof KeyArea>;

export const Barrier = z.strictObject({
  id: Id,
  text: z.string().min(1),
  original: Original.optional(),
  /** Longer explanation in English, when the source gives one. */
  detail: z.string().min(1).optional(),
  keyArea: Id.optional(),
  subArea: Id.optional(),
  /** GIVE focus group: voted most or least important; "critical" marks the barriers of the root-cause table. */
  importance: z.enum(['most', 'least', 'critical']).optional(),
  /** Rank in a source's ranking (1 = most severe), with the ranking's name. */
  rank: z.number().int().positive().optional(),
  ranking: z.string().min(1).optional(),
  /** internal/external and home/foreign, where the source classifies the barrier so. */
  origin: z.enum(['internal', 'external']).optional(),
  location: z.enum(['home', 'foreign']).optional(),
  heading: BarrierHeading,
  topics: z.array(Topic).min(1),
  sectors: z.array(z.string().min(1)).optional(),
  ...CountryTie,
  cite: Citation,
  i18n: translations({ text: Words, detail: Words.optional() }),
});
export type Barrier = z.infer<typeof Barrier>;

export const RootCause = z.strictObject({
  id: Id,
  barriers: z.array(Id).min(1),
  text: z.string().min(1),
  original: Original.optional(),
  cite: Citation,
  i18n: translations({ text: Words }),
});
export type RootCause = z.infer<typeof RootCause>;

export const Solution = z.strictObject({
  id: Id,
  text: z.string().min(1),
  original: Original.optional(),
  detail: z.string().min(1).optional(),
  barriers: z.array(Id),
  rootCauses: z.array(Id),
  actors: z.array(Actor).min(1),
  topics: z.array(Topic).min(1),
  ...CountryTie,
  cite: Citation,
  i18n: translations({ text: Words, detail: Words.optional() }),
});
export type Solution = z.infer<typeof Solution>;


export const Agency = z.strictObject({
  id: Id,
  name: z.string().min(1),
  scope: Scope,
  /** Region within the country, e.g. "Flanders", when the agency only serves part of it. */
  region: z.string().min(1).optional(),
  topics: z.array(Topic).min(1),
  url: HttpsUrl,
  offers: z.string().min(1),
  /** "verified"/"likely" as in ../shared/agencies.json; "official" for an address added here and listed in test/knowledge/reviewed-urls.test.ts. */
  verification: z.enum(['verified', 'likely', 'official']),
  /**
   * It serves firms of its own country in foreign markets (chambers abroad, trade offices): shown for a target market
   * to SMEs from its scope ("in Switzerland: the German chambers abroad").
   */
  abroad: z.literal(true).optional(),
  /** What it offers, in German and Swedish (the name stays as the agency calls itself). */
  i18n: translations({ offers: Words }),
});
export type Agency = z.infer<typeof Agency>;

export const Fact = z.strictObject({
  id: Id,
  /** The figure as the source states it, e.g. "49%". */
  figure: z.string().min(1),
  text: z.string().min(1),
  original: Original.optional(),
  population: z.string().min(1),
  year: z.string().regex(/^\d{4}(-\d{4})?$/),
  topics: z.array(Topic),
  cite: Citation,
  i18n: translations({ figure: Words, text: Words, population: Words }),
});
export type Fact = z.infer<typeof Fact>;

/** Other curated knowledge: motives, entry modes, expansion patterns, support needs, policy recommendations, competences, what clusters do, social media. */
export const InsightKind = z.enum([
  'motive',
  'entry_mode',
  'expansion_pattern',
  'support_need',
  'policy_recommendation',
  'competence',
  'cluster_role',
  'social_media',
  'barrier_heading',
]);
export const Insight = z.strictObject({
  id: Id,
  kind: InsightKind,
  title: z.string().min(1),
  text: z.string().min(1),
  original: Original.optional(),
  pros: z.array(z.string().min(1)).optional(),
  cons: z.array(z.string().min(1)).optional(),
  /** e.g. "cluster management" or "member" for cluster roles; "personal"/"organisational"/"market"/"institutional" for competences. */
  level: z.string().min(1).optional(),
  topics: z.array(Topic),
  cite: Citation,
  i18n: translations({ title: Words, text: Words, pros: z.array(Words).optional(), cons: z.array(Words).optional() }),
});
export type Insight = z.infer<typeof Insight>;

/**
 * Each kind of record lives in its own folder under data/, one or more JSON files per folder
 * (one per source, so curators of different documents never edit the same file). Every file is an array.
 */
export const DATA_KINDS = {
  sources: { dir: 'sources', schema: Source },
  keyAreas: { dir: 'key-areas', schema: KeyArea },
  barriers: { dir: 'barriers', schema: Barrier },
  rootCauses: { dir: 'root-causes', schema: RootCause },
  solutions: { dir: 'solutions', schema: Solution },
  agencies: { dir: 'agencies', schema: Agency },
  facts: { dir: 'facts', schema: Fact },
  insights: { dir: 'insights', schema: Insight },
} as const;
export type DataKind = keyof typeof DATA_KINDS;
