/**
 * Polls, pure: the records, what a press or a typed vote does to a member's vote and the poll's tally, and the
 * results (with the focus group's most/least-important threshold). No I/O here: the feature applies these inside one
 * atomic store update of the vote and the tally, so that a vote costs O(options) whatever the number of earlier votes.
 */
import { z } from 'zod';
import { LANGS } from '../../common/lang.js';
import { CHANNELS, MessageRefSchema } from '../../core/event.js';
import { defineCollection } from '../../store/collections.js';
import { ownedKey, ownerPrefix, recordKey } from '../../store/store.js';

export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;
export const MAX_QUESTION = 300;
export const MAX_OPTION = 150;
export const DEFAULT_DOTS = 3;
export const MAX_DOTS = 20;
/** The GIVE focus group's cut: barriers with 5 or more dots were "most important". */
export const DEFAULT_THRESHOLD = 5;
/** Redeliveries of the same request are recognised by these many last event ids per vote. */
const REMEMBERED_EVENTS = 8;

export const POLL_KINDS = ['single', 'multi', 'dots'] as const;
export type PollKind = (typeof POLL_KINDS)[number];
export const RESULT_MODES = ['live', 'hidden', 'creator'] as const;
export type ResultMode = (typeof RESULT_MODES)[number];
/** The two sets of dots of a dot vote: most important, and (with --least) least important. */
export type DotSet = 'most' | 'least';

const Address = z.object({ channel: z.enum(CHANNELS), team: z.string().optional(), conversation: z.string().min(1), thread: z.string().optional() });

const PollSchema = z.object({
  v: z.literal(1),
  id: z.string().regex(/^[a-z0-9]{4,12}$/),
  kind: z.enum(POLL_KINDS),
  question: z.string().min(1).max(MAX_QUESTION),
  options: z.array(z.string().min(1).max(MAX_OPTION)).min(MIN_OPTIONS).max(MAX_OPTIONS),
  anonymous: z.boolean(),
  results: z.enum(RESULT_MODES),
  /** Dots per member and set (dot votes only). */
  dots: z.number().int().min(1).max(MAX_DOTS).optional(),
  least: z.boolean().optional(),
  threshold: z.number().int().min(1).max(100_000).optional(),
  closesAt: z.iso.datetime().optional(),
  /** Minutes before the closing time at which the conversation is reminded. */
  remindMinutes: z.number().int().min(1).optional(),
  /** The creator's time zone, in which the closing time is written where a channel cannot show each reader's own. */
  timeZone: z.string().max(64),
  /** The language of the poll message: the creator's. */
  lang: z.enum(LANGS),
  /** The creator's user key (absent once they asked to be forgotten) and platform id. */
  creator: z.object({ key: z.string(), user: z.string() }).optional(),
  address: Address,
  createdAt: z.iso.datetime(),
  /** The key area a template poll was made from. */
  template: z.string().optional(),
  /** Bumped by `poll edit`: a button of the poll's earlier wording no longer counts. */
  edition: z.number().int().min(1),
  /** The delivery that created it, so that a re-run of that turn finds it (and no other turn's poll). */
  origin: z.string().max(300).optional(),
  /** The poll message(s), updated in place as votes come in. */
  messages: z.array(MessageRefSchema).max(5),
  closed: z.object({ at: z.iso.datetime(), by: z.enum(['command', 'schedule']), announced: z.boolean() }).optional(),
});
export type Poll = z.infer<typeof PollSchema>;

const TallySchema = z.object({
  /** Members whose vote holds at least one choice or dot. */
  voters: z.number().int().min(0),
  most: z.array(z.number().int().min(0)),
  least: z.array(z.number().int().min(0)),
  /** Presses and typed votes that changed something: `poll edit` is allowed only before the first. */
  changes: z.number().int().min(0),
  edition: z.number().int().min(1),
  /** Set when the poll closed: every vote after it is refused (checked in the same atomic update as the vote). */
  closedAt: z.iso.datetime().optional(),
  /** The closing time, copied here so that a vote after it is refused even before the closing job has run. */
  closesAt: z.iso.datetime().optional(),
  /** When the poll message was last updated (ms), so that a burst of votes updates it about once a second. */
  renderedAt: z.number().optional(),
  /** A render job is scheduled: later votes of the burst need not schedule one again. */
  renderDue: z.boolean().optional(),
});
export type Tally = z.infer<typeof TallySchema>;

const VoteSchema = z.object({
  /** Per option: 0/1 in single and multiple choice, the dots placed in a dot vote. */
  most: z.array(z.number().int().min(0)),
  least: z.array(z.number().int().min(0)),
  /** The voter's platform id, in named polls only: an anonymous poll's vote carries none. */
  user: z.string().optional(),
  at: z.iso.datetime(),
  /** The last delivery ids applied, so that a redelivered press is not applied twice. */
  events: z.array(z.string()).max(REMEMBERED_EVENTS),
});
export type Vote = z.infer<typeof VoteSchema>;

