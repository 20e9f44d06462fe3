/**
 * Surveys as neutral messages: the invitation, one question at a time (buttons for ratings, choices and dots, typed
 * answers everywhere), the facilitator's status, the results and the comparison of rounds. Dataset and custom texts
 * are quoted (quoteUserText), so nothing a facilitator or participant typed can ping or format.
 */
import { countryName } from '../../common/countries.js';
import type { Lang } from '../../common/lang.js';
import type { Button, Message } from '../../core/message.js';
import { momentMark, userMark } from '../../core/message.js';
import { quoteUserText } from '../../core/text.js';
import type { Knowledge } from '../../knowledge/dataset.js';
import { tr } from '../../knowledge/localize.js';
import { profileMessages } from '../profile/messages.js';
import { momentText } from '../../common/moments.js';
import { optionValues, type AnswerReply } from './answering.js';
import { surveyMessages as m } from './messages.js';
import type { COMPANY_SIZES } from './model.js';
import { K_ANONYMITY, minutesToAnswer, textIn, type Answer, type ProfileField, type Question, type Survey, type Text3 } from './model.js';
import { OTHER, type RankChange, type SurveyResults } from './results.js';

export const q = (text: string, max = 300): string => quoteUserText(text, max);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export function deadline(survey: Pick<Survey, 'closesAt' | 'timeZone'>, lang: Lang, zone = survey.timeZone): string {
  const at = new Date(survey.closesAt);
  return momentMark(at, momentText(at, zone, lang));
}

/** The label of a profile answer's value in a language. */
export function profileValueLabel(field: ProfileField, value: string, lang: Lang): string {
  if (value === OTHER) return field === 'country' ? m(lang).otherCountry : m(lang).other;
  if (field === 'country') return countryName(value, lang);
  if (field === 'sector') return (profileMessages(lang).sectors as Record<string, string>)[value] ?? value;
  return m(lang).sizes[value as (typeof COMPANY_SIZES)[number]] ?? value;
}

/** The option labels of a question, in a language. */
export function optionLabels(question: Question, lang: Lang): string[] {
  if (question.kind === 'profile' && question.profile) {
    const field = question.profile;
    return optionValues(question).map((v) => profileValueLabel(field, v, lang));
  }
  return (question.options ?? []).map((o) => textIn(o.text, lang));
}

/** An option's label in every language (for results, which the facilitator and the audience read in theirs). */
export function optionText(question: Question, i: number): Text3 {
  const o = question.options?.[i];
  if (o) return o.text;
  const langs = ['en', 'de', 'sv'] as const;
  const labels = Object.fromEntries(langs.map((l) => [l, optionLabels(question, l)[i] ?? String(i + 1)])) as Text3;
  return labels;
}

export function answerText(question: Question, answer: Answer | undefined, lang: Lang): string {
  if (!answer) return '–';
  const labels = optionLabels(question, lang);
  if ('skipped' in answer) return m(lang).skippedAnswer;
  if ('rating' in answer) return `${answer.rating} / ${question.scale ?? 5}`;
  if ('choice' in answer) return q(labels[answer.choice] ?? '?', 160);
  if ('multi' in answer) return answer.multi.map((i) => q(labels[i] ?? '?', 80)).join(', ') || '–';
  if ('dots' in answer) return answer.dots.flatMap((n, i) => (n ? [`${q(labels[i] ?? '?', 80)} (${n})`] : [])).join(', ') || '–';
  if ('text' in answer) return `“${q(answer.text, 600)}”`;
  return q(profileValueLabel(question.profile ?? 'country', answer.value, lang), 80);
}

const answerValue = (survey: Pick<Survey, 'id'>, question: Question, value: string) => ({ id: 'surveys.answer', value: `${survey.id}|${question.id}|${value}` });

