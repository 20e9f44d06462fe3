/**
 * The guided 5-Whys dialogue, as the GIVE focus group ran it: a problem statement, then up to five "Why?" questions,
 * each built on the last answer, ending in a root cause with the dataset's solutions and agencies for it.
 *
 * An explicit state machine: `step` is one of problem → why → summary; every transition is a pure, synchronous
 * function of (state, input), so the advisor can apply it atomically to the persisted session, and tests can walk it
 * without any platform. A state with another `version` than this code's is closed cleanly instead of misread.
 */
import { z } from 'zod';
import type { Reply, ReplyButton, ReplyLink } from '../core/types.js';
import { quoteUserText } from '../core/text.js';
import type { Knowledge } from '../knowledge/dataset.js';
import type { RetrievalIndex } from '../knowledge/retrieval.js';
import type { Agency, RootCause, Solution, Topic } from '../knowledge/schema.js';
import type { Lang } from '../nlu/text.js';

export const WHYS_VERSION = 1;
export const MAX_WHYS = 5;

export const WhysStateSchema = z.object({
  version: z.number().int(),
  id: z.string().min(1),
  step: z.enum(['problem', 'why', 'summary']),
  problem: z.string().optional(),
  /** A dataset barrier the analysis started from. */
  barrierId: z.string().optional(),
  chain: z.array(z.object({ answer: z.string(), rootCauseId: z.string().optional() })),
  /** Root causes offered as quick picks after the last answer, in button order. */
  picks: z.array(z.string()),
  startedAt: z.string(),
  updatedAt: z.string(),
  lang: z.enum(['en', 'de', 'sv']).default('en'),
});
export type WhysState = z.infer<typeof WhysStateSchema>;

/** A finished analysis as it is saved for "my analyses". */
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

export type WhysInput =
  | { kind: 'text'; text: string }
  | { kind: 'pick'; rootCauseId: string }
  | { kind: 'pick_number'; index: number }
  | { kind: 'back' }
  | { kind: 'restart' }
  | { kind: 'root_cause' };

export interface WhysContext {
  knowledge: Knowledge;
  retrieval: RetrievalIndex;
  /** Country for the agencies in the summary (profile or question). */
  country?: string;
  now: Date;
}

export interface WhysOutcome {
  state: WhysState;
  replies: Reply[];
}

/** Action ids of the dialogue's buttons; values carry the dialogue id so a stale or foreign button is recognised. */
export const WHYS_ACTIONS = {
  start: 'whys.start',
  pick: 'whys.pick',
  back: 'whys.back',
  restart: 'whys.restart',
  root: 'whys.root',
  stop: 'whys.stop',
  save: 'whys.save',
  export: 'whys.export',
  share: 'whys.share',
} as const;

/** Starts a dialogue; with a problem (typed, or a dataset barrier) it goes straight to the first "Why?". */
export function startWhys(opts: { id: string; problem?: string; barrierId?: string; lang: Lang; now: Date }, ctx: WhysContext): WhysOutcome {
  const at = opts.now.toISOString();
  const state: WhysState = {
    version: WHYS_VERSION,
    id: opts.id,
    step: opts.problem ? 'why' : 'problem',
    problem: opts.problem,
    barrierId: opts.barrierId,
    chain: [],
    picks: [],
    startedAt: at,
    updatedAt: at,
    lang: opts.lang,
  };
  if (!opts.problem) {
    return {
      state,
      replies: [
        {
          text:
            "Let's find the root cause together with the **5 Whys**, the method the GIVE focus group used in Sofia.\n" +
            'First, describe the problem in one sentence, e.g. _"We cannot find distributors in Germany"_.\n' +
            'You can type **stop** at any time.',
          buttons: [{ label: 'Stop', action: { id: WHYS_ACTIONS.stop, value: state.id } }],
        },
      ],
    };
  }
  return withPicks(state, opts.problem, ctx, 'Problem noted.');
}

