/**
 * Polls for cluster managers: single and multiple choice, and the GIVE focus group's dot voting with a most/least
 * important threshold. Created by typed command (every channel), by form (Slack modal, Teams card, web form) or from
 * a key area's barriers; voted by buttons or typed numbers; the poll message is updated in place about once a second;
 * closed by command, button or the scheduler; exported as CSV and a PNG chart.
 *
 * Exactly once: a vote and the poll's tally change in one atomic updateMany (a vote touches its own record and the
 * small tally, never a list of all votes), and a vote remembers the delivery ids it applied, so a redelivered press
 * changes nothing while a second deliberate press places a second dot. Anonymous by construction: a vote is keyed by
 * an HMAC of the poll and the voter under a secret (ADVISOR_VOTE_SECRET, else one kept in the store), and an anonymous
 * poll's vote stores no voter id at all.
 */
import crypto from 'node:crypto';
import type { Lang } from '../../common/lang.js';
import type { TurnContext } from '../../core/context.js';
import { userKeyOf } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import { sameConversation, type UserAddress } from '../../core/event.js';
import { command, defineFeature, wordsIn as words, type ActionInput } from '../../core/feature.js';
import type { Attachment, Message } from '../../core/message.js';
import type { JobContext, Ports } from '../../core/ports.js';
import { storedSecret } from '../../core/secrets.js';
import { quoteUserText } from '../../core/text.js';
import { tr } from '../../knowledge/localize.js';
import { listAll, type JsonValue } from '../../store/store.js';
import { userTimeZone } from '../profile/time-zone.js';
import { hasRole } from '../roles/model.js';
import { resultsChart, resultsCsv, votesCsv } from './export.js';
import { pollMessages as m } from './messages.js';
import {
  applyVote, conversationKey, emptyTally, latestPolls, MAX_OPTIONS, pollKey, polls, tallies, typedOptions, voteKey, votes, votesPrefix,
  type DotSet, type Poll, type PollKind, type Tally, type Vote, type VoteOp, type VoteRefusal, type VoteResult,
} from './model.js';
import { CREATE_FLAGS, DOT_FLAGS, makeDraft, POLL_ID, pollIdFrom, RawArgs, settingsOf, type DraftSettings, type PollDraft } from './parse.js';
import { closedCard, leastPanel, moment, pollCard, pollForm, q, resultsFor, yourVote } from './render.js';

const POLLS = 'polls';
/** The poll message is updated at most this often while votes come in. */
const RENDER_INTERVAL_MS = 1000;
/** A template poll holds a key area's barriers; the largest key area of the focus group has 11. */
const TEMPLATE_MAX_OPTIONS = 12;
const VOTER_SECRET_NAME = 'poll-voter-key';

const bad = (text: string) => new AdvisorError('BAD_INPUT', text);

// ── The voter's key ──────────────────────────────────────────────────────────────────────────────────────────────

const secretsByStore = new WeakMap<object, Promise<Buffer>>();
function voterSecret(ports: Pick<Ports, 'store' | 'settings'>): Promise<Buffer> {
  if (ports.settings.voteSecret) return Promise.resolve(Buffer.from(ports.settings.voteSecret, 'utf8'));
  let secret = secretsByStore.get(ports.store);
  if (!secret) {
    secret = storedSecret(ports.store, VOTER_SECRET_NAME, 'members of open anonymous polls could then vote again');
    secretsByStore.set(ports.store, secret);
    secret.catch(() => secretsByStore.delete(ports.store));
  }
  return secret;
}

/** The key of a member's vote in a poll: a keyed hash, so that the store holds no voter id in its keys either. */
async function voterKey(ports: Pick<Ports, 'store' | 'settings'>, pollId: string, userKey: string): Promise<string> {
  return crypto.createHmac('sha256', await voterSecret(ports)).update(`${pollId}\n${userKey}`).digest('base64url').slice(0, 32);
}

// ── Finding polls and who may act ───────────────────────────────────────────────────────────────────────────────

