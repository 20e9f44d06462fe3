/**
 * bench:scale, in one run: the real server (`node dist/main.js`) behind the loopback fake Slack Web API (a process of
 * its own) with the embedded lowdb store (one instance), PostgreSQL with one instance, and PostgreSQL with two
 * instances taking requests in turn (a round-robin balancer). Per setup: signed message events at fixed concurrency
 * (acks per second, ack p50/p99, events answered per second until the last reply was posted) and poll votes (votes
 * counted per second, until the poll message shows every vote); and the CPU seconds the advisor processes and the
 * PostgreSQL server spent per answered event, from /proc, to project 4 and 16 instances on cores of their own.
 * Prints Markdown for BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { blockActionsPayload, eventEnvelope, slackSignature } from '../test/helpers/fake-slack.js';
import { forkFakeSlack, freePort, load, median, quantile, startProcess, waitReady } from './common.js';

const SECRET = 'bench-scale-secret';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const VOTES = Number(process.env.BENCH_VOTES ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const ADMIN = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const QUESTIONS = ['Do we need CE marking to sell our machines in Norway?', 'Which grants can finance our first export project?', 'How do we find a distributor in Germany?', 'hello', 'What customs duties apply when we export to Serbia?'];
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

type Button = { action_id?: string; value?: string };
type PollState = { channel?: string; ts?: string; buttons: Button[]; updated: string; updates: number };

/** CPU seconds (user + system) of the given processes, from /proc/<pid>/stat. */
function cpuOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // A backend that exited between listing and reading: its time went into its parent's children counters.
    }
  }
  return ticks / TICK;
}
/** Every PostgreSQL server process (postmaster and backends). */
const postgresPids = (): number[] =>
  fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
    } catch {
      return false;
    }
  });

interface Setup {
  name: string;
  instances: number;
  pg: boolean;
}
interface Round {
  rps: number;
  p50: number;
  p99: number;
  answered: number;
  votes: number;
  advisorCpu: number;
  pgCpu: number;
}

