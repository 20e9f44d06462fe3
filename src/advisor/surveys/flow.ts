/**
 * Answering in the direct conversation. The state that matters (where the participant is, every answer) lives in
 * their response record, changed by the pure `advance` inside one atomic update with the survey's open/closed check
 * and their roster entry: so an answer is saved at once and exactly once, survives restarts and idle sessions, and is
 * never taken after the survey closed. The session's dialogue `surveys.answering` only routes typed answers there
 * while a survey is being answered (its state: which survey), and ends when the response says so (finished, paused,
 * closed).
 */
import { z } from 'zod';
import type { TurnContext } from '../../core/context.js';
import { defineDialog, type DialogInput, type DialogStep } from '../../core/dialog.js';
import type { ActionInput } from '../../core/feature.js';
import type { Message } from '../../core/message.js';
import { countryCodeIn, patchProfile, readProfile } from '../profile/model.js';
import { userTimeZone } from '../profile/time-zone.js';
import { respondentKey, rosterKey, SURVEY_ID } from './access.js';
import { advance, type AnswerInput } from './answering.js';
import { surveyMessages as m } from './messages.js';
import { participantKey, participants, responseKey, responses, surveyKey, surveys, type Survey } from './model.js';
import { scheduleStatus } from './lifecycle.js';
import { answerReplies, optionLabels } from './render.js';
import { surveysOf } from './report.js';

export const ANSWERING = 'surveys.answering';
const ANSWERING_VERSION = 1;
const AnsweringState = z.object({ v: z.literal(1), survey: z.string().regex(SURVEY_ID) });
type AnsweringState = z.infer<typeof AnsweringState>;

/** Typed navigation reads the words the 5-Whys feature registers for every language (stop, back) and our skip. */
const NAVIGATION: Record<string, AnswerInput['kind']> = { 'whys.stop': 'stop', 'whys.back': 'back', 'surveys.skip': 'skip', 'surveys.change': 'change', 'surveys.continue': 'start' };
const BUTTONS: Record<string, AnswerInput['kind']> = { 'surveys.back': 'back', 'surveys.skip': 'skip', 'surveys.stop': 'stop', 'surveys.change': 'change', 'surveys.start': 'start' };

/** A button's survey id and what it does; undefined for a button of no survey. */
export function buttonInput(a: Pick<ActionInput, 'id' | 'value'>): { survey: string; input: AnswerInput } | undefined {
  const [survey = '', question = '', value = ''] = a.value.split('|');
  if (!SURVEY_ID.test(survey)) return undefined;
  if (a.id === 'surveys.answer') return /^q\d{1,3}$/.test(question) && /^(\d{1,2}|done|reset)$/.test(value) ? { survey, input: { kind: 'press', question, value } } : undefined;
  const kind = BUTTONS[a.id];
  return kind ? { survey, input: { kind } as AnswerInput } : undefined;
}

function toInput(input: DialogInput): AnswerInput | 'pass' | undefined {
  if (input.kind === 'action') return buttonInput(input.action)?.input;
  const c = input.command;
  if (c) return (NAVIGATION[c.id] ? ({ kind: NAVIGATION[c.id] } as AnswerInput) : 'pass');
  return { kind: 'text', text: input.text };
}

function step(state: AnsweringState, input: DialogInput): DialogStep<AnsweringState> {
  // A button of another survey goes to the feature's action, which starts that survey here instead.
  if (input.kind === 'action' && buttonInput(input.action)?.survey !== state.survey) return { status: 'pass' };
  const answer = toInput(input);
  if (answer === 'pass' || answer === undefined) return { status: 'pass' };
  return { status: 'waiting', state, effects: [(ctx) => applyInput(ctx, state.survey, answer, { typed: input.kind === 'text' })] };
}

export const answeringDialog = defineDialog<AnsweringState, { survey: string }>({
  id: ANSWERING,
  version: ANSWERING_VERSION,
  state: AnsweringState,
  // A survey runs for days; the response keeps the answers whatever happens to the session.
  idleHours: 24 * 30,
  start: (options) => ({ status: 'waiting', state: { v: 1, survey: options.survey } }),
  step,
  expired: (lang): Message => ({ text: m(lang).pausedByOther }),
  outdated: (lang): Message => ({ text: m(lang).pausedByOther }),
  replaced: (_state, lang): Message => ({ text: m(lang).pausedByOther }),
});

/**
 * Applies one input to the user's response to `surveyId` and says what comes next. Replies keep the language the
 * survey was begun in: a one-word answer ("Finland", "5") or a button says nothing about the reader's language; a
 * typed `continue survey` in another language (`befragung fortsetzen`) switches it.
 */