/** Which poll is the latest in a conversation (for commands without an id). */
const LatestSchema = z.object({ poll: z.string(), at: z.iso.datetime() });

/** One record per poll, a few small files. */
export const polls = defineCollection('polls', PollSchema, { split: 'hash', buckets: 16 });
export const tallies = defineCollection('poll_tallies', TallySchema, { split: 'hash', buckets: 16 });
/**
 * One record per member and poll, spread by hash over many small files: a vote rewrites one small file, never a file
 * holding all of a poll's votes.
 */
export const votes = defineCollection('poll_votes', VoteSchema, { split: 'hash', buckets: 256 });
export const latestPolls = defineCollection('poll_latest', LatestSchema, { split: 'hash', buckets: 16 });

export const pollKey = (id: string): string => recordKey(id);
/** The poll's scheduled jobs: closing, the reminder before it, and the coalesced update of its message. */
export const POLL_JOBS = ['close', 'remind', 'render'] as const;
export type PollJob = (typeof POLL_JOBS)[number];
/** One pending job of each kind per poll. */
export const jobKey = (job: PollJob, pollId: string): string => `polls.${job}:${pollId}`;
export const voteKey = (pollId: string, voter: string): string => ownedKey(recordKey(pollId), voter);
export const votesPrefix = (pollId: string): string => ownerPrefix(recordKey(pollId));
export const conversationKey = (a: { channel: string; team?: string; conversation: string }): string => recordKey(a.channel, a.team ?? '-', a.conversation);

export function emptyTally(poll: Pick<Poll, 'options' | 'least' | 'edition' | 'closesAt'>): Tally {
  const zeros = poll.options.map(() => 0);
  return { voters: 0, most: zeros, least: poll.least ? [...zeros] : [], changes: 0, edition: poll.edition, ...(poll.closesAt ? { closesAt: poll.closesAt } : {}) };
}

/** What a member did. Option numbers are 0-based here; the feature turns the typed 1-based ones into these. */
export type VoteOp =
  | { kind: 'press'; option: number; set: DotSet }
  | { kind: 'take'; option: number; set: DotSet }
  | { kind: 'set'; most: number[]; least?: number[] }
  | { kind: 'withdraw' };

/** What came of it, for the reply. */
type VoteOutcome =
  | 'chosen' | 'moved' | 'same' | 'added' | 'removed' | 'placed' | 'taken' | 'set' | 'withdrawn'
  | 'budget' | 'nothing_to_take' | 'nothing_to_withdraw' | 'repeated';

export type VoteRefusal = 'closed' | 'unknown' | 'outdated' | 'option' | 'too_many' | 'not_dots' | 'no_least';

export type VoteResult =
  | { ok: true; outcome: VoteOutcome; vote: Vote | undefined; tally: Tally; changed: boolean }
  | { ok: false; refusal: VoteRefusal };

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const hasAny = (v: Pick<Vote, 'most' | 'least'> | undefined): boolean => v !== undefined && sum(v.most) + sum(v.least) > 0;

/** Dots per member and set. */
export const budgetOf = (poll: Pick<Poll, 'dots'>): number => poll.dots ?? DEFAULT_DOTS;

/**
 * Applies one member's action to their vote and the poll's tally. `event` is the delivery id (undefined when the
 * channel gives none): a delivery already applied changes nothing. Pure.
 */