async function runSetup(setup: Setup, fake: Awaited<ReturnType<typeof forkFakeSlack>>): Promise<Round[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  const database = `bench_scale_${crypto.randomBytes(4).toString('hex')}`;
  if (setup.pg) {
    const admin = new pg.Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
  }
  const ports = await Promise.all(Array.from({ length: setup.instances }, async () => String(await freePort())));
  const env = (port: string) => ({
    SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, LOG_LEVEL: 'warn', PORT: port, ADVISOR_MANAGERS: 'UMGR',
    ...(setup.pg ? { DATABASE_URL: Object.assign(new URL(ADMIN), { pathname: `/${database}` }).toString(), DATA_DIR: path.join(dataDir, 'unused') } : { DATA_DIR: dataDir }),
  });
  const servers: ChildProcess[] = await Promise.all(ports.map((port) => startProcess([process.execPath, 'dist/main.js'], env(port), /Ready\./)));
  for (const port of ports) await waitReady(`http://127.0.0.1:${port}/readyz`);
  const pids = servers.map((s) => s.pid!);
  const drain = async (): Promise<number> => {
    let last = -1;
    let stableSince = performance.now();
    for (;;) {
      await new Promise((res) => setTimeout(res, 100));
      const count = (await fake.ask<{ count: number }>('count')).count;
      if (count !== last) {
        last = count;
        stableSince = performance.now();
      } else if (performance.now() - stableSince > 1000) return stableSince;
    }
  };
  const events = (total: number, tag: string) =>
    load({
      port: ports,
      path: '/slack/events',
      total,
      concurrency: CONCURRENCY,
      body: (i) => {
        const user = `U${tag}${i % 200}`;
        return JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel: `D${user}`, user, text: QUESTIONS[i % QUESTIONS.length], ts: `${1_700_000_000 + i}.000100`, team: 'T1' }, `Ev${tag}${i}`));
      },
      headers: (b) => ({ 'content-type': 'application/json', ...slackSignature(SECRET, b) }),
    });
  const rounds: Round[] = [];
  for (let r = -1; r < ROUNDS; r++) {
    const tag = `${setup.name.replace(/\W/g, '')}${r + 1}x`;
    const cpuBefore = { advisor: cpuOf(pids), pg: setup.pg ? cpuOf(postgresPids()) : 0 };
    const started = performance.now();
    // The warm-up gives every instance the same 300 events (JIT, caches, keep-alive sockets).
    const x = await events(r < 0 ? 300 * setup.instances : EVENTS, tag);
    const lastPost = await drain();
    const cpuAfter = { advisor: cpuOf(pids), pg: setup.pg ? cpuOf(postgresPids()) : 0 };
    if (x.failures) throw new Error(`${setup.name}: ${x.failures} event requests failed`);
    // Votes: a fresh poll, members pressing its options through the instances in turn.
    const channel = `CSCALE${tag}`;
    const body = new URLSearchParams({ command: '/advisor', text: `poll "Round ${tag}: which fair?" "Hannover Messe" "MWC" --anonymous`, user_id: 'UMGR', channel_id: channel, team_id: 'T1', trigger_id: `cmd-${tag}` }).toString();
    await fetch(`http://127.0.0.1:${ports[0]}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SECRET, body) }, body });
    let poll: PollState;
    while (!(poll = await fake.ask<PollState>('poll')).ts || poll.channel !== channel) await new Promise((res) => setTimeout(res, 50));
    const options = poll.buttons.filter((b) => b.action_id?.startsWith('polls.vote#'));
    const votes = r < 0 ? 200 : VOTES;
    const voteStart = performance.now();
    const v = await load({
      port: ports,
      path: '/slack/events',
      total: votes,
      concurrency: CONCURRENCY,
      body: (i) => `payload=${encodeURIComponent(blockActionsPayload({ user: `UV${tag}${i}`, channel, ts: poll.ts!, button: options[i % options.length]!, triggerId: `scale-${tag}-${i}` }))}`,
      headers: (b) => ({ 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SECRET, b) }),
    });
    if (v.failures) throw new Error(`${setup.name}: ${v.failures} votes failed`);
    while (!(await fake.ask<PollState>('poll')).updated.includes(`${votes} members have voted`)) await new Promise((res) => setTimeout(res, 20));
    const voteSeconds = (performance.now() - voteStart) / 1000;
    await drain();
    const n = r < 0 ? 300 * setup.instances : EVENTS;
    if (r >= 0) {
      rounds.push({
        rps: x.latencies.length / x.seconds,
        p50: median(x.latencies),
        p99: quantile(x.latencies, 0.99),
        answered: n / ((lastPost - started) / 1000),
        votes: votes / voteSeconds,
        advisorCpu: (cpuAfter.advisor - cpuBefore.advisor) / n,
        pgCpu: (cpuAfter.pg - cpuBefore.pg) / n,
      });
    }
  }
  await Promise.all(servers.map((c) => new Promise((res) => (c.once('exit', res), c.kill()))));
  if (setup.pg) {
    const admin = new pg.Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    if (fs.existsSync(path.join(dataDir, 'unused'))) throw new Error('something was written under DATA_DIR with DATABASE_URL set');
  }
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  return rounds;
}

async function main(): Promise<void> {
  const fake = await forkFakeSlack();
  const setups: Setup[] = [
    { name: 'lowdb, 1 instance', instances: 1, pg: false },
    { name: 'PostgreSQL, 1 instance', instances: 1, pg: true },
    { name: 'PostgreSQL, 2 instances', instances: 2, pg: true },
  ];
  const results: { setup: Setup; rounds: Round[] }[] = [];
  for (const setup of setups) results.push({ setup, rounds: await runSetup(setup, fake) });
  await fake.stop();
  const m = (rounds: Round[], k: keyof Round) => median(rounds.map((x) => x[k]));
  console.log(`\nnode ${process.version}; ${os.cpus().length} CPUs; ${new Date().toISOString()}\n`);
  console.log(`${EVENTS} signed message events and ${VOTES} poll votes per round, ${CONCURRENCY} concurrent, ${ROUNDS} rounds after a warm-up (medians):\n`);
  console.log('| setup | acks/s | ack p50 | ack p99 | events answered/s | votes counted/s | advisor CPU s/event | PostgreSQL CPU s/event |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const { setup, rounds } of results) {
    console.log(`| ${setup.name} | ${m(rounds, 'rps').toFixed(0)} | ${m(rounds, 'p50').toFixed(1)} ms | ${m(rounds, 'p99').toFixed(1)} ms | ${m(rounds, 'answered').toFixed(0)} | ${m(rounds, 'votes').toFixed(0)} | ${(m(rounds, 'advisorCpu') * 1000).toFixed(2)} ms | ${setup.pg ? `${(m(rounds, 'pgCpu') * 1000).toFixed(2)} ms` : '–'} |`);
  }
  const two = results[2]!.rounds;
  const one = results[1]!.rounds;
  const perEvent = m(two, 'advisorCpu');
  const pgPer = m(two, 'pgCpu');
  console.log(`\ntwo instances / one on PostgreSQL, events answered per second: ${(m(two, 'answered') / m(one, 'answered')).toFixed(2)}`);
  for (const n of [4, 16]) {
    const advisorSide = n / perEvent;
    const pgSide = 1 / pgPer;
    console.log(`projected with ${n} instances on a core each and PostgreSQL on one core of its own: ${Math.min(advisorSide, pgSide).toFixed(0)} events/s (instances could do ${advisorSide.toFixed(0)}, PostgreSQL ${pgSide.toFixed(0)}: the limit is ${advisorSide < pgSide ? 'the instances' : 'PostgreSQL'})`);
  }
}

await main();
