/** Results, closing (by command, button and scheduler), export, edit, extend, cancel, the jobs and forget me. */
import type { Lang } from '../../common/lang.js';
import type { TurnContext } from '../../core/context.js';
import { userKeyOf } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import { sameConversation, type UserAddress } from '../../core/event.js';
import type { Attachment, Message } from '../../core/message.js';
import type { JobContext, Ports } from '../../core/ports.js';
import { listAll, type JsonValue } from '../../store/store.js';
import { resultsChart, resultsCsv, votesCsv } from './export.js';
import { pollMessages as m } from './messages.js';
import { applyVote, jobKey, MAX_OPTIONS, POLL_JOBS, pollKey, polls, tallies, voteKey, votes, votesPrefix, type Poll, type Vote } from './model.js';
import { closingOf, makeDraft, POLL_ID, type RawArgs } from './parse.js';
import { closedCard, moment, q, resultsFor } from './render.js';
import { bad, hereOf, pollHere, requireManager, tallyOf, voterKey } from './access.js';
import { deletePollRecords, draftEnv, scheduleDeadline, TEMPLATE_MAX_OPTIONS } from './create.js';
import { renderPoll, scheduleRender } from './voting.js';

export async function showResults(ctx: TurnContext, poll: Poll): Promise<void> {
  const t = m(ctx.lang);
  const tally = await tallyOf(ctx.ports, poll);
  const closed = Boolean(poll.closed ?? tally.closedAt);
  if (poll.results === 'creator' && poll.creator?.key !== ctx.userKey) return void (await ctx.say({ text: t.resultsCreatorOnly }, { audience: 'private' }));
  if (poll.results === 'hidden' && !closed) return void (await ctx.say({ text: t.resultsHidden(tally.voters) }, { audience: 'private' }));
  await ctx.say(resultsFor(poll, tally, ctx.lang), { audience: 'private' });
}

/**
 * Closes a poll once, whoever asks (a command, the button, the scheduler, two of them at once): the tally refuses
 * votes from then on; the poll message shows the results; the results with their chart are posted once (to the
 * creator only in creator mode). Returns the poll, or undefined when it no longer exists.
 */
export async function closePoll(ports: Ports, pollId: string, by: 'command' | 'schedule'): Promise<Poll | undefined> {
  const at = ports.clock().toISOString();
  await tallies.update(ports.store, pollKey(pollId), (t) => (t && !t.closedAt ? { ...t, closedAt: at } : t));
  const poll = await polls.update(ports.store, pollKey(pollId), (p) => (p && !p.closed ? { ...p, closed: { at, by, announced: false } } : p));
  if (!poll?.closed || poll.closed.announced) return poll;
  // The closing job that runs this is not cancelled: the scheduler ends it.
  for (const job of POLL_JOBS) if (!(by === 'schedule' && job === 'close')) await ports.scheduler.cancel(jobKey(job, poll.id));
  const tally = await tallyOf(ports, poll);
  const withResults = poll.results !== 'creator';
  for (const ref of poll.messages) {
    await ports.messenger.update(ref, closedCard(poll, tally, { withResults })).catch((err: unknown) => ports.log.warn({ err: { message: (err as Error).message } }, 'could not update a closed poll message'));
  }
  const chart = await resultsChart(poll, tally, poll.lang);
  if (withResults) await ports.messenger.post(poll.address, { ...closedCard(poll, tally, { withResults }), attachments: [chart] });
  else {
    await ports.messenger.post(poll.address, closedCard(poll, tally, { withResults }));
    if (poll.creator) {
      const creator: UserAddress = { channel: poll.address.channel, team: poll.address.team, user: poll.creator.user };
      await ports.messenger.post(await ports.messenger.direct(creator), { ...closedCard(poll, tally, { withResults: true }), attachments: [chart] });
    }
  }
  return polls.update(ports.store, pollKey(pollId), (p) => (p?.closed ? { ...p, closed: { ...p.closed, announced: true } } : p));
}

