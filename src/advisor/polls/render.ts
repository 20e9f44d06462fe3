/**
 * Polls as neutral messages: the poll message (with what its result mode may show), the closed results, a member's
 * private view of their vote, and the creation form. Every channel renders these; user text is quoted here.
 */
import type { Lang } from '../../common/lang.js';
import { momentMark, type Bar, type Button, type Field, type Message } from '../../core/message.js';
import { quoteUserText } from '../../core/text.js';
import { pollMessages as m } from './messages.js';
import { momentText } from '../../common/moments.js';
import { budgetOf, DEFAULT_THRESHOLD, POLL_KINDS, RESULT_MODES, resultsOf, type DotSet, type OptionResult, type Poll, type Tally, type Vote } from './model.js';

/** Button labels are cut by each channel; the option's own text stays whole in the message. */
const LABEL = 75;
export const q = (text: string, max = 300): string => quoteUserText(text, max);

/** `poll:option:edition:set`, the value of an option's button: the voter is who pressed it, never in the value. */
function voteValue(poll: Poll, option: number, set: DotSet): string {
  return `${poll.id}:${option}:${poll.edition}:${set === 'least' ? 'l' : 'm'}`;
}

export function moment(poll: Pick<Poll, 'timeZone'>, at: Date | string, lang: Lang): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  return momentMark(date, momentText(date, poll.timeZone, lang));
}

function resultLines(poll: Poll, rows: OptionResult[], lang: Lang): string[] {
  return rows.map((r) => m(lang).line(r.index + 1, q(r.label, 150), r.count, r.percent, poll.kind));
}

function bars(poll: Poll, rows: OptionResult[], of: number): Bar[] {
  return rows.map((r) => ({ label: `${r.index + 1}. ${q(r.label, 150)}`, value: r.count, of: Math.max(of, 1) }));
}

const total = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** What the results of a poll look like in full: the lines, the bars, and the most/least-important lists. */
function fullResults(poll: Poll, tally: Tally, lang: Lang, closed = Boolean(poll.closed)): Pick<Message, 'text' | 'bars'> {
  const t = m(lang);
  const r = resultsOf(poll, tally);
  const of = poll.kind === 'dots' ? total(tally.most) : tally.voters;
  const lines = [t.card.voters(r.voters), ...resultLines(poll, r.most, lang)];
  if (poll.least) lines.push(`_${t.card.leastHeading}_`, ...resultLines(poll, r.least, lang));
  // The threshold sorts the options into the two lists when the poll closes, as the focus group did.
  if (poll.kind === 'dots' && closed) {
    const threshold = poll.threshold ?? DEFAULT_THRESHOLD;
    const list = (xs: OptionResult[]) => (xs.length ? xs.map((x) => `${q(x.label, 150)} (${x.count})`).join(', ') : t.card.noneAbove);
    lines.push(`${t.card.mostImportant(threshold)}: ${list(r.mostImportant)}`);
    if (poll.least) lines.push(`${t.card.leastImportant(threshold)}: ${list(r.leastImportant)}`);
  }
  return { text: lines.join('\n'), bars: bars(poll, r.most, of) };
}

function header(poll: Poll, lang: Lang): string[] {
  const t = m(lang);
  return [
    t.card.kind(poll.kind, budgetOf(poll), Boolean(poll.least)),
    poll.anonymous ? t.card.anonymous : t.card.named,
    poll.closesAt ? t.card.closes(moment(poll, poll.closesAt, lang)) : t.card.noClosing,
    t.card.results(poll.results),
  ];
}

/** The poll message while it is open: live results only in live mode, else the options and the number of voters. */
export function pollCard(poll: Poll, tally: Tally): Message {
  const lang = poll.lang;
  const t = m(lang);
  const lines = [`**📊 ${q(poll.question)}**`, ...header(poll, lang)];
  let resultBars: Bar[] | undefined;
  if (poll.results === 'live') {
    const full = fullResults(poll, tally, lang);
    lines.push('', full.text);
    resultBars = full.bars;
  } else {
    lines.push('', ...poll.options.map((o, i) => `${i + 1}. ${q(o, 150)}`), t.card.voters(tally.voters));
  }
  const buttons: Button[] = poll.options.map((o, i) => ({ label: q(o, LABEL), action: { id: 'polls.vote', value: voteValue(poll, i, 'most') } }));
  if (poll.kind === 'dots' && poll.least) buttons.push({ label: t.button.least, action: { id: 'polls.least', value: poll.id } });
  buttons.push(
    { label: t.button.mine, action: { id: 'polls.mine', value: poll.id } },
    { label: t.button.withdraw, action: { id: 'polls.withdraw', value: poll.id } },
    { label: t.button.results, action: { id: 'polls.results', value: poll.id } },
    { label: t.button.close, action: { id: 'polls.close', value: poll.id }, style: 'danger' },
  );
  return { text: lines.join('\n'), ...(resultBars ? { bars: resultBars } : {}), buttons, context: t.card.typeHint(poll.kind, poll.id) };
}

