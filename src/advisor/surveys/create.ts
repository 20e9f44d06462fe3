/**
 * Preparing a survey: `survey new` typed (every channel) or the creation form (Slack modal, Teams card, web form),
 * custom questions with `survey question add`, and `survey preview`. A survey is a draft until `survey open`
 * freezes its questions and roster. Problems are refused in the facilitator's language; nothing half-valid is saved.
 */
import type { Lang } from '../../common/lang.js';
import { mentionOf, tokenize } from '../../core/commands.js';
import type { TurnContext } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import type { ActionInput } from '../../core/feature.js';
import type { Field, Message } from '../../core/message.js';
import { normaliseInput, quoteUserText } from '../../core/text.js';
import { tr } from '../../knowledge/localize.js';
import { durationMinutes, parseMoment } from '../../common/moments.js';
import { shortIdFor } from '../../common/short-id.js';
import type { CommandArgs } from '../../core/commands.js';
import { userTimeZone } from '../profile/time-zone.js';
import { bad, ownSurvey, requireFacilitator } from './access.js';
import { surveyMessages as m } from './messages.js';
import {
  DEFAULT_THRESHOLD,
  MAX_AUDIENCE,
  MAX_MINUTES,
  MAX_OPTION,
  MAX_OPTIONS,
  MAX_QUESTION,
  MAX_QUESTIONS,
  MAX_TITLE,
  TEMPLATES,
  latestSurveys,
  minutesToAnswer,
  sameText,
  surveyKey,
  surveys,
  type Reminder,
  type Survey,
  type SurveyAddress,
  type Template,
  type Threshold,
} from './model.js';
import { areasNamed, numbered, templateQuestions, type DraftQuestion } from './questions.js';
import { deadline, previewMessage } from './render.js';

export const CREATE_FLAGS = { template: 'value', areas: 'value', audience: 'value', closes: 'value', remind: 'value', threshold: 'value' } as const;
export const QUESTION_FLAGS = { rating: 'value', choice: 'value', multi: 'value', text: 'boolean', optional: 'boolean', survey: 'value' } as const;
const DEFAULT_REMINDERS: Reminder[] = [{ after: 2 * 1440 }, { lastDay: true }];
const MIN_LEAD_MS = 3600_000;
const MAX_LEAD_MS = 366 * 86_400_000;

/**
 * The text after the command words as the words before the first flag and each flag's words (quoted ones kept
 * whole): `--audience #cluster, @anna` needs no quotes, `--choice "A" "B"` keeps two options.
 */
export function flagGroups(rest: string): { lead: string[]; flags: Map<string, string[]> } {
  const lead: string[] = [];
  const flags = new Map<string, string[]>();
  let current: string[] = lead;
  for (const token of tokenize(rest)) {
    const flag = token.quoted ? undefined : /^(?:--|—|–)([a-z][a-z0-9-]*)(?:=(.*))?$/i.exec(token.text);
    if (flag) {
      current = [];
      flags.set(flag[1]!.toLowerCase(), current);
      if (flag[2]) current.push(flag[2]);
    } else current.push(token.text);
  }
  return { lead, flags };
}

const joined = (words: string[] | undefined): string | undefined => (words && words.length ? words.join(' ').trim() : undefined);

/** A deadline as typed (ISO with or without offset, a date, or a duration), an hour to a year away. */
export function deadlineOf(typed: string | undefined, env: { lang: Lang; zone: string; now: Date }): Date {
  const t = m(env.lang);
  if (!typed) throw bad(t.needsClose);
  const at = parseMoment(typed, env.zone, env.now);
  if (!at) throw bad(t.badTime(quoteUserText(typed, 40), env.zone));
  if (at.getTime() < env.now.getTime() + MIN_LEAD_MS) throw bad(t.pastTime);
  if (at.getTime() > env.now.getTime() + MAX_LEAD_MS) throw bad(t.farTime);
  return at;
}

