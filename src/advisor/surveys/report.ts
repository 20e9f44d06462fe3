/**
 * What comes out of a survey: the results (for the facilitator; posted to the audience by `survey share`), the
 * chart, the CSV and JSON exports (one row per finished response, no participant ids, profile columns only as far as
 * no combination singles out fewer than K_ANONYMITY respondents), the comparison of rounds, archiving, a
 * participant's own answers, and forget me.
 */
import { barChartPng } from '../../common/chart.js';
import { csvBytes } from '../../common/csv.js';
import type { Lang } from '../../common/lang.js';
import type { TurnContext } from '../../core/context.js';
import { userKeyOf } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import { sameConversation, type UserAddress } from '../../core/event.js';
import type { Attachment, Message } from '../../core/message.js';
import type { Ports } from '../../core/ports.js';
import { listAll } from '../../store/store.js';
import { respondentKey, requireRunner, rosterKey } from './access.js';
import { surveyMessages as m } from './messages.js';
import { K_ANONYMITY, PROFILE_FIELDS, participantKey, participants, responseKey, responses, responsesPrefix, surveyKey, surveys, textIn, type Survey, type SurveyResponse } from './model.js';
import { aggregate, compareRounds, foldGroups, foldedValue, safeColumns, SurveyResultsSchema, type SurveyResults } from './results.js';
import { answerText, compareMessage, optionText, ownAnswers, q, resultsMessage } from './render.js';

async function allResponses(ports: Ports, survey: Survey): Promise<SurveyResponse[]> {
  const out: SurveyResponse[] = [];
  for await (const r of listAll(ports.store, responses.name, responsesPrefix(survey.id))) {
    const response = responses.parse(r.value);
    if (response) out.push(response);
  }
  return out;
}

/** The results: kept at archiving, else computed from the responses now. */
export async function resultsOf(ports: Ports, survey: Survey): Promise<SurveyResults> {
  if (survey.archived) {
    const kept = SurveyResultsSchema.safeParse(survey.kept);
    if (kept.success) return kept.data;
  }
    // The roster is frozen at opening and keeps forgotten members, so its size is the survey's `invited`.
  return aggregate({ survey, responses: await allResponses(ports, survey), invited: survey.invited, optionLabel: optionText });
}

/** The ranking chart: every barrier by mean importance (barriers template), else every solution or rating. */
export async function resultsChart(survey: Survey, r: SurveyResults, lang: Lang): Promise<Attachment> {
  const t = m(lang);
  const bars = r.areas.flatMap((a) => [...a.barriers.map((b) => ({ label: textIn(b.label, lang), value: b.mean ?? 0 })), ...a.solutions.map((s) => ({ label: textIn(s.label, lang).replace(/^.*“(.*)”$/, '$1'), value: s.mean ?? 0 }))]);
  const ratings = r.questions.filter((x) => x.kind === 'rating').map((x) => ({ label: textIn(x.text, lang), value: x.mean ?? 0 }));
  const all = [...bars, ...ratings].sort((a, b) => b.value - a.value).slice(0, 30);
  const png = await barChartPng({ title: survey.title, labels: all.map((b) => b.label), max: 5, series: [{ name: t.chartAxis, values: all.map((b) => b.value), color: '#2a6f97' }] });
  return { name: `survey-${survey.id}-chart.png`, mimeType: 'image/png', data: png, alt: t.chartAlt(survey.title) };
}

async function withChart(ports: Ports, survey: Survey, lang: Lang): Promise<Message> {
  const r = await resultsOf(ports, survey);
  return { ...resultsMessage(survey, r, ports.knowledge, lang), attachments: [await resultsChart(survey, r, lang)] };
}

/** At closing: the results with the chart to the facilitator, in their direct conversation. */
export async function announceResults(ports: Ports, survey: Survey): Promise<void> {
  if (!survey.facilitator) return;
  const message = await withChart(ports, survey, survey.lang);
  const dm = await ports.messenger.direct(survey.facilitator.user);
  await ports.messenger.post(dm, { ...message, text: `${m(survey.lang).closedNotice(q(survey.title, 120))}\n\n${message.text}` });
}