export async function applyInput(ctx: TurnContext, surveyId: string, input: AnswerInput, how: { typed: boolean }): Promise<void> {
  const t = m(ctx.lang);
  const ports = ctx.ports;
  const survey = await surveys.get(ports.store, surveyKey(surveyId));
  const entryKey = survey ? participantKey(survey.id, await rosterKey(ports, survey.id, ctx.userKey)) : undefined;
  const entry = entryKey ? await participants.get(ports.store, entryKey) : undefined;
  if (!survey || !entryKey || !entry?.user || survey.state === 'draft') {
    await ctx.endDialog(ANSWERING);
    return void (await ctx.say({ text: t.notInvited }, { audience: 'private' }));
  }
  const profile = await readProfile(ports.store, ctx.userKey, ctx.now);
  const known = { ...(profile.country ? { country: profile.country } : {}), ...(profile.sector ? { sector: profile.sector } : {}), ...(profile.size ? { size: profile.size } : {}) };
  const country = (text: string): string | undefined => countryCodeIn(ports.matcher, text);
  const rKey = responseKey(survey.id, await respondentKey(ports, survey.id, ctx.userKey));
  let result: ReturnType<typeof advance> | undefined;
  let current: Survey = survey;
  await ports.store.updateMany(
    [
      { collection: surveys.name, key: surveyKey(survey.id) },
      { collection: responses.name, key: rKey },
      { collection: participants.name, key: entryKey },
    ],
    ([rawSurvey, rawResponse, rawEntry]) => {
      const s = surveys.parse(rawSurvey);
      const e = participants.parse(rawEntry);
      if (!s || !e) return [rawSurvey, rawResponse, rawEntry];
      current = s;
      const existing = responses.parse(rawResponse);
      const lang = existing && !(how.typed && (input.kind === 'start' || input.kind === 'change')) ? existing.lang : ctx.lang;
      const env = { now: ctx.now, lang, event: ctx.event.id, profile: known, country };
      result = advance(s, existing, input, env, (q) => optionLabels(q, lang));
      if (!result.changed || !result.response) return [rawSurvey, rawResponse, rawEntry];
      const state = result.response.finished ? 'finished' : 'started';
      return [rawSurvey, responses.json(result.response), e.state === state ? rawEntry : participants.json({ ...e, state })];
    },
  );
  if (!result) {
    await ctx.endDialog(ANSWERING);
    return void (await ctx.say({ text: t.notInvited }, { audience: 'private' }));
  }
  const done = result;
  if (done.profile) await patchProfile(ports.store, ctx.userKey, { [done.profile.field]: done.profile.value }, ctx.now);
  const zone = await userTimeZone(ports, ctx.user);
  const lang = done.response?.lang ?? ctx.lang;
  for (const message of answerReplies(current, done.replies, lang, zone)) await ctx.say(message);
  const ended = done.replies.some((r) => r.kind === 'thanks' || r.kind === 'updated' || r.kind === 'paused' || r.kind === 'review' || (r.kind === 'refused' && (r.refusal === 'closed' || r.refusal === 'not_started')));
  if (ended) await ctx.endDialog(ANSWERING);
  if (done.changed && (done.finished || entry.state === 'invited')) await scheduleStatus(ports, survey.id);
}

/** A survey button pressed outside the answering dialogue: opens it for that survey, then applies the press. */
export async function buttonPressed(ctx: TurnContext, a: ActionInput): Promise<void> {
  const pressed = buttonInput(a);
  if (!pressed) return void (await ctx.say({ text: m(ctx.lang).forged }, { audience: 'private' }));
  await ctx.beginDialog(answeringDialog, { survey: pressed.survey });
  await applyInput(ctx, pressed.survey, pressed.input, { typed: false });
}

/** `continue survey`: the newest open survey the user has not finished (else the newest they finished, to review). */
export async function continueSurvey(ctx: TurnContext): Promise<void> {
  const mine = (await surveysOf(ctx.ports, ctx.user)).filter(({ survey }) => survey.state === 'open');
  let chosen: Survey | undefined;
  for (const { survey, key } of mine) {
    const entry = await participants.get(ctx.ports.store, key);
    if (entry && entry.state !== 'finished') {
      chosen = survey;
      break;
    }
  }
  chosen ??= mine[0]?.survey;
  if (!chosen) return void (await ctx.say({ text: m(ctx.lang).nothingToContinue }, { audience: 'private' }));
  await ctx.beginDialog(answeringDialog, { survey: chosen.id });
  await applyInput(ctx, chosen.id, { kind: 'start' }, { typed: true });
}

/** `change answers` outside the dialogue. */
export async function changeAnswers(ctx: TurnContext): Promise<void> {
  const mine = (await surveysOf(ctx.ports, ctx.user)).filter(({ survey }) => survey.state === 'open');
  const chosen = mine[0]?.survey;
  if (!chosen) return void (await ctx.say({ text: m(ctx.lang).nothingToContinue }, { audience: 'private' }));
  await ctx.beginDialog(answeringDialog, { survey: chosen.id });
  await applyInput(ctx, chosen.id, { kind: 'change' }, { typed: true });
}