export function remindersOf(typed: string | undefined, lang: Lang): Reminder[] {
  if (typed === undefined || typed.trim() === '') return DEFAULT_REMINDERS;
  if (/^(none|keine|inga)$/i.test(typed.trim())) return [];
  const out: Reminder[] = [];
  for (const part of typed.split(/[,;\s]+/).filter(Boolean)) {
    if (/^(last-?day|letzter-?tag|sista-?dagen)$/i.test(part)) out.push({ lastDay: true });
    else {
      const minutes = durationMinutes(part);
      if (!minutes) throw bad(m(lang).badRemind(quoteUserText(typed, 40)));
      out.push({ after: minutes });
    }
  }
  if (out.length > 5) throw bad(m(lang).badRemind(quoteUserText(typed, 40)));
  return out;
}

export function thresholdOf(typed: string | undefined, lang: Lang): Threshold {
  if (typed === undefined || typed.trim() === '') return { dots: DEFAULT_THRESHOLD };
  const pct = /^(\d{1,3})\s*%$/.exec(typed.trim());
  if (pct && Number(pct[1]) >= 1 && Number(pct[1]) <= 100) return { percent: Number(pct[1]) };
  if (/^\d{1,6}$/.test(typed.trim()) && Number(typed) >= 1) return { dots: Number(typed) };
  throw bad(m(lang).badThreshold(quoteUserText(typed, 20)));
}

const HERE = /^(here|hier|här|this channel)$/i;

/** The audience as typed: channels (#C…, <#C…>, here), members (@U…, <@U…>, ids, CLI names), comma-separated. */
export function audienceOf(typed: string | undefined, ctx: Pick<TurnContext, 'event' | 'lang' | 'address'>): Survey['audience'] {
  const t = m(ctx.lang);
  if (!typed) throw bad(t.noAudience);
  const channel = ctx.event.channel;
  const team = ctx.event.team;
  const conversations: SurveyAddress[] = [];
  const users: Survey['audience']['users'] = [];
  const here = (): SurveyAddress => ({ channel, ...(team ? { team } : {}), conversation: ctx.address.conversation });
  for (const raw of typed.replace(/\bthis channel\b/gi, 'here').split(/[,;\s]+/).filter(Boolean)) {
    const token = raw.trim();
    if (HERE.test(token)) {
      conversations.push(here());
      continue;
    }
    const mention = mentionOf(token);
    const id = mention?.id ?? token;
    if (!/^[\p{L}\p{N}._:@-]{1,200}$/u.test(id)) throw bad(t.badAudience(quoteUserText(token, 40)));
    const isConversation =
      mention?.kind === 'conversation' || (!mention && ((channel === 'slack' && /^[CG][A-Z0-9]{6,}$/.test(id)) || (channel === 'teams' && /^19:/.test(id))));
    if (isConversation) conversations.push({ channel, ...(team ? { team } : {}), conversation: id });
    else users.push({ channel, ...(team ? { team } : {}), user: id });
  }
  if (!conversations.length && !users.length) throw bad(t.noAudience);
  if (users.length > MAX_AUDIENCE || conversations.length > 50) throw bad(t.audienceTooLarge(MAX_AUDIENCE));
  const seen = new Set<string>();
  return {
    conversations: conversations.filter((c) => !seen.has(`c ${c.conversation}`) && seen.add(`c ${c.conversation}`)),
    users: users.filter((u) => !seen.has(`u ${u.user}`) && seen.add(`u ${u.user}`)),
  };
}

interface DraftInput {
  title?: string;
  template?: string;
  areas?: string;
  audience?: string;
  closes?: string;
  remind?: string;
  threshold?: string;
}

/** The id of a new survey: from the delivery id, so that a turn run again after a crash finds the draft it made. */
export async function newSurveyId(ctx: TurnContext): Promise<{ id: string; existing?: Survey }> {
  const origin = ctx.event.id;
  let existing: Survey | undefined;
  const found = await shortIdFor('survey', origin, async (candidate) => {
    existing = await surveys.get(ctx.ports.store, surveyKey(candidate));
    return !existing ? 'free' : origin !== undefined && existing.origin === origin ? 'mine' : 'other';
  });
  if (!found) throw new AdvisorError('CONFLICT', m(ctx.lang).noSurvey);
  return found.mine && existing ? { id: found.id, existing } : { id: found.id };
}

