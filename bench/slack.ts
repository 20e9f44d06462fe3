/**
 * bench:slack: signed Slack message events over loopback at fixed concurrency, against the advisor (the real server,
 * `node dist/main.js`) and, in the same run, a bare Bolt app that only acknowledges and echoes. Both post their replies
 * to the same loopback fake Web API, which runs in a process of its own. Measures acknowledgements per second and p50/p99 ack latency; rounds alternate
 * between the two so that machine noise hits both alike. Prints a Markdown table for BENCHMARKS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { eventEnvelope, slackSignature } from '../test/helpers/fake-slack.js';
import { ROOT, forkFakeSlack, freePort, load, median, quantile, startProcess, waitReady } from './common.js';

const SECRET = 'bench-secret';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * Optional: a checkout of an earlier version with its own built dist/ (e.g. `git worktree add /tmp/before <commit>`,
 * then `node scripts/build.mjs` there). It then runs as a third app in the same rounds, for a before/after table.
 */
const BEFORE = process.env.BENCH_BEFORE;
const QUESTIONS = [
  'Do we need CE marking to sell our machines in Norway?',
  'Which grants can finance our first export project?',
  'How do we find a distributor in Germany?',
  'hello',
  'What customs duties apply when we export to Serbia?',
];

/** Sends `total` signed events with `concurrency` in flight; returns per-request latencies and the wall time. */
function loadEvents(port: string, total: number, concurrency: number, tag: string) {
  return load({
    port,
    path: '/slack/events',
    total,
    concurrency,
    body: (i) => {
      const user = `U${i % 200}`;
      return JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel: `D${user}`, user, text: QUESTIONS[i % QUESTIONS.length], ts: `${1_700_000_000 + i}.000100`, team: 'T1' }, `Ev${tag}${i}`));
    },
    headers: (body) => slackSignature(SECRET, body),
  });
}

const q = quantile;

/** The fake Web API in its own process, asked over IPC. */
async function startFake(): Promise<{ url: string; count(): Promise<number>; summary(): Promise<{ posts: number; echoes: number; distinct: number }>; stop(): Promise<void> }> {
  const fake = await forkFakeSlack();
  return { url: fake.url, count: async () => (await fake.ask<{ count: number }>('count')).count, summary: () => fake.ask('summary'), stop: fake.stop };
}

