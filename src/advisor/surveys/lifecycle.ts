/**
 * A survey's life after its draft: opening (roster and questions frozen, invitations sent by a job), reminders in
 * each participant's working hours, the facilitator's live status, closing (by command or at the deadline), extend,
 * cancel, another round, archive.
 *
 * Exactly once where it matters: an invitation and a reminder are claimed in the participant's roster entry (an
 * atomic update) before they are sent, so a restart or a second instance never sends one twice; a send that failed
 * releases its claim and the job runs again later. A claim whose instance died mid-send is taken over after a lease
 * for invitations (better a rare second invitation than none) and never for reminders (better none than two).
 */
import type { TurnContext } from '../../core/context.js';
import { userKeyOf } from '../../core/context.js';
import { AdvisorError, UnreachableError } from '../../core/errors.js';
import { sameConversation, type UserAddress } from '../../core/event.js';
import type { JobContext, Member, Ports } from '../../core/ports.js';
import { isWorkingTime, nextWorkingTime, startOfDay } from '../../common/working-hours.js';
import { listAll, type JsonValue } from '../../store/store.js';
import { readProfile } from '../profile/model.js';
import { userTimeZone } from '../profile/time-zone.js';
import { bad, requireRunner, rosterKey, SURVEY_ID } from './access.js';
import { deadlineOf } from './create.js';
import { surveyMessages as m } from './messages.js';
import {
  MAX_AUDIENCE,
  SURVEY_JOBS,
  jobKey,
  latestSurveys,
  participantKey,
  participants,
  participantsPrefix,
  responses,
  responsesPrefix,
  surveyKey,
  surveys,
  type Participant,
  type Survey,
  type SurveyJob,
} from './model.js';
import { deadline, invitation, q, reminderMessage, statusMessage, type StatusCounts } from './render.js';
import { announceResults } from './report.js';

/** An invitation claimed this long ago by an instance that has not recorded it is sent again. */
const INVITE_LEASE_MS = 5 * 60_000;
/** Invitations in flight at once: Slack's chat.postMessage allows bursts, and the client honours Retry-After. */
const INVITE_CONCURRENCY = 8;
const ROSTER_CHUNK = 200;
/** The live status is updated at most this often (a burst of finishes updates it once). */
const STATUS_EVERY_MS = 2000;

const payloadOf = (payload: JsonValue): { survey?: string; index?: number; p?: string } =>
  payload !== null && typeof payload === 'object' && !Array.isArray(payload)
    ? {
        ...(typeof payload.survey === 'string' && SURVEY_ID.test(payload.survey) ? { survey: payload.survey } : {}),
        ...(typeof payload.index === 'number' ? { index: payload.index } : {}),
        ...(typeof payload.p === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(payload.p) ? { p: payload.p } : {}),
      }
    : {};

const warn = (ports: Ports, what: string) => (err: unknown) => ports.log.warn({ err: { message: (err as Error).message } }, what);

/** Every roster entry of a survey, with its key. */
async function* roster(ports: Ports, surveyId: string): AsyncGenerator<{ key: string; entry: Participant }> {
  for await (const r of listAll(ports.store, participants.name, participantsPrefix(surveyId))) {
    const entry = participants.parse(r.value);
    if (entry) yield { key: r.key, entry };
  }
}

export async function counts(ports: Ports, surveyId: string): Promise<StatusCounts> {
  const c: StatusCounts = { invited: 0, started: 0, finished: 0, unreachable: 0, waiting: [] };
  for await (const { entry } of roster(ports, surveyId)) {
    c.invited++;
    if (entry.unreachable) c.unreachable++;
    if (entry.state !== 'invited') c.started++;
    if (entry.state === 'finished') c.finished++;
    else if (entry.user && !entry.unreachable) c.waiting.push({ user: entry.user.user, ...(entry.name ? { name: entry.name } : {}) });
  }
  c.waiting.sort((a, b) => (a.name ?? a.user).localeCompare(b.name ?? b.user));
  return c;
}

