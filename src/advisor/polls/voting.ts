/** Voting: presses and typed votes applied once, the member's private view, and the coalesced poll message updates. */
import type { Lang } from '../../common/lang.js';
import type { TurnContext } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import { sameConversation } from '../../core/event.js';
import type { ActionInput } from '../../core/feature.js';
import type { Ports } from '../../core/ports.js';
import { pollMessages as m } from './messages.js';
import { applyVote, jobKey, pollKey, polls, tallies, typedOptions, voteKey, votes, type DotSet, type Poll, type VoteOp, type VoteRefusal, type VoteResult } from './model.js';
import type { RawArgs } from './parse.js';
import { closedCard, pollCard, q, yourVote } from './render.js';
import { bad, hereOf, ownVote, pollFlag, pollHere, voterKey } from './access.js';

/** The poll message is updated at most this often while votes come in. */
const RENDER_INTERVAL_MS = 1000;

function refusalText(r: VoteRefusal, poll: Poll, lang: Lang): string {
  const t = m(lang);
  switch (r) {
    case 'closed':
      return t.closed;
    case 'unknown':
      return t.unknownPoll(poll.id);
    case 'outdated':
      return t.outdated;
    case 'option':
      return t.badOption(poll.options.length);
    case 'too_many':
      return poll.kind === 'dots' ? t.tooManyDots(poll.dots ?? 3) : t.tooManySingle;
    case 'not_dots':
      return t.notDots;
    case 'no_least':
      return t.noLeast;
  }
}

function outcomeText(result: Extract<VoteResult, { ok: true }>, poll: Poll, op: VoteOp, lang: Lang): string {
  const o = m(lang).outcome;
  const label = 'option' in op ? q(poll.options[op.option] ?? '', 150) : '';
  switch (result.outcome) {
    case 'chosen':
      return o.chosen(label);
    case 'moved':
      return o.moved(label);
    case 'same':
      return o.same(label);
    case 'added':
      return o.added(label);
    case 'removed':
      return o.removed(label);
    case 'placed':
      return o.placed(label);
    case 'taken':
      return o.taken(label);
    case 'set':
      return o.set;
    case 'withdrawn':
      return o.withdrawn;
    case 'budget':
      return o.budget(poll.dots ?? 3, 'set' in op && op.set === 'least');
    case 'nothing_to_take':
      return o.nothingToTake(label);
    case 'nothing_to_withdraw':
      return o.nothingToWithdraw;
    case 'repeated':
      return o.repeated;
  }
}

/**
 * Applies a member's vote: the vote and the tally in one atomic update, which also claims the right to update the
 * poll message now when it was last updated more than a second ago (else a render job is scheduled once). The reply
 * is private.
 */
export async function vote(ctx: TurnContext, poll: Poll, op: VoteOp, edition?: number): Promise<void> {
  const key = voteKey(poll.id, await voterKey(ctx.ports, poll.id, ctx.userKey));
  let result = { ok: false, refusal: 'unknown' } as VoteResult;
  let render = 'no' as 'now' | 'later' | 'no';
  const now = ctx.now.getTime();
  await ctx.ports.store.updateMany(
    [{ collection: votes.name, key }, { collection: tallies.name, key: pollKey(poll.id) }],
    ([rawVote, rawTally]) => {
      const current = votes.parse(rawVote);
      const tally = tallies.parse(rawTally);
      result = applyVote(poll, tally, current, op, { now: ctx.now, event: ctx.event.id, edition, ...(poll.anonymous ? {} : { user: ctx.user.user }) });
      if (!result.ok || !result.changed) return [rawVote, rawTally];
      let next = result.tally;
      if (next.renderedAt === undefined || now - next.renderedAt >= RENDER_INTERVAL_MS) {
        render = 'now';
        next = { ...next, renderedAt: now };
      } else if (!next.renderDue) {
        render = 'later';
        next = { ...next, renderDue: true };
      }
      return [result.vote ? votes.json(result.vote) : undefined, tallies.json(next)];
    },
  );
  const r = result as VoteResult;
  if (!r.ok) throw new AdvisorError(r.refusal === 'closed' ? 'CLOSED' : 'BAD_INPUT', refusalText(r.refusal, poll, ctx.lang));
  await ctx.say(yourVote(poll, r.vote, ctx.lang, outcomeText(r, poll, op, ctx.lang)), { audience: 'private' });
  if (render === 'now') await renderPoll(ctx.ports, poll.id, { claimed: true });
  else if (render === 'later') await scheduleRender(ctx.ports, poll.id, now);
}

