/**
 * A participant's way through a survey, pure: what a button, a typed answer, `back`, `skip` or `stop` does to their
 * response. The response is the state (which question they are at, every answer so far); the feature applies
 * `advance` inside one atomic update of the response, its roster entry and the survey's open/closed check, so an
 * answer is saved at once, exactly once (a redelivered press is recognised by its delivery id), and never after the
 * survey closed. The replies are descriptions; render.ts words them.
 */
import { COUNTRY_CHOICES } from '../../common/countries.js';
import type { Lang } from '../../common/lang.js';
import { SECTORS } from '../profile/model.js';
import { COMPANY_SIZES, MAX_TEXT_ANSWER, REMEMBERED_EVENTS, questionsFor, type Answer, type ProfileField, type Question, type Survey, type SurveyResponse } from './model.js';

export type AnswerInput =
  | { kind: 'start' }
  /** A button: the question it belongs to and its value (an option index, a rating, `done`, `reset`). */
  | { kind: 'press'; question: string; value: string }
  | { kind: 'text'; text: string }
  | { kind: 'back' }
  | { kind: 'skip' }
  | { kind: 'stop' }
  /** After finishing: go through the answers again, from the first question. */
  | { kind: 'change' };

export type Refusal = 'closed' | 'not_started' | 'range' | 'not_option' | 'budget' | 'required' | 'no_dots' | 'too_long' | 'stale' | 'first' | 'finished' | 'not_optional' | 'unreadable';

export type AnswerReply =
  | { kind: 'question'; question: Question; number: number; of: number; answer?: Answer }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'placed'; left: number }
  | { kind: 'thanks' }
  | { kind: 'updated' }
  | { kind: 'review' }
  | { kind: 'paused' };

export interface AdvanceResult {
  /** The response to store; unchanged (the same object) when nothing changed. */
  response: SurveyResponse | undefined;
  replies: AnswerReply[];
  /** A profile answer to copy into the participant's profile. */
  profile?: { field: ProfileField; value: string };
  changed: boolean;
  /** True when this input finished the survey (the roster entry moves to finished). */
  finished: boolean;
}

export interface AdvanceEnv {
  now: Date;
  lang: Lang;
  /** The delivery id, when the channel gives one. */
  event?: string;
  /** The participant's profile, for a response begun now. */
  profile: SurveyResponse['profile'];
  /** A country named in typed text, as its ISO code (any country, not only the listed choices). */
  country?: (text: string) => string | undefined;
}