/** The members the audience names, now: conversation members and single users, without duplicates. */
async function resolveAudience(ports: Ports, survey: Survey): Promise<Member[]> {
  const out = new Map<string, Member>();
  for (const conversation of survey.audience.conversations) {
    for (const member of await ports.directory.members(conversation)) {
      // The facilitator runs the survey; they answer it only when they named themselves.
      if (survey.facilitator && userKeyOf(member) === survey.facilitator.key) continue;
      out.set(userKeyOf(member), member);
    }
  }
  for (const user of survey.audience.users) out.set(userKeyOf(user), user);
  return [...out.values()].slice(0, MAX_AUDIENCE);
}

/** `survey open`: freezes the roster and questions, then the invitation job sends the direct messages. */
export async function openSurvey(ctx: TurnContext, survey: Survey): Promise<void> {
  const t = m(ctx.lang);
  await requireRunner(ctx, survey);
  if (survey.state === 'open') return void (await ctx.say({ text: t.alreadyOpen }, { audience: 'private' }));
  if (survey.state !== 'draft') throw new AdvisorError('CLOSED', t.closedAlready);
  if (!survey.questions.some((x) => x.kind !== 'profile')) throw bad(t.noQuestions);
  deadlineOf(survey.closesAt, { lang: ctx.lang, zone: survey.timeZone, now: ctx.now });
  const members = await resolveAudience(ctx.ports, survey);
  if (!members.length) throw bad(t.emptyAudience);
  const ports = ctx.ports;
  const keyed = await Promise.all(members.map(async ({ name, ...user }) => ({ user, name, key: participantKey(survey.id, await rosterKey(ports, survey.id, userKeyOf(user))) })));
  for (let i = 0; i < keyed.length; i += ROSTER_CHUNK) {
    const chunk = keyed.slice(i, i + ROSTER_CHUNK);
    await ports.store.updateMany(
      chunk.map((x) => ({ collection: participants.name, key: x.key })),
      (current) => current.map((raw, j) => raw ?? participants.json({ user: chunk[j]!.user, ...(chunk[j]!.name ? { name: chunk[j]!.name.slice(0, 200) } : {}), state: 'invited', reminded: [] })),
    );
  }
  const opened = await surveys.update(ports.store, surveyKey(survey.id), (s) => (s && s.state === 'draft' ? { ...s, state: 'open', openedAt: ctx.now.toISOString(), invited: keyed.length } : s));
  if (opened?.state !== 'open') throw new AdvisorError('CONFLICT', t.closedAlready);
  await scheduleDeadlines(ports, opened);
  await ports.scheduler.schedule({ name: 'surveys.invite', key: jobKey('invite', survey.id), runAt: ctx.now, payload: { survey: survey.id } });
  await ctx.say({ text: t.opened(survey.id, keyed.length) }, { audience: 'private' });
  await postStatus(ctx, opened);
}

/** Closing and the reminders, from the survey's deadline and the time it opened. */
async function scheduleDeadlines(ports: Ports, survey: Survey): Promise<void> {
  const closesAt = new Date(survey.closesAt);
  await ports.scheduler.schedule({ name: 'surveys.close', key: jobKey('close', survey.id), runAt: closesAt, payload: { survey: survey.id } });
  const opened = survey.openedAt ? Date.parse(survey.openedAt) : ports.clock().getTime();
  for (const [index, r] of survey.reminders.entries()) {
    // "On the last day": from the start of the closing day in the facilitator's zone; each participant's own
    // working hours decide when theirs goes out.
    const at = 'after' in r ? new Date(opened + r.after * 60_000) : startOfDay(closesAt, survey.timeZone);
    const key = jobKey('remind', survey.id, String(index));
    if (at.getTime() < closesAt.getTime()) await ports.scheduler.schedule({ name: 'surveys.remind', key, runAt: at, payload: { survey: survey.id, index } });
    else await ports.scheduler.cancel(key);
  }
}

/** The participant's language: the one they chose in their profile, else the facilitator's. */
async function languageOf(ports: Ports, survey: Survey, user: UserAddress) {
  return (await readProfile(ports.store, userKeyOf(user), ports.clock())).language ?? survey.lang;
}

