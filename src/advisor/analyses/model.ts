/** A finished 5-Whys analysis as it is saved, shown and exported. Owned here; the 5-Whys dialogue produces them. */
import { z } from 'zod';
import { countryName } from '../../common/countries.js';
import type { Lang } from '../../common/lang.js';
import { textAttachment, type Button, type Link, type Message } from '../../core/message.js';
import { quoteUserText } from '../../core/text.js';
import type { Knowledge } from '../../knowledge/dataset.js';
import type { Agency, Solution } from '../../knowledge/schema.js';
import { citationIn } from '../../core/cite.js';
import { formatDate } from '../../core/format.js';
import { tr } from '../../knowledge/localize.js';
import { defineCollection } from '../../store/collections.js';
import { listAll, ownedKey, ownerPrefix, type Store } from '../../store/store.js';
import { analysesMessages as m } from './messages.js';

export const AnalysisSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  problem: z.string(),
  chain: z.array(z.string()),
  rootCause: z.string(),
  rootCauseId: z.string().optional(),
  barrierId: z.string().optional(),
  solutionIds: z.array(z.string()),
  agencyIds: z.array(z.string()),
  country: z.string().optional(),
});
export type Analysis = z.infer<typeof AnalysisSchema>;

/** Keyed user key : date : dialogue id, one file per user in the embedded store. */
export const analyses = defineCollection('analyses', AnalysisSchema, { split: 'owner', segments: 3 });

/** Saves an analysis; the key holds the dialogue id, so saving twice (a double click, a retry) keeps one copy. */
export async function saveAnalysis(store: Store, userKey: string, a: Analysis): Promise<void> {
  await analyses.put(store, ownedKey(userKey, a.createdAt.slice(0, 10), a.id), a);
}

/** Every analysis of a user, newest first, read page by page. */
export async function allAnalyses(store: Store, userKey: string): Promise<Analysis[]> {
  const all: Analysis[] = [];
  for await (const r of listAll(store, analyses.name, ownerPrefix(userKey))) {
    const a = analyses.parse(r.value);
    if (a) all.push(a);
  }
  return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The ten most recent analyses, newest first: the numbering of "my analyses" and "export N". */
export async function recentAnalyses(store: Store, userKey: string): Promise<Analysis[]> {
  return (await allAnalyses(store, userKey)).slice(0, 10);
}

function parts(a: Analysis, k: Knowledge): { solutions: Solution[]; agencies: Agency[] } {
  return {
    solutions: a.solutionIds.map((id) => k.solutionById.get(id)).filter((s): s is Solution => Boolean(s)),
    agencies: a.agencyIds.map((id) => k.data.agencies.find((x) => x.id === id)).filter((x): x is Agency => Boolean(x)),
  };
}

/** The summary message: problem, the chain in the user's words, the root cause, solutions and agencies. */
export function renderSummary(a: Analysis, k: Knowledge, lang: Lang, buttons?: Button[]): Message {
  const t = m(lang);
  const { solutions, agencies } = parts(a, k);
  const rc = a.rootCauseId ? k.rootCauseById.get(a.rootCauseId) : undefined;
  const text = [
    t.summaryTitle,
    t.problem(quoteUserText(a.problem, 300)),
    ...a.chain.map((w, i) => t.whyLine(i + 1, quoteUserText(w, 300))),
    t.rootCause(quoteUserText(a.rootCause, 300)),
    rc ? t.closestRootCause(tr(rc, 'text', lang)) : undefined,
    solutions.length ? `${t.whatHelps}\n${solutions.map((s) => `• ${tr(s, 'text', lang)}${t.whoActs(s.actors.map((x) => t.actors[x]).join(', '))}`).join('\n')}` : undefined,
    agencies.length ? `${t.whoCanHelp(a.country ? countryName(a.country, lang) : undefined)}\n${agencies.map((x) => `• ${x.name}: ${tr(x, 'offers', lang)}`).join('\n')}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  const links: Link[] = agencies.map((x) => ({ label: x.name, url: x.url }));
  const cites = [...new Set([...(rc ? [citationIn(k, rc, lang)] : []), ...solutions.slice(0, 2).map((s) => citationIn(k, s, lang))])];
  return { text, links, context: t.sources(cites.join('; ')), ...(buttons ? { buttons } : {}) };
}

/** The analysis as a Markdown document (export). */
export function analysisMarkdown(a: Analysis, k: Knowledge, lang: Lang): string {
  const t = m(lang).md;
  const { solutions, agencies } = parts(a, k);
  const md = (s: string) => s.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1').replace(/\s+/g, ' ');
  return [
    t.title(formatDate(a.createdAt, lang)),
    '',
    t.problem(md(a.problem)),
    '',
    ...a.chain.map((w, i) => t.why(i + 1, md(w))),
    '',
    t.rootCause(md(a.rootCause)),
    '',
    t.whatHelps,
    ...solutions.map((s) => `- ${tr(s, 'text', lang)} ${t.source(citationIn(k, s, lang))}`),
    '',
    t.whoCanHelp,
    ...agencies.map((x) => `- [${x.name}](${x.url}): ${tr(x, 'offers', lang)}`),
    '',
    t.sources,
    ...[...new Set(solutions.map((s) => s.cite.source))].map((id) => `- ${k.reference(id)}`),
    '',
  ].join('\n');
}

/** The export message: the Markdown inline, and as a file. */
export function exportMessage(a: Analysis, k: Knowledge, lang: Lang): Message {
  const md = analysisMarkdown(a, k, lang);
  return { text: m(lang).exportIntro(md), attachments: [textAttachment(`5-whys-${a.createdAt.slice(0, 10)}.md`, 'text/markdown', md)] };
}