export async function scheduleRender(ports: Ports, pollId: string, now: number): Promise<void> {
  await ports.scheduler.schedule({ name: 'polls.render', key: jobKey('render', pollId), runAt: new Date(now + RENDER_INTERVAL_MS), payload: { poll: pollId }, ifPending: 'keep' });
}

/** Updates the poll message(s) with the current tally; a failure leaves a render job to try again. */
export async function renderPoll(ports: Ports, pollId: string, how: { claimed: boolean }): Promise<void> {
  const now = ports.clock().getTime();
  const tally = how.claimed ? await tallies.get(ports.store, pollKey(pollId)) : await tallies.update(ports.store, pollKey(pollId), (t) => {
        if (!t) return t;
        const { renderDue: _done, ...rest } = t;
        return { ...rest, renderedAt: now };
      });
  const poll = await polls.get(ports.store, pollKey(pollId));
  if (!poll || !tally) return;
  const message = poll.closed ? closedCard(poll, tally, { withResults: poll.results !== 'creator' }) : pollCard(poll, tally);
  try {
    for (const ref of poll.messages) await ports.messenger.update(ref, message);
  } catch (err) {
    ports.log.warn({ err: { message: (err as Error).message } }, 'could not update a poll message; trying again shortly');
    if (how.claimed) await scheduleRender(ports, pollId, now);
    else throw err;
    return;
  }
  // Votes that came in meanwhile, or a render of an older tally that reached the platform after this one (two
  // instances render concurrently): render again shortly, so the message ends on the final tally.
  const after = await tallies.get(ports.store, pollKey(pollId));
  if (after && !poll.closed && after.changes !== tally.changes) await scheduleRender(ports, pollId, now);
}

/** A press on an option's button: `poll:option:edition:m|l`, checked against this conversation's polls. */
export async function votePressed(ctx: TurnContext, a: ActionInput, kind: 'press' | 'take'): Promise<void> {
  const parsed = /^([a-z0-9]{4,12}):(\d{1,2}):(\d{1,6}):([ml])$/.exec(a.value);
  if (!parsed) throw bad(m(ctx.lang).forged);
  const poll = await polls.get(ctx.ports.store, pollKey(parsed[1]!));
  if (!poll || !sameConversation(poll.address, hereOf(ctx))) throw bad(m(ctx.lang).forged);
  const set: DotSet = parsed[4] === 'l' ? 'least' : 'most';
  await vote(ctx, poll, { kind, option: Number(parsed[2]), set }, Number(parsed[3]));
}

export async function voteTyped(ctx: TurnContext, a: RawArgs): Promise<void> {
  const poll = await pollHere(ctx, pollFlag(a));
  const t = m(ctx.lang);
  if (poll.kind === 'dots') throw bad(t.useVote);
  const picked = typedOptions(a.args);
  if (!picked) throw bad(t.badOption(poll.options.length));
  if (picked.length === 0) throw bad(t.nothingTyped);
  // One number in a single-choice poll is a press (the same rules as the buttons); otherwise the list is the vote.
  await vote(ctx, poll, poll.kind === 'single' && picked.length === 1 ? { kind: 'press', option: picked[0]!, set: 'most' } : { kind: 'set', most: picked });
}

export async function dotsTyped(ctx: TurnContext, a: RawArgs): Promise<void> {
  const poll = await pollHere(ctx, pollFlag(a));
  const t = m(ctx.lang);
  if (poll.kind !== 'dots') throw bad(t.notDots);
  const picked = typedOptions(a.args);
  if (!picked) throw bad(t.badOption(poll.options.length));
  if (picked.length === 0) return void (await ctx.say(yourVote(poll, await ownVote(ctx, poll), ctx.lang), { audience: 'private' }));
  const current = await ownVote(ctx, poll);
  const least = a.flags.least === true;
  await vote(ctx, poll, least ? { kind: 'set', most: expand(current?.most), least: picked } : { kind: 'set', most: picked, ...(current && poll.least ? { least: expand(current.least) } : {}) });
}

/** Counts per option back into a list of option indices (the other set of a dot vote, kept as it was). */
export const expand = (counts: readonly number[] | undefined): number[] => (counts ?? []).flatMap((n, i) => Array.from({ length: n }, () => i));

export async function showMine(ctx: TurnContext, poll: Poll): Promise<void> {
  await ctx.say(yourVote(poll, await ownVote(ctx, poll), ctx.lang), { audience: 'private' });
}