/** Sends the invitations not sent yet; a failure leaves the rest for the job's next run. */
export async function inviteDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const { survey: id } = payloadOf(payload);
  const survey = id ? await surveys.get(ports.store, surveyKey(id)) : undefined;
  if (!survey || survey.state !== 'open') return;
  const pending: string[] = [];
  for await (const { key, entry } of roster(ports, survey.id)) if (entry.user && !entry.invitedAt && !entry.unreachable) pending.push(key);
  let failure: unknown;
  const work = async (key: string): Promise<void> => {
    const now = ports.clock().getTime();
    let claimed: Participant | undefined;
    await participants.update(ports.store, key, (e) => {
      if (!e?.user || e.invitedAt || e.unreachable || (e.inviting !== undefined && now - e.inviting < INVITE_LEASE_MS)) return e;
      claimed = { ...e, inviting: now };
      return claimed;
    });
    const user = claimed?.user;
    if (!user) return;
    try {
      const dm = await ports.messenger.direct(user);
      const ref = await ports.messenger.post(dm, invitation(survey, await languageOf(ports, survey, user), survey.timeZone));
      await participants.update(ports.store, key, (e) => (e ? { ...e, inviting: undefined, invitedAt: ports.clock().toISOString(), ...(ref ? { invitation: ref } : {}) } : e));
    } catch (err) {
      const unreachable = err instanceof UnreachableError;
      await participants.update(ports.store, key, (e) => (e ? { ...e, inviting: undefined, ...(unreachable ? { unreachable: true } : {}) } : e));
      if (!unreachable) failure ??= err;
    }
  };
  for (let i = 0; i < pending.length; i += INVITE_CONCURRENCY) await Promise.all(pending.slice(i, i + INVITE_CONCURRENCY).map(work));
  await scheduleStatus(ports, survey.id);
  // The scheduler runs the job again with backoff; entries already invited are skipped then.
  if (failure) throw failure;
}

/**
 * Sends reminder `index` to one participant if it is working time where they are, and it was not sent before;
 * otherwise schedules it for the start of their next working hours. Returns true when it was sent.
 */
async function remindOne(ports: Ports, survey: Survey, key: string, index: number | 'now'): Promise<boolean> {
  const entry = await participants.get(ports.store, key);
  if (!entry?.user || entry.state === 'finished' || entry.unreachable || entry.forgotten) return false;
  const user = entry.user;
  const now = ports.clock();
  if (index !== 'now') {
    if (entry.reminded.includes(index)) return false;
    const zone = await userTimeZone(ports, user);
    if (!isWorkingTime(now, zone)) {
      const at = nextWorkingTime(now, zone);
      // The entry's own part of its key (a keyed hash) names it in the job: the job names no member.
      const p = key.split(':').pop()!;
      if (at.getTime() < Date.parse(survey.closesAt)) await ports.scheduler.schedule({ name: 'surveys.remind', key: jobKey('remind', survey.id, String(index), p), runAt: at, payload: { survey: survey.id, index, p }, ifPending: 'keep' });
      return false;
    }
  }
  let claimed = false;
  await participants.update(ports.store, key, (e) => {
    if (!e?.user || e.state === 'finished') return e;
    if (index === 'now') {
      // A reminder "now" at most once a minute, whoever presses.
      if (e.remindedNowAt && now.getTime() - Date.parse(e.remindedNowAt) < 60_000) return e;
      claimed = true;
      return { ...e, remindedNowAt: now.toISOString() };
    }
    if (e.reminded.includes(index)) return e;
    claimed = true;
    return { ...e, reminded: [...e.reminded, index] };
  });
  if (!claimed) return false;
  try {
    const dm = await ports.messenger.direct(user);
    await ports.messenger.post(dm, reminderMessage(survey, await languageOf(ports, survey, user), survey.timeZone, entry.state === 'started'));
    return true;
  } catch (err) {
    // Not sent: release the claim so that the job's next run tries again.
    await participants.update(ports.store, key, (e) => (e ? (index === 'now' ? { ...e, remindedNowAt: undefined } : { ...e, reminded: e.reminded.filter((x) => x !== index) }) : e));
    throw err;
  }
}

export async function remindDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const { survey: id, index, p } = payloadOf(payload);
  const survey = id ? await surveys.get(ports.store, surveyKey(id)) : undefined;
  if (!survey || survey.state !== 'open' || index === undefined || ports.clock().getTime() >= Date.parse(survey.closesAt)) return;
  if (p) return void (await remindOne(ports, survey, participantKey(survey.id, p), index));
  let failure: unknown;
  for await (const { key, entry } of roster(ports, survey.id)) {
    if (entry.state === 'finished' || !entry.user) continue;
    await remindOne(ports, survey, key, index).catch((err: unknown) => void (failure ??= err));
  }
  if (failure) throw failure;
}

