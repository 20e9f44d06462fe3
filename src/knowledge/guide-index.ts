/**
 * Finding the guide that answers a question: BM25 over each language's text of the guides, plus the guides'
 * specialist terms, which weigh most (a question naming "EORI" or "Ursprungszeugnis" is about that guide).
 */
import { stemmedTerms, type Lang } from '../common/lang.js';
import type { Topic } from '../common/topics.js';
import { TermSpotter } from '../common/terms.js';
import type { Guide } from './guide-schema.js';
import { TermIndex } from './bm25.js';

export interface GuideMatch {
  guide: Guide;
  score: number;
  /** The guide's terms found in the question. */
  terms: string[];
}

/** Score of a term found in the question: a two-word term ("reverse charge") says more than one word. */
const TERM_SCORE = (words: number) => 4 + 2 * (words - 1);
/** The matcher's topic, when the guide is on it: breaks ties between guides that share words. */
const TOPIC_BONUS = 1.5;
/** A guide on the matcher's topic is preferred to a better-scoring one on another topic down to this share of its score. */
const ON_TOPIC_SHARE = 0.6;
/** A guide about the target market named (or, negative, about another one). */
const MARKET_BONUS = 4;
/**
 * Below this, a guide found by shared words alone (no term of its own named) is not the answer: the honest "no guide
 * yet" reply with the research is better than a guide about something else. Set by hand on the questions of
 * test/core/answers.test.ts; `advisor eval answers` measures it on the FAQ-style held-out set (never tuned on).
 */
export const GUIDE_MIN_SCORE = 5;

const guideText = (g: Guide, lang: Lang): string => {
  const t = g[lang];
  return [t.title, t.title, t.answer, ...t.steps, t.where, ...t.mistakes, ...g.terms].join(' ');
};

export class GuideIndex {
  private readonly index: Record<Lang, TermIndex> = { en: new TermIndex(), de: new TermIndex(), sv: new TermIndex() };
  private readonly terms: TermSpotter<number>;

  constructor(readonly guides: readonly Guide[]) {
    guides.forEach((g, i) => {
      for (const lang of ['en', 'de', 'sv'] as const) this.index[lang].add(i, stemmedTerms(guideText(g, lang), lang));
    });
    for (const index of Object.values(this.index)) index.finish(guides.length);
    this.terms = new TermSpotter(guides.flatMap((g, i) => g.terms.map((term) => ({ term, payload: i }))));
  }

  /** Guides for a question, best first; only those at or above GUIDE_MIN_SCORE or naming one of its terms. */
  search(text: string, lang: Lang, topic?: Topic, targets: readonly string[] = [], limit = 3): GuideMatch[] {
    const scores = this.index[lang].bm25(stemmedTerms(text, lang));
    if (lang !== 'en') {
      // Codes and loanwords (EORI, CE, Incoterms) are the same in every language: the English text finds them too.
      const en = this.index.en.bm25(stemmedTerms(text, 'en'));
      for (let i = 0; i < scores.length; i++) scores[i]! += 0.5 * en[i]!;
    }
    const named = new Map<number, string[]>();
    for (const hit of this.terms.find(text)) {
      scores[hit.payload]! += TERM_SCORE(hit.words);
      named.set(hit.payload, [...(named.get(hit.payload) ?? []), hit.term]);
    }
    const out: GuideMatch[] = [];
    this.guides.forEach((guide, i) => {
      const onTopic = topic !== undefined && (guide.topic === topic || guide.alsoTopics?.includes(topic));
      // A guide about one market (shipping to Switzerland) is the answer for that market, not for another one.
      const market = guide.markets ? (targets.some((t) => guide.markets!.includes(t)) ? MARKET_BONUS : targets.length > 0 ? -MARKET_BONUS : 0) : 0;
      const score = scores[i]! + (onTopic ? TOPIC_BONUS : 0) + market;
      const terms = named.get(i) ?? [];
      if (terms.length > 0 || score >= GUIDE_MIN_SCORE) out.push({ guide, score, terms });
    });
    out.sort((a, b) => b.score - a.score);
    // The matcher read the question as this topic: a guide on it that scores close to the best comes first.
    const onTopic = topic === undefined ? -1 : out.findIndex((m) => m.guide.topic === topic || m.guide.alsoTopics?.includes(topic));
    if (onTopic > 0 && out[onTopic]!.score >= ON_TOPIC_SHARE * out[0]!.score) out.unshift(...out.splice(onTopic, 1));
    return out.slice(0, limit);
  }
}

/** The guides' specialist terms with their topic, for the matcher: a question naming one is in scope. */
export function guideTerms(guides: readonly Guide[]): { term: string; topic: Topic }[] {
  return guides.flatMap((g) => g.terms.map((term) => ({ term, topic: g.topic })));
}