/** One turn of the dialogue. */
export function whysTurn(state: WhysState, input: WhysInput, ctx: WhysContext): WhysOutcome {
  const next: WhysState = { ...state, chain: [...state.chain], updatedAt: ctx.now.toISOString() };
  switch (input.kind) {
    case 'restart':
      return startWhys({ id: state.id, lang: state.lang, now: ctx.now, barrierId: undefined }, ctx);
    case 'back': {
      if (next.step === 'summary' || next.chain.length > 0) {
        next.step = 'why';
        next.chain.pop();
        const last = next.chain.at(-1)?.answer ?? next.problem ?? '';
        return withPicks(next, last, ctx, 'Went back one step.');
      }
      if (next.step === 'why') {
        next.step = 'problem';
        next.problem = undefined;
        next.barrierId = undefined;
        next.picks = [];
        return { state: next, replies: [{ text: 'Went back. Describe the problem in one sentence.', buttons: controls(next) }] };
      }
      return { state: next, replies: [{ text: 'This is the first step; there is nothing to go back to. Describe the problem in one sentence, or type **stop**.', buttons: controls(next) }] };
    }
    case 'root_cause': {
      if (next.step === 'problem' || !next.problem) {
        return { state: next, replies: [{ text: 'First describe the problem in one sentence.', buttons: controls(next) }] };
      }
      if (next.chain.length === 0) {
        return { state: next, replies: [{ text: 'Answer at least one "Why?" first, so there is a cause to stop at.', buttons: controls(next) }] };
      }
      return finish(next, ctx);
    }
    case 'pick':
    case 'pick_number': {
      if (next.step !== 'why') return { state: next, replies: [{ text: 'There is nothing to pick at this step.', buttons: controls(next) }] };
      const id = input.kind === 'pick' ? input.rootCauseId : next.picks[input.index - 1];
      const rc = id && next.picks.includes(id) ? ctx.knowledge.rootCauseById.get(id) : undefined;
      if (!rc) {
        return {
          state: next,
          replies: [{ text: next.picks.length ? `Please pick a number between 1 and ${next.picks.length}, or type your own answer.` : 'There are no suggestions to pick at this step; type your answer.', buttons: controls(next) }],
        };
      }
      next.chain.push({ answer: rc.text, rootCauseId: rc.id });
      return afterAnswer(next, ctx);
    }
    case 'text': {
      const text = input.text.trim();
      if (next.step === 'problem') {
        next.problem = text;
        next.step = 'why';
        return withPicks(next, text, ctx, 'Problem noted.');
      }
      if (next.step === 'summary') {
        return { state: next, replies: [{ text: 'The analysis is finished. Type **save**, **export** or **share**, **back** to change the last answer, or ask me something new.', buttons: summaryButtons(next) }] };
      }
      next.chain.push({ answer: text });
      return afterAnswer(next, ctx);
    }
  }
}

function afterAnswer(state: WhysState, ctx: WhysContext): WhysOutcome {
  if (state.chain.length >= MAX_WHYS) return finish(state, ctx);
  return withPicks(state, state.chain.at(-1)!.answer, ctx, undefined);
}

/** Asks the next "Why?" about `last`, offering the closest known root causes as quick picks. */
function withPicks(state: WhysState, last: string, ctx: WhysContext, preface: string | undefined): WhysOutcome {
  const n = state.chain.length + 1;
  const used = new Set(state.chain.map((c) => c.rootCauseId).filter(Boolean));
  const picks = ctx.retrieval
    .closestRootCauses(`${state.problem ?? ''} ${last}`, state.lang, 6, state.barrierId)
    .map((s) => s.item)
    .filter((rc) => !used.has(rc.id))
    .slice(0, 3);
  state.picks = picks.map((p) => p.id);
  const lines = [
    preface,
    `**Why ${n} of ${MAX_WHYS}:** why is that the case: “${quoteUserText(last, 200)}”?`,
    picks.length
      ? `Type your own answer, or pick a cause other SMEs found:\n${picks.map((p, i) => `${i + 1}. ${p.text}`).join('\n')}`
      : 'Type your answer in a sentence.',
    n > 1 ? 'Type **root cause** if this is it, **back** to change your last answer, **restart** or **stop**.' : 'Type **back**, **restart** or **stop** at any time.',
  ].filter(Boolean);
  const buttons: ReplyButton[] = picks.map((p, i) => ({
    label: `${i + 1}. ${truncate(p.text, 60)}`,
    action: { id: WHYS_ACTIONS.pick, value: `${state.id}|${p.id}` },
  }));
  return { state, replies: [{ text: lines.join('\n'), buttons: [...buttons, ...controls(state)] }] };
}