/** One question, with its buttons; typed answers work everywhere. */
export function questionMessage(survey: Survey, reply: Extract<AnswerReply, { kind: 'question' }>, lang: Lang): Message {
  const t = m(lang);
  const question = reply.question;
  const labels = optionLabels(question, lang);
  const lines = [`**${t.questionHeader(reply.number, reply.of)}** · ${q(survey.title, 80)}`, q(textIn(question.text, lang), 600)];
  const buttons: Button[] = [];
  const answer = reply.answer;
  switch (question.kind) {
    case 'rating': {
      const scale = question.scale ?? 5;
      lines.push(t.hint.rating(scale));
      for (let v = 1; v <= scale; v++) buttons.push({ label: String(v), action: answerValue(survey, question, String(v)) });
      break;
    }
    case 'choice':
    case 'profile':
    case 'multi': {
      const picked = answer && 'multi' in answer ? answer.multi : [];
      lines.push(...labels.map((l, i) => `${i + 1}. ${q(l, 160)}${picked.includes(i) ? ' ✓' : ''}`));
      lines.push(question.kind === 'multi' ? t.hint.multi : question.kind === 'profile' ? t.hint.profile : t.hint.choice);
      labels.forEach((l, i) => buttons.push({ label: `${i + 1}. ${q(l, 60)}`, action: answerValue(survey, question, String(i)) }));
      if (question.kind === 'multi') buttons.push({ label: t.done, action: answerValue(survey, question, 'done'), style: 'primary' });
      break;
    }
    case 'dots': {
      const budget = question.dots ?? 1;
      const dots = answer && 'dots' in answer ? answer.dots : [];
      lines.push(...labels.map((l, i) => `${i + 1}. ${q(l, 160)}${dots[i] ? ` ${'●'.repeat(dots[i]!)}` : ''}`));
      lines.push(t.hint.dots(budget, budget - sum(dots)));
      labels.forEach((_l, i) => buttons.push({ label: String(i + 1), action: answerValue(survey, question, String(i)) }));
      buttons.push({ label: t.done, action: answerValue(survey, question, 'done'), style: 'primary' }, { label: t.reset, action: answerValue(survey, question, 'reset') });
      break;
    }
    case 'text':
      lines.push(t.hint.text);
      break;
  }
  if (answer && question.kind !== 'dots' && question.kind !== 'multi') lines.push(t.current(answerText(question, answer, lang)));
  lines.push(t.controls(question.optional));
  buttons.push({ label: t.back, action: { id: 'surveys.back', value: survey.id } });
  if (question.optional) buttons.push({ label: t.skip, action: { id: 'surveys.skip', value: survey.id } });
  buttons.push({ label: t.stop, action: { id: 'surveys.stop', value: survey.id } });
  return { text: lines.join('\n'), buttons };
}

/** What the answering machine's replies say. */
export function answerReplies(survey: Survey, replies: readonly AnswerReply[], lang: Lang, zone: string): Message[] {
  const t = m(lang);
  return replies.map((r): Message => {
    switch (r.kind) {
      case 'question':
        return questionMessage(survey, r, lang);
      case 'refused':
        return { text: t.refused[r.refusal] };
      case 'placed':
        return { text: t.placed(r.left) };
      case 'thanks':
        return { text: t.thanks(deadline(survey, lang, zone)) };
      case 'updated':
        return { text: t.updated };
      case 'review':
        return { text: t.finishedReview(q(survey.title, 120)), buttons: [{ label: t.change, action: { id: 'surveys.change', value: survey.id } }] };
      case 'paused':
        return { text: t.paused, buttons: [{ label: t.continueButton, action: { id: 'surveys.start', value: survey.id } }] };
    }
  });
}

/**
 * Who runs the survey, as the channel can show it: Slack names the member (a mention, no ping: they are not in the
 * participant's DM), the CLI's ids are names; elsewhere (a Teams or web id is no name) "your cluster's facilitator".
 */
function runBy(survey: Survey, lang: Lang): string {
  const t = m(lang);
  const f = survey.facilitator?.user;
  if (!f) return t.aFacilitator;
  return userMark(f.user, f.channel === 'cli' ? q(f.user, 60) : t.aFacilitator);
}

