/**
 * Surveys, the records: the survey (its questions frozen when it opens), the roster (one entry per invited member:
 * who, where to reach them, how far they got, which reminders went out; never an answer), and the responses (one per
 * participant, keyed by a keyed hash, holding no participant id). A response is the participant's answering state
 * machine too: its answers and where they are, changed by the pure `advance` (answering.ts) inside one atomic update
 * with the survey's open/closed check and the roster entry.
 */
import { z } from 'zod';
import { LANGS, type Lang } from '../../common/lang.js';
import { CHANNELS, MessageRefSchema } from '../../core/event.js';
import { defineCollection } from '../../store/collections.js';
import { ownedKey, ownerPrefix, recordKey } from '../../store/store.js';
import { COMPANY_SIZES, type CompanySize } from '../profile/model.js';

export { COMPANY_SIZES, type CompanySize };
export const PROFILE_FIELDS = ['country', 'sector', 'size'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export const TEMPLATES = ['barriers', 'solutions', 'custom'] as const;
export type Template = (typeof TEMPLATES)[number];
export const QUESTION_KINDS = ['rating', 'choice', 'multi', 'dots', 'text', 'profile'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export const MAX_TITLE = 120;
export const MAX_QUESTION = 300;
export const MAX_OPTION = 150;
export const MAX_OPTIONS = 12;
export const MAX_QUESTIONS = 40;
export const MAX_TEXT_ANSWER = 1000;
export const MAX_AUDIENCE = 5000;
/** Groups smaller than this are never shown in a breakdown (k-anonymity). */
export const K_ANONYMITY = 3;
/** The GIVE focus group's cut: barriers with 5 or more dots were "most important" (or "least important"). */
export const DEFAULT_THRESHOLD = 5;
export const DEFAULT_DOTS = 3;
/** Redeliveries of the same request are recognised by these many last event ids per response. */
export const REMEMBERED_EVENTS = 8;

/** A text in every language: dataset-based questions carry the dataset's translations, custom ones the typed text. */
const Text3 = z.object({ en: z.string().min(1), de: z.string().min(1), sv: z.string().min(1) });
export type Text3 = z.infer<typeof Text3>;
export const sameText = (text: string): Text3 => ({ en: text, de: text, sv: text });

const OptionSchema = z.object({ id: z.string().min(1).max(80), text: Text3 });

const QuestionSchema = z.object({
  /** q1, q2, …: stable within the survey and its later rounds (answers and exports refer to them). */
  id: z.string().regex(/^q\d{1,3}$/),
  kind: z.enum(QUESTION_KINDS),
  text: Text3,
  optional: z.boolean(),
  /** Rating scale (rating questions): 1 to `scale`. */
  scale: z.number().int().min(2).max(10).optional(),
  options: z.array(OptionSchema).max(MAX_OPTIONS).optional(),
  /** Dot questions: the budget, and whether the dots mark the most or the least important. */
  dots: z.number().int().min(1).max(10).optional(),
  set: z.enum(['most', 'least']).optional(),
  profile: z.enum(PROFILE_FIELDS).optional(),
  /** What the question is about, for grouping results: a key area, a barrier, a solution. */
  area: z.string().optional(),
  barrier: z.string().optional(),
  solution: z.string().optional(),
  /** Solutions template: which aspect of the solution is asked. */
  aspect: z.enum(['useful', 'use', 'actor']).optional(),
});
export type Question = z.infer<typeof QuestionSchema>;

const Address = z.object({ channel: z.enum(CHANNELS), team: z.string().optional(), conversation: z.string().min(1), thread: z.string().optional() });
const User = z.object({ channel: z.enum(CHANNELS), team: z.string().optional(), user: z.string().min(1).max(200) });
export type SurveyAddress = z.infer<typeof Address>;

/** A reminder: some minutes after the survey opened, or on the last day (the morning of the closing day). */
const ReminderSchema = z.union([z.object({ after: z.number().int().min(1) }), z.object({ lastDay: z.literal(true) })]);
export type Reminder = z.infer<typeof ReminderSchema>;

const ThresholdSchema = z.union([z.object({ dots: z.number().int().min(1).max(1_000_000) }), z.object({ percent: z.number().int().min(1).max(100) })]);
export type Threshold = z.infer<typeof ThresholdSchema>;

export const SURVEY_STATES = ['draft', 'open', 'closed'] as const;

const SurveySchema = z.object({
  v: z.literal(1),
  id: z.string().regex(/^[a-z0-9]{4,12}$/),
  title: z.string().min(1).max(MAX_TITLE),
  template: z.enum(TEMPLATES),
  areas: z.array(z.string()).max(10),
  questions: z.array(QuestionSchema).max(MAX_QUESTIONS),
  /** The audience as given: conversations whose members are invited, and single users. */
  audience: z.object({ conversations: z.array(Address).max(50), users: z.array(User).max(MAX_AUDIENCE) }),
  closesAt: z.iso.datetime(),
  reminders: z.array(ReminderSchema).max(5),
  threshold: ThresholdSchema,
  /** The facilitator's language and time zone (results, status, closing times where a channel cannot localise them). */
  lang: z.enum(LANGS),
  timeZone: z.string().max(64),
  /** Absent once the facilitator asked to be forgotten. */
  facilitator: z.object({ key: z.string(), user: User }).optional(),
  /** Where it was created: `survey share` posts there unless the audience is one channel. */
  address: Address,
  createdAt: z.iso.datetime(),
  state: z.enum(SURVEY_STATES),
  openedAt: z.iso.datetime().optional(),
  /** Roster size at opening. */
  invited: z.number().int().min(0).default(0),
  closed: z.object({ at: z.iso.datetime(), by: z.enum(['command', 'schedule']), announced: z.boolean() }).optional(),
  /** `survey archive`: the raw answers are gone, the aggregates below stay. */
  archived: z.object({ at: z.iso.datetime() }).optional(),
  /** The results as they were at archiving (kept so that results, share and compare still work). */
  kept: z.unknown().optional(),
  /** The facilitator's live status message(s). */
  statusMessages: z.array(MessageRefSchema).max(5).default([]),
  /** `survey again`: rounds of the same questions share a series (the first round's id) and count up. */
  series: z.string(),
  round: z.number().int().min(1),
  /** The delivery that created it, so that a re-run of that turn finds it. */
  origin: z.string().max(300).optional(),
});
export type Survey = z.infer<typeof SurveySchema>;

export const PARTICIPANT_STATES = ['invited', 'started', 'finished'] as const;
export type ParticipantState = (typeof PARTICIPANT_STATES)[number];

const ParticipantSchema = z.object({
  /** Absent once the participant asked to be forgotten: the entry then only counts as invited. */
  user: User.optional(),
  /** Their display name where the platform lists one (Teams), for the facilitator's status; gone with `user`. */
  name: z.string().max(200).optional(),
  state: z.enum(PARTICIPANT_STATES),
  /** Invitation: claimed (being sent) and sent; an unreachable member is marked so and counted. */
  inviting: z.number().optional(),
  invitedAt: z.iso.datetime().optional(),
  invitation: MessageRefSchema.optional(),
  unreachable: z.boolean().optional(),
  /** Indexes of the survey's reminders sent (or being sent) to this participant; `now` reminders count separately. */
  reminded: z.array(z.number().int().min(0)).default([]),
  remindedNowAt: z.iso.datetime().optional(),
  forgotten: z.boolean().optional(),
});
export type Participant = z.infer<typeof ParticipantSchema>;

const AnswerSchema = z.union([
  z.object({ rating: z.number().int().min(1).max(10) }),
  z.object({ choice: z.number().int().min(0) }),
  z.object({ multi: z.array(z.number().int().min(0)) }),
  z.object({ dots: z.array(z.number().int().min(0)), done: z.boolean() }),
  z.object({ text: z.string().min(1).max(MAX_TEXT_ANSWER) }),
  z.object({ value: z.string().min(1).max(40) }),
  z.object({ skipped: z.literal(true) }),
]);
export type Answer = z.infer<typeof AnswerSchema>;

const ResponseSchema = z.object({
  v: z.literal(1),
  /** The question the participant is at; absent when finished. */
  at: z.string().optional(),
  /** The questions this participant is asked, fixed when they start (profile questions their profile answered are left out). */
  askedIds: z.array(z.string()).max(MAX_QUESTIONS),
  answers: z.record(z.string(), AnswerSchema),
  /** Country, sector and size at answering time (from the profile, or asked), for breakdowns. */
  profile: z.object({ country: z.string().optional(), sector: z.string().optional(), size: z.string().optional() }),
  lang: z.enum(LANGS),
  finished: z.boolean(),
  /** `stop`: paused until `continue survey` or the start button. */
  paused: z.boolean().optional(),
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  events: z.array(z.string()).max(REMEMBERED_EVENTS),
});
export type SurveyResponse = z.infer<typeof ResponseSchema>;

/** Which survey is a facilitator's latest (commands without an id act on it). */
const LatestSchema = z.object({ survey: z.string(), at: z.iso.datetime() });

export const surveys = defineCollection('surveys', SurveySchema, { split: 'hash', buckets: 16 });
/** One entry per survey and member, in many small files: an invitation or a finish rewrites one small file. */
export const participants = defineCollection('survey_participants', ParticipantSchema, { split: 'hash', buckets: 64 });
/** One response per survey and participant, keyed by a keyed hash: an answer rewrites one small file. */
export const responses = defineCollection('survey_responses', ResponseSchema, { split: 'hash', buckets: 256 });
export const latestSurveys = defineCollection('survey_latest', LatestSchema, { split: 'hash', buckets: 16 });

export const surveyKey = (id: string): string => recordKey(id);
export const participantKey = (surveyId: string, userKey: string): string => ownedKey(recordKey(surveyId), userKey);
export const participantsPrefix = (surveyId: string): string => ownerPrefix(recordKey(surveyId));
export const responseKey = (surveyId: string, respondent: string): string => ownedKey(recordKey(surveyId), respondent);
export const responsesPrefix = (surveyId: string): string => ownerPrefix(recordKey(surveyId));

/** The survey's jobs: sending the invitations, each reminder, a participant's deferred reminder, closing, the status. */
export const SURVEY_JOBS = ['invite', 'remind', 'close', 'status'] as const;
export type SurveyJob = (typeof SURVEY_JOBS)[number];
export const jobKey = (job: SurveyJob, surveyId: string, ...rest: string[]): string => [`surveys.${job}:${surveyId}`, ...rest].join(':');

/** The question text in a language. */
export const textIn = (t: Text3, lang: Lang): string => t[lang];

/** Questions a participant is asked: profile questions only when their profile lacks the answer. */
export function questionsFor(survey: Pick<Survey, 'questions'>, known: SurveyResponse['profile']): Question[] {
  return survey.questions.filter((q) => q.kind !== 'profile' || !q.profile || known[q.profile] === undefined);
}

/** Roughly how long answering takes, in seconds, so that a template stays near ten minutes. */
function secondsToAnswer(questions: readonly Question[]): number {
  const each: Record<QuestionKind, number> = { rating: 8, choice: 10, multi: 15, dots: 45, text: 60, profile: 8 };
  return questions.reduce((s, q) => s + (q.kind === 'text' && q.optional ? 30 : each[q.kind]), 0);
}
export const minutesToAnswer = (questions: readonly Question[]): number => Math.max(1, Math.round(secondsToAnswer(questions) / 60));
/** The longest a survey may take: a template is kept to about ten minutes, custom surveys get some slack. */
export const MAX_MINUTES = 12;
