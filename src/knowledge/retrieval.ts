/**
 * Retrieval over the dataset: Okapi BM25 on stemmed text, using natural's TfIdf for term statistics.
 * Built once at start; a query costs one pass over a few hundred short documents.
 */
import TfIdf from 'natural/lib/natural/tfidf/tfidf.js';
import { stemmedTerms, type Lang } from '../common/lang.js';
import { englishTerms } from './glossary.js';
import { textOf } from './localize.js';
import type { Dataset } from './dataset.js';
import type { Agency, Barrier, Insight, RootCause, Solution, Topic } from './schema.js';
import { GuideIndex } from './guide-index.js';
import { TermIndex } from './bm25.js';

export interface Scored<T> {
  item: T;
  score: number;
}

export interface RetrievalQuery {
  text: string;
  lang?: Lang;
  topic?: Topic;
  /** ISO alpha-2; agencies of that country come first, EU-wide ones always qualify. */
  country?: string;
  limit?: number;
}

export interface RetrievalResult {
  barriers: Scored<Barrier>[];
  solutions: Scored<Solution>[];
  agencies: Scored<Agency>[];
  insights: Scored<Insight>[];
}

type Doc =
  | { kind: 'barrier'; item: Barrier }
  | { kind: 'solution'; item: Solution }
  | { kind: 'agency'; item: Agency }
  | { kind: 'insight'; item: Insight }
  | { kind: 'rootCause'; item: RootCause };

/**
 * The vocabulary of each topic, added to the query at half weight: a question in the user's own words ("do we need
 * CE marking in Norway") then still reaches the dataset's wording ("lack of knowledge about certification").
 */
const TOPIC_TERMS: Record<Topic, string> = {
  markets: 'market markets foreign customers distributors competitors market entry information',
  trade_rules: 'customs duties tariffs taxes legislation import export regulations rules origin',
  certification: 'certification certificates certified standards conformity compliance requirements',
  financing: 'financing finance funding loans grants capital financial credit',
  clusters: 'cluster clusters network networking associations partners matchmaking cooperation',
  skills: 'skills training languages education experience staff knowledge',
  digital_marketing: 'online internet website social media digital marketing visibility promotion',
  strategy: 'strategy strategic plan planning business model vision risk approach',
};
const TOPIC_TERMS_WEIGHT = 0.5;

const K1 = 1.2;
const B = 0.75;

/** Importance order among barriers with equal text relevance: the focus group's critical ones first. */
function barrierPrior(b: Barrier): number {
  if (b.importance === 'critical') return 0.6;
  if (b.importance === 'most') return 0.4;
  if (b.rank !== undefined) return 0.5 - b.rank * 0.03;
  if (b.importance === 'least') return 0;
  return 0.2;
}

/** The German and Swedish text of a record (i18n), each to be stemmed in its own language. */
function translatedText(d: Doc): { lang: 'de' | 'sv'; text: string }[] {
  return (['de', 'sv'] as const).flatMap((lang) => {
    const t = d.item.i18n?.[lang];
    return t ? [{ lang, text: Object.values(t).map(textOf).join(' ') }] : [];
  });
}

function docText(d: Doc): { en: string; original?: { lang: Lang; text: string } } {
  switch (d.kind) {
    case 'barrier':
      return { en: [d.item.text, d.item.detail, d.item.sectors?.join(' ')].filter(Boolean).join(' '), original: d.item.original };
    case 'solution':
      return { en: [d.item.text, d.item.detail].filter(Boolean).join(' '), original: d.item.original };
    case 'agency':
      return { en: `${d.item.name} ${d.item.offers}` };
    case 'rootCause':
      return { en: d.item.text, original: d.item.original };
    case 'insight':
      return { en: `${d.item.title} ${d.item.text} ${(d.item.pros ?? []).join(' ')} ${(d.item.cons ?? []).join(' ')}`, original: d.item.original };
  }
}

/**
 * National and EU-wide agencies alternate, national first: the national ones speak the user's language and know local
 * schemes, the EU-wide ones (Access2Markets, EEN…) are often the most specific; a user should see both.
 */
