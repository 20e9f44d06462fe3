/** Answers to domain questions, composed from dataset retrieval for the user's own words. */
import { countryName } from '../../common/countries.js';
import type { Lang } from '../../common/lang.js';
import type { Topic } from '../../common/topics.js';
import type { Button, Message } from '../../core/message.js';
import { citationIn } from '../../core/cite.js';
import type { Knowledge } from '../../knowledge/dataset.js';
import { tr } from '../../knowledge/localize.js';
import type { RetrievalIndex, Scored } from '../../knowledge/retrieval.js';
import type { Agency, Barrier, Solution } from '../../knowledge/schema.js';
import type { Entity } from '../../nlu/entities.js';
import { answersMessages } from './messages.js';

/** The button that starts a 5-Whys analysis from an answer's top barrier (handled by the whys feature). */
const WHYS_START = 'whys.start';

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

export const ANSWER_ACTIONS = { more: 'answers.more', ask: 'answers.ask' } as const;

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
export function composeAnswer(req: AnswerRequest, k: Knowledge, index: RetrievalIndex): Message | undefined {
  const t = answersMessages(req.lang);
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

  const where = req.country ? t.inCountry(countryName(req.country, req.lang)) : t.euWide;
  const lines: string[] = [`**${t.topics[req.topic]}${req.page > 0 ? ` ${t.more}` : ''}**`];
  const lang = req.lang;
  if (barriers.length) lines.push(`${t.blocks}\n${barriers.map((b) => `• ${tr(b, 'text', lang)}`).join('\n')}`);
  if (solutions.length) lines.push(`${t.helps}\n${solutions.map((s) => `• ${tr(s, 'text', lang)}`).join('\n')}`);
  if (agencies.length) lines.push(`${t.whoCanHelp(where)}\n${agencies.map((a) => `• ${a.name}: ${tr(a, 'offers', lang)}`).join('\n')}`);
  if (req.page > 0) {
    const insight = r.insights[req.page - 1]?.item;
    if (insight) lines.push(t.worthKnowing(tr(insight, 'title', lang), tr(insight, 'text', lang)));
  }
  const cited = [...barriers, ...solutions].slice(0, 2).map((x) => citationIn(k, x, lang));
  const buttons: Button[] = [];
  const hasMore =
    allBarriers.length > (req.page + 1) * PAGE.barriers ||
    allSolutions.length > (req.page + 1) * PAGE.solutions ||
    r.agencies.length > (req.page + 1) * PAGE.agencies;
  if (hasMore) buttons.push({ label: t.moreButton, action: { id: ANSWER_ACTIONS.more, value: String(req.page + 1) } });
  const top = barriers[0];
  if (top) buttons.push({ label: t.rootCauseButton, action: { id: WHYS_START, value: top.id } });
  return {
    text: lines.join('\n'),
    links: agencies.map((a) => ({ label: a.name, url: a.url })),
    context: cited.length ? t.sources([...new Set(cited)].join('; ')) : undefined,
    buttons,
  };
}
