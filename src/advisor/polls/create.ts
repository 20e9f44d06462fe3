/** Creating polls: by typed command, by form, or from a key area's focus-group barriers. */
import { isDeepStrictEqual } from 'node:util';
import type { TurnContext } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import type { ActionInput } from '../../core/feature.js';
import type { Ports } from '../../core/ports.js';
import { shortIdFor } from '../../common/short-id.js';
import { keyAreaNamed, votingBarriers } from '../../knowledge/key-areas.js';
import { tr } from '../../knowledge/localize.js';
import { userTimeZone } from '../profile/time-zone.js';
import { pollMessages as m } from './messages.js';
import { conversationKey, emptyTally, jobKey, POLL_JOBS, latestPolls, pollKey, polls, tallies, votes, votesPrefix, type Poll, type PollKind } from './model.js';
import { makeDraft, settingsOf, type DraftSettings, type PollDraft, type RawArgs } from './parse.js';
import { pollCard, pollForm, q } from './render.js';
import { bad, requireManager } from './access.js';

/** A template poll holds a key area's barriers; the largest key area of the focus group has 11. */
export const TEMPLATE_MAX_OPTIONS = 12;

/** What a draft is checked against: the reply language, the creator's time zone, and now. */
export async function draftEnv(ctx: TurnContext): Promise<{ lang: TurnContext['lang']; zone: string; now: Date }> {
  return { lang: ctx.lang, zone: await userTimeZone(ctx.ports, ctx.user), now: ctx.now };
}

/**
 * Saves the poll, posts its message to this conversation and schedules its closing and reminder. The id comes from
 * the delivery id when there is one, so a turn run again after a crash finds the poll it created and does not post
 * a second one.
 */
async function createPoll(ctx: TurnContext, draft: PollDraft, zone: string, template?: string): Promise<void> {
  await requireManager(ctx);
  const origin = ctx.event.id;
  // The first free id, or the one this very delivery took on an earlier run; another poll's id is never reused.
  let existing: Poll | undefined;
  const found = await shortIdFor('poll', origin, async (candidate) => {
    existing = await polls.get(ctx.ports.store, pollKey(candidate));
    return !existing ? 'free' : origin !== undefined && existing.origin === origin ? 'mine' : 'other';
  });
  if (!found) throw new AdvisorError('UNAVAILABLE', m(ctx.lang).couldNotPost);
  const id = found.id;
  if (!found.mine) existing = undefined;
  if (existing?.messages.length) return void (await ctx.say({ text: m(ctx.lang).created(existing.id) }, { audience: 'private' }));
  const poll: Poll = existing ?? {
    v: 1,
    id,
    kind: draft.kind,
    question: draft.question,
    options: draft.options,
    anonymous: draft.anonymous,
    results: draft.results,
    ...(draft.kind === 'dots' ? { dots: draft.dots, least: draft.least, threshold: draft.threshold } : {}),
    ...(draft.closesAt ? { closesAt: draft.closesAt.toISOString() } : {}),
    ...(draft.remindMinutes ? { remindMinutes: draft.remindMinutes } : {}),
    timeZone: zone,
    lang: ctx.lang,
    creator: { key: ctx.userKey, user: ctx.user.user },
    address: ctx.address,
    createdAt: ctx.now.toISOString(),
    ...(template ? { template } : {}),
    edition: 1,
    messages: [],
    ...(origin ? { origin } : {}),
  };
  const tally = emptyTally(poll);
  const [stored] = await ctx.ports.store.updateMany(
    [{ collection: polls.name, key: pollKey(id) }, { collection: tallies.name, key: pollKey(id) }],
    // Another turn may have taken the id meanwhile: then its poll stays, and this one is refused.
    ([p, t]) => [p ?? polls.json(poll), p ? t : tallies.json(tally)],
  );
  if (!isDeepStrictEqual(polls.parse(stored), poll)) throw new AdvisorError('CONFLICT', m(ctx.lang).couldNotPost);
  let posted;
  try {
    posted = await ctx.ports.messenger.post(ctx.address, pollCard(poll, tally));
  } catch (err) {
    ctx.ports.log.warn({ err: { message: (err as Error).message }, channel: ctx.event.channel }, 'could not post a poll');
    await deletePollRecords(ctx.ports, poll);
    throw new AdvisorError('UNAVAILABLE', m(ctx.lang).couldNotPost);
  }
  if (posted) await polls.update(ctx.ports.store, pollKey(id), (p) => (p ? { ...p, messages: [...p.messages, posted].slice(-5) } : p));
  await latestPolls.put(ctx.ports.store, conversationKey(poll.address), { poll: id, at: ctx.now.toISOString() });
  await scheduleDeadline(ctx.ports, poll);
  await ctx.say({ text: m(ctx.lang).created(id) }, { audience: 'private' });
}

