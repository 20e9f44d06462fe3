/**
 * The guided 5-Whys dialogue, as the GIVE focus group ran it: a problem statement, then up to five "Why?" questions,
 * each built on the last answer, ending in a root cause with the dataset's solutions and agencies for it.
 *
 * An explicit state machine: `step` is one of problem → why → summary; every transition is a pure, synchronous
 * function of (state, input), so the advisor can apply it atomically to the persisted session, and tests can walk it
 * without any platform. A state with another `version` than this code's is closed cleanly instead of misread.
 */
import { z } from 'zod';
import type { Lang } from '../../common/lang.js';
import type { DialogContext } from '../../core/dialog.js';
import type { Button, Message } from '../../core/message.js';
import { quoteUserText } from '../../core/text.js';
import { tr } from '../../knowledge/localize.js';
import type { Agency, RootCause, Solution, Topic } from '../../knowledge/schema.js';
import type { Analysis } from '../../advisor/analyses/model.js';
import { renderSummary } from '../../advisor/analyses/model.js';
import { whysMessages } from './messages.js';

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
  /** The company's country when the analysis started (profile or question), for the agencies of the summary. */
  country: z.string().optional(),
});
export type WhysState = z.infer<typeof WhysStateSchema>;

export type WhysInput =
  | { kind: 'text'; text: string }
  | { kind: 'pick'; rootCauseId: string }
  | { kind: 'pick_number'; index: number }
  | { kind: 'back' }
  | { kind: 'restart' }
  | { kind: 'root_cause' };