const hereOf = (ctx: TurnContext) => ({ channel: ctx.event.channel, team: ctx.event.team, conversation: ctx.event.conversation });

/** A poll of this conversation by id, or the conversation's latest; refuses (in the user's language) otherwise. */
async function pollHere(ctx: TurnContext, id: string | undefined): Promise<Poll> {
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

async function requireManager(ctx: TurnContext, poll?: Poll): Promise<void> {
  if (poll) {
    if (!(await mayManage(ctx, poll))) throw new AdvisorError('NOT_ALLOWED', m(ctx.lang).notAllowed);
    return;
  }
  if (await hasRole(ctx.ports, ctx.user, 'manager')) return;
  throw new AdvisorError('NOT_ALLOWED', m(ctx.lang).notManager(ctx.ports.settings.roles.owners.map((o) => quoteUserText(o, 60)).join(', ')));
}

const tallyOf = async (ports: Pick<Ports, 'store'>, poll: Poll): Promise<Tally> => (await tallies.get(ports.store, pollKey(poll.id))) ?? emptyTally(poll);

// ── Creating ────────────────────────────────────────────────────────────────────────────────────────────────────

async function draftEnv(ctx: TurnContext) {
  return { lang: ctx.lang, zone: await userTimeZone(ctx.ports, ctx.user), now: ctx.now };
}

/**
 * Saves the poll, posts its message to this conversation and schedules its closing and reminder. The id comes from
 * the delivery id when there is one, so a turn run again after a crash finds the poll it created and does not post
 * a second one.
 */
async function createPoll(ctx: TurnContext, draft: PollDraft, zone: string, template?: string): Promise<void> {
  await requireManager(ctx);
  const seed = ctx.event.id ? crypto.createHash('sha256').update(`poll\n${ctx.event.id}`).digest() : crypto.randomBytes(32);
  const id = pollIdFrom(seed);
  const existing = await polls.get(ctx.ports.store, pollKey(id));
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
  };
  const tally = emptyTally(poll);
  await ctx.ports.store.updateMany(
    [{ collection: polls.name, key: pollKey(id) }, { collection: tallies.name, key: pollKey(id) }],
    ([p, t]) => [p ?? polls.json(poll), t ?? tallies.json(tally)],
  );
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

async function scheduleDeadline(ports: Ports, poll: Poll): Promise<void> {
  if (!poll.closesAt) return;
  const closesAt = new Date(poll.closesAt);
  await ports.scheduler.schedule({ name: 'polls.close', key: `polls.close:${poll.id}`, runAt: closesAt, payload: { poll: poll.id } });
  if (poll.remindMinutes) {
    const at = new Date(closesAt.getTime() - poll.remindMinutes * 60_000);
    if (at.getTime() > ports.clock().getTime()) await ports.scheduler.schedule({ name: 'polls.remind', key: `polls.remind:${poll.id}`, runAt: at, payload: { poll: poll.id } });
    else await ports.scheduler.cancel(`polls.remind:${poll.id}`);
  }
}

async function deletePollRecords(ports: Ports, poll: Poll): Promise<void> {
  await votes.deleteByPrefix(ports.store, votesPrefix(poll.id));
  await ports.store.updateMany(
    [{ collection: polls.name, key: pollKey(poll.id) }, { collection: tallies.name, key: pollKey(poll.id) }],
    () => [undefined, undefined],
  );
  for (const job of ['close', 'remind', 'render']) await ports.scheduler.cancel(`polls.${job}:${poll.id}`);
  await latestPolls.update(ports.store, conversationKey(poll.address), (l) => (l?.poll === poll.id ? undefined : l));
}

async function createTyped(ctx: TurnContext, kind: PollKind, a: RawArgs): Promise<void> {
  if (kind === 'single' && a.args.length === 0 && Object.keys(a.flags).length === 0) return openForm(ctx);
  await requireManager(ctx);
  const env = await draftEnv(ctx);
  const [question = '', ...options] = a.args;
  await createPoll(ctx, makeDraft(kind, question, options, settingsOf(a.flags), env), env.zone);
}

async function openForm(ctx: TurnContext): Promise<void> {
  await requireManager(ctx);
  await ctx.say(pollForm(ctx.lang), { audience: 'private' });
}

/** The creation form's answers, as the typed command's settings. */
async function createFromForm(ctx: TurnContext, a: ActionInput): Promise<void> {
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

const fold = (s: string) => s.toLocaleLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** `poll template dots <key area>`: a dot vote over the focus group's barriers of that key area, in the user's language. */
async function createFromTemplate(ctx: TurnContext, a: RawArgs): Promise<void> {
  await requireManager(ctx);
  const t = m(ctx.lang);
  const areas = ctx.ports.knowledge.data.keyAreas;
  const typed = fold(a.args.join(' ').replace(/^(dots|punkte|prickar)\b/i, ''));
  const words = typed.split(' ').filter((w) => w.length >= 3);
  const scored = areas
    .map((area) => {
      const names = fold([area.id.replace(/-/g, ' '), area.name, area.i18n?.de?.name ?? '', area.i18n?.sv?.name ?? ''].join(' '));
      return { area, score: typed === fold(area.id) ? 100 : words.filter((w) => names.split(' ').some((n) => n.startsWith(w))).length };
    })
    .sort((x, y) => y.score - x.score);
  const best = scored[0];
  if (!best || best.score === 0 || scored[1]?.score === best.score) {
    throw bad(t.unknownArea(areas.map((x) => `_${q(tr(x, 'name', ctx.lang), 120)}_ (${x.id})`).join(', ')));
  }
  const area = best.area;
  const barriers = ctx.ports.knowledge.data.barriers.filter((b) => b.keyArea === area.id);
  const options = barriers.slice(0, TEMPLATE_MAX_OPTIONS).map((b) => tr(b, 'text', ctx.lang).slice(0, 150));
  const env = await draftEnv(ctx);
  const draft = makeDraft('dots', t.templateQuestion(tr(area, 'name', ctx.lang)), options, settingsOf(a.flags), { ...env, maxOptions: TEMPLATE_MAX_OPTIONS });
  await createPoll(ctx, draft, env.zone, area.id);
  if (barriers.length > TEMPLATE_MAX_OPTIONS) await ctx.say({ text: t.templateCut(TEMPLATE_MAX_OPTIONS) }, { audience: 'private' });
}

// ── Voting ──────────────────────────────────────────────────────────────────────────────────────────────────────

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
async function vote(ctx: TurnContext, poll: Poll, op: VoteOp, edition?: number): Promise<void> {
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

async function scheduleRender(ports: Ports, pollId: string, now: number): Promise<void> {
  await ports.scheduler.schedule({ name: 'polls.render', key: `polls.render:${pollId}`, runAt: new Date(now + RENDER_INTERVAL_MS), payload: { poll: pollId }, ifPending: 'keep' });
}

/** Updates the poll message(s) with the current tally; a failure leaves a render job to try again. */
async function renderPoll(ports: Ports, pollId: string, how: { claimed: boolean }): Promise<void> {
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
  }
}

/** A press on an option's button: `poll:option:edition:m|l`, checked against this conversation's polls. */
async function votePressed(ctx: TurnContext, a: ActionInput, kind: 'press' | 'take'): Promise<void> {
  const parsed = /^([a-z0-9]{4,12}):(\d{1,2}):(\d{1,6}):([ml])$/.exec(a.value);
  if (!parsed) throw bad(m(ctx.lang).forged);
  const poll = await polls.get(ctx.ports.store, pollKey(parsed[1]!));
  if (!poll || !sameConversation(poll.address, hereOf(ctx))) throw bad(m(ctx.lang).forged);
  const set: DotSet = parsed[4] === 'l' ? 'least' : 'most';
  await vote(ctx, poll, { kind, option: Number(parsed[2]), set }, Number(parsed[3]));
}

/** A poll named by a button's value (its id), in this conversation. */
async function pollOfButton(ctx: TurnContext, a: ActionInput): Promise<Poll> {
  if (!POLL_ID.test(a.value)) throw bad(m(ctx.lang).forged);
  const poll = await polls.get(ctx.ports.store, pollKey(a.value));
  if (!poll || !sameConversation(poll.address, hereOf(ctx))) throw bad(m(ctx.lang).forged);
  return poll;
}

const pollFlag = (a: RawArgs): string | undefined => (typeof a.flags.poll === 'string' ? a.flags.poll : undefined);

async function voteTyped(ctx: TurnContext, a: RawArgs): Promise<void> {
  const poll = await pollHere(ctx, pollFlag(a));
  const t = m(ctx.lang);
  if (poll.kind === 'dots') throw bad(t.useVote);
  const picked = typedOptions(a.args);
  if (!picked) throw bad(t.badOption(poll.options.length));
  if (picked.length === 0) throw bad(t.nothingTyped);
  // One number in a single-choice poll is a press (the same rules as the buttons); otherwise the list is the vote.
  await vote(ctx, poll, poll.kind === 'single' && picked.length === 1 ? { kind: 'press', option: picked[0]!, set: 'most' } : { kind: 'set', most: picked });
}

async function dotsTyped(ctx: TurnContext, a: RawArgs): Promise<void> {
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
const expand = (counts: readonly number[] | undefined): number[] => (counts ?? []).flatMap((n, i) => Array.from({ length: n }, () => i));

async function ownVote(ctx: TurnContext, poll: Poll): Promise<Vote | undefined> {
  return votes.get(ctx.ports.store, voteKey(poll.id, await voterKey(ctx.ports, poll.id, ctx.userKey)));
}

const idArg = (a: RawArgs): string | undefined => a.args[0] ?? pollFlag(a);

async function showMine(ctx: TurnContext, poll: Poll): Promise<void> {
  await ctx.say(yourVote(poll, await ownVote(ctx, poll), ctx.lang), { audience: 'private' });
}

// ── Results, closing, exporting, editing ────────────────────────────────────────────────────────────────────────

async function showResults(ctx: TurnContext, poll: Poll): Promise<void> {
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
  for (const job of ['close', 'remind', 'render']) if (!(by === 'schedule' && job === 'close')) await ports.scheduler.cancel(`polls.${job}:${poll.id}`);
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

async function closeCommand(ctx: TurnContext, poll: Poll): Promise<void> {
  await requireManager(ctx, poll);
  if (poll.closed) return void (await ctx.say({ text: m(ctx.lang).alreadyClosed }, { audience: 'private' }));
  await closePoll(ctx.ports, poll.id, 'command');
}

async function exportPoll(ctx: TurnContext, poll: Poll): Promise<void> {
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
    files.push(votesCsv(poll, rows.sort((x, y) => x.at.localeCompare(y.at)), ctx.lang));
  }
  files.push(await resultsChart(poll, tally, ctx.lang));
  const message: Message = { text: `**${t.exportTitle(q(poll.question))}**`, attachments: files };
  // Files reach a user in the direct conversation in every channel (a Slack private reply cannot carry them).
  const direct = await ctx.ports.messenger.direct(ctx.user);
  if (sameConversation(direct, hereOf(ctx))) return void (await ctx.say(message));
  await ctx.ports.messenger.post(direct, message);
  await ctx.say({ text: t.exportSent }, { audience: 'private' });
}

async function editPoll(ctx: TurnContext, a: RawArgs): Promise<void> {
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

async function extendPoll(ctx: TurnContext, a: RawArgs): Promise<void> {
  const poll = await pollHere(ctx, a.args[0]);
  await requireManager(ctx, poll);
  const t = m(ctx.lang);
  if (poll.closed) throw new AdvisorError('CLOSED', t.closed);
  const closes = typeof a.flags.closes === 'string' ? a.flags.closes : undefined;
  if (!closes) throw bad(`${t.badTime('', poll.timeZone)}`);
  // The same rules as at creation (a time in the future, at most a year away; a reminder still before it).
  const draft = makeDraft('single', poll.question, ['a', 'b'], { closes, remind: poll.remindMinutes ? `${poll.remindMinutes}m` : undefined }, await draftEnv(ctx)).closesAt!;
  const at = draft.toISOString();
  const updated = await polls.update(ctx.ports.store, pollKey(poll.id), (p) => (p && !p.closed ? { ...p, closesAt: at } : p));
  await tallies.update(ctx.ports.store, pollKey(poll.id), (x) => (x && !x.closedAt ? { ...x, closesAt: at } : x));
  if (updated) await scheduleDeadline(ctx.ports, updated);
  await renderPoll(ctx.ports, poll.id, { claimed: false });
  await ctx.say({ text: t.extended(moment(poll, draft, ctx.lang)) }, { audience: 'private' });
}

async function cancelPoll(ctx: TurnContext, poll: Poll): Promise<void> {
  await requireManager(ctx, poll);
  await deletePollRecords(ctx.ports, poll);
  for (const ref of poll.messages) await ctx.ports.messenger.delete(ref).catch((err: unknown) => ctx.ports.log.warn({ err: { message: (err as Error).message } }, 'could not delete a poll message'));
  await ctx.say({ text: m(ctx.lang).cancelled(q(poll.question)) }, { audience: 'private' });
}

// ── Jobs ────────────────────────────────────────────────────────────────────────────────────────────────────────

const pollIdOf = (payload: JsonValue): string | undefined =>
  payload !== null && typeof payload === 'object' && !Array.isArray(payload) && typeof payload.poll === 'string' && POLL_ID.test(payload.poll) ? payload.poll : undefined;

async function closeDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const id = pollIdOf(payload);
  if (!id) return;
  const poll = await polls.get(ports.store, pollKey(id));
  // Extended meanwhile: the job for the new time is scheduled under the same key; this run was for the old time.
  if (!poll || (poll.closesAt && Date.parse(poll.closesAt) > ports.clock().getTime())) return;
  await closePoll(ports, id, 'schedule');
}

async function remindDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const id = pollIdOf(payload);
  const poll = id ? await polls.get(ports.store, pollKey(id)) : undefined;
  if (!poll || poll.closed || !poll.closesAt) return;
  const tally = await tallyOf(ports, poll);
  await ports.messenger.post(poll.address, { text: m(poll.lang).reminder(q(poll.question), moment(poll, poll.closesAt, poll.lang), tally.voters) });
}

async function renderDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const id = pollIdOf(payload);
  if (id) await renderPoll(ports, id, { claimed: false });
}

// ── Forget me ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Withdraws the user's votes from open polls (the tally follows) and deletes them from closed ones (whose results
 * stand as announced); polls they created stay, without their name.
 */