/** `survey remind` and the status button: everyone not finished, now (working hours are the facilitator's call). */
export async function remindNow(ctx: TurnContext, survey: Survey): Promise<void> {
  await requireRunner(ctx, survey);
  if (survey.state !== 'open') throw new AdvisorError('CLOSED', m(ctx.lang).closedAlready);
  let n = 0;
  for await (const { key, entry } of roster(ctx.ports, survey.id)) {
    if (entry.state === 'finished' || !entry.user || !entry.invitedAt) continue;
    if (await remindOne(ctx.ports, survey, key, 'now').catch(warn(ctx.ports, 'could not send a survey reminder'))) n++;
  }
  await ctx.say({ text: m(ctx.lang).remindedNow(n) }, { audience: 'private' });
}

/**
 * Posts the facilitator's status message to their direct conversation, where it can be kept up to date as
 * participants start and finish (a private reply to a slash command cannot be updated later).
 */
export async function postStatus(ctx: TurnContext, survey: Survey): Promise<void> {
  const message = statusMessage(survey, await counts(ctx.ports, survey.id), ctx.lang);
  if (survey.state !== 'open') return void (await ctx.say(message, { audience: 'private' }));
  // Without a direct conversation (a Teams user who never opened the 1:1 chat) it is a private reply, not kept up to date.
  const dm = await ctx.ports.messenger.direct(ctx.user).catch(() => undefined);
  if (!dm) return void (await ctx.say(message, { audience: 'private' }));
  const here = sameConversation(dm, ctx.address);
  const ref = here ? await ctx.say(message) : await ctx.ports.messenger.post(dm, message);
  if (ref) await surveys.update(ctx.ports.store, surveyKey(survey.id), (s) => (s ? { ...s, statusMessages: [...s.statusMessages, ref].slice(-5) } : s));
  if (!here) await ctx.say({ text: m(ctx.lang).statusSent }, { audience: 'private' });
}

/** Updates the status messages soon (coalesced: one pending job per survey). */
export async function scheduleStatus(ports: Ports, surveyId: string): Promise<void> {
  await ports.scheduler.schedule({ name: 'surveys.status', key: jobKey('status', surveyId), runAt: new Date(ports.clock().getTime() + STATUS_EVERY_MS), payload: { survey: surveyId }, ifPending: 'keep' });
}

export async function renderStatus(ports: Ports, survey: Survey): Promise<void> {
  if (!survey.statusMessages.length) return;
  const message = statusMessage(survey, await counts(ports, survey.id), survey.lang);
  for (const ref of survey.statusMessages) await ports.messenger.update(ref, message).catch(warn(ports, 'could not update a survey status message'));
}

export async function statusDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const { survey: id } = payloadOf(payload);
  const survey = id ? await surveys.get(ports.store, surveyKey(id)) : undefined;
  if (survey) await renderStatus(ports, survey);
}

/**
 * Closes a survey once, whoever asks (the command, the button, the scheduler, two at once): answers are refused from
 * then on (the answer's update checks the survey's state), and the facilitator gets the results once.
 */
export async function closeSurvey(ports: Ports, surveyId: string, by: 'command' | 'schedule'): Promise<Survey | undefined> {
  const at = ports.clock().toISOString();
  const survey = await surveys.update(ports.store, surveyKey(surveyId), (s) => (s && s.state === 'open' ? { ...s, state: 'closed', closed: { at, by, announced: false } } : s));
  if (!survey?.closed || survey.closed.announced) return survey;
  // The closing job that runs this is not cancelled: the scheduler ends it.
  await cancelJobs(ports, survey, by === 'schedule' ? 'close' : undefined);
  await renderStatus(ports, survey);
  await announceResults(ports, survey);
  return surveys.update(ports.store, surveyKey(surveyId), (s) => (s?.closed ? { ...s, closed: { ...s.closed, announced: true } } : s));
}

export async function closeCommand(ctx: TurnContext, survey: Survey): Promise<void> {
  await requireRunner(ctx, survey);
  if (survey.state !== 'open') throw new AdvisorError('CLOSED', m(ctx.lang).closedAlready);
  await closeSurvey(ctx.ports, survey.id, 'command');
}