export interface WhysOutcome {
  state: WhysState;
  replies: Message[];
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

export interface WhysStart {
  problem?: string;
  barrierId?: string;
  lang: Lang;
  country?: string;
}

/** Starts a dialogue; with a problem (typed, or a dataset barrier) it goes straight to the first "Why?". */
export function startWhys(opts: WhysStart & { id: string }, ctx: DialogContext): WhysOutcome {
  const at = ctx.now.toISOString();
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
    country: opts.country,
  };
  const t = whysMessages(state.lang);
  if (!opts.problem) return { state, replies: [{ text: t.intro, buttons: [{ label: t.buttons.stop, action: { id: WHYS_ACTIONS.stop, value: state.id } }] }] };
  return withPicks(state, opts.problem, ctx, t.problemNoted);
}
/** One turn of the dialogue. */
export function whysTurn(state: WhysState, input: WhysInput, ctx: DialogContext): WhysOutcome {
  // The dialogue speaks the language of this turn: a user who switches language mid-way is followed.
  const next: WhysState = { ...state, chain: [...state.chain], lang: ctx.lang, updatedAt: ctx.now.toISOString() };
  const t = whysMessages(next.lang);
  switch (input.kind) {
    case 'restart':
      return startWhys({ id: state.id, lang: next.lang, country: state.country }, ctx);
    case 'back': {
      if (next.step === 'summary' || next.chain.length > 0) {
        next.step = 'why';
        next.chain.pop();
        const last = next.chain.at(-1)?.answer ?? next.problem ?? '';
        return withPicks(next, last, ctx, t.wentBack);
      }
      if (next.step === 'why') {
        next.step = 'problem';
        next.problem = undefined;
        next.barrierId = undefined;
        next.picks = [];
        return { state: next, replies: [{ text: t.wentBackToProblem, buttons: controls(next) }] };
      }
      return { state: next, replies: [{ text: t.nothingToGoBack, buttons: controls(next) }] };
    }
    case 'root_cause': {
      if (next.step === 'problem' || !next.problem) {
        return { state: next, replies: [{ text: t.problemFirst, buttons: controls(next) }] };
      }
      if (next.chain.length === 0) {
        return { state: next, replies: [{ text: t.answerOneFirst, buttons: controls(next) }] };
      }
      return finish(next, ctx);
    }
    case 'pick':
    case 'pick_number': {
      if (next.step !== 'why') return { state: next, replies: [{ text: t.nothingToPick, buttons: controls(next) }] };
      const id = input.kind === 'pick' ? input.rootCauseId : next.picks[input.index - 1];
      const rc = id && next.picks.includes(id) ? ctx.ports.knowledge.rootCauseById.get(id) : undefined;
      if (!rc) {
        return {
          state: next,
          replies: [{ text: next.picks.length ? t.pickRange(next.picks.length) : t.noSuggestions, buttons: controls(next) }],
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
        return withPicks(next, text, ctx, t.problemNoted);
      }
      if (next.step === 'summary') {
        return { state: next, replies: [{ text: t.finished, buttons: summaryButtons(next) }] };
      }
      next.chain.push({ answer: text });
      return afterAnswer(next, ctx);
    }
  }
}

function afterAnswer(state: WhysState, ctx: DialogContext): WhysOutcome {
  if (state.chain.length >= MAX_WHYS) return finish(state, ctx);
  return withPicks(state, state.chain.at(-1)!.answer, ctx, undefined);
}

/** Asks the next "Why?" about `last`, offering the closest known root causes as quick picks. */
function withPicks(state: WhysState, last: string, ctx: DialogContext, preface: string | undefined): WhysOutcome {
  const t = whysMessages(state.lang);
  const n = state.chain.length + 1;
  const used = new Set(state.chain.map((c) => c.rootCauseId).filter(Boolean));
  const picks = ctx.ports.retrieval
    .closestRootCauses(`${state.problem ?? ''} ${last}`, state.lang, 6, state.barrierId)
    .map((s) => s.item)
    .filter((rc) => !used.has(rc.id))
    .slice(0, 3);
  state.picks = picks.map((p) => p.id);
  const lines = [
    preface,
    t.why(n, MAX_WHYS, quoteUserText(last, 200)),
    picks.length ? t.picks(picks.map((p, i) => `${i + 1}. ${tr(p, 'text', state.lang)}`).join('\n')) : t.typeAnswer,
    n > 1 ? t.navigationLater : t.navigationFirst,
  ].filter(Boolean);
  const buttons: Button[] = picks.map((p, i) => ({
    label: `${i + 1}. ${truncate(tr(p, 'text', state.lang), 60)}`,
    action: { id: WHYS_ACTIONS.pick, value: `${state.id}|${p.id}` },
  }));
  return { state, replies: [{ text: lines.join('\n'), buttons: [...buttons, ...controls(state)] }] };
}

/** The navigation buttons of a step (root cause, back, restart, stop). */
export function controls(state: WhysState): Button[] {
  const t = whysMessages(state.lang).buttons;
  const b: Button[] = [];
  if (state.step === 'why' && state.chain.length > 0) b.push({ label: t.root, action: { id: WHYS_ACTIONS.root, value: state.id }, style: 'primary' });
  if (state.step !== 'problem') b.push({ label: t.back, action: { id: WHYS_ACTIONS.back, value: state.id } });
  b.push({ label: t.restart, action: { id: WHYS_ACTIONS.restart, value: state.id } });
  b.push({ label: t.stop, action: { id: WHYS_ACTIONS.stop, value: state.id }, style: 'danger' });
  return b;
}

export function summaryButtons(state: WhysState): Button[] {
  const t = whysMessages(state.lang).buttons;
  return [
    { label: t.save, action: { id: WHYS_ACTIONS.save, value: state.id }, style: 'primary' },
    { label: t.export, action: { id: WHYS_ACTIONS.export, value: state.id } },
    { label: t.share, action: { id: WHYS_ACTIONS.share, value: state.id } },
    { label: t.back, action: { id: WHYS_ACTIONS.back, value: state.id } },
  ];
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The root cause, the solutions and the agencies the dataset holds for a finished chain. */
export function conclude(state: WhysState, ctx: DialogContext): Analysis {
  const last = state.chain.at(-1)!;
  const chainText = `${state.problem ?? ''} ${state.chain.map((c) => c.answer).join(' ')}`;
  // The root cause: the last answer. Its dataset match: the last picked root cause, else the closest by text.
  const pickedId = [...state.chain].reverse().find((c) => c.rootCauseId)?.rootCauseId;
  let rootCause: RootCause | undefined = pickedId ? ctx.ports.knowledge.rootCauseById.get(pickedId) : undefined;
  if (!rootCause) rootCause = ctx.ports.retrieval.closestRootCauses(`${last.answer} ${last.answer} ${chainText}`, state.lang, 1, state.barrierId)[0]?.item;
  const solutions: Solution[] = [];
  const add = (xs: Solution[]) => xs.forEach((s) => (solutions.some((x) => x.id === s.id) ? undefined : solutions.push(s)));
  if (rootCause) add(ctx.ports.knowledge.solutionsFor({ rootCause: rootCause.id }));
  if (state.barrierId) add(ctx.ports.knowledge.solutionsFor({ barrier: state.barrierId }));
  if (rootCause) for (const b of rootCause.barriers) add(ctx.ports.knowledge.solutionsFor({ barrier: b }));
  if (solutions.length < 3) add(ctx.ports.retrieval.search({ text: chainText, lang: state.lang, limit: 3 }).solutions.map((s) => s.item));
  const topics = new Set<Topic>([...solutions.flatMap((s) => s.topics), ...(rootCause ? ctx.ports.retrieval.topicsOfRootCause(rootCause) : [])]);
  const agencies = pickAgencies(ctx, state.country, [...topics], chainText, state.lang);
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
    country: state.country,
  };
}

function pickAgencies(ctx: DialogContext, country: string | undefined, topics: Topic[], text: string, lang: Lang): Agency[] {
  const seen = new Map<string, { a: Agency; score: number }>();
  for (const topic of topics.slice(0, 3)) {
    for (const s of ctx.ports.retrieval.search({ text, lang, topic, country, limit: 3 }).agencies) {
      const prior = seen.get(s.item.id);
      if (!prior || prior.score < s.score) seen.set(s.item.id, { a: s.item, score: s.score });
    }
  }
  return [...seen.values()].sort((a, b) => b.score - a.score).slice(0, 4).map((x) => x.a);
}

function finish(state: WhysState, ctx: DialogContext): WhysOutcome {
  state.step = 'summary';
  state.picks = [];
  const analysis = conclude(state, ctx);
  return { state, replies: [renderSummary(analysis, ctx.ports.knowledge, state.lang, summaryButtons(state))] };
}