export async function showResults(ctx: TurnContext, survey: Survey): Promise<void> {
  await requireRunner(ctx, survey, 'resultsRefused');
  await ctx.say(await withChart(ctx.ports, survey, ctx.lang), { audience: 'private' });
}

/** `survey share`: the results to the audience's channel (its first), else where the survey was created. */
export async function shareResults(ctx: TurnContext, survey: Survey): Promise<void> {
  await requireRunner(ctx, survey);
  const t = m(ctx.lang);
  if (survey.state !== 'closed') throw new AdvisorError('CLOSED', t.shareNotClosed);
  const to = survey.audience.conversations[0] ?? survey.address;
  await ctx.ports.messenger.post(to, await withChart(ctx.ports, survey, survey.lang));
  await ctx.say({ text: t.shared }, { audience: 'private' });
}

/** One row per finished response: profile columns as far as safe, then each question's answer. No ids. */
export function responsesCsv(survey: Survey, rs: readonly SurveyResponse[], lang: Lang): Attachment {
  const t = m(lang);
  // Below K finished responses a row is as good as a name: the file has the header only.
  const finished = rs.filter((r) => r.finished);
  const done = finished.length >= K_ANONYMITY ? finished : [];
  const folds = Object.fromEntries(PROFILE_FIELDS.map((f) => [f, foldGroups(done.map((r) => r.profile[f]))])) as Record<(typeof PROFILE_FIELDS)[number], ReturnType<typeof foldGroups>>;
  const folded = done.map((r) => Object.fromEntries(PROFILE_FIELDS.map((f) => [f, foldedValue(r.profile[f], folds[f])])) as Record<(typeof PROFILE_FIELDS)[number], string | undefined>);
  const columns = safeColumns(folded);
  const asked = survey.questions.filter((x) => x.kind !== 'profile');
  const header = [t.csv.response, ...columns.map((c) => t.csv[c]), ...asked.map((x) => `${x.id}: ${textIn(x.text, lang)}`)];
  // Rows in a fixed order that says nothing about who answered when: by their answers.
  const rows = done
    .map((r, i) => [...columns.map((c) => folded[i]![c] ?? ''), ...asked.map((x) => (r.answers[x.id] ? answerText(x, r.answers[x.id], lang).replace(/^“|”$/g, '') : ''))])
    .sort((a, b) => a.join('\u0000').localeCompare(b.join('\u0000')))
    .map((row, i) => [i + 1, ...row]);
  return { name: `survey-${survey.id}-responses.csv`, mimeType: 'text/csv', data: csvBytes([header, ...rows]), asFile: true };
}

