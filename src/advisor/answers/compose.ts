/**
 * Answers to domain questions. The best-matching practical guide comes first: the direct answer, its steps, and the
 * responsible body for the user's country (or for the target market, where that decides). Then, only where they
 * fit, at most two findings of the research dataset with their source: barriers, and solutions an SME can act on.
 * Advice whose actor is a government or a cluster manager is not given to an SME as advice (it appears, labelled,
 * under "more"); a finding tied to one country is shown only to that country's SMEs or labelled with the country.
 * Agencies come from both sides: the home country's, those that serve its firms in the target market, and EU-wide.
 */
import { countryName, inCountry } from '../../common/countries.js';
import type { Lang } from '../../common/lang.js';
import type { Topic } from '../../common/topics.js';
import { citationIn } from '../../core/cite.js';
import { formatDate } from '../../core/format.js';
import type { Button, Link, Message } from '../../core/message.js';
import type { Knowledge } from '../../knowledge/dataset.js';
import type { GuideMatch } from '../../knowledge/guide-index.js';
import type { Guide, GuideVariant } from '../../knowledge/guide-schema.js';
import { tr } from '../../knowledge/localize.js';
import type { RetrievalIndex, Scored } from '../../knowledge/retrieval.js';
import type { Agency, Barrier, Solution } from '../../knowledge/schema.js';
import type { Entity } from '../../nlu/entities.js';
import { answersMessages } from './messages.js';

/** The button that starts a 5-Whys analysis from an answer's top barrier (handled by the whys feature). */
const WHYS_START = 'whys.start';

/** What one research page shows; "more" shows the next one. */
const PAGE = { barriers: 2, solutions: 3, agencies: 3 };
/** Findings shown under a guide: the guide is the answer, the research its backbone. */
const RESEARCH_UNDER_GUIDE = 2;
/** A finding is shown under a guide when it shares at least this much (BM25) with the question's own words. */
const FINDING_MIN_RELEVANCE = 1;
/** A second guide is offered under "more" when it scores at least this share of the first. */
const FURTHER_GUIDE_SHARE = 0.6;
/** Official pages linked under a guide. */
const GUIDE_LINKS = 3;

export interface AnswerRequest {
  question: string;
  topic: Topic;
  lang: Lang;
  /** The user's home country (stated in the question, or from the profile). */
  home?: string;
  /** Countries named in the question that are not the home country. */
  targets: string[];
  sector?: string;
  entities: Entity[];
  /** 0 for the first answer, 1 for the first "more", … */
  page: number;
}