async function main(): Promise<void> {
  const fake = await startFake();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-slack-'));
  const [oursPort, barePort, beforePort] = [String(await freePort()), String(await freePort()), String(await freePort())];
  const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, LOG_LEVEL: 'warn' };
  const ours = await startProcess([process.execPath, 'dist/main.js'], { ...slackEnv, PORT: oursPort, DATA_DIR: path.join(dataDir, 'ours') }, /Ready\./);
  const before = BEFORE
    ? await startProcess([process.execPath, path.join(BEFORE, 'dist/main.js')], { ...slackEnv, PORT: beforePort, DATA_DIR: path.join(dataDir, 'before'), KNOWLEDGE_DIR: path.join(BEFORE, 'data'), INTENTS_DIR: path.join(BEFORE, 'intents'), MODEL_CACHE_DIR: path.join(BEFORE, '.model') }, /Ready\./, BEFORE)
    : undefined;
  if (before) await waitReady(`http://127.0.0.1:${beforePort}/readyz`);
  // The peer is bundled like the advisor (dist/) and run by plain node, so neither pays for a TypeScript loader.
  const bareBundle = path.join(dataDir, 'bare-bolt.mjs');
  await esbuild.build({ entryPoints: [path.join(ROOT, 'bench/bare-bolt.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: bareBundle, logLevel: 'warning', absWorkingDir: ROOT, nodePaths: [path.join(ROOT, 'node_modules')] });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dataDir, 'node_modules'));
  const bare = await startProcess([process.execPath, bareBundle], { ...slackEnv, PORT: barePort }, /bare bolt listening/);
  await waitReady(`http://127.0.0.1:${oursPort}/readyz`);
  type Round = { rps: number; p50: number; p99: number; replyRate: number };
  const results = { ours: [] as Round[], bare: [] as Round[], before: [] as Round[] };
  const apps = [['ours', oursPort], ['bare', barePort], ...(before ? [['before', beforePort]] : [])] as [keyof typeof results, string][];
  /** Waits until the fake Web API has seen no call for a while: the app has finished the work queued behind its acks. */
  const drain = async (): Promise<number> => {
    let last = -1;
    let stableSince = performance.now();
    for (;;) {
      await new Promise((res) => setTimeout(res, 100));
      const count = await fake.count();
      if (count !== last) {
        last = count;
        stableSince = performance.now();
      } else if (performance.now() - stableSince > 1000) return stableSince;
    }
  };
  let failures = 0;
  // Warm-up for both (JIT, caches, keep-alive sockets).
  await loadEvents(oursPort, 300, CONCURRENCY, 'warm-o');
  await drain();
  await loadEvents(barePort, 300, CONCURRENCY, 'warm-b');
  await drain();
  if (before) {
    await loadEvents(beforePort, 300, CONCURRENCY, 'warm-x');
    await drain();
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, port] of apps) {
      const started = performance.now();
      const x = await loadEvents(port, REQUESTS, CONCURRENCY, `${name}${r}-`);
      // The work queued behind the acks (answers, store writes, posts) must finish before the other app's round,
      // or it would slow that round down; its end also gives the end-to-end rate of answered events.
      const lastPost = await drain();
      failures += x.failures;
      results[name].push({ rps: x.latencies.length / x.seconds, p50: median(x.latencies), p99: q(x.latencies, 0.99), replyRate: REQUESTS / ((lastPost - started) / 1000) });
    }
  }
  await Promise.all([ours, bare, ...(before ? [before] : [])].map((c) => new Promise((r) => (c.once('exit', r), c.kill()))));
  const summary = await fake.summary();
  await fake.stop();
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });

  const m = (name: keyof typeof results, k: keyof Round) => median(results[name].map((x) => x[k]));
  const rpsRatio = m('ours', 'rps') / m('bare', 'rps');
  const p99Ratio = m('ours', 'p99') / m('bare', 'p99');
  console.log(`\n${REQUESTS} signed message events per round, ${CONCURRENCY} concurrent, ${ROUNDS} rounds (medians); node ${process.version}; ${os.cpus().length} CPUs; ${new Date().toISOString()}\n`);
  console.log('| measure | advisor | bare Bolt echo | ratio (advisor / bare) |\n| --- | --- | --- | --- |');
  console.log(`| acks per second | ${m('ours', 'rps').toFixed(0)} | ${m('bare', 'rps').toFixed(0)} | ${rpsRatio.toFixed(2)} |`);
  console.log(`| ack latency p50 | ${m('ours', 'p50').toFixed(1)} ms | ${m('bare', 'p50').toFixed(1)} ms | ${(m('ours', 'p50') / m('bare', 'p50')).toFixed(2)} |`);
  console.log(`| ack latency p99 | ${m('ours', 'p99').toFixed(1)} ms | ${m('bare', 'p99').toFixed(1)} ms | ${p99Ratio.toFixed(2)} |`);
  console.log(`| events answered per second (until the last reply was posted) | ${m('ours', 'replyRate').toFixed(0)} | ${m('bare', 'replyRate').toFixed(0)} | ${(m('ours', 'replyRate') / m('bare', 'replyRate')).toFixed(2)} |`);
  if (before) {
    console.log(`\nBefore and after, same rounds (before: ${BEFORE}):\n`);
    console.log('| measure | before | after | ratio (after / before) | before / bare | after / bare |\n| --- | --- | --- | --- | --- | --- |');
    for (const [label, k, unit] of [['acks per second', 'rps', ''], ['ack latency p99', 'p99', ' ms'], ['events answered per second', 'replyRate', '']] as const) {
      const [b, a, bare] = [m('before', k), m('ours', k), m('bare', k)];
      console.log(`| ${label} | ${b.toFixed(k === 'p99' ? 1 : 0)}${unit} | ${a.toFixed(k === 'p99' ? 1 : 0)}${unit} | ${(a / b).toFixed(2)} | ${(b / bare).toFixed(2)} | ${(a / bare).toFixed(2)} |`);
    }
  }
  // As the dedupe records of earlier rounds pile up, a store that rewrites everything slows down round by round.
  const perRound = (name: keyof typeof results) => results[name].map((x) => x.replyRate.toFixed(0)).join(', ');
  console.log(`\nevents answered per second, round by round (${REQUESTS} events each):\n- after: ${perRound('ours')}\n- bare: ${perRound('bare')}${before ? `\n- before: ${perRound('before')}` : ''}`);
  const p99s = (name: keyof typeof results) => results[name].map((x) => x.p99.toFixed(0)).join(', ');
  console.log(`\nack latency p99 in ms, round by round:\n- after: ${p99s('ours')}\n- bare: ${p99s('bare')}${before ? `\n- before: ${p99s('before')}` : ''}`);
  const sent = 300 + ROUNDS * REQUESTS;
  // With a "before" app, posts of both advisors are counted together.
  console.log(`\nevents sent to each: ${sent}; bare echoes posted: ${summary.echoes}; advisor replies posted: ${summary.posts - summary.echoes} (to ${summary.distinct} distinct DMs); failed requests: ${failures}`);
  const missed = [...(rpsRatio < 0.8 ? [`throughput ratio ${rpsRatio.toFixed(2)} < 0.8`] : []), ...(p99Ratio > 1.25 ? [`p99 ratio ${p99Ratio.toFixed(2)} > 1.25`] : [])];
  console.log(missed.length ? `MISSED: ${missed.join('; ')}` : 'targets met (throughput ≥ 0.8× bare, p99 ≤ 1.25× bare)');
}

void main();