export async function exportSurvey(ctx: TurnContext, survey: Survey, format: string | undefined): Promise<void> {
  await requireRunner(ctx, survey, 'resultsRefused');
  const t = m(ctx.lang);
  const kind = (format ?? 'csv').toLowerCase();
  if (kind !== 'csv' && kind !== 'json') throw new AdvisorError('BAD_INPUT', t.badExportFormat);
  const results = await resultsOf(ctx.ports, survey);
  const files: Attachment[] = [];
  const rs = survey.archived ? [] : await allResponses(ctx.ports, survey);
  if (kind === 'csv') {
    if (!survey.archived) files.push(responsesCsv(survey, rs, ctx.lang));
  } else {
    const json = { survey: { id: survey.id, title: survey.title, round: survey.round, closesAt: survey.closesAt, state: survey.state, questions: survey.questions }, results };
    files.push({ name: `survey-${survey.id}-results.json`, mimeType: 'application/json', data: new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`), asFile: true });
  }
  files.push(await resultsChart(survey, results, ctx.lang));
  const message: Message = { text: `**${t.exportTitle(q(survey.title, 120))}**${survey.archived && kind === 'csv' ? `\n${t.archivedNoRaw}` : ''}`, attachments: files };
  const direct = await ctx.ports.messenger.direct(ctx.user);
  if (sameConversation(direct, ctx.address)) return void (await ctx.say(message));
  await ctx.ports.messenger.post(direct, message);
  await ctx.say({ text: t.exportSent }, { audience: 'private' });
}

/** The round before this one, of the same series. */
async function previousRound(ports: Ports, survey: Survey): Promise<Survey | undefined> {
  let best: Survey | undefined;
  for await (const r of listAll(ports.store, surveys.name, '')) {
    const s = surveys.parse(r.value);
    if (s && s.series === survey.series && s.round < survey.round && s.state === 'closed' && (!best || s.round > best.round)) best = s;
  }
  return best;
}

export async function compareSurvey(ctx: TurnContext, survey: Survey): Promise<void> {
  await requireRunner(ctx, survey, 'resultsRefused');
  const before = await previousRound(ctx.ports, survey);
  if (!before) throw new AdvisorError('NOT_FOUND', m(ctx.lang).noEarlierRound);
  const changes = compareRounds(await resultsOf(ctx.ports, before), await resultsOf(ctx.ports, survey));
  await ctx.say(compareMessage(survey, changes, before.round, survey.round, ctx.lang), { audience: 'private' });
}

/** `survey archive`: keeps the results, deletes every individual answer. */
export async function archiveSurvey(ctx: TurnContext, survey: Survey): Promise<void> {
  await requireRunner(ctx, survey);
  const t = m(ctx.lang);
  if (survey.state !== 'closed') throw new AdvisorError('CLOSED', t.archiveOpen);
  if (!survey.archived) {
    const kept = await resultsOf(ctx.ports, survey);
    await surveys.update(ctx.ports.store, surveyKey(survey.id), (s) => (s ? { ...s, kept, archived: { at: ctx.now.toISOString() } } : s));
    await responses.deleteByPrefix(ctx.ports.store, responsesPrefix(survey.id));
  }
  await ctx.say({ text: t.archived(q(survey.title, 120)) }, { audience: 'private' });
}

/** Surveys the user was invited to, newest first. */
export async function surveysOf(ports: Ports, user: UserAddress): Promise<{ survey: Survey; key: string }[]> {
  const out: { survey: Survey; key: string }[] = [];
  for await (const r of listAll(ports.store, surveys.name, '')) {
    const s = surveys.parse(r.value);
    if (!s || s.state === 'draft') continue;
    const key = participantKey(s.id, await rosterKey(ports, s.id, userKeyOf(user)));
    if (await participants.get(ports.store, key)) out.push({ survey: s, key });
  }
  return out.sort((a, b) => (b.survey.openedAt ?? '').localeCompare(a.survey.openedAt ?? ''));
}

/** `my survey answers`: the participant's own answers, to them only. */
export async function showMine(ctx: TurnContext): Promise<void> {
  const messages: Message[] = [];
  for (const { survey } of await surveysOf(ctx.ports, ctx.user)) {
    const r = await responses.get(ctx.ports.store, responseKey(survey.id, await respondentKey(ctx.ports, survey.id, ctx.userKey)));
    if (r) messages.push(ownAnswers(survey, r.answers, ctx.lang));
  }
  if (!messages.length) return void (await ctx.say({ text: m(ctx.lang).mineNone }, { audience: 'private' }));
  for (const message of messages) await ctx.say(message, { audience: 'private' });
}

/**
 * Forget me: the user's responses are deleted (results from then on leave them out; the response rate counts them
 * as invited, not as responding), their roster entries keep no id, and surveys they run lose their name.
 */
export async function forgetParticipant(user: UserAddress, ports: Ports, lang: Lang): Promise<string | undefined> {
  const userKey = userKeyOf(user);
  let n = 0;
  for await (const r of listAll(ports.store, surveys.name, '')) {
    const s = surveys.parse(r.value);
    if (!s) continue;
    if (await responses.delete(ports.store, responseKey(s.id, await respondentKey(ports, s.id, userKey)))) n++;
    const key = participantKey(s.id, await rosterKey(ports, s.id, userKey));
    await participants.update(ports.store, key, (e) => (e ? { state: 'invited' as const, reminded: e.reminded, forgotten: true, ...(e.invitedAt ? { invitedAt: e.invitedAt } : {}) } : e));
    if (s.facilitator?.key === userKey) await surveys.update(ports.store, r.key, (x) => (x ? { ...x, facilitator: undefined } : x));
  }
  return n ? m(lang).forgot(n) : undefined;
}
