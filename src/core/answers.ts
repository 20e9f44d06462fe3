/** Answers to domain questions, composed from dataset retrieval for the user's own words. */
import type { Knowledge } from '../knowledge/dataset.js';
import type { RetrievalIndex, Scored } from '../knowledge/retrieval.js';
import type { Agency, Barrier, Solution, Topic } from '../knowledge/schema.js';
import type { Entity } from '../nlu/entities.js';
import type { Lang } from '../nlu/text.js';
import { WHYS_ACTIONS, countryName } from '../dialogs/whys.js';
import type { Reply, ReplyButton } from './types.js';

export const TOPIC_LABELS: Record<Topic, string> = {
  markets: 'Foreign markets',
  trade_rules: 'Customs and trade rules',
  certification: 'Certification and standards',
  financing: 'Financing',
  clusters: 'Clusters and networks',
  skills: 'Skills',
  digital_marketing: 'Digital marketing',
  strategy: 'Internationalisation strategy',
};

/** What one page of an answer shows; "more" shows the next page. */
const PAGE = { barriers: 2, solutions: 3, agencies: 3 };

export interface AnswerRequest {
  question: string;
  topic: Topic;
  lang: Lang;
  country?: string;
  sector?: string;
  entities: Entity[];
  /** 0 for the first answer, 1 for the first "more", … */
  page: number;
}

export const ANSWER_ACTIONS = { more: 'answer.more', ask: 'ask' } as const;

function uniqueByText<T extends { text: string }>(xs: Scored<T>[]): Scored<T>[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const key = x.item.text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Composes an answer page; undefined when "more" has nothing left to show. */
export function composeAnswer(req: AnswerRequest, k: Knowledge, index: RetrievalIndex): Reply | undefined {
  // Certifications and sectors are strong retrieval terms: "ISO 9001 for car makers" and "CE marking" must differ.
  const extra = [req.sector, ...req.entities.filter((e) => e.type !== 'country').map((e) => e.value)].filter(Boolean).join(' ');
  // Country names select agencies; as search words they would only match texts that happen to name that country.
  const question = req.entities.filter((e) => e.type === 'country').reduce((q, e) => q.split(e.text).join(' '), req.question);
  const limit = (req.page + 1) * 3 + 3;
  const r = index.search({ text: `${question} ${extra}`, lang: req.lang, topic: req.topic, country: req.country, limit });
  const slice = <T>(xs: Scored<T>[], n: number) => xs.slice(req.page * n, req.page * n + n).map((x) => x.item);
  // The focus group lists some barriers twice (voted "most important", then analysed as "critical"): show each once.
  const allBarriers = uniqueByText(r.barriers);
  const allSolutions = uniqueByText(r.solutions);
  const barriers: Barrier[] = slice(allBarriers, PAGE.barriers);
  const solutions: Solution[] = slice(allSolutions, PAGE.solutions);
  const agencies: Agency[] = slice(r.agencies, PAGE.agencies);
  if (barriers.length + solutions.length + agencies.length === 0) return undefined;

  const where = req.country ? `in ${countryName(req.country)}` : 'EU-wide';
  const lines: string[] = [`**${TOPIC_LABELS[req.topic]}${req.page > 0 ? ' (more)' : ''}**`];
  if (barriers.length) lines.push(`_What often blocks SMEs here:_\n${barriers.map((b) => `• ${b.text}`).join('\n')}`);
  if (solutions.length) lines.push(`_What helps:_\n${solutions.map((s) => `• ${s.text}`).join('\n')}`);
  if (agencies.length) lines.push(`_Who can help ${where}:_\n${agencies.map((a) => `• ${a.name}: ${a.offers}`).join('\n')}`);
  if (req.page > 0) {
    const insight = r.insights[req.page - 1]?.item;
    if (insight) lines.push(`_Worth knowing:_ ${insight.title}: ${insight.text}`);
  }
  const cited = [...barriers, ...solutions].slice(0, 2).map((x) => k.citation(x.cite));
  const buttons: ReplyButton[] = [];
  const hasMore =
    allBarriers.length > (req.page + 1) * PAGE.barriers ||
    allSolutions.length > (req.page + 1) * PAGE.solutions ||
    r.agencies.length > (req.page + 1) * PAGE.agencies;
  if (hasMore) buttons.push({ label: 'More', action: { id: ANSWER_ACTIONS.more, value: String(req.page + 1) } });
  const top = barriers[0];
  if (top) buttons.push({ label: 'Find the root cause (5 Whys)', action: { id: WHYS_ACTIONS.start, value: top.id } });
  return {
    text: lines.join('\n'),
    links: agencies.map((a) => ({ label: a.name, url: a.url })),
    context: cited.length ? `Sources: ${[...new Set(cited)].join('; ')}` : undefined,
    buttons,
  };
}