async function forgetVoter(user: UserAddress, ports: Ports, lang: Lang): Promise<string | undefined> {
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

// ── The feature ─────────────────────────────────────────────────────────────────────────────────────────────────

const usage = (key: keyof ReturnType<typeof m>['usage']) => (lang: Lang) => m(lang).usage[key];
const VOTE_FLAGS = { poll: 'value' } as const;
const withPoll =
  (run: (ctx: TurnContext, poll: Poll) => Promise<void>) =>
  async (ctx: TurnContext, a: RawArgs): Promise<void> =>
    run(ctx, await pollHere(ctx, idArg(a)));
const withButtonPoll =
  (run: (ctx: TurnContext, poll: Poll) => Promise<void>) =>
  async (ctx: TurnContext, a: ActionInput): Promise<void> =>
    run(ctx, await pollOfButton(ctx, a));

export const pollsFeature = defineFeature({
  id: POLLS,
  collections: [polls, tallies, votes, latestPolls],
  commands: [
    command(POLLS, { id: 'polls.create', words: words(['poll', 'new poll', 'create poll'], ['umfrage', 'neue umfrage', 'umfrage anlegen'], ['omröstning', 'ny omröstning', 'skapa omröstning']), args: RawArgs, flags: CREATE_FLAGS, usage: usage('create'), run: (ctx, a) => createTyped(ctx, 'single', a) }),
    command(POLLS, { id: 'polls.dots', words: words(['poll dots', 'dot vote', 'dot poll'], ['umfrage punkte', 'punktabfrage'], ['omröstning prickar', 'prickröstning']), args: RawArgs, flags: DOT_FLAGS, usage: usage('dots'), run: (ctx, a) => createTyped(ctx, 'dots', a) }),
    command(POLLS, { id: 'polls.template', words: words(['poll template', 'poll template dots'], ['umfrage vorlage', 'umfrage vorlage punkte'], ['omröstning mall', 'omröstning mall prickar']), args: RawArgs, flags: DOT_FLAGS, usage: usage('template'), run: createFromTemplate }),
    command(POLLS, { id: 'polls.results', words: words(['poll results', 'poll result'], ['umfrage ergebnisse', 'umfrage ergebnis'], ['omröstning resultat']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(showResults) }),
    command(POLLS, { id: 'polls.close', words: words(['poll close', 'close poll'], ['umfrage schließen', 'umfrage beenden'], ['omröstning stäng', 'stäng omröstning']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(closeCommand) }),
    command(POLLS, { id: 'polls.export', words: words(['poll export', 'export poll'], ['umfrage exportieren'], ['omröstning exportera', 'exportera omröstning']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(exportPoll) }),
    command(POLLS, { id: 'polls.edit', words: words(['poll edit', 'edit poll'], ['umfrage bearbeiten', 'umfrage ändern'], ['omröstning ändra', 'ändra omröstning']), args: RawArgs, usage: usage('edit'), run: editPoll }),
    command(POLLS, { id: 'polls.extend', words: words(['poll extend', 'extend poll'], ['umfrage verlängern'], ['omröstning förläng', 'förläng omröstning']), args: RawArgs, flags: { closes: 'value' }, usage: usage('extend'), run: extendPoll }),
    command(POLLS, { id: 'polls.cancel', words: words(['poll cancel', 'cancel poll', 'poll delete', 'delete poll'], ['umfrage löschen', 'umfrage abbrechen'], ['omröstning radera', 'omröstning avbryt', 'radera omröstning']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(cancelPoll) }),
    command(POLLS, { id: 'polls.vote', words: words(['vote'], ['abstimmen', 'stimme'], ['rösta']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('vote'), run: voteTyped }),
    command(POLLS, { id: 'polls.place', words: words(['dots'], ['punkte'], ['prickar']), args: RawArgs, flags: { ...VOTE_FLAGS, least: 'boolean' }, usage: usage('place'), run: dotsTyped }),
    command(POLLS, {
      id: 'polls.withdraw',
      words: words(['withdraw', 'withdraw vote', 'withdraw my vote'], ['stimme zurückziehen', 'zurückziehen'], ['ta tillbaka röst', 'ta tillbaka min röst']),
      args: RawArgs,
      flags: VOTE_FLAGS,
      usage: usage('ref'),
      run: withPoll((ctx, poll) => vote(ctx, poll, { kind: 'withdraw' })),
    }),
    command(POLLS, { id: 'polls.mine', words: words(['my vote', 'my dots'], ['meine stimme', 'meine punkte'], ['min röst', 'mina prickar']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(showMine) }),
  ],
  intents: { create_poll: (ctx) => openForm(ctx) },
  actions: {
    create: createFromForm,
    vote: (ctx, a) => votePressed(ctx, a, 'press'),
    take: (ctx, a) => votePressed(ctx, a, 'take'),
    least: withButtonPoll(async (ctx, poll) => void (await ctx.say(leastPanel(poll, await ownVote(ctx, poll), ctx.lang), { audience: 'private' }))),
    mine: withButtonPoll(showMine),
    withdraw: withButtonPoll((ctx, poll) => vote(ctx, poll, { kind: 'withdraw' })),
    results: withButtonPoll(showResults),
    close: withButtonPoll(closeCommand),
    export: withButtonPoll(exportPoll),
  },
  jobs: { close: closeDue, remind: remindDue, render: renderDue },
  forget: forgetVoter,
  help: (lang) => m(lang).help,
});
