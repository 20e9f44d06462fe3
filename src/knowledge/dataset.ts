/** Loads data/, validates every file with its zod schema, and checks every cross-reference and the coverage targets. */
import type { z } from 'zod';
import type { Lang } from '../common/lang.js';
import { tr } from './localize.js';
import { TOPICS } from '../common/topics.js';
import type { ConfirmedLink, Guide } from './guide-schema.js';
import { inspectGuides } from './guides.js';
import { readDataFolder, type DataProblem } from './data-files.js';
import {
  DATA_KINDS,
  type Agency,
  type Barrier,
  type DataKind,
  type Fact,
  type Insight,
  type KeyArea,
  type RootCause,
  type Solution,
  type Source,
  type Topic,
} from './schema.js';

export interface Dataset {
  sources: Source[];
  keyAreas: KeyArea[];
  barriers: Barrier[];
  rootCauses: RootCause[];
  solutions: Solution[];
  agencies: Agency[];
  facts: Fact[];
  insights: Insight[];
  /** Practical guides (data/guides) and the register of the links they cite (data/links). */
  guides: Guide[];
  links: ConfirmedLink[];
}

export type { DataProblem } from './data-files.js';

/** Thrown when data/ is invalid; its message lists every problem, one per line. */
export class DatasetError extends Error {
  readonly code = 'DATA_INVALID';
  constructor(readonly problems: DataProblem[]) {
    super(`The dataset is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map(formatProblem).join('\n')}`);
  }
}

export function formatProblem(p: DataProblem): string {
  return `  ${p.file}${p.id ? ` [${p.id}]` : ''}: ${p.problem}`;
}

/** Coverage a user expects from the advisor: per topic at least this many of each kind. */
export const COVERAGE_TARGETS = { barriers: 4, solutions: 4, agencies: 5 } as const;

interface Located<T> {
  record: T;
  file: string;
}

/** Reads and validates data/; throws DatasetError listing every problem found. */
export function loadDataset(dir: string): Dataset {
  const { dataset, problems } = inspectDataset(dir);
  if (problems.length > 0) throw new DatasetError(problems);
  return dataset;
}

/** Reads and validates data/ and returns the dataset with every problem found (empty when valid). */
export function inspectDataset(dir: string): { dataset: Dataset; problems: DataProblem[]; located: { kind: DataKind; file: string; record: Record<string, unknown> }[] } {
  const problems: DataProblem[] = [];
  const located = {} as { [K in DataKind]: Located<z.infer<(typeof DATA_KINDS)[K]['schema']>>[] };
  for (const [kind, { dir: sub, schema }] of Object.entries(DATA_KINDS) as [DataKind, (typeof DATA_KINDS)[DataKind]][]) {
    (located as Record<DataKind, Located<unknown>[]>)[kind] = readDataFolder(dir, sub, schema as z.ZodType, problems, { required: true });
  }
  problems.push(...checkReferences(located));
  const research = Object.fromEntries(Object.entries(located).map(([k, v]) => [k, v.map((x) => x.record)])) as unknown as Omit<Dataset, 'guides' | 'links'>;
  const ids = (xs: { id: string }[]) => new Set(xs.map((x) => x.id));
  const guides = inspectGuides(dir, {
    barriers: ids(research.barriers),
    solutions: ids(research.solutions),
    agencies: ids(research.agencies),
    agencyUrls: new Set(research.agencies.map((a) => a.url)),
  });
  problems.push(...guides.problems);
  const dataset: Dataset = { ...research, guides: guides.guides, links: guides.links };
  problems.push(...checkCoverage(dataset));
  const all = (Object.entries(located) as [DataKind, Located<unknown>[]][]).flatMap(([kind, xs]) => xs.map((x) => ({ kind, file: x.file, record: x.record as Record<string, unknown> })));
  return { dataset, problems, located: all };
}