export function invitation(survey: Survey, lang: Lang, zone: string): Message {
  const t = m(lang);
  return {
    text: t.invitation(q(survey.title, 120), runBy(survey, lang), minutesToAnswer(survey.questions), deadline(survey, lang, zone)),
    buttons: [{ label: t.start, action: { id: 'surveys.start', value: survey.id }, style: 'primary' }],
  };
}

export function reminderMessage(survey: Survey, lang: Lang, zone: string, started: boolean): Message {
  const t = m(lang);
  return { text: t.reminder(q(survey.title, 120), deadline(survey, lang, zone), started), buttons: [{ label: started ? t.continueButton : t.start, action: { id: 'surveys.start', value: survey.id }, style: 'primary' }] };
}

/** The roster's counts for the status, and who has not finished (their platform id and, where known, name). */
export interface StatusCounts {
  invited: number;
  started: number;
  finished: number;
  unreachable: number;
  waiting: { user: string; name?: string }[];
}

/** The facilitator's status: counts and who has not finished (completion only, never an answer). */
export function statusMessage(survey: Survey, counts: StatusCounts, lang: Lang): Message {
  const t = m(lang);
  if (survey.state === 'draft') return { text: t.statusDraft(q(survey.title, 120), survey.id) };
  const closed = survey.state === 'closed';
  const rate = counts.invited ? Math.round((counts.finished / counts.invited) * 100) : 0;
  const shown = counts.waiting.slice(0, 30);
  const lines = [t.status(q(survey.title, 120), survey.id, deadline(survey, lang), closed), t.statusCounts(counts.invited, counts.started, counts.finished, rate)];
  if (counts.unreachable) lines.push(t.statusUnreachable(counts.unreachable));
  // Named by the platform where it can (Slack shows a mention as the member's name; they are not in this DM), else
  // by the name the member list gave (Teams), else by their id.
  if (!closed) lines.push(counts.waiting.length ? t.statusWaiting(shown.map((u) => userMark(u.user, q(u.name ?? u.user, 60))).join(', '), counts.waiting.length - shown.length) : t.statusAllDone);
  lines.push(t.statusPrivacy);
  const buttons: Button[] = closed
    ? [{ label: t.resultsButton, action: { id: 'surveys.results', value: survey.id }, style: 'primary' }]
    : [
        ...(counts.waiting.length ? [{ label: t.remindButton, action: { id: 'surveys.remind', value: survey.id } }] : []),
        { label: t.closeButton, action: { id: 'surveys.close', value: survey.id }, style: 'danger' as const },
        { label: t.resultsButton, action: { id: 'surveys.results', value: survey.id } },
      ];
  return { text: lines.join('\n'), buttons };
}

const fmt = (x: number | null, lang: Lang): string => (x === null ? '–' : x.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 2 }));