export async function scheduleDeadline(ports: Ports, poll: Poll): Promise<void> {
  if (!poll.closesAt) return;
  const closesAt = new Date(poll.closesAt);
  await ports.scheduler.schedule({ name: 'polls.close', key: jobKey('close', poll.id), runAt: closesAt, payload: { poll: poll.id } });
  if (poll.remindMinutes) {
    const at = new Date(closesAt.getTime() - poll.remindMinutes * 60_000);
    if (at.getTime() > ports.clock().getTime()) await ports.scheduler.schedule({ name: 'polls.remind', key: jobKey('remind', poll.id), runAt: at, payload: { poll: poll.id } });
    else await ports.scheduler.cancel(jobKey('remind', poll.id));
  }
}

export async function deletePollRecords(ports: Ports, poll: Poll): Promise<void> {
  await votes.deleteByPrefix(ports.store, votesPrefix(poll.id));
  await ports.store.updateMany(
    [{ collection: polls.name, key: pollKey(poll.id) }, { collection: tallies.name, key: pollKey(poll.id) }],
    () => [undefined, undefined],
  );
  for (const job of POLL_JOBS) await ports.scheduler.cancel(jobKey(job, poll.id));
  await latestPolls.update(ports.store, conversationKey(poll.address), (l) => (l?.poll === poll.id ? undefined : l));
}

export async function createTyped(ctx: TurnContext, kind: PollKind, a: RawArgs): Promise<void> {
  if (kind === 'single' && a.args.length === 0 && Object.keys(a.flags).length === 0) return openForm(ctx);
  await requireManager(ctx);
  const env = await draftEnv(ctx);
  const [question = '', ...options] = a.args;
  await createPoll(ctx, makeDraft(kind, question, options, settingsOf(a.flags), env), env.zone);
}

export async function openForm(ctx: TurnContext): Promise<void> {
  await requireManager(ctx);
  await ctx.say(pollForm(ctx.lang), { audience: 'private' });
}

/** The creation form's answers, as the typed command's settings. */
export async function createFromForm(ctx: TurnContext, a: ActionInput): Promise<void> {
  await requireManager(ctx);
  const f = a.fields ?? {};
  const one = (k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string).trim() || undefined : undefined);
  const kindField = one('kind');
  const kind: PollKind = kindField === 'multi' ? 'multi' : kindField === 'dots' ? 'dots' : 'single';
  const options = (one('options') ?? '').split(/\r?\n/).map((o) => o.replace(/^\s*(?:[-•*]|\d+[.)])\s*/, '').trim()).filter(Boolean);
  const settings: DraftSettings = {
    anonymous: one('anonymous') === 'yes',
    results: one('results'),
    closes: one('closes'),
    remind: one('remind'),
    ...(kind === 'dots' ? { dots: one('dots'), threshold: one('threshold'), least: one('least') === 'yes' } : {}),
  };
  const env = await draftEnv(ctx);
  await createPoll(ctx, makeDraft(kind === 'multi' ? 'single' : kind, one('question') ?? '', options, { ...settings, multi: kind === 'multi' }, env), env.zone);
}

/** `poll template dots <key area>`: a dot vote over the focus group's barriers of that key area, in the user's language. */
export async function createFromTemplate(ctx: TurnContext, a: RawArgs): Promise<void> {
  await requireManager(ctx);
  const t = m(ctx.lang);
  const k = ctx.ports.knowledge;
  const area = keyAreaNamed(k, a.args.join(' ').replace(/^(dots|punkte|prickar)\b/i, ''));
  if (!area) throw bad(t.unknownArea(k.data.keyAreas.map((x) => `_${q(tr(x, 'name', ctx.lang), 120)}_ (${x.id})`).join(', ')));
  const barriers = votingBarriers(k, area.id);
  const options = barriers.slice(0, TEMPLATE_MAX_OPTIONS).map((b) => tr(b, 'text', ctx.lang).slice(0, 150));
  const env = await draftEnv(ctx);
  const draft = makeDraft('dots', t.templateQuestion(tr(area, 'name', ctx.lang)), options, settingsOf(a.flags), { ...env, maxOptions: TEMPLATE_MAX_OPTIONS });
  await createPoll(ctx, draft, env.zone, area.id);
  if (barriers.length > TEMPLATE_MAX_OPTIONS) await ctx.say({ text: t.templateCut(TEMPLATE_MAX_OPTIONS) }, { audience: 'private' });
}