export async function closeCommand(ctx: TurnContext, poll: Poll): Promise<void> {
  await requireManager(ctx, poll);
  if (poll.closed) return void (await ctx.say({ text: m(ctx.lang).alreadyClosed }, { audience: 'private' }));
  await closePoll(ctx.ports, poll.id, 'command');
}

export async function exportPoll(ctx: TurnContext, poll: Poll): Promise<void> {
  await requireManager(ctx, poll);
  const t = m(ctx.lang);
  const tally = await tallyOf(ctx.ports, poll);
  const files: Attachment[] = [resultsCsv(poll, tally, ctx.lang)];
  if (!poll.anonymous) {
    const rows: Vote[] = [];
    for await (const r of listAll(ctx.ports.store, votes.name, votesPrefix(poll.id))) {
      const v = votes.parse(r.value);
      if (v) rows.push(v);
    }
    files.push(votesCsv(poll, rows.sort((x, y) => x.at.localeCompare(y.at) || (x.user ?? '').localeCompare(y.user ?? '')), ctx.lang));
  }
  files.push(await resultsChart(poll, tally, ctx.lang));
  const message: Message = { text: `**${t.exportTitle(q(poll.question))}**`, attachments: files };
  // Files reach a user in the direct conversation in every channel (a Slack private reply cannot carry them).
  const direct = await ctx.ports.messenger.direct(ctx.user);
  if (sameConversation(direct, hereOf(ctx))) return void (await ctx.say(message));
  await ctx.ports.messenger.post(direct, message);
  await ctx.say({ text: t.exportSent }, { audience: 'private' });
}

export async function editPoll(ctx: TurnContext, a: RawArgs): Promise<void> {
  const first = a.args[0];
  const named = first !== undefined && POLL_ID.test(first) && (await polls.get(ctx.ports.store, pollKey(first))) !== undefined;
  const poll = await pollHere(ctx, named ? first : undefined);
  await requireManager(ctx, poll);
  const t = m(ctx.lang);
  const [question, ...options] = named ? a.args.slice(1) : a.args;
  if (!question) throw bad(t.editNeedsWording);
  if (poll.closed) throw new AdvisorError('CLOSED', t.closed);
  const draft = makeDraft(poll.kind === 'multi' ? 'single' : poll.kind, question, options, {}, { ...(await draftEnv(ctx)), maxOptions: poll.template ? TEMPLATE_MAX_OPTIONS : MAX_OPTIONS });
  let refused = false;
  const edition = poll.edition + 1;
  await ctx.ports.store.updateMany(
    [{ collection: polls.name, key: pollKey(poll.id) }, { collection: tallies.name, key: pollKey(poll.id) }],
    ([rawPoll, rawTally]) => {
      const p = polls.parse(rawPoll);
      const tally = tallies.parse(rawTally);
      if (!p || !tally || tally.changes > 0 || tally.closedAt) {
        refused = true;
        return [rawPoll, rawTally];
      }
      const zeros = draft.options.map(() => 0);
      return [polls.json({ ...p, question: draft.question, options: draft.options, edition }), tallies.json({ ...tally, most: zeros, least: p.least ? [...zeros] : [], edition })];
    },
  );
  if (refused) throw new AdvisorError('CONFLICT', t.editAfterVote);
  await renderPoll(ctx.ports, poll.id, { claimed: false });
  await ctx.say({ text: t.edited }, { audience: 'private' });
}

