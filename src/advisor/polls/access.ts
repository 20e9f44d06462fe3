/** Polls: the voter's keyed hash, finding a poll of this conversation, and who may act on it. */
import type { TurnContext } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import { sameConversation } from '../../core/event.js';
import type { ActionInput } from '../../core/feature.js';
import type { Ports } from '../../core/ports.js';
import { keyedId } from '../../core/secrets.js';
import { quoteUserText } from '../../core/text.js';
import { hasRole } from '../roles/model.js';
import { pollMessages as m } from './messages.js';
import { conversationKey, emptyTally, latestPolls, pollKey, polls, tallies, voteKey, votes, type Poll, type Tally, type Vote } from './model.js';
import { POLL_ID, type RawArgs } from './parse.js';

export const bad = (text: string) => new AdvisorError('BAD_INPUT', text);

/** The key of a member's vote in a poll: a keyed hash, so that the store holds no voter id in its keys either. */
export const voterKey = (ports: Pick<Ports, 'store' | 'settings'>, pollId: string, userKey: string): Promise<string> => keyedId(ports, pollId, userKey);

export const hereOf = (ctx: TurnContext) => ({ channel: ctx.event.channel, team: ctx.event.team, conversation: ctx.event.conversation });

/** A poll of this conversation by id, or the conversation's latest; refuses (in the user's language) otherwise. */
export async function pollHere(ctx: TurnContext, id: string | undefined): Promise<Poll> {
  const t = m(ctx.lang);
  const pollId = id ?? (await latestPolls.get(ctx.ports.store, conversationKey(hereOf(ctx))))?.poll;
  if (!pollId) throw new AdvisorError('NOT_FOUND', t.noPollHere);
  const poll = POLL_ID.test(pollId) ? await polls.get(ctx.ports.store, pollKey(pollId)) : undefined;
  if (!poll || !sameConversation(poll.address, hereOf(ctx))) throw new AdvisorError('NOT_FOUND', id ? t.unknownPoll(quoteUserText(id, 20)) : t.noPollHere);
  return poll;
}

async function mayManage(ctx: TurnContext, poll: Poll): Promise<boolean> {
  return poll.creator?.key === ctx.userKey || (await hasRole(ctx.ports, ctx.user, 'manager'));
}

export async function requireManager(ctx: TurnContext, poll?: Poll): Promise<void> {
  if (poll) {
    if (!(await mayManage(ctx, poll))) throw new AdvisorError('NOT_ALLOWED', m(ctx.lang).notAllowed);
    return;
  }
  if (await hasRole(ctx.ports, ctx.user, 'manager')) return;
  throw new AdvisorError('NOT_ALLOWED', m(ctx.lang).notManager(ctx.ports.settings.roles.owners.map((o) => quoteUserText(o, 60)).join(', ')));
}

export const tallyOf = async (ports: Pick<Ports, 'store'>, poll: Poll): Promise<Tally> => (await tallies.get(ports.store, pollKey(poll.id))) ?? emptyTally(poll);

/** A poll named by a button's value (its id), in this conversation. */
export async function pollOfButton(ctx: TurnContext, a: ActionInput): Promise<Poll> {
  if (!POLL_ID.test(a.value)) throw bad(m(ctx.lang).forged);
  const poll = await polls.get(ctx.ports.store, pollKey(a.value));
  if (!poll || !sameConversation(poll.address, hereOf(ctx))) throw bad(m(ctx.lang).forged);
  return poll;
}

export const pollFlag = (a: RawArgs): string | undefined => (typeof a.flags.poll === 'string' ? a.flags.poll : undefined);

export async function ownVote(ctx: TurnContext, poll: Poll): Promise<Vote | undefined> {
  return votes.get(ctx.ports.store, voteKey(poll.id, await voterKey(ctx.ports, poll.id, ctx.userKey)));
}

export const idArg = (a: RawArgs): string | undefined => a.args[0] ?? pollFlag(a);
