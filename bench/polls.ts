/**
 * bench:polls, in one run:
 * 1. Votes through the Slack endpoint: the real server (`node dist/main.js`, lowdb store) takes signed block_actions
 *    presses from distinct members at fixed concurrency; acks per second, ack latency p50/p99, and votes counted per
 *    second (until the coalesced poll message shows every vote), per round one fresh poll.
 * 2. The cost of one vote as a poll grows: the real pipeline and lowdb files in this process, one member after
 *    another into one poll; the median time of the votes around the 100th and around the 10 000th. Target: ratio ≤ 1.5
 *    (a vote touches its own record and the poll's small tally, never a list of all votes).
 * Prints Markdown for BENCHMARKS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAdvisorApp } from '../src/app.js';
import { createLogger } from '../src/common/logger.js';
import { loadConfig } from '../src/config.js';
import { CollectingOutput } from '../src/core/collect.js';
import type { Address, UserAddress } from '../src/core/event.js';
import type { Message, MessageRef } from '../src/core/message.js';
import type { Directory, Messenger } from '../src/core/ports.js';
import { blockActionsPayload, slackSignature } from '../test/helpers/fake-slack.js';
import { ROOT, forkFakeSlack, freePort, load, median, quantile, startProcess, waitReady } from './common.js';

const SECRET = 'bench-polls-secret';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const VOTES = Number(process.env.BENCH_VOTES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GROWTH = Number(process.env.BENCH_GROWTH_VOTES ?? 10_050);
const WINDOW = 50;

type Button = { action_id?: string; value?: string };
type PollState = { channel?: string; ts?: string; buttons: Button[]; updated: string; updates: number };

async function startFake() {
  const fake = await forkFakeSlack();
  return { url: fake.url, poll: () => fake.ask<PollState>('poll'), stop: fake.stop };
}

const click = (user: string, channel: string, ts: string, button: Button, n: string) =>
  `payload=${encodeURIComponent(blockActionsPayload({ user, channel, ts, button, triggerId: `bench-${n}` }))}`;

async function slackRounds(): Promise<{ rps: number; p50: number; p99: number; counted: number }[]> {
  const fake = await startFake();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-polls-'));
  const port = String(await freePort());
  const server = await startProcess(
    [process.execPath, 'dist/main.js'],
    { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, LOG_LEVEL: 'warn', PORT: port, DATA_DIR: dataDir, ADVISOR_MANAGERS: 'UMGR' },
    /Ready\./,
  );
  await waitReady(`http://127.0.0.1:${port}/readyz`);
  const rounds = [];
  for (let r = -1; r < ROUNDS; r++) {
    const votes = r < 0 ? 300 : VOTES;
    const channel = `CBENCH${r + 1}`;
    const body = new URLSearchParams({ command: '/advisor', text: `poll "Round ${r + 1}: which fair?" "Hannover Messe" "MWC" "IFA" --anonymous`, user_id: 'UMGR', channel_id: channel, team_id: 'T1', trigger_id: `cmd-${r}` }).toString();
    await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SECRET, body) }, body });
    let poll: PollState;
    while (!(poll = await fake.poll()).ts || poll.channel !== channel) await new Promise((res) => setTimeout(res, 50));
    const options = poll.buttons.filter((b) => b.action_id?.startsWith('polls.vote#'));
    const started = performance.now();
    const x = await load({
      port,
      path: '/slack/events',
      total: votes,
      concurrency: CONCURRENCY,
      body: (i) => click(`UR${r + 1}V${i}`, channel, poll.ts!, options[i % options.length]!, `${r}-${i}`),
      headers: (b) => ({ 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SECRET, b) }),
    });
    // Counted: the poll message (updated about once a second) shows every vote.
    while (!(await fake.poll()).updated.includes(`${votes} members have voted`)) await new Promise((res) => setTimeout(res, 20));
    const seconds = (performance.now() - started) / 1000;
    if (x.failures) throw new Error(`${x.failures} requests failed`);
    if (r >= 0) rounds.push({ rps: x.latencies.length / x.seconds, p50: median(x.latencies), p99: quantile(x.latencies, 0.99), counted: votes / seconds });
  }
  await new Promise((res) => (server.once('exit', res), server.kill()));
  await fake.stop();
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  return rounds;
}

/** Messages go nowhere; what a poll posts gets a reference, as on a real channel. */
class NullMessenger implements Messenger, Directory {
  private n = 0;
  async post(to: Address): Promise<MessageRef> {
    return { channel: to.channel, conversation: to.conversation, id: `m${++this.n}` };
  }
  async update(_ref: MessageRef, _message: Message): Promise<void> {}
  async delete(): Promise<void> {}
  async direct(user: UserAddress): Promise<Address> {
    return { channel: user.channel, conversation: `dm:${user.user}` };
  }
  async members(): Promise<UserAddress[]> {
    return [];
  }
  async timeZone(): Promise<string | undefined> {
    return undefined;
  }
}

