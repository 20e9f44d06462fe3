/**
 * Loads and checks the practical guides (data/guides) and the register of confirmed links (data/links): every guide
 * is valid, its answer is 60–150 words in each language, the research records it names exist, every link it cites is
 * confirmed, its checked date is a real day and not in the future, and no country has two variants.
 */
import path from 'node:path';
import type { Topic } from '../common/topics.js';
import { TOPICS } from '../common/topics.js';
import { ConfirmedLink, Guide, type GuideVariant } from './guide-schema.js';
import { dataPath, readDataFolder, type DataProblem } from './data-files.js';

export type GuideProblem = DataProblem;

/**
 * The needs SMEs ask about most (issue 11), each of which must have at least one guide: customs, VAT and services,
 * certification, financing, markets and partners, digital, skills and clusters.
 */
export const REQUIRED_NEEDS = [
  'eori', 'tariff-classification', 'export-declaration', 'origin', 'ata-carnet', 'incoterms', 'non-eu-neighbours', 'export-controls', 'forwarders-brokers',
  'intra-eu-vat', 'reverse-charge', 'oss-ioss', 'posting-workers', 'small-business-vat',
  'ce-marking', 'ce-importer-duties', 'iso-9001', 'labelling-language', 'regulated-products',
  'export-credit-insurance', 'getting-paid', 'export-grants', 'eu-programmes',
  'choose-market', 'market-research', 'export-readiness', 'export-plan', 'find-partners', 'agent-distributor-agreements', 'answering-enquiries', 'trade-fairs',
  'website-localisation', 'cross-border-ecommerce', 'social-media-abroad',
  'intercultural-preparation', 'hiring-market-experience', 'join-cluster',
] as const;

/** The words of a guide's answer, counted as a reader would (whitespace-separated). */
export const ANSWER_WORDS = { min: 60, max: 150 } as const;

/** The research records a guide may name: ids per kind, and the URLs of agencies (confirmed by their own review). */
export interface ResearchIds {
  barriers: ReadonlySet<string>;
  solutions: ReadonlySet<string>;
  agencies: ReadonlySet<string>;
  agencyUrls: ReadonlySet<string>;
}

const wordCount = (s: string): number => s.split(/\s+/).filter(Boolean).length;

/** Reads data/guides and data/links and checks them against the research dataset. */
export function inspectGuides(dir: string, research: ResearchIds, today: Date = new Date()): { guides: Guide[]; links: ConfirmedLink[]; problems: GuideProblem[] } {
  const problems: GuideProblem[] = [];
  const links = readDataFolder(dir, 'links', ConfirmedLink, problems, { required: false });
  const confirmed = new Set(research.agencyUrls);
  // One register file per topic: a page two topics cite may be in both, but once per file.
  const perFile = new Set<string>();
  for (const { record, file } of links) {
    if (perFile.has(`${file} ${record.url}`)) problems.push({ file, id: record.url, problem: 'listed twice in this file' });
    perFile.add(`${file} ${record.url}`);
    confirmed.add(record.url);
    if (!realDay(record.checked, today)) problems.push({ file, id: record.url, problem: `checked "${record.checked}" is not a past or present day` });
  }
  const guides = readDataFolder(dir, 'guides', Guide, problems, { required: false });
  const ids = new Map<string, string>();
  for (const { record: g, file } of guides) {
    const at = (problem: string) => problems.push({ file, id: g.id, problem });
    const prior = ids.get(g.id);
    if (prior) at(`duplicate id (also in ${prior})`);
    ids.set(g.id, file);
    for (const lang of ['en', 'de', 'sv'] as const) {
      const n = wordCount(g[lang].answer);
      if (n < ANSWER_WORDS.min || n > ANSWER_WORDS.max) at(`${lang}.answer has ${n} words; a guide's answer has ${ANSWER_WORDS.min}–${ANSWER_WORDS.max}`);
    }
    for (const b of g.barriers) if (!research.barriers.has(b)) at(`barrier "${b}" does not exist`);
    for (const s of g.solutions) if (!research.solutions.has(s)) at(`solution "${s}" does not exist`);
    if (!realDay(g.checked, today)) at(`checked "${g.checked}" is not a past or present day`);
    const seen = new Set<string>();
    g.variants.forEach((v: GuideVariant, i) => {
      for (const c of v.countries) {
        if (seen.has(c)) at(`variants[${i}]: country ${c} already has a variant`);
        seen.add(c);
      }
      for (const a of v.agencies ?? []) if (!research.agencies.has(a)) at(`variants[${i}]: agency "${a}" does not exist`);
    });
    for (const l of [...g.sources, ...g.variants.flatMap((v) => v.sources)]) {
      if (!confirmed.has(l.url)) at(`link ${l.url} is not confirmed: add it to data/links with the day and the search that found it`);
    }
    if (g.askHome && (g.variantBy !== 'home' || g.variants.length === 0)) at('askHome needs variantBy "home" and national variants');
    if (g.alsoTopics?.includes(g.topic)) at(`alsoTopics repeats the topic "${g.topic}"`);
  }
  const needs = new Set(guides.map((x) => x.record.need));
  for (const need of REQUIRED_NEEDS) if (!needs.has(need)) problems.push({ file: dataPath(dir, path.join(dir, 'guides')), problem: `no guide for the need "${need}"` });
  return { guides: guides.map((x) => x.record), links: links.map((x) => x.record), problems };
}

function realDay(day: string, today: Date): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day && d.getTime() <= today.getTime();
}

/** What the data check prints: per topic the guides and needs, and the countries with their own variant. */
export function guideCoverage(guides: readonly Guide[]): { topic: Topic; guides: number; needs: string[]; countries: Map<string, number> }[] {
  return TOPICS.map((topic) => {
    const own = guides.filter((g) => g.topic === topic);
    const countries = new Map<string, number>();
    for (const g of own) for (const c of new Set(g.variants.flatMap((v) => v.countries))) countries.set(c, (countries.get(c) ?? 0) + 1);
    return { topic, guides: own.length, needs: [...new Set(own.map((g) => g.need))].sort(), countries };
  });
}
