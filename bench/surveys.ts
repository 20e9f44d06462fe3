/**
 * bench:surveys, in one run:
 * 1. Opening a survey to 2 000 members of a Slack channel: the real server (`node dist/main.js`, lowdb store) and a
 *    fake Web API in its own process that answers conversations.open and chat.postMessage with 429 (Retry-After: 1)
 *    at random. Per round: seconds from `/advisor survey open` until every invitation went out; invitations sent,
 *    to how many DMs, how many twice; 429s; calls that arrived within a Retry-After window (requests in flight when
 *    the 429 came: the client pauses its queue for Retry-After). Targets: every member invited, none twice.
 * 2. Aggregating 2 000 complete responses of a three-key-area barrier survey (the real template): the pure
 *    aggregation, and `survey results` end to end (lowdb files read, aggregated, worded) in this process. Target: the
 *    aggregation under 200 ms.
 * Prints Markdown for BENCHMARKS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAdvisorApp } from '../src/app.js';
import { advance } from '../src/advisor/surveys/answering.js';
import { participants, participantKey, responseKey, responses, surveyKey, surveys, type Question, type Survey, type SurveyResponse } from '../src/advisor/surveys/model.js';
import { numbered, templateQuestions } from '../src/advisor/surveys/questions.js';
import { optionLabels, optionText } from '../src/advisor/surveys/render.js';
import { aggregate } from '../src/advisor/surveys/results.js';
import { respondentKey, rosterKey } from '../src/advisor/surveys/access.js';
import { createLogger } from '../src/common/logger.js';
import { loadConfig } from '../src/config.js';
import { CollectingOutput } from '../src/core/collect.js';
import { userKeyOf } from '../src/core/context.js';
import { slackSignature } from '../test/helpers/fake-slack.js';
import { ROOT, forkFakeSlack, freePort, median, startProcess, waitReady } from './common.js';

const SECRET = 'bench-surveys-secret';
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CHANCE = Number(process.env.BENCH_429_CHANCE ?? 0.02);
const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 2000);

type Invitations = { sent: number; distinct: number; doubled: number; limited: number; inWindow: number; first: number; last: number };

async function openRounds(): Promise<(Invitations & { seconds: number })[]> {
  const fake = await forkFakeSlack();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-surveys-'));
  const port = String(await freePort());
  const server = await startProcess(
    [process.execPath, 'dist/main.js'],
    { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, LOG_LEVEL: 'warn', PORT: port, DATA_DIR: dataDir, ADVISOR_FACILITATORS: 'UFAC' },
    /Ready\./,
  );
  await waitReady(`http://127.0.0.1:${port}/readyz`);
  const command = (text: string, n: string) => {
    const body = new URLSearchParams({ command: '/advisor', text, user_id: 'UFAC', channel_id: 'CFAC', team_id: 'T1', trigger_id: `cmd-${n}` }).toString();
    return fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SECRET, body) }, body });
  };
  const rounds = [];
  for (let r = -1; r < ROUNDS; r++) {
    const members = r < 0 ? 200 : MEMBERS;
    const channel = `CSURVEY${r + 1}`;
    await fake.ask('survey', { channel, members, chance: CHANCE });
    // Each round its own members (UM… ids repeat across rounds, so each round is its own survey of fresh DMs).
    const since = (await fake.ask<{ count: number }>('count')).count;
    await command(`survey new "Round ${r + 1}" --template custom --audience <#${channel}> --closes 10d`, `${r}-new`);
    await command('survey question add "How ready is your company to export?" --rating 1-5', `${r}-q`);
    const started = Date.now();
    await command('survey open', `${r}-open`);
    let inv: Invitations;
    for (;;) {
      inv = await fake.ask<Invitations>('invitations', { since });
      if (inv.sent >= members) break;
      if (Date.now() - started > 600_000) throw new Error(`only ${inv.sent} of ${members} invitations after 10 minutes`);
      await new Promise((res) => setTimeout(res, 100));
    }
    // Settle: anything doubled would arrive now.
    await new Promise((res) => setTimeout(res, 1500));
    inv = await fake.ask<Invitations>('invitations', { since });
    if (r >= 0) rounds.push({ ...inv, seconds: (inv.last - started) / 1000 });
    if (inv.distinct !== members || inv.doubled) throw new Error(`round ${r + 1}: ${inv.distinct} of ${members} members invited, ${inv.doubled} twice`);
  }
  await new Promise((res) => (server.once('exit', res), server.kill()));
  await fake.stop();
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  return rounds;
}

/** 2 000 finished responses with varied answers, written to the lowdb files; times aggregation and `survey results`. */
async function aggregation(): Promise<{ pure: number; endToEnd: number; questions: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-survey-results-'));
  const config = loadConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR: path.join(ROOT, 'data'), INTENTS_DIR: path.join(ROOT, 'intents'), MODEL_CACHE_DIR: path.join(ROOT, 'node_modules/.cache/sme-advisor'), ADVISOR_FACILITATORS: 'fac' });
  const app = await createAdvisorApp(config, createLogger('silent'));
  const k = app.ports.knowledge;
  const areas = k.data.keyAreas.slice(0, 3);
  const questions: Question[] = numbered(templateQuestions(k, 'barriers', areas));
  const now = new Date();
  const survey: Survey = {
    v: 1, id: 'bnchmk', title: 'Benchmark', template: 'barriers', areas: areas.map((a) => a.id), questions, audience: { conversations: [], users: [] },
    closesAt: new Date(now.getTime() + 86_400_000).toISOString(), reminders: [], threshold: { dots: 5 }, lang: 'en', timeZone: 'Europe/Brussels',
    facilitator: { key: userKeyOf({ channel: 'cli', user: 'fac' }), user: { channel: 'cli', user: 'fac' } }, address: { channel: 'cli', conversation: 'dm:fac' },
    createdAt: now.toISOString(), state: 'open', invited: RESPONSES, statusMessages: [], series: 'bnchmk', round: 1,
  };
  await surveys.put(app.store, surveyKey(survey.id), survey);
  const countries = ['SE', 'DE', 'AT', 'BG', 'RO'];
  const rs: SurveyResponse[] = [];
  let seed = 1;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  for (let i = 0; i < RESPONSES; i++) {
    let r = advance(survey, undefined, { kind: 'start' }, { now, lang: 'en', profile: { country: countries[i % 5]!, sector: 'ict', size: 'small' } }, (q) => optionLabels(q, 'en')).response!;
    while (r.at) {
      const q = questions.find((x) => x.id === r.at)!;
      const text = q.kind === 'rating' ? String(1 + rand(5)) : q.kind === 'dots' ? `${1 + rand(q.options!.length)} ${1 + rand(q.options!.length)} ${1 + rand(q.options!.length)}` : `free text ${rand(50)}`;
      r = advance(survey, r, { kind: 'text', text }, { now, lang: 'en', profile: r.profile }, (x) => optionLabels(x, 'en')).response!;
    }
    rs.push(r);
    const user = { channel: 'cli' as const, user: `m${i}` };
    await responses.put(app.store, responseKey(survey.id, await respondentKey(app.ports, survey.id, userKeyOf(user))), r);
    await participants.put(app.store, participantKey(survey.id, await rosterKey(app.ports, survey.id, userKeyOf(user))), { user, state: 'finished', reminded: [] });
  }
  const pure: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    const result = aggregate({ survey, responses: rs, invited: RESPONSES, optionLabel: optionText });
    pure.push(performance.now() - started);
    if (result.finished !== RESPONSES) throw new Error('not every response counted');
  }
  const endToEnd: number[] = [];
  for (let i = 0; i < 5; i++) {
    const out = new CollectingOutput({ channel: 'cli', conversation: 'dm:fac' }, app.ports.newId);
    const started = performance.now();
    await app.advisor.handle({ channel: 'cli', user: 'fac', conversation: 'dm:fac', text: 'survey results bnchmk' }, out);
    endToEnd.push(performance.now() - started);
    if (!out.replies.some((x) => x.text.includes(`${RESPONSES} of ${RESPONSES} finished`))) throw new Error(`unexpected results: ${out.replies[0]?.text.slice(0, 200)}`);
  }
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  return { pure: median(pure), endToEnd: median(endToEnd), questions: questions.length };
}