function checkReferences(d: { [K in DataKind]: Located<z.infer<(typeof DATA_KINDS)[K]['schema']>>[] }): DataProblem[] {
  const problems: DataProblem[] = [];
  const seen = new Map<string, string>();
  for (const kind of Object.keys(d) as DataKind[]) {
    for (const { record, file } of d[kind] as Located<{ id: string }>[]) {
      const other = seen.get(record.id);
      if (other) problems.push({ file, id: record.id, problem: `duplicate id (also in ${other})` });
      else seen.set(record.id, file);
    }
  }
  const sources = new Map(d.sources.map(({ record }) => [record.id, record]));
  const barrierIds = new Set(d.barriers.map((x) => x.record.id));
  const rootCauseIds = new Set(d.rootCauses.map((x) => x.record.id));
  const keyAreas = new Map(d.keyAreas.map(({ record }) => [record.id, record]));
  const subAreaIds = new Set(d.keyAreas.flatMap(({ record }) => record.subAreas.map((s) => s.id)));
  for (const { record } of d.keyAreas) {
    for (const s of record.subAreas) {
      if (seen.has(s.id)) problems.push({ file: 'key-areas', id: s.id, problem: 'sub-area id collides with another id' });
    }
  }

  const cited = [...d.barriers, ...d.rootCauses, ...d.solutions, ...d.facts, ...d.insights, ...d.keyAreas] as Located<{
    id: string;
    cite: { source: string; section: string };
  }>[];
  for (const { record, file } of cited) {
    const source = sources.get(record.cite.source);
    if (!source) problems.push({ file, id: record.id, problem: `cite.source "${record.cite.source}" is not a source in sources/` });
    else if (!source.sections.includes(record.cite.section)) {
      problems.push({ file, id: record.id, problem: `cite.section "${record.cite.section}" is not listed in the sections of source "${source.id}"` });
    }
  }
  for (const { record, file } of d.barriers) {
    if (record.keyArea && !keyAreas.has(record.keyArea)) problems.push({ file, id: record.id, problem: `keyArea "${record.keyArea}" does not exist` });
    if (record.subArea) {
      if (!subAreaIds.has(record.subArea)) problems.push({ file, id: record.id, problem: `subArea "${record.subArea}" does not exist` });
      else if (record.keyArea && !keyAreas.get(record.keyArea)?.subAreas.some((s) => s.id === record.subArea)) {
        problems.push({ file, id: record.id, problem: `subArea "${record.subArea}" is not under keyArea "${record.keyArea}"` });
      }
    }
    if (record.rank !== undefined && !record.ranking) problems.push({ file, id: record.id, problem: 'rank needs the name of its ranking' });
  }
  for (const { record, file } of d.rootCauses) {
    for (const b of record.barriers) if (!barrierIds.has(b)) problems.push({ file, id: record.id, problem: `barrier "${b}" does not exist` });
  }
  for (const { record, file } of d.solutions) {
    for (const b of record.barriers) if (!barrierIds.has(b)) problems.push({ file, id: record.id, problem: `barrier "${b}" does not exist` });
    for (const r of record.rootCauses) if (!rootCauseIds.has(r)) problems.push({ file, id: record.id, problem: `root cause "${r}" does not exist` });
  }
  const urls = new Map<string, string>();
  for (const { record, file } of d.agencies) {
    const prior = urls.get(record.url);
    if (prior) problems.push({ file, id: record.id, problem: `URL ${record.url} is also used by ${prior}` });
    urls.set(record.url, record.id);
  }
  return problems;
}

/** Counts per topic of barriers, solutions and agencies. */
export function topicCounts(d: Dataset): Record<Topic, { barriers: number; solutions: number; agencies: number }> {
  const counts = Object.fromEntries(TOPICS.map((t) => [t, { barriers: 0, solutions: 0, agencies: 0 }])) as Record<
    Topic,
    { barriers: number; solutions: number; agencies: number }
  >;
  for (const b of d.barriers) for (const t of b.topics) counts[t].barriers++;
  for (const s of d.solutions) for (const t of s.topics) counts[t].solutions++;
  for (const a of d.agencies) for (const t of a.topics) counts[t].agencies++;
  return counts;
}

function checkCoverage(d: Dataset): DataProblem[] {
  const problems: DataProblem[] = [];
  const counts = topicCounts(d);
  for (const t of TOPICS) {
    for (const kind of ['barriers', 'solutions', 'agencies'] as const) {
      if (counts[t][kind] < COVERAGE_TARGETS[kind]) {
        problems.push({ file: `data/${kind}`, problem: `topic "${t}" has ${counts[t][kind]} ${kind}; at least ${COVERAGE_TARGETS[kind]} are needed` });
      }
    }
  }
  return problems;
}

/** Indexes by id, for answers and dialogues. */
export class Knowledge {
  readonly barrierById: Map<string, Barrier>;
  readonly rootCauseById: Map<string, RootCause>;
  readonly solutionById: Map<string, Solution>;
  readonly sourceById: Map<string, Source>;

  constructor(readonly data: Dataset) {
    this.barrierById = new Map(data.barriers.map((b) => [b.id, b]));
    this.rootCauseById = new Map(data.rootCauses.map((r) => [r.id, r]));
    this.solutionById = new Map(data.solutions.map((s) => [s.id, s]));
    this.sourceById = new Map(data.sources.map((s) => [s.id, s]));
  }

  /** Solutions that address a root cause, or else its barriers. */
  solutionsFor(ref: { rootCause?: string; barrier?: string }): Solution[] {
    return this.data.solutions.filter(
      (s) => (ref.rootCause && s.rootCauses.includes(ref.rootCause)) || (ref.barrier && s.barriers.includes(ref.barrier)),
    );
  }

  /** A one-line citation: the source's short name (in the reply language) and the section (as the source names it). */
  citation(cite: { source: string; section: string }, lang: Lang = 'en'): string {
    const s = this.sourceById.get(cite.source);
    return `${s ? tr(s, 'short', lang) : cite.source}, ${cite.section}`;
  }

  /**
   * The country a finding is tied to (its own, or its source's), and whether it names that country's own bodies
   * and so is advice for that country's SMEs only.
   */
  countryOf(record: { country?: string; countryOnly?: true; cite: { source: string } }): { country?: string; only: boolean } {
    return { country: record.country ?? this.sourceById.get(record.cite.source)?.country, only: record.countryOnly === true };
  }

  /** The language a source is written in (English when unknown). */
  sourceLang(cite: { source: string }): Lang {
    return this.sourceById.get(cite.source)?.lang ?? 'en';
  }

  /** The full reference of a source (title, author, year), for exports. */
  reference(sourceId: string): string {
    const s = this.sourceById.get(sourceId);
    return s ? `${s.title}. ${s.author}, ${s.year}.` : sourceId;
  }
}