export interface ComposedAnswer {
  message: Message;
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

/** Advice an SME can act on itself (possibly with a consultant), not a programme only a government or cluster runs. */
export const smeActionable = (s: Solution): boolean => s.actors.includes('sme') || s.actors.includes('consultant');

/** The guides for a question, best first. */
export function guidesFor(req: Pick<AnswerRequest, 'question' | 'lang' | 'targets'> & { topic: Topic | undefined }, index: RetrievalIndex): GuideMatch[] {
  return index.guides.search(req.question, req.lang, req.topic, req.targets);
}

/** The variant of a guide for this user: by home country or by target market, as the guide says. */
export function variantFor(g: Guide, home: string | undefined, targets: readonly string[]): { variant: GuideVariant; country: string } | undefined {
  const countries = g.variantBy === 'home' ? (home ? [home] : []) : targets;
  for (const c of countries) {
    const variant = g.variants.find((v) => v.countries.includes(c));
    if (variant) return { variant, country: c };
  }
  return undefined;
}

/**
 * Composes an answer page; undefined when "more" has nothing left to show. `found` are the guides for the question
 * when the caller searched them already.
 */
export function composeAnswer(req: AnswerRequest, k: Knowledge, index: RetrievalIndex, found: GuideMatch[] = guidesFor(req, index)): ComposedAnswer | undefined {
  // Further guides come under "more" only when they are nearly as good a match: else the research follows.
  const guides = found.filter((m, i) => i === 0 || m.score >= FURTHER_GUIDE_SHARE * found[0]!.score);
  const research = searchResearch(req, k, index);
  if (req.page < guides.length) return guideAnswer(req, guides[req.page]!.guide, research, k, index);
  if (req.page === 0) return { message: noGuideAnswer(req, research, k) };
  // Without a guide, page 0 showed the research's first finding of each kind: the research pages start after it.
  const message = researchPage(req, research, req.page - Math.max(1, guides.length), k);
  return message ? { message } : undefined;
}

interface Research {
  barriers: Scored<Barrier>[];
  solutions: Scored<Solution>[];
  /** Government or cluster programmes: shown labelled, never as the SME's own to-do. */
  policy: Scored<Solution>[];
  agencies: Scored<Agency>[];
  insights: ReturnType<RetrievalIndex['search']>['insights'];
}

/** The research findings for the question, without what is not for this user (another country's own bodies). */
function searchResearch(req: AnswerRequest, k: Knowledge, index: RetrievalIndex): Research {
  const extra = [req.sector, ...req.entities.filter((e) => e.type !== 'country').map((e) => e.value)].filter(Boolean).join(' ');
  // Country names select agencies; as search words they would only match texts that happen to name that country.
  const question = req.entities.filter((e) => e.type === 'country').reduce((q, e) => q.split(e.text).join(' '), req.question);
  const r = index.search({ text: `${question} ${extra}`, lang: req.lang, topic: req.topic, country: req.home, limit: 40 });
  const mine = forUser(k, req.home);
  const solutions = uniqueByText(r.solutions).filter((x) => mine(x.item));
  return {
    barriers: uniqueByText(r.barriers).filter((x) => mine(x.item)),
    solutions: solutions.filter((s) => smeActionable(s.item)),
    policy: solutions.filter((s) => !smeActionable(s.item)),
    agencies: r.agencies,
    insights: r.insights,
  };
}

/** Whether a finding is for this user: one that names another country's own bodies is not. */
const forUser = (k: Knowledge, home: string | undefined) => (record: Barrier | Solution): boolean => {
  const tie = k.countryOf(record);
  return !tie.only || tie.country === home;
};

/** A finding's text, labelled with its country when it was found elsewhere than the user's home ("In Sweden: …"). */
function findingText(k: Knowledge, x: Barrier | Solution, req: AnswerRequest): string {
  const t = answersMessages(req.lang);
  const { country } = k.countryOf(x);
  const text = tr(x, 'text', req.lang);
  return country && country !== req.home ? `${t.foundIn(countryName(country, req.lang))} ${text}` : text;
}

/** The agencies for this user: home country first, then those serving its firms in the target market, then EU-wide. */
function agencyLines(req: AnswerRequest, k: Knowledge, research: Research, also: readonly string[] = []): { lines: string[]; links: Link[] } {
  const t = answersMessages(req.lang);
  const lang = req.lang;
  const byId = new Map(k.data.agencies.map((a) => [a.id, a]));
  const picked: { agency: Agency; where?: string }[] = also.flatMap((id) => (byId.get(id) ? [{ agency: byId.get(id)! }] : []));
  const has = (a: Agency) => picked.some((p) => p.agency.id === a.id);
  // An agency that works abroad (the chambers abroad) is shown for the target market, labelled with it.
  const national = research.agencies.filter((a) => a.item.scope === req.home && !has(a.item) && !(a.item.abroad && req.targets.length > 0)).slice(0, 2);
  picked.push(...national.map((a) => ({ agency: a.item })));
  if (req.home) {
    for (const target of req.targets.slice(0, 1)) {
      const abroad = k.data.agencies.find((a) => a.scope === req.home && a.abroad && a.topics.includes(req.topic)) ?? k.data.agencies.find((a) => a.scope === req.home && a.abroad);
      if (abroad && !has(abroad)) picked.push({ agency: abroad, where: inCountry(target, lang) });
    }
  }
  const eu = research.agencies.find((a) => a.item.scope === 'EU' && !has(a.item));
  if (eu) picked.push({ agency: eu.item });
  const shown = picked.slice(0, 4);
  return {
    lines: shown.map(({ agency, where }) => `• ${where ? t.inTarget(where) : ''}${agency.name}: ${tr(agency, 'offers', lang)}`),
    links: shown.map(({ agency }) => ({ label: agency.name, url: agency.url })),
  };
}

function uniqueLinks(links: Link[]): Link[] {
  const seen = new Set<string>();
  return links.filter((l) => (seen.has(l.url) ? false : (seen.add(l.url), true)));
}

function guideAnswer(req: AnswerRequest, g: Guide, research: Research, k: Knowledge, index: RetrievalIndex): ComposedAnswer {
  const t = answersMessages(req.lang);
  const lang = req.lang;
  const text = g[lang];
  const chosen = variantFor(g, req.home, req.targets);
  const lines: string[] = [`**${text.title}**${req.page > 0 ? ` ${t.more}` : ''}`, text.answer];
  const steps = [...text.steps, ...(chosen?.variant[lang].steps ?? [])];
  lines.push(`${t.steps}\n${steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}`);
  const where = chosen ? `${t.whereIn(countryName(chosen.country, lang))} ${chosen.variant[lang].where}` : `${t.where} ${text.where}`;
  lines.push(where);
  if (text.cost) lines.push(`${t.cost} ${text.cost}`);
  lines.push(`${t.mistakes}\n${text.mistakes.map((m) => `• ${m}`).join('\n')}`);

  // The research behind the guide, where it fits the question: its own barriers and SME-actionable solutions that
  // share words with the question, best match first.
  const rank = index.relevanceOf(req.question, lang, [...g.barriers, ...g.solutions]);
  const mine = forUser(k, req.home);
  const own = <T extends Barrier | Solution>(ids: string[], pick: (id: string) => T | undefined, ok: (x: T) => boolean) =>
    ids
      .map(pick)
      .filter((x): x is T => x !== undefined && ok(x) && (rank.get(x.id) ?? 0) >= FINDING_MIN_RELEVANCE)
      .sort((a, b) => (rank.get(b.id) ?? 0) - (rank.get(a.id) ?? 0));
  const barrier = own(g.barriers, (id) => k.barrierById.get(id), mine)[0];
  const solution = own(g.solutions, (id) => k.solutionById.get(id), (s) => mine(s) && smeActionable(s))[0];
  const findings = [barrier, solution].filter((x): x is Barrier | Solution => x !== undefined).slice(0, RESEARCH_UNDER_GUIDE);
  if (findings.length) lines.push(`${t.research}\n${findings.map((x) => `• ${findingText(k, x, req)} (${citationIn(k, x, lang)})`).join('\n')}`);

  const agencies = agencyLines(req, k, research, chosen?.variant.agencies ?? []);
  if (agencies.lines.length) lines.push(`${t.whoCanHelp}\n${agencies.lines.join('\n')}`);
  // The official pages: this country's first, then the general ones; three are enough to act on.
  const pages = uniqueLinks([...(chosen?.variant.sources ?? []), ...g.sources].map((l) => ({ label: l.title, url: l.url }))).slice(0, GUIDE_LINKS);
  const links = uniqueLinks([...pages, ...agencies.links]);
  const buttons: Button[] = [{ label: t.moreButton, action: { id: ANSWER_ACTIONS.more, value: String(req.page + 1) } }];
  if (barrier) buttons.push({ label: t.rootCauseButton, action: { id: WHYS_START, value: barrier.id } });
  return {
    // The topic stays visible (and searchable in a channel) beside the date the facts were checked.
    message: { text: lines.join('\n'), links, context: `${t.topics[g.topic]} · ${t.checked(formatDate(g.checked, lang))}`, buttons },
  };
}

/** No guide fits: say so honestly, give what the research has on it, and the body best placed to ask. */
function noGuideAnswer(req: AnswerRequest, research: Research, k: Knowledge): Message {
  const t = answersMessages(req.lang);
  const lang = req.lang;
  const lines = [`**${t.topics[req.topic]}**`, t.noGuide];
  const findings = [research.barriers[0]?.item, research.solutions[0]?.item].filter((x): x is Barrier | Solution => x !== undefined);
  if (findings.length) lines.push(`${t.research}\n${findings.map((x) => `• ${findingText(k, x, req)} (${citationIn(k, x, lang)})`).join('\n')}`);
  const agencies = agencyLines(req, k, research);
  if (agencies.lines.length) lines.push(`${t.askThem}\n${agencies.lines.join('\n')}`);
  const barrier = research.barriers[0]?.item;
  const buttons: Button[] = [{ label: t.moreButton, action: { id: ANSWER_ACTIONS.more, value: '1' } }];
  if (barrier) buttons.push({ label: t.rootCauseButton, action: { id: WHYS_START, value: barrier.id } });
  return { text: lines.join('\n'), links: agencies.links, buttons };
}

/** A page of "more" after the guides: further findings, what policy or a cluster can do, and more agencies. */
function researchPage(req: AnswerRequest, r: Research, page: number, k: Knowledge): Message | undefined {
  const t = answersMessages(req.lang);
  const lang = req.lang;
  const slice = <T>(xs: Scored<T>[], n: number) => xs.slice(page * n, page * n + n).map((x) => x.item);
  const barriers = slice(r.barriers, PAGE.barriers);
  const solutions = slice(r.solutions, PAGE.solutions);
  const policy = slice(r.policy, 2);
  const agencies = slice(r.agencies, PAGE.agencies);
  if (barriers.length + solutions.length + policy.length + agencies.length === 0) return undefined;
  const where = req.home ? inCountry(req.home, lang) : t.euWide;
  const lines: string[] = [`**${t.topics[req.topic]} ${t.more}**`];
  if (barriers.length) lines.push(`${t.blocks}\n${barriers.map((b) => `• ${findingText(k, b, req)}`).join('\n')}`);
  if (solutions.length) lines.push(`${t.helps}\n${solutions.map((s) => `• ${findingText(k, s, req)}`).join('\n')}`);
  if (policy.length) lines.push(`${t.policy}\n${policy.map((s) => `• ${findingText(k, s, req)}`).join('\n')}`);
  if (agencies.length) lines.push(`${t.whoCanHelpIn(where)}\n${agencies.map((a) => `• ${a.name}: ${tr(a, 'offers', lang)}`).join('\n')}`);
  const insight = r.insights[page]?.item;
  if (insight) lines.push(t.worthKnowing(tr(insight, 'title', lang), tr(insight, 'text', lang)));
  const cited = [...barriers, ...solutions, ...policy].slice(0, 3).map((x) => citationIn(k, x, lang));
  const hasMore =
    r.barriers.length > (page + 1) * PAGE.barriers || r.solutions.length > (page + 1) * PAGE.solutions || r.policy.length > (page + 1) * 2 || r.agencies.length > (page + 1) * PAGE.agencies;
  const buttons: Button[] = hasMore ? [{ label: t.moreButton, action: { id: ANSWER_ACTIONS.more, value: String(req.page + 1) } }] : [];
  const top = barriers[0];
  if (top) buttons.push({ label: t.rootCauseButton, action: { id: WHYS_START, value: top.id } });
  return {
    text: lines.join('\n'),
    links: agencies.map((a) => ({ label: a.name, url: a.url })),
    context: cited.length ? t.sources([...new Set(cited)].join('; ')) : undefined,
    buttons,
  };
}
