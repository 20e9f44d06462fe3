/**
 * Reading what a manager typed or submitted into a poll draft: the same rules for the typed command, the Slack modal
 * and the Teams card form. Problems are thrown as AdvisorError in the user's language, so nothing half-valid is saved.
 */
import type { Lang } from '../../common/lang.js';
import { AnyCommandArgs, type CommandArgs } from '../../core/commands.js';
import { AdvisorError } from '../../core/errors.js';
import { normaliseInput } from '../../core/text.js';
import { durationMinutes, parseMoment } from '../../common/moments.js';
import { SHORT_ID } from '../../common/short-id.js';
import { pollMessages as m } from './messages.js';
import { DEFAULT_DOTS, DEFAULT_THRESHOLD, MAX_DOTS, MAX_OPTION, MAX_OPTIONS, MAX_QUESTION, MIN_OPTIONS, RESULT_MODES, type PollKind, type ResultMode } from './model.js';

/** Any arguments and flags; the feature checks them with messages in the user's language. */
export const RawArgs = AnyCommandArgs;
export type RawArgs = CommandArgs;

export const CREATE_FLAGS = { multi: 'boolean', anonymous: 'boolean', closes: 'value', results: 'value', remind: 'value' } as const;
export const DOT_FLAGS = { dots: 'value', least: 'boolean', threshold: 'value', anonymous: 'boolean', closes: 'value', results: 'value', remind: 'value' } as const;

/** A poll as asked for, before it has an id, a time zone resolved or a message. */
export interface PollDraft {
  kind: PollKind;
  question: string;
  options: string[];
  anonymous: boolean;
  results: ResultMode;
  dots?: number;
  least?: boolean;
  threshold?: number;
  closesAt?: Date;
  remindMinutes?: number;
}

/** Settings as text: from flags (`--dots 3`) or form fields (`dots: "3"`). */
export interface DraftSettings {
  multi?: boolean;
  anonymous?: boolean;
  closes?: string;
  results?: string;
  remind?: string;
  dots?: string;
  least?: boolean;
  threshold?: string;
}

const bad = (text: string): AdvisorError => new AdvisorError('BAD_INPUT', text);

const intIn = (flag: string, value: string | undefined, min: number, max: number, fallback: number | undefined, lang: Lang): number | undefined => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw bad(m(lang).badNumber(flag, min, max));
  return n;
};

/**
 * Checks a question, options and settings and makes the draft. `maxOptions` is larger for templates (a key area of
 * the focus group has up to a dozen barriers).
 */
export function makeDraft(
  kind: PollKind,
  questionRaw: string,
  optionsRaw: readonly string[],
  s: DraftSettings,
  env: { lang: Lang; zone: string; now: Date; maxOptions?: number },
): PollDraft {
  const t = m(env.lang);
  const question = normaliseInput(questionRaw).replace(/\s+/g, ' ');
  if (!question) throw bad(t.emptyQuestion);
  if (question.length > MAX_QUESTION) throw bad(t.tooLong('question', MAX_QUESTION));
  const options = optionsRaw.map((o) => normaliseInput(o).replace(/\s+/g, ' ')).filter(Boolean);
  const max = env.maxOptions ?? MAX_OPTIONS;
  if (options.length < MIN_OPTIONS || options.length > max) throw bad(t.optionCount(options.length));
  for (const o of options) if (o.length > MAX_OPTION) throw bad(t.tooLong('option', MAX_OPTION));
  const seen = new Set<string>();
  for (const o of options) {
    const folded = o.toLocaleLowerCase(env.lang);
    if (seen.has(folded)) throw bad(t.duplicateOption(o.slice(0, 60)));
    seen.add(folded);
  }
  if (kind !== 'dots' && (s.dots !== undefined || s.least || s.threshold !== undefined)) throw bad(t.dotsOnly);
  if (kind === 'dots' && s.multi) throw bad(t.multiNotDots);
  const results = (s.results ?? 'live').toLowerCase();
  if (!(RESULT_MODES as readonly string[]).includes(results)) throw bad(t.badResults(s.results!.slice(0, 30)));
  const { closesAt, remindMinutes } = closingOf(s, env);
  const draft: PollDraft = {
    kind: kind === 'single' && s.multi ? 'multi' : kind,
    question,
    options,
    anonymous: Boolean(s.anonymous),
    results: results as ResultMode,
    ...(closesAt ? { closesAt } : {}),
    ...(remindMinutes ? { remindMinutes } : {}),
  };
  if (kind === 'dots') {
    draft.dots = intIn('dots', s.dots, 1, MAX_DOTS, DEFAULT_DOTS, env.lang);
    draft.least = Boolean(s.least);
    draft.threshold = intIn('threshold', s.threshold, 1, 100_000, DEFAULT_THRESHOLD, env.lang);
  }
  return draft;
}

/**
 * A closing time and a reminder as typed: the time in the future (at least a minute) and at most a year away, the
 * reminder before the closing time and after now. Shared by creating and by `poll extend`.
 */
export function closingOf(s: Pick<DraftSettings, 'closes' | 'remind'>, env: { lang: Lang; zone: string; now: Date }): { closesAt?: Date; remindMinutes?: number } {
  const t = m(env.lang);
  let closesAt: Date | undefined;
  if (s.closes !== undefined && s.closes !== '') {
    closesAt = parseMoment(s.closes, env.zone, env.now);
    if (!closesAt) throw bad(t.badTime(s.closes.slice(0, 40), env.zone));
    if (closesAt.getTime() <= env.now.getTime() + 60_000) throw bad(t.pastTime);
    if (closesAt.getTime() > env.now.getTime() + 366 * 86_400_000) throw bad(t.farTime);
  }
  let remindMinutes: number | undefined;
  if (s.remind !== undefined && s.remind !== '' && s.remind !== 'none') {
    remindMinutes = durationMinutes(s.remind);
    if (!remindMinutes) throw bad(t.badRemind(s.remind.slice(0, 30)));
    if (!closesAt) throw bad(t.remindNeedsClose);
    if (closesAt.getTime() - remindMinutes * 60_000 <= env.now.getTime()) throw bad(t.remindTooLate);
  }
  return { ...(closesAt ? { closesAt } : {}), ...(remindMinutes ? { remindMinutes } : {}) };
}

/** Flags of a command as settings (a value flag given as a bare `--closes` is refused by the parser already). */
export function settingsOf(flags: RawArgs['flags']): DraftSettings {
  const text = (k: string): string | undefined => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  return {
    multi: flags.multi === true,
    anonymous: flags.anonymous === true,
    least: flags.least === true,
    closes: text('closes'),
    results: text('results'),
    remind: text('remind'),
    dots: text('dots'),
    threshold: text('threshold'),
  };
}

/** A poll id as users see it: a short id (common/short-id.ts). */
export const POLL_ID = SHORT_ID;