function interleave<T>(national: T[], eu: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(national.length, eu.length); i++) {
    if (national[i]) out.push(national[i]!);
    if (eu[i]) out.push(eu[i]!);
  }
  return out;
}

export class RetrievalIndex {
  private readonly docs: Doc[] = [];
  private readonly tfidf = new TfIdf();
  private readonly lengths: number[] = [];
  /** Inverted index built from natural's term counts: term → (document, term frequency). Scoring touches postings only. */
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly avgLength: number;
  /** BM25 of each document for each topic's vocabulary: the same for every query, so computed once. */
  private readonly topicScores = new Map<Topic, Float64Array>();
  /** Root causes carry no topics of their own; they inherit those of their barriers. */
  private readonly barrierTopics: Map<string, readonly Topic[]>;
  /**
   * The German and Swedish text of the records, in an index of their own, so that a question in German meets German
   * words while English questions score exactly as before (their lengths and frequencies stay the English text's).
   */
  private readonly translated = { de: new TermIndex(), sv: new TermIndex() };

  /** The practical guides, found by their text and specialist terms. */
  readonly guides: GuideIndex;

  constructor(data: Dataset) {
    this.guides = new GuideIndex(data.guides);
    for (const item of data.barriers) this.docs.push({ kind: 'barrier', item });
    for (const item of data.solutions) this.docs.push({ kind: 'solution', item });
    for (const item of data.agencies) this.docs.push({ kind: 'agency', item });
    for (const item of data.insights) this.docs.push({ kind: 'insight', item });
    for (const item of data.rootCauses) this.docs.push({ kind: 'rootCause', item });
    this.barrierTopics = new Map(data.barriers.map((b) => [b.id, b.topics]));
    const barrierText = new Map(data.barriers.map((b) => [b.id, b.text]));
    for (const [docIndex, d] of this.docs.entries()) {
      const { en: own, original } = docText(d);
      // A root cause is found through its barrier too: "we don't know which certificates apply" should reach the
      // causes the focus group found for "lack of knowledge about certification", whatever words they used.
      const en = d.kind === 'rootCause' ? `${own} ${d.item.barriers.map((b) => barrierText.get(b) ?? '').join(' ')}` : own;
      const terms = [...stemmedTerms(en, 'en'), ...(original ? stemmedTerms(original.text, original.lang) : [])];
      for (const t of translatedText(d)) this.translated[t.lang].add(docIndex, stemmedTerms(t.text, t.lang));
      this.tfidf.addDocument(terms);
      this.lengths.push(terms.length);
    }
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.lengths.length);
    this.tfidf.documents.forEach((document, doc) => {
      for (const term of Object.keys(document)) {
        if (term === '__key') continue;
        const tf = TfIdf.tf(term, document);
        if (tf === 0) continue;
        const list = this.postings.get(term) ?? [];
        list.push({ doc, tf });
        this.postings.set(term, list);
      }
    });
    for (const topic of Object.keys(TOPIC_TERMS) as Topic[]) this.topicScores.set(topic, this.bm25(stemmedTerms(TOPIC_TERMS[topic], 'en')));
    for (const index of Object.values(this.translated)) index.finish(this.docs.length);
  }

  /** BM25 over the English text (and originals), plus, for a German or Swedish question, over that language's text. */
  private relevance(text: string, lang: Lang): Float64Array {
    const scores = this.bm25(this.queryTerms(text, lang));
    if (lang !== 'en') {
      const own = this.translated[lang].bm25(stemmedTerms(text, lang));
      for (let i = 0; i < scores.length; i++) scores[i]! += own[i]!;
    }
    return scores;
  }

  /**
   * Stemmed query terms. A German or Swedish question is searched in its own stems (the originals kept beside the
   * English text), as English (codes and loanwords such as ISO, CE, export), and through the domain glossary.
   */
  private queryTerms(text: string, lang: Lang): string[] {
    if (lang === 'en') return stemmedTerms(text, 'en');
    return [...stemmedTerms(text, lang), ...stemmedTerms(text, 'en'), ...stemmedTerms(englishTerms(text, lang), 'en')];
  }

  /** BM25 of each document for the query terms. */
  private bm25(terms: string[]): Float64Array {
    const scores = new Float64Array(this.docs.length);
    const unique = [...new Set(terms)];
    for (const term of unique) {
      const list = this.postings.get(term);
      if (!list) continue;
      // natural's idf is 1 + ln(N / (1 + df)); it is positive for all but the commonest terms.
      const idf = Math.max(0, this.tfidf.idf(term));
      if (idf === 0) continue;
      for (const { doc, tf } of list) {
        const norm = tf + K1 * (1 - B + (B * this.lengths[doc]!) / this.avgLength);
        scores[doc]! += (idf * (tf * (K1 + 1))) / norm;
      }
    }
    return scores;
  }

  /** The best barriers, solutions, agencies and insights for a question, optionally within a topic and country. */
  search(q: RetrievalQuery): RetrievalResult {
    const text = this.relevance(q.text, q.lang ?? 'en');
    if (q.topic) {
      const topical = this.topicScores.get(q.topic)!;
      for (let i = 0; i < text.length; i++) text[i]! += TOPIC_TERMS_WEIGHT * topical[i]!;
    }
    const limit = q.limit ?? 5;
    const result: RetrievalResult = { barriers: [], solutions: [], agencies: [], insights: [] };
    this.docs.forEach((d, i) => {
      if (d.kind === 'rootCause') return;
      const topics: readonly Topic[] = d.item.topics;
      const onTopic = q.topic ? topics.includes(q.topic) : true;
      const relevance = text[i]!;
      // The matcher has decided the topic: off-topic texts that merely share a word ("sell") stay out.
      if (!onTopic) return;
      switch (d.kind) {
        case 'barrier':
          result.barriers.push({ item: d.item, score: relevance + barrierPrior(d.item) });
          break;
        case 'solution':
          result.solutions.push({ item: d.item, score: relevance + (d.item.rootCauses.length > 0 ? 0.3 : 0) });
          break;
        case 'insight':
          result.insights.push({ item: d.item, score: relevance });
          break;
        case 'agency': {
          const a = d.item;
          if (a.scope !== 'EU' && a.scope !== q.country) return;
          const verified = a.verification === 'verified' ? 0.2 : 0;
          result.agencies.push({ item: a, score: relevance * 0.5 + verified });
          break;
        }
      }
    });
    const top = <T>(xs: Scored<T>[]) => xs.sort((a, b) => b.score - a.score).slice(0, limit);
    return {
      barriers: top(result.barriers),
      solutions: top(result.solutions),
      agencies: interleave(top(result.agencies.filter((a) => a.item.scope !== 'EU')), top(result.agencies.filter((a) => a.item.scope === 'EU'))).slice(0, limit),
      insights: top(result.insights),
    };
  }

  /**
   * How well each of these records matches the question on its words alone (no topic vocabulary, no priors): 0 when
   * they share no word. Answers show a guide's research findings only where they fit the question.
   */
  relevanceOf(text: string, lang: Lang, ids: readonly string[]): Map<string, number> {
    const wanted = new Set(ids);
    const scores = this.relevance(text, lang);
    const out = new Map<string, number>();
    this.docs.forEach((d, i) => {
      if (wanted.has(d.item.id)) out.set(d.item.id, scores[i]!);
    });
    return out;
  }

  /** Root causes closest to what the user wrote (5-Whys quick picks); those of `barrierId` get a head start. */
  closestRootCauses(text: string, lang: Lang, limit = 3, barrierId?: string): Scored<RootCause>[] {
    const scores = this.relevance(text, lang);
    const out: Scored<RootCause>[] = [];
    this.docs.forEach((d, i) => {
      if (d.kind !== 'rootCause') return;
      const own = barrierId && d.item.barriers.includes(barrierId) ? 1 : 0;
      const score = scores[i]! + own;
      if (score > 0) out.push({ item: d.item, score });
    });
    return out.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  /** Topics of the barriers a root cause belongs to. */
  topicsOfRootCause(rc: RootCause): Topic[] {
    return [...new Set(rc.barriers.flatMap((b) => this.barrierTopics.get(b) ?? []))];
  }
}