export async function extendPoll(ctx: TurnContext, a: RawArgs): Promise<void> {
  const poll = await pollHere(ctx, a.args[0]);
  await requireManager(ctx, poll);
  const t = m(ctx.lang);
  if (poll.closed) throw new AdvisorError('CLOSED', t.closed);
  const closes = typeof a.flags.closes === 'string' ? a.flags.closes : undefined;
  if (!closes) throw bad(t.extendNeedsTime);
  // The same rules as at creation: a time in the future, at most a year away, and a reminder still before it.
  const draft = closingOf({ closes, remind: poll.remindMinutes ? `${poll.remindMinutes}m` : undefined }, await draftEnv(ctx)).closesAt!;
  const at = draft.toISOString();
  const updated = await polls.update(ctx.ports.store, pollKey(poll.id), (p) => (p && !p.closed ? { ...p, closesAt: at } : p));
  await tallies.update(ctx.ports.store, pollKey(poll.id), (x) => (x && !x.closedAt ? { ...x, closesAt: at } : x));
  if (updated) await scheduleDeadline(ctx.ports, updated);
  await renderPoll(ctx.ports, poll.id, { claimed: false });
  await ctx.say({ text: t.extended(moment(poll, draft, ctx.lang)) }, { audience: 'private' });
}

export async function cancelPoll(ctx: TurnContext, poll: Poll): Promise<void> {
  await requireManager(ctx, poll);
  await deletePollRecords(ctx.ports, poll);
  for (const ref of poll.messages) await ctx.ports.messenger.delete(ref).catch((err: unknown) => ctx.ports.log.warn({ err: { message: (err as Error).message } }, 'could not delete a poll message'));
  await ctx.say({ text: m(ctx.lang).cancelled(q(poll.question)) }, { audience: 'private' });
}

const pollIdOf = (payload: JsonValue): string | undefined =>
  payload !== null && typeof payload === 'object' && !Array.isArray(payload) && typeof payload.poll === 'string' && POLL_ID.test(payload.poll) ? payload.poll : undefined;

export async function closeDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const id = pollIdOf(payload);
  if (!id) return;
  const poll = await polls.get(ports.store, pollKey(id));
  // Extended meanwhile: the job for the new time is scheduled under the same key; this run was for the old time.
  if (!poll || (poll.closesAt && Date.parse(poll.closesAt) > ports.clock().getTime())) return;
  await closePoll(ports, id, 'schedule');
}

export async function remindDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const id = pollIdOf(payload);
  const poll = id ? await polls.get(ports.store, pollKey(id)) : undefined;
  if (!poll || poll.closed || !poll.closesAt) return;
  const tally = await tallyOf(ports, poll);
  await ports.messenger.post(poll.address, { text: m(poll.lang).reminder(q(poll.question), moment(poll, poll.closesAt, poll.lang), tally.voters) });
}

export async function renderDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const id = pollIdOf(payload);
  if (id) await renderPoll(ports, id, { claimed: false });
}

/**
 * Withdraws the user's votes from open polls (the tally follows) and deletes them from closed ones (whose results
 * stand as announced); polls they created stay, without their name.
 */
export async function forgetVoter(user: UserAddress, ports: Ports, lang: Lang): Promise<string | undefined> {
  const userKey = userKeyOf(user);
  let n = 0;
  for await (const r of listAll(ports.store, polls.name, '')) {
    const poll = polls.parse(r.value);
    if (!poll) continue;
    const key = voteKey(poll.id, await voterKey(ports, poll.id, userKey));
    let had = false;
    await ports.store.updateMany(
      [{ collection: votes.name, key }, { collection: tallies.name, key: pollKey(poll.id) }],
      ([rawVote, rawTally]) => {
        const current = votes.parse(rawVote);
        const tally = tallies.parse(rawTally);
        had = current !== undefined;
        if (!current || !tally || tally.closedAt) return [undefined, rawTally];
        const result = applyVote(poll, { ...tally, closesAt: undefined }, current, { kind: 'withdraw' }, { now: ports.clock() });
        return [undefined, result.ok ? tallies.json({ ...result.tally, closesAt: tally.closesAt, changes: tally.changes }) : rawTally];
      },
    );
    if (had) n++;
    if (poll.creator?.key === userKey) await polls.update(ports.store, r.key, (p) => (p ? { ...p, creator: undefined } : p));
    if (had && !poll.closed) await scheduleRender(ports, poll.id, ports.clock().getTime());
  }
  return n ? m(lang).forgot(n) : undefined;
}
