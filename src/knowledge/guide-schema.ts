/**
 * Practical guides: the direct answer to one recurring practical question of an SME (an EORI number, a certificate of
 * origin, export credit insurance…), with its steps, the responsible body per country where that differs, and the
 * official pages it rests on. Each guide names the research barriers and solutions it is the practical end of.
 */
import { z } from 'zod';
import { TOPICS } from '../common/topics.js';

const Id = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are lowercase kebab-case, e.g. "customs-eori"');
const Words = z.string().trim().min(1);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
/** ISO 3166-1 alpha-2 country code. */
const Country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as "DE"');

export const GuideLink = z.strictObject({
  url: z
    .string()
    .url()
    .refine((u) => u.startsWith('https://'), 'must be an https:// URL'),
  /** The page's title as its publisher gives it (shown as the link text). */
  title: Words,
});
export type GuideLink = z.infer<typeof GuideLink>;

/** The text of a guide in one language. */
export const GuideText = z.strictObject({
  /** The question it answers, as a heading: "EORI number: what it is and how to get one". */
  title: Words,
  /** The direct answer, addressed to the SME: what it is, who needs it (60–150 words; the data check counts them). */
  answer: Words,
  /** What to do, in order (2–7 steps). */
  steps: z.array(Words).min(2).max(7),
  /** Where to do it when no national variant applies: the kind of body to look for. */
  where: Words,
  /** Typical cost or time, where known. */
  cost: Words.optional(),
  /** Common mistakes (1–3). */
  mistakes: z.array(Words).min(1).max(3),
});
export type GuideText = z.infer<typeof GuideText>;

export const VariantText = z.strictObject({
  /** Where to do it in this country: the body and what to do there. */
  where: Words,
  /** Country-specific steps, shown after the general ones (optional). */
  steps: z.array(Words).max(3).optional(),
});

/** Where the responsible body differs: the country's own body, in the three languages, with its official page. */
export const GuideVariant = z.strictObject({
  countries: z.array(Country).min(1),
  /** Agency ids from data/agencies that are this body (linked beside the guide). */
  agencies: z.array(Id).optional(),
  en: VariantText,
  de: VariantText,
  sv: VariantText,
  /** 1–3 official pages for this country. */
  sources: z.array(GuideLink).min(1).max(3),
});
export type GuideVariant = z.infer<typeof GuideVariant>;

export const Guide = z.strictObject({
  id: Id,
  /** The need it covers, for the coverage count (several guides may share one, e.g. "origin"). */
  need: Id,
  topic: z.enum(TOPICS),
  /** Further topics where the guide also fits. */
  alsoTopics: z.array(z.enum(TOPICS)).optional(),
  /**
   * Specialist terms and acronyms that identify the question in any of the three languages ("EORI", "Zollnummer",
   * "EORI-nummer"): strong retrieval terms, and a question naming one is in scope.
   */
  terms: z.array(Words).min(1),
  /**
   * Which country picks the variant: the user's home country ("home": EORI, export credit insurance) or the target
   * market named in the question ("target": posting workers to Austria, shipping to Switzerland).
   */
  variantBy: z.enum(['home', 'target']),
  /**
   * The answer's key fact is the national body (who issues EORI numbers, which agency insures export credit): when
   * the home country is unknown, the advisor asks for it first and then answers. Needs variantBy "home".
   */
  askHome: z.literal(true).optional(),
  /** Target markets the guide is specifically about (e.g. CH, NO, GB for non-EU neighbours); it ranks first for them. */
  markets: z.array(Country).optional(),
  /** Research barriers and solutions (ids in data/) this guide is the practical end of. */
  barriers: z.array(Id).min(1),
  solutions: z.array(Id),
  /** The day its facts were last checked against the official pages. */
  checked: IsoDate,
  en: GuideText,
  de: GuideText,
  sv: GuideText,
  /** 1–3 official pages (general or EU-wide). */
  sources: z.array(GuideLink).min(1).max(3),
  variants: z.array(GuideVariant),
});
export type Guide = z.infer<typeof Guide>;

/**
 * The register of confirmed links: every URL a guide cites must be here, with the day it was confirmed and how (the
 * search that found the official page). Additions show up in a diff, so each new link is reviewed.
 */
export const ConfirmedLink = z.strictObject({
  url: GuideLink.shape.url,
  title: Words,
  /** Who publishes the page, e.g. "European Commission, DG TAXUD". */
  publisher: Words,
  checked: IsoDate,
  /** How it was confirmed, e.g. 'search pages: "EORI number apply Zoll"'. */
  foundWith: Words,
});
export type ConfirmedLink = z.infer<typeof ConfirmedLink>;