/** The options a question offers, as values: option ids, or the profile field's choices. */
export function optionValues(q: Question): string[] {
  if (q.kind === 'profile') return q.profile === 'country' ? [...COUNTRY_CHOICES, 'other'] : q.profile === 'sector' ? [...SECTORS] : [...COMPANY_SIZES];
  return (q.options ?? []).map((o) => o.id);
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const asked = (survey: Survey, r: SurveyResponse): Question[] => survey.questions.filter((q) => r.askedIds.includes(q.id));

function ask(survey: Survey, r: SurveyResponse, qid: string | undefined): AnswerReply[] {
  const list = asked(survey, r);
  const i = list.findIndex((q) => q.id === qid);
  const q = list[i];
  return q ? [{ kind: 'question', question: q, number: i + 1, of: list.length, answer: r.answers[q.id] }] : [];
}

/** The answer to a question typed as text; a refusal when it does not fit. */
export function typedAnswer(q: Question, text: string, labels: (q: Question) => string[], country?: (text: string) => string | undefined): Answer | Refusal {
  const t = text.trim();
  const options = optionValues(q);
  const pick = (token: string): number | undefined => {
    const n = /^#?(\d{1,2})[.)]?$/.exec(token)?.[1];
    if (n !== undefined) {
      const i = Number(n) - 1;
      return i >= 0 && i < options.length ? i : -1;
    }
    const folded = token.toLocaleLowerCase();
    const names = labels(q).map((l) => l.toLocaleLowerCase());
    // Its label, or its value (a country code such as SE, a sector id such as ict).
    const exact = names.findIndex((l, i) => l === folded || options[i]?.toLocaleLowerCase() === folded);
    if (exact >= 0) return exact;
    const starts = names.map((l, i) => (l.startsWith(folded) && folded.length >= 3 ? i : -1)).filter((i) => i >= 0);
    return starts.length === 1 ? starts[0] : undefined;
  };
  switch (q.kind) {
    case 'rating': {
      const n = /^(\d{1,2})$/.exec(t)?.[1];
      if (n === undefined) return 'unreadable';
      const v = Number(n);
      return v >= 1 && v <= (q.scale ?? 5) ? { rating: v } : 'range';
    }
    case 'text':
      if (t.length > MAX_TEXT_ANSWER) return 'too_long';
      return t ? { text: t } : 'unreadable';
    case 'choice':
    case 'profile': {
      const i = pick(t);
      const named = q.profile === 'country' && (i === undefined || i < 0) ? country?.(t) : undefined;
      if (named) return { value: named };
      if (i === undefined) return 'unreadable';
      if (i < 0) return 'not_option';
      return q.kind === 'choice' ? { choice: i } : { value: options[i]! };
    }
    case 'multi':
    case 'dots': {
      const parts = t.split(/[,;\s]+/).filter(Boolean);
      if (!parts.length || parts.some((p) => !/^#?\d{1,2}$/.test(p))) return 'unreadable';
      const idx = parts.map((p) => Number(p.replace('#', '')) - 1);
      if (idx.some((i) => i < 0 || i >= options.length)) return 'not_option';
      if (q.kind === 'multi') return { multi: [...new Set(idx)].sort((a, b) => a - b) };
      if (idx.length > (q.dots ?? 1)) return 'budget';
      const dots = options.map(() => 0);
      for (const i of idx) dots[i] = dots[i]! + 1;
      return { dots, done: true };
    }
  }
}

/**
 * Applies one input to a participant's response. `labels` gives the option labels in the participant's language
 * (so that "Hannover Messe" or "Schweden" typed is understood). Pure.
 */
export function advance(survey: Survey, current: SurveyResponse | undefined, input: AnswerInput, env: AdvanceEnv, labels: (q: Question) => string[]): AdvanceResult {
  const same = (replies: AnswerReply[]): AdvanceResult => ({ response: current, replies, changed: false, finished: false });
  if (survey.state !== 'open' || env.now.getTime() >= Date.parse(survey.closesAt)) return same([{ kind: 'refused', refusal: 'closed' }]);
  if (env.event !== undefined && current?.events.includes(env.event)) return same(current.at ? ask(survey, current, current.at) : [{ kind: 'review' }]);
  const now = env.now.toISOString();
  const remember = (r: SurveyResponse): SurveyResponse => ({ ...r, updatedAt: now, events: env.event !== undefined ? [...r.events, env.event].slice(-REMEMBERED_EVENTS) : r.events });

  if (input.kind === 'start' || input.kind === 'change') {
    if (!current) {
      const list = questionsFor(survey, env.profile);
      const first = list[0];
      const r: SurveyResponse = remember({ v: 1, at: first?.id, askedIds: list.map((q) => q.id), answers: {}, profile: env.profile, lang: env.lang, finished: false, startedAt: now, updatedAt: now, events: [] });
      return { response: r, replies: ask(survey, r, first?.id), changed: true, finished: false };
    }
    if (input.kind === 'change' || (current.finished && current.at === undefined && input.kind === 'start')) {
      if (input.kind === 'start') return same([{ kind: 'review' }]);
      const first = asked(survey, current)[0];
      const r = remember({ ...current, at: first?.id, paused: false, lang: env.lang });
      return { response: r, replies: ask(survey, r, first?.id), changed: true, finished: false };
    }
    // Starting again sets the language the survey goes on in (the feature passes the one to keep).
    const r = current.paused || current.lang !== env.lang ? remember({ ...current, paused: false, lang: env.lang }) : current;
    return { response: r, replies: ask(survey, r, r.at), changed: r !== current, finished: false };
  }
  if (!current) return same([{ kind: 'refused', refusal: 'not_started' }]);
  const list = asked(survey, current);
  const i = list.findIndex((q) => q.id === current.at);
  const q = list[i];

  if (input.kind === 'stop') return { response: remember({ ...current, paused: true }), replies: [{ kind: 'paused' }], changed: true, finished: false };
  if (input.kind === 'back') {
    const at = q ? i : list.length;
    const previous = list[at - 1];
    if (!previous) return same([{ kind: 'refused', refusal: 'first' }, ...ask(survey, current, current.at)]);
    const r = remember({ ...current, at: previous.id, paused: false });
    return { response: r, replies: ask(survey, r, previous.id), changed: true, finished: false };
  }
  if (!q) return same([{ kind: 'review' }]);

  const moveOn = (answers: SurveyResponse['answers'], extra: AnswerReply[] = []): AdvanceResult => {
    const next = list[i + 1];
    const wasFinished = current.finished;
    const r = remember({ ...current, answers, at: next?.id, paused: false, ...(next ? {} : { finished: true, finishedAt: current.finishedAt ?? now }) });
    const replies: AnswerReply[] = [...extra, ...(next ? ask(survey, r, next.id) : [{ kind: wasFinished ? 'updated' : 'thanks' } as const])];
    const profileField = q.kind === 'profile' && q.profile ? q.profile : undefined;
    const value = answers[q.id];
    return {
      response: profileField && value && 'value' in value ? { ...r, profile: { ...r.profile, [profileField]: value.value } } : r,
      replies,
      changed: true,
      finished: !next && !wasFinished,
      ...(profileField && value && 'value' in value && value.value !== 'other' ? { profile: { field: profileField, value: value.value } } : {}),
    };
  };
  const refuse = (refusal: Refusal): AdvanceResult => same([{ kind: 'refused', refusal }, ...ask(survey, current, q.id)]);

  if (input.kind === 'skip') {
    if (!q.optional) return refuse('not_optional');
    return moveOn({ ...current.answers, [q.id]: { skipped: true } });
  }

  let answer: Answer | Refusal;
  if (input.kind === 'press') {
    if (input.question !== q.id) return same([{ kind: 'refused', refusal: 'stale' }, ...ask(survey, current, q.id)]);
    const options = optionValues(q);
    const previous = current.answers[q.id];
    const index = /^\d{1,2}$/.test(input.value) ? Number(input.value) : -1;
    switch (q.kind) {
      case 'rating':
        answer = index >= 1 && index <= (q.scale ?? 5) ? { rating: index } : 'range';
        break;
      case 'choice':
        answer = index >= 0 && index < options.length ? { choice: index } : 'not_option';
        break;
      case 'profile':
        answer = index >= 0 && index < options.length ? { value: options[index]! } : 'not_option';
        break;
      case 'text':
        answer = 'stale';
        break;
      case 'multi': {
        const picked = previous && 'multi' in previous ? previous.multi : [];
        if (input.value === 'done') {
          if (!picked.length && !q.optional) return refuse('required');
          return moveOn({ ...current.answers, [q.id]: picked.length ? { multi: picked } : { skipped: true } });
        }
        if (index < 0 || index >= options.length) return refuse('not_option');
        const next = picked.includes(index) ? picked.filter((x) => x !== index) : [...picked, index].sort((a, b) => a - b);
        const r = remember({ ...current, answers: { ...current.answers, [q.id]: { multi: next } } });
        return { response: r, replies: ask(survey, r, q.id), changed: true, finished: false };
      }
      case 'dots': {
        const budget = q.dots ?? 1;
        const dots = previous && 'dots' in previous && previous.dots.length === options.length ? [...previous.dots] : options.map(() => 0);
        if (input.value === 'reset') {
          const r = remember({ ...current, answers: { ...current.answers, [q.id]: { dots: options.map(() => 0), done: false } } });
          return { response: r, replies: ask(survey, r, q.id), changed: true, finished: false };
        }
        if (input.value === 'done') {
          if (sum(dots) === 0 && !q.optional) return refuse('no_dots');
          return moveOn({ ...current.answers, [q.id]: { dots, done: true } });
        }
        if (index < 0 || index >= options.length) return refuse('not_option');
        if (sum(dots) >= budget) return refuse('budget');
        dots[index] = dots[index]! + 1;
        const left = budget - sum(dots);
        // The last dot placed moves on by itself.
        if (left === 0) return moveOn({ ...current.answers, [q.id]: { dots, done: true } });
        const r = remember({ ...current, answers: { ...current.answers, [q.id]: { dots, done: false } } });
        return { response: r, replies: [{ kind: 'placed', left }, ...ask(survey, r, q.id)], changed: true, finished: false };
      }
    }
  } else answer = typedAnswer(q, input.text, labels, env.country);
  if (typeof answer === 'string') return refuse(answer);
  if ('dots' in answer && sum(answer.dots) === 0 && !q.optional) return refuse('no_dots');
  return moveOn({ ...current.answers, [q.id]: answer });
}