async function main(): Promise<void> {
  const rounds = await openRounds();
  const a = await aggregation();
  const m = (k: keyof (typeof rounds)[number]) => median(rounds.map((x) => x[k]));
  console.log(`\nnode ${process.version}; ${os.cpus().length} CPUs; ${new Date().toISOString()}\n`);
  console.log(`**Opening a survey to ${MEMBERS} channel members** (lowdb store; the fake Web API answers conversations.open and chat.postMessage with 429, Retry-After 1 s, at random ${(CHANCE * 100).toFixed(0)} % of calls; ${ROUNDS} rounds, medians):\n`);
  console.log('| measure | value |\n| --- | --- |');
  console.log(`| members invited (distinct DMs) | ${m('distinct')} of ${MEMBERS} |`);
  console.log(`| invitations sent twice | ${m('doubled')} |`);
  console.log(`| 429s answered | ${m('limited')} |`);
  console.log(`| calls arriving within a Retry-After window (in flight when the 429 came) | ${m('inWindow')} |`);
  console.log(`| seconds until every invitation went out | ${m('seconds').toFixed(1)} |`);
  console.log(`| invitations per second | ${(MEMBERS / m('seconds')).toFixed(0)} |`);
  console.log(`\n**Aggregating ${RESPONSES} complete responses** (barrier survey over three key areas, ${a.questions} questions each):\n`);
  console.log('| measure | median | target |\n| --- | --- | --- |');
  console.log(`| aggregation (pure) | ${a.pure.toFixed(1)} ms | < 200 ms |`);
  console.log(`| \`survey results\` end to end (lowdb read, aggregate, word) | ${a.endToEnd.toFixed(1)} ms | |`);
}

await main();