async function growth(): Promise<{ at100: number; at10k: number; ratio: number; filesKb: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-poll-growth-'));
  const config = loadConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR: path.join(ROOT, 'data'), INTENTS_DIR: path.join(ROOT, 'intents'), MODEL_CACHE_DIR: path.join(ROOT, 'node_modules/.cache/sme-advisor'), ADVISOR_MANAGERS: 'mgr' });
  const app = await createAdvisorApp(config, createLogger('silent'));
  app.channels.register({ channel: 'cli', messenger: new NullMessenger(), directory: new NullMessenger() });
  const turn = async (user: string, event: { text?: string; action?: { id: string; value: string } }) => {
    const out = new CollectingOutput({ channel: 'cli', conversation: 'cluster' }, app.ports.newId);
    await app.advisor.handle({ channel: 'cli', user, conversation: 'cluster', ...event }, out);
    return out.replies;
  };
  await turn('mgr', { text: 'poll dots "Which barriers first?" "Finance" "Skills" "Contacts" "Languages" --dots 3' });
  const times: number[] = [];
  for (let i = 0; i < GROWTH; i++) {
    const started = performance.now();
    // A typed dot vote: parse, the vote and tally in one atomic update, the private reply.
    await turn(`member${i}`, { text: `dots ${1 + (i % 4)} ${1 + ((i + 1) % 4)}` });
    times.push(performance.now() - started);
  }
  const around = (n: number) => median(times.slice(n - WINDOW, n + WINDOW));
  const at100 = around(100);
  const at10k = around(Math.min(10_000, GROWTH - WINDOW));
  const check = (await turn('mgr', { text: 'poll results' }))[0]!.text;
  if (!check.includes(`${GROWTH} members have voted`)) throw new Error(`not every vote counted: ${check.slice(0, 200)}`);
  await app.close();
  const votesDir = path.join(dataDir, 'store', 'poll_votes');
  const filesKb = Math.max(...fs.readdirSync(votesDir).map((f) => fs.statSync(path.join(votesDir, f)).size)) / 1024;
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  return { at100, at10k, ratio: at10k / at100, filesKb };
}

async function main(): Promise<void> {
  const rounds = await slackRounds();
  const g = await growth();
  const m = (k: keyof (typeof rounds)[number]) => median(rounds.map((x) => x[k]));
  console.log(`\nnode ${process.version}; ${os.cpus().length} CPUs; ${new Date().toISOString()}\n`);
  console.log(`**Votes through the Slack endpoint** (lowdb store; ${VOTES} signed presses from distinct members per round, ${CONCURRENCY} concurrent, ${ROUNDS} rounds, medians):\n`);
  console.log('| measure | value |\n| --- | --- |');
  console.log(`| acks per second | ${m('rps').toFixed(0)} |`);
  console.log(`| ack latency p50 | ${m('p50').toFixed(1)} ms |`);
  console.log(`| ack latency p99 | ${m('p99').toFixed(1)} ms |`);
  console.log(`| votes counted per second (until the poll message showed all) | ${m('counted').toFixed(0)} |`);
  console.log(`\nround by round, votes counted per second: ${rounds.map((x) => x.counted.toFixed(0)).join(', ')}; ack p99 ms: ${rounds.map((x) => x.p99.toFixed(0)).join(', ')}`);
  console.log(`\n**Cost of one vote as the poll grows** (one dot vote, ${GROWTH} members one after another, the pipeline and lowdb files in-process; median of the ${2 * WINDOW} votes around each point):\n`);
  console.log('| vote | median time per vote |\n| --- | --- |');
  console.log(`| around the 100th | ${g.at100.toFixed(2)} ms |`);
  console.log(`| around the 10 000th | ${g.at10k.toFixed(2)} ms |`);
  console.log(`| ratio (10 000th / 100th) | ${g.ratio.toFixed(2)} |`);
  console.log(`\nlargest poll_votes file after ${GROWTH} votes: ${g.filesKb.toFixed(1)} kB`);
  console.log(g.ratio <= 1.5 ? 'target met (ratio ≤ 1.5)' : `MISSED: ratio ${g.ratio.toFixed(2)} > 1.5`);
}

void main();