export async function closeDue(payload: JsonValue, { ports }: JobContext): Promise<void> {
  const { survey: id } = payloadOf(payload);
  const survey = id ? await surveys.get(ports.store, surveyKey(id)) : undefined;
  // Extended meanwhile: the job for the new time is scheduled under the same key.
  if (!survey || Date.parse(survey.closesAt) > ports.clock().getTime()) return;
  await closeSurvey(ports, survey.id, 'schedule');
}

export async function extendSurvey(ctx: TurnContext, survey: Survey, typed: string | undefined): Promise<void> {
  await requireRunner(ctx, survey);
  const t = m(ctx.lang);
  if (survey.state === 'closed') throw new AdvisorError('CLOSED', t.closedAlready);
  if (!typed) throw bad(t.usage.extend);
  const at = deadlineOf(typed, { lang: ctx.lang, zone: await userTimeZone(ctx.ports, ctx.user), now: ctx.now }).toISOString();
  const updated = await surveys.update(ctx.ports.store, surveyKey(survey.id), (s) => (s && s.state !== 'closed' ? { ...s, closesAt: at } : s));
  if (!updated || updated.state === 'closed') throw new AdvisorError('CLOSED', t.closedAlready);
  if (updated.state === 'open') {
    await scheduleDeadlines(ctx.ports, updated);
    await renderStatus(ctx.ports, updated);
  }
  await ctx.say({ text: t.extended(deadline(updated, ctx.lang)) }, { audience: 'private' });
}

/**
 * Cancels the survey's pending jobs (but `except`). A participant's deferred reminder is left to find the survey
 * closed or gone: it then does nothing.
 */
async function cancelJobs(ports: Ports, survey: Survey, except?: SurveyJob): Promise<void> {
  for (const job of SURVEY_JOBS) if (job !== except) await ports.scheduler.cancel(jobKey(job, survey.id));
  for (const [index] of survey.reminders.entries()) await ports.scheduler.cancel(jobKey('remind', survey.id, String(index)));
}

/** Deletes a survey and everything it holds (roster, answers, jobs). */
export async function cancelSurvey(ctx: TurnContext, survey: Survey): Promise<void> {
  await requireRunner(ctx, survey);
  await deleteSurvey(ctx.ports, survey);
  await ctx.say({ text: m(ctx.lang).cancelled(q(survey.title, 120)) }, { audience: 'private' });
}

async function deleteSurvey(ports: Ports, survey: Survey): Promise<void> {
  await surveys.delete(ports.store, surveyKey(survey.id));
  await cancelJobs(ports, survey);
  for await (const { entry } of roster(ports, survey.id)) if (entry.invitation) await ports.messenger.delete(entry.invitation).catch(warn(ports, 'could not delete a survey invitation'));
  await responses.deleteByPrefix(ports.store, responsesPrefix(survey.id));
  await participants.deleteByPrefix(ports.store, participantsPrefix(survey.id));
  if (survey.facilitator) await latestSurveys.update(ports.store, survey.facilitator.key, (l) => (l?.survey === survey.id ? undefined : l));
}

/** `survey again`: a new round with the same frozen questions, audience and settings, as a draft. */
export async function againSurvey(ctx: TurnContext, survey: Survey, newId: string): Promise<void> {
  await requireRunner(ctx, survey);
  const t = m(ctx.lang);
  const span = survey.openedAt ? Date.parse(survey.closesAt) - Date.parse(survey.openedAt) : 14 * 86_400_000;
  const next: Survey = {
    ...survey,
    id: newId,
    state: 'draft',
    createdAt: ctx.now.toISOString(),
    closesAt: new Date(ctx.now.getTime() + Math.max(span, 86_400_000)).toISOString(),
    invited: 0,
    statusMessages: [],
    round: survey.round + 1,
    facilitator: { key: ctx.userKey, user: ctx.user },
    address: ctx.address,
    ...(ctx.event.id ? { origin: ctx.event.id } : {}),
  };
  delete next.openedAt;
  delete next.closed;
  delete next.archived;
  delete next.kept;
  await surveys.putIfAbsent(ctx.ports.store, surveyKey(newId), next);
  await latestSurveys.put(ctx.ports.store, ctx.userKey, { survey: newId, at: ctx.now.toISOString() });
  await ctx.say({ text: t.again(newId, next.round) }, { audience: 'private' });
}