/** The closed poll, as the poll message becomes and as the results post says (without results in creator mode). */
export function closedCard(poll: Poll, tally: Tally, options: { withResults: boolean }): Message {
  const lang = poll.lang;
  const t = m(lang);
  const lines = [`**📊 ${t.card.closedTitle(q(poll.question))}**`, poll.anonymous ? t.card.anonymous : t.card.named];
  if (poll.closed) lines.push(t.card.closedAt(moment(poll, poll.closed.at, lang)));
  if (!options.withResults) return { text: [...lines, t.card.voters(tally.voters), t.resultsSentToCreator].join('\n'), context: t.card.typeHint(poll.kind, poll.id).split(' · ')[0] };
  const full = fullResults(poll, tally, lang, true);
  return { text: [...lines, '', full.text].join('\n'), bars: full.bars, buttons: [{ label: t.button.export, action: { id: 'polls.export', value: poll.id } }] };
}

/** The results for one reader (`poll results`, the Results button), in the reader's language. */
export function resultsFor(poll: Poll, tally: Tally, lang: Lang): Message {
  const full = fullResults(poll, tally, lang);
  return { text: `**📊 ${q(poll.question)}**\n${full.text}`, bars: full.bars };
}

/** A member's own vote, privately: what they chose, or where their dots are and how many are left. */
export function yourVote(poll: Poll, vote: Vote | undefined, lang: Lang, first?: string): Message {
  const t = m(lang);
  const lines = first ? [first] : [];
  const label = (i: number) => q(poll.options[i]!, 150);
  const buttons: Button[] = [];
  if (poll.kind !== 'dots') {
    const picked = (vote?.most ?? []).flatMap((x, i) => (x > 0 ? [i] : []));
    if (!first || (poll.kind === 'multi' && picked.length > 0)) lines.push(picked.length ? t.yourChoices(picked.map(label).join(', ')) : t.noVoteYet);
  } else {
    const budget = budgetOf(poll);
    const sets: DotSet[] = poll.least ? ['most', 'least'] : ['most'];
    for (const set of sets) {
      const placed = (set === 'least' ? vote?.least : vote?.most) ?? [];
      const where = placed.flatMap((x, i) => (x > 0 ? [`${label(i)} ${'●'.repeat(x)}`] : []));
      lines.push(t.dotsLeft(budget - total(placed), budget, set === 'least'));
      if (where.length) lines.push(t.dotsWhere(where.join(', '), set === 'least'));
      placed.forEach((x, i) => {
        if (x > 0) buttons.push({ label: (set === 'least' ? t.takeBackLeast : t.takeBack)(q(poll.options[i]!, 40)), action: { id: 'polls.take', value: voteValue(poll, i, set) } });
      });
    }
  }
  return { text: lines.join('\n'), ...(buttons.length ? { buttons } : {}) };
}

/** The private panel of least-important dots (a dot vote with --least): one button per option. */
export function leastPanel(poll: Poll, vote: Vote | undefined, lang: Lang): Message {
  const t = m(lang);
  const own = yourVote(poll, vote, lang);
  return {
    text: `${t.leastPanel(q(poll.question), budgetOf(poll))}\n${own.text}`,
    buttons: [...poll.options.map((o, i) => ({ label: `▼ ${q(o, LABEL - 2)}`, action: { id: 'polls.vote', value: voteValue(poll, i, 'least') } })), ...(own.buttons ?? [])],
  };
}

/** The creation form (a Slack modal, a Teams card form, a form in the web chat). */
export function pollForm(lang: Lang): Message {
  const f = m(lang).form;
  const yesNo = [
    { value: 'no', label: f.no },
    { value: 'yes', label: f.yes },
  ];
  const fields: Field[] = [
    { id: 'question', label: f.question, type: 'text', max: 300 },
    { id: 'options', label: f.options, type: 'text', multiline: true, max: 1600 },
    { id: 'kind', label: f.kind, type: 'select', initial: 'single', options: POLL_KINDS.map((k) => ({ value: k, label: f.kinds[k] })) },
    { id: 'anonymous', label: f.anonymous, type: 'select', initial: 'no', options: yesNo },
    { id: 'results', label: f.results, type: 'select', initial: 'live', options: RESULT_MODES.map((r) => ({ value: r, label: f.modes[r] })) },
    { id: 'closes', label: f.closes, type: 'datetime', optional: true },
    { id: 'remind', label: f.remind, type: 'select', optional: true, initial: 'none', options: (['none', '15m', '1h', '1d'] as const).map((r) => ({ value: r, label: f.reminders[r] })) },
    { id: 'dots', label: f.dots, type: 'number', min: 1, max: 20, optional: true, initial: '3' },
    { id: 'least', label: f.least, type: 'select', optional: true, initial: 'no', options: yesNo },
    { id: 'threshold', label: f.threshold, type: 'number', min: 1, max: 1000, optional: true, initial: '5' },
  ];
  return { text: f.title, input: { kind: 'form', action: 'polls.create', title: f.title, submit: f.submit, fields } };
}