function controls(state: WhysState): ReplyButton[] {
  const b: ReplyButton[] = [];
  if (state.step === 'why' && state.chain.length > 0) b.push({ label: "That's the root cause", action: { id: WHYS_ACTIONS.root, value: state.id }, style: 'primary' });
  if (state.step !== 'problem') b.push({ label: 'Back', action: { id: WHYS_ACTIONS.back, value: state.id } });
  b.push({ label: 'Restart', action: { id: WHYS_ACTIONS.restart, value: state.id } });
  b.push({ label: 'Stop', action: { id: WHYS_ACTIONS.stop, value: state.id }, style: 'danger' });
  return b;
}

function summaryButtons(state: WhysState): ReplyButton[] {
  return [
    { label: 'Save', action: { id: WHYS_ACTIONS.save, value: state.id }, style: 'primary' },
    { label: 'Export as Markdown', action: { id: WHYS_ACTIONS.export, value: state.id } },
    { label: 'Share to channel', action: { id: WHYS_ACTIONS.share, value: state.id } },
    { label: 'Back', action: { id: WHYS_ACTIONS.back, value: state.id } },
  ];
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The root cause, the solutions and the agencies the dataset holds for a finished chain. */
export function conclude(state: WhysState, ctx: WhysContext): Analysis {
  const last = state.chain.at(-1)!;
  const chainText = `${state.problem ?? ''} ${state.chain.map((c) => c.answer).join(' ')}`;
  // The root cause: the last answer. Its dataset match: the last picked root cause, else the closest by text.
  const pickedId = [...state.chain].reverse().find((c) => c.rootCauseId)?.rootCauseId;
  let rootCause: RootCause | undefined = pickedId ? ctx.knowledge.rootCauseById.get(pickedId) : undefined;
  if (!rootCause) rootCause = ctx.retrieval.closestRootCauses(`${last.answer} ${last.answer} ${chainText}`, state.lang, 1, state.barrierId)[0]?.item;
  const solutions: Solution[] = [];
  const add = (xs: Solution[]) => xs.forEach((s) => (solutions.some((x) => x.id === s.id) ? undefined : solutions.push(s)));
  if (rootCause) add(ctx.knowledge.solutionsFor({ rootCause: rootCause.id }));
  if (state.barrierId) add(ctx.knowledge.solutionsFor({ barrier: state.barrierId }));
  if (rootCause) for (const b of rootCause.barriers) add(ctx.knowledge.solutionsFor({ barrier: b }));
  if (solutions.length < 3) add(ctx.retrieval.search({ text: chainText, lang: state.lang, limit: 3 }).solutions.map((s) => s.item));
  const topics = new Set<Topic>([...solutions.flatMap((s) => s.topics), ...(rootCause ? ctx.retrieval.topicsOfRootCause(rootCause) : [])]);
  const agencies = pickAgencies(ctx, [...topics], chainText, state.lang);
  return {
    id: state.id,
    createdAt: ctx.now.toISOString(),
    problem: state.problem ?? '',
    chain: state.chain.map((c) => c.answer),
    rootCause: last.answer,
    rootCauseId: rootCause?.id,
    barrierId: state.barrierId,
    solutionIds: solutions.slice(0, 5).map((s) => s.id),
    agencyIds: agencies.map((a) => a.id),
    country: ctx.country,
  };
}

function pickAgencies(ctx: WhysContext, topics: Topic[], text: string, lang: Lang): Agency[] {
  const seen = new Map<string, { a: Agency; score: number }>();
  for (const topic of topics.slice(0, 3)) {
    for (const s of ctx.retrieval.search({ text, lang, topic, country: ctx.country, limit: 3 }).agencies) {
      const prior = seen.get(s.item.id);
      if (!prior || prior.score < s.score) seen.set(s.item.id, { a: s.item, score: s.score });
    }
  }
  return [...seen.values()].sort((a, b) => b.score - a.score).slice(0, 4).map((x) => x.a);
}

function finish(state: WhysState, ctx: WhysContext): WhysOutcome {
  state.step = 'summary';
  state.picks = [];
  const analysis = conclude(state, ctx);
  return { state, replies: [renderSummary(analysis, ctx.knowledge, summaryButtons(state))] };
}

/** The summary message: problem, the chain in the user's words, the root cause, solutions and agencies. */
export function renderSummary(a: Analysis, knowledge: Knowledge, buttons?: ReplyButton[]): Reply {
  const solutions = a.solutionIds.map((id) => knowledge.solutionById.get(id)).filter((s): s is Solution => Boolean(s));
  const agencies = a.agencyIds.map((id) => knowledge.data.agencies.find((x) => x.id === id)).filter((x): x is Agency => Boolean(x));
  const rc = a.rootCauseId ? knowledge.rootCauseById.get(a.rootCauseId) : undefined;
  const text = [
    '**Your 5-Whys analysis**',
    `**Problem:** ${quoteUserText(a.problem, 300)}`,
    ...a.chain.map((w, i) => `Why ${i + 1}: ${quoteUserText(w, 300)}`),
    `**Root cause:** ${quoteUserText(a.rootCause, 300)}`,
    rc ? `_Closest root cause in the focus-group data:_ ${rc.text}` : undefined,
    solutions.length ? `**What helps**\n${solutions.map((s) => `• ${s.text}${actorNote(s)}`).join('\n')}` : undefined,
    agencies.length ? `**Who can help${a.country ? ` (${countryName(a.country)} and EU-wide)` : ' (EU-wide)'}**\n${agencies.map((x) => `• ${x.name}: ${x.offers}`).join('\n')}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  const links: ReplyLink[] = agencies.map((x) => ({ label: x.name, url: x.url }));
  const cites = [...new Set([...(rc ? [knowledge.citation(rc.cite)] : []), ...solutions.slice(0, 2).map((s) => knowledge.citation(s.cite))])];
  return { text, links, context: `Sources: ${cites.join('; ')}`, buttons };
}

/** The analysis as a Markdown document (export). */
export function analysisMarkdown(a: Analysis, knowledge: Knowledge): string {
  const solutions = a.solutionIds.map((id) => knowledge.solutionById.get(id)).filter((s): s is Solution => Boolean(s));
  const agencies = a.agencyIds.map((id) => knowledge.data.agencies.find((x) => x.id === id)).filter((x): x is Agency => Boolean(x));
  const md = (s: string) => s.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1').replace(/\s+/g, ' ');
  return [
    `# 5-Whys analysis (${a.createdAt.slice(0, 10)})`,
    '',
    `**Problem:** ${md(a.problem)}`,
    '',
    ...a.chain.map((w, i) => `${i + 1}. Why? ${md(w)}`),
    '',
    `**Root cause:** ${md(a.rootCause)}`,
    '',
    '## What helps',
    ...solutions.map((s) => `- ${s.text} (source: ${knowledge.citation(s.cite)})`),
    '',
    '## Who can help',
    ...agencies.map((x) => `- [${x.name}](${x.url}): ${x.offers}`),
    '',
    '## Sources',
    ...[...new Set(solutions.map((s) => s.cite.source))].map((id) => `- ${knowledge.reference(id)}`),
    '',
  ].join('\n');
}

function actorNote(s: Solution): string {
  const names: Record<string, string> = { sme: 'your company', cluster: 'your cluster', government: 'government', consultant: 'a consultant' };
  return ` _(who acts: ${s.actors.map((a) => names[a]).join(', ')})_`;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** English country name for an ISO code (the code itself when unknown). */
export function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}