/** The results for a reader in `lang`: rate, rankings per key area, solutions, custom questions, free text, breakdowns. */
export function resultsMessage(survey: Survey, r: SurveyResults, k: Knowledge, lang: Lang): Message {
  const t = m(lang);
  const lines = [t.resultsTitle(q(survey.title, 120)), t.responseRate(r.finished, r.invited, r.rate)];
  if (r.started > r.finished) lines.push(t.unfinishedNote(r.started - r.finished));
  if (!r.finished) return { text: [...lines, t.noResponses].join('\n') };
  if (r.withheld) return { text: [...lines, t.withheld(K_ANONYMITY)].join('\n') };
  const areaName = (id: string) => {
    const area = k.data.keyAreas.find((a) => a.id === id);
    return area ? tr(area, 'name', lang) : id;
  };
  for (const a of r.areas) {
    lines.push('', t.areaHeading(q(areaName(a.area), 120)));
    a.barriers.forEach((b, i) => lines.push(t.rankedLine(i + 1, q(textIn(b.label, lang), 160), fmt(b.mean, lang), b.most, b.least)));
    if (a.barriers.length) {
      const most = a.barriers.filter((b) => b.mostImportant).sort((x, y) => y.most - x.most);
      const least = a.barriers.filter((b) => b.leastImportant).sort((x, y) => y.least - x.least);
      lines.push(t.mostImportant(r.threshold, most.length ? most.map((b) => `${q(textIn(b.label, lang), 100)} (${b.most})`).join('; ') : t.noneAbove));
      if (a.barriers.some((b) => b.least > 0)) lines.push(t.leastImportant(r.threshold, least.length ? least.map((b) => `${q(textIn(b.label, lang), 100)} (${b.least})`).join('; ') : t.noneAbove));
    }
    a.solutions.forEach((s, i) => {
      const who = Object.entries(s.actors).filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1]).map(([actor, n]) => `${m(lang).actors[actor as keyof ReturnType<typeof m>['actors']] ?? actor} (${n})`).join(', ');
      lines.push(t.solutionLine(i + 1, q(textIn(s.label, lang).replace(/^.*“(.*)”$/, '$1'), 160), fmt(s.mean, lang), s.use.yes ?? 0, who));
    });
    if (a.texts.length) lines.push(t.freeTextHeading(a.texts.length), ...a.texts.map((x) => `• “${q(x, 300)}”`));
  }
  if (r.questions.length) lines.push('');
  for (const x of r.questions) {
    const summary =
      x.kind === 'rating'
        ? t.meanOf(fmt(x.mean, lang), x.answered)
        : x.kind === 'text'
          ? `${x.answered}`
          : x.counts.map((c) => `${q(textIn(c.label, lang), 60)} ${c.count}`).join(' · ');
    lines.push(t.questionLine(q(textIn(x.text, lang), 200), summary));
    if (x.kind === 'text') lines.push(...x.texts.map((s) => `  – “${q(s, 300)}”`));
  }
  const shown = r.breakdowns.filter((b) => b.groups.length > 1 || (b.groups.length === 1 && b.groups[0]!.group !== OTHER));
  for (const b of shown) {
    lines.push('', `**${t.breakdownHeading[b.field]}**`);
    for (const g of b.groups) {
      const top = g.top.map((x) => `${q(textIn(x.label, lang), 80)} (${fmt(x.mean, lang)})`).join('; ') || '–';
      lines.push(t.breakdownGroup(g.group === OTHER ? t.other : q(profileValueLabel(b.field, g.group, lang), 60), g.respondents, top));
    }
    if (b.suppressed) lines.push(t.suppressedNote(b.suppressed));
  }
  lines.push('', t.kNote(K_ANONYMITY));
  return { text: lines.join('\n') };
}

export function compareMessage(survey: Survey, changes: readonly RankChange[], before: number, after: number, lang: Lang): Message {
  const t = m(lang);
  const lines = [t.compareTitle(q(survey.title, 120), before, after)];
  for (const c of changes) lines.push(t.compareLine(q(textIn(c.label, lang), 120), c.before === undefined ? t.newInRound : String(c.before), c.after, fmt(c.meanBefore, lang), fmt(c.meanAfter, lang)));
  return { text: lines.join('\n') };
}

/** A participant's own answers (only they see them). */
export function ownAnswers(survey: Survey, answers: Record<string, Answer>, lang: Lang): Message {
  const t = m(lang);
  const lines = survey.questions.filter((x) => answers[x.id]).map((x, i) => `${i + 1}. ${q(textIn(x.text, lang), 200)}\n   ${answerText(x, answers[x.id], lang)}`);
  return { text: [t.mineTitle(q(survey.title, 120)), ...lines].join('\n') };
}

/** The survey's questions as the facilitator checks them before opening. */
export function previewMessage(survey: Survey, lang: Lang): Message {
  const lines = survey.questions.map((x, i) => {
    const labels = optionLabels(x, lang);
    return `${i + 1}. ${q(textIn(x.text, lang), 200)}${labels.length ? `\n   ${labels.map((l) => q(l, 60)).join(' · ')}` : ''}`;
  });
  return { text: m(lang).preview(q(survey.title, 120), lines.join('\n')) };
}