/** Checks what was typed or submitted and saves the draft. */
async function createDraft(ctx: TurnContext, d: DraftInput): Promise<void> {
  await requireFacilitator(ctx);
  const t = m(ctx.lang);
  const zone = await userTimeZone(ctx.ports, ctx.user);
  const title = normaliseInput(d.title ?? '').replace(/\s+/g, ' ');
  if (!title) throw bad(t.noTitle);
  if (title.length > MAX_TITLE) throw bad(t.titleTooLong(MAX_TITLE));
  const template = (d.template ?? 'barriers').toLowerCase();
  if (!(TEMPLATES as readonly string[]).includes(template)) throw bad(t.badTemplate(quoteUserText(template, 30)));
  const k = ctx.ports.knowledge;
  const areaList = k.data.keyAreas.map((a) => `_${quoteUserText(tr(a, 'name', ctx.lang), 120)}_ (${a.id})`).join(', ');
  const { areas, unknown } = areasNamed(k, d.areas ?? '');
  if (unknown.length) throw bad(t.unknownAreas(quoteUserText(unknown[0]!, 60), areaList));
  if (template !== 'custom' && (areas.length < 1 || areas.length > 3)) throw bad(t.needsAreas(areaList));
  const questions = numbered(templateQuestions(k, template as Template, areas));
  const minutes = minutesToAnswer(questions);
  if (minutes > MAX_MINUTES) throw bad(t.tooLongSurvey(minutes, MAX_MINUTES));
  const audience = audienceOf(d.audience, ctx);
  const closesAt = deadlineOf(d.closes, { lang: ctx.lang, zone, now: ctx.now });
  const reminders = remindersOf(d.remind, ctx.lang);
  const threshold = thresholdOf(d.threshold, ctx.lang);
  const { id, existing } = await newSurveyId(ctx);
  const survey: Survey = existing ?? {
    v: 1,
    id,
    title,
    template: template as Template,
    areas: areas.map((a) => a.id),
    questions,
    audience,
    closesAt: closesAt.toISOString(),
    reminders,
    threshold,
    lang: ctx.lang,
    timeZone: zone,
    facilitator: { key: ctx.userKey, user: ctx.user },
    address: ctx.address,
    createdAt: ctx.now.toISOString(),
    state: 'draft',
    invited: 0,
    statusMessages: [],
    series: id,
    round: 1,
    ...(ctx.event.id ? { origin: ctx.event.id } : {}),
  };
  await surveys.putIfAbsent(ctx.ports.store, surveyKey(id), survey);
  await latestSurveys.put(ctx.ports.store, ctx.userKey, { survey: id, at: ctx.now.toISOString() });
  await ctx.say({ text: t.created(id, quoteUserText(survey.title, 120), survey.questions.length, minutesToAnswer(survey.questions), deadline(survey, ctx.lang)) }, { audience: 'private' });
}

export async function createTyped(ctx: TurnContext, a: CommandArgs): Promise<void> {
  if (!a.rest.trim()) return openForm(ctx);
  const { lead, flags } = flagGroups(a.rest);
  await createDraft(ctx, {
    title: joined(lead),
    template: joined(flags.get('template')),
    areas: joined(flags.get('areas')),
    audience: joined(flags.get('audience')),
    closes: joined(flags.get('closes')),
    remind: joined(flags.get('remind')),
    threshold: joined(flags.get('threshold')),
  });
}

export function surveyForm(ctx: Pick<TurnContext, 'lang' | 'ports'>): Message {
  const f = m(ctx.lang).form;
  const fields: Field[] = [
    { id: 'title', label: f.title, type: 'text', max: MAX_TITLE },
    { id: 'template', label: f.template, type: 'select', initial: 'barriers', options: TEMPLATES.map((x) => ({ value: x, label: f.templates[x] })) },
    { id: 'areas', label: f.areas, type: 'select', multiple: true, optional: true, options: ctx.ports.knowledge.data.keyAreas.map((a) => ({ value: a.id, label: tr(a, 'name', ctx.lang).slice(0, 75) })) },
    { id: 'audience', label: f.audience, type: 'text', initial: 'here', max: 2000 },
    { id: 'closes', label: f.closes, type: 'datetime' },
    { id: 'remind', label: f.remind, type: 'text', optional: true, initial: '2d, last-day', max: 100 },
  ];
  return { text: f.heading, input: { kind: 'form', action: 'surveys.create', title: f.heading, submit: f.submit, fields } };
}