export function applyVote(
  poll: Poll,
  tally: Tally | undefined,
  current: Vote | undefined,
  op: VoteOp,
  at: { now: Date; event?: string; edition?: number; user?: string },
): VoteResult {
  if (!tally) return { ok: false, refusal: 'unknown' };
  if (tally.closedAt || (tally.closesAt && at.now.getTime() >= Date.parse(tally.closesAt))) return { ok: false, refusal: 'closed' };
  if (at.edition !== undefined && at.edition !== tally.edition) return { ok: false, refusal: 'outdated' };
  if (at.event !== undefined && current?.events.includes(at.event)) return { ok: true, outcome: 'repeated', vote: current, tally, changed: false };
  const n = poll.options.length;
  const zeros = (): number[] => Array.from({ length: n }, () => 0);
  const before = { most: current?.most.length === n ? current.most : zeros(), least: current?.least.length === n ? current.least : zeros() };
  let most = [...before.most];
  let least = [...before.least];
  const budget = budgetOf(poll);
  let outcome: VoteOutcome;

  const inRange = (i: number): boolean => Number.isInteger(i) && i >= 0 && i < n;
  switch (op.kind) {
    case 'press': {
      if (!inRange(op.option)) return { ok: false, refusal: 'option' };
      if (op.set === 'least' && (poll.kind !== 'dots' || !poll.least)) return { ok: false, refusal: 'no_least' };
      if (poll.kind === 'single') {
        outcome = most[op.option] === 1 ? 'same' : sum(most) > 0 ? 'moved' : 'chosen';
        most = zeros();
        most[op.option] = 1;
      } else if (poll.kind === 'multi') {
        outcome = most[op.option] === 1 ? 'removed' : 'added';
        most[op.option] = most[op.option] === 1 ? 0 : 1;
      } else {
        const set = op.set === 'least' ? least : most;
        if (sum(set) >= budget) outcome = 'budget';
        else {
          set[op.option] = set[op.option]! + 1;
          outcome = 'placed';
        }
      }
      break;
    }
    case 'take': {
      if (!inRange(op.option)) return { ok: false, refusal: 'option' };
      if (poll.kind !== 'dots') return { ok: false, refusal: 'not_dots' };
      if (op.set === 'least' && !poll.least) return { ok: false, refusal: 'no_least' };
      const set = op.set === 'least' ? least : most;
      if (set[op.option]! === 0) outcome = 'nothing_to_take';
      else {
        set[op.option] = set[op.option]! - 1;
        outcome = 'taken';
      }
      break;
    }
    case 'set': {
      const count = (picked: number[]): number[] | VoteRefusal => {
        const out = zeros();
        for (const i of picked) {
          if (!inRange(i)) return 'option';
          out[i] = out[i]! + 1;
        }
        if (poll.kind !== 'dots' && out.some((x) => x > 1)) return poll.kind === 'single' ? 'too_many' : 'option';
        if (poll.kind === 'single' && picked.length > 1) return 'too_many';
        if (poll.kind === 'dots' && picked.length > budget) return 'too_many';
        return out;
      };
      const m = count(op.most);
      if (typeof m === 'string') return { ok: false, refusal: m };
      most = m;
      if (op.least !== undefined) {
        if (poll.kind !== 'dots' || !poll.least) return { ok: false, refusal: 'no_least' };
        const l = count(op.least);
        if (typeof l === 'string') return { ok: false, refusal: l };
        least = l;
      }
      outcome = 'set';
      break;
    }
    case 'withdraw':
      outcome = hasAny(current) ? 'withdrawn' : 'nothing_to_withdraw';
      most = zeros();
      least = zeros();
      break;
  }

  const changed = most.some((x, i) => x !== before.most[i]) || least.some((x, i) => x !== before.least[i]);
  if (!changed) return { ok: true, outcome, vote: current, tally, changed: false };
  const next = { most, least };
  const events = at.event !== undefined ? [...(current?.events ?? []), at.event].slice(-REMEMBERED_EVENTS) : (current?.events ?? []);
  const vote: Vote | undefined = hasAny(next) ? { most, least, ...(at.user !== undefined ? { user: at.user } : {}), at: at.now.toISOString(), events } : undefined;
  const nextTally: Tally = {
    ...tally,
    voters: tally.voters - (hasAny(current) ? 1 : 0) + (vote ? 1 : 0),
    most: tally.most.map((x, i) => x - before.most[i]! + most[i]!),
    least: poll.least ? tally.least.map((x, i) => x - before.least[i]! + least[i]!) : tally.least,
    changes: tally.changes + 1,
  };
  return { ok: true, outcome, vote, tally: nextTally, changed: true };
}

/** One option's result. */
export interface OptionResult {
  index: number;
  label: string;
  count: number;
  /** Share in percent: of the voters in a choice poll (multiple choice adds up to more than 100), of all dots in a dot vote. */
  percent: number;
}

export interface Results {
  voters: number;
  most: OptionResult[];
  least: OptionResult[];
  /** Dot votes: options at or above the threshold, most dots first. */
  mostImportant: OptionResult[];
  leastImportant: OptionResult[];
}

export function resultsOf(poll: Poll, tally: Tally): Results {
  const rows = (counts: readonly number[]): OptionResult[] => {
    const of = poll.kind === 'dots' ? sum(counts) : tally.voters;
    return poll.options.map((label, index) => {
      const count = counts[index] ?? 0;
      return { index, label, count, percent: of > 0 ? Math.round((count / of) * 100) : 0 };
    });
  };
  const most = rows(tally.most);
  const least = poll.least ? rows(tally.least) : [];
  const threshold = poll.threshold ?? DEFAULT_THRESHOLD;
  const above = (r: OptionResult[]) => r.filter((x) => x.count >= threshold).sort((a, b) => b.count - a.count || a.index - b.index);
  return { voters: tally.voters, most, least, mostImportant: poll.kind === 'dots' ? above(most) : [], leastImportant: poll.kind === 'dots' ? above(least) : [] };
}

/** Options of a typed vote: "2", "1 3", "1,1,3" (1-based) → 0-based indices; undefined when a part is no number. */
export function typedOptions(args: readonly string[]): number[] | undefined {
  const parts = args.flatMap((a) => a.split(/[,;\s]+/)).filter(Boolean);
  if (parts.some((p) => !/^#?\d{1,3}$/.test(p))) return undefined;
  return parts.map((p) => Number(p.replace('#', '')) - 1);
}