export async function openForm(ctx: TurnContext): Promise<void> {
  await requireFacilitator(ctx);
  await ctx.say(surveyForm(ctx), { audience: 'private' });
}

export async function createFromForm(ctx: TurnContext, a: ActionInput): Promise<void> {
  const f = a.fields ?? {};
  const one = (k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string).trim() || undefined : undefined);
  const areas = Array.isArray(f.areas) ? f.areas.join(', ') : one('areas');
  await createDraft(ctx, { title: one('title'), template: one('template'), areas, audience: one('audience'), closes: one('closes'), remind: one('remind') });
}

/** `survey question add "…" --rating 1-5 | --choice "A" "B" | --multi "A" "B" | --text [--optional]` on a draft. */
export async function addQuestion(ctx: TurnContext, a: CommandArgs): Promise<void> {
  const t = m(ctx.lang);
  const { lead, flags } = flagGroups(a.rest);
  const idGiven = joined(flags.get('survey'));
  const survey = await ownSurvey(ctx, idGiven);
  if (survey.state !== 'draft') throw new AdvisorError('CLOSED', t.notDraft);
  const text = normaliseInput(joined(lead) ?? '').replace(/\s+/g, ' ');
  if (!text) throw bad(t.questionEmpty);
  if (text.length > MAX_QUESTION) throw bad(t.questionTooLong(MAX_QUESTION));
  const kinds = (['rating', 'choice', 'multi', 'text'] as const).filter((k) => flags.has(k));
  if (kinds.length !== 1) throw bad(t.questionKind);
  const kind = kinds[0]!;
  const optional = flags.has('optional');
  let draft: DraftQuestion;
  if (kind === 'rating') {
    const scale = /^1\s*[-–]\s*(\d{1,2})$/.exec(joined(flags.get('rating')) ?? '1-5')?.[1];
    const n = Number(scale ?? NaN);
    if (!Number.isInteger(n) || n < 2 || n > 10) throw bad(t.badScale);
    draft = { kind, scale: n, optional, text: sameText(text) };
  } else if (kind === 'text') draft = { kind, optional, text: sameText(text) };
  else {
    const options = (flags.get(kind) ?? []).map((o) => normaliseInput(o).replace(/\s+/g, ' ')).filter(Boolean);
    if (options.length < 2 || options.length > MAX_OPTIONS || new Set(options.map((o) => o.toLocaleLowerCase())).size !== options.length) throw bad(t.optionCount(MAX_OPTIONS));
    if (options.some((o) => o.length > MAX_OPTION)) throw bad(t.optionTooLong(MAX_OPTION));
    draft = { kind, optional, options: options.map((o, i) => ({ id: `o${i + 1}`, text: sameText(o) })), text: sameText(text) };
  }
  if (survey.questions.length >= MAX_QUESTIONS) throw bad(t.tooManyQuestions(MAX_QUESTIONS));
  const next = Math.max(0, ...survey.questions.map((x) => Number(x.id.slice(1)))) + 1;
  const questions = [...survey.questions, ...numbered([draft], next)];
  const minutes = minutesToAnswer(questions);
  if (minutes > MAX_MINUTES) throw bad(t.tooLongSurvey(minutes, MAX_MINUTES));
  let refused = false;
  await surveys.update(ctx.ports.store, surveyKey(survey.id), (s) => {
    if (!s || s.state !== 'draft' || s.questions.length !== survey.questions.length) {
      refused = true;
      return s;
    }
    return { ...s, questions };
  });
  if (refused) throw new AdvisorError('CONFLICT', t.notDraft);
  await ctx.say({ text: t.questionAdded(questions.length, survey.id, minutes) }, { audience: 'private' });
}

export async function preview(ctx: TurnContext, survey: Survey): Promise<void> {
  await ctx.say(previewMessage(survey, ctx.lang), { audience: 'private' });
}
