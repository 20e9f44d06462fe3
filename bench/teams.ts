/**
 * bench:teams: Teams message activities over loopback at fixed concurrency against the advisor (the real server,
 * `node dist/main.js`, unauthenticated on loopback) and, in the same run, a bare botbuilder echo bot. Both reply to
 * the same loopback fake Bot Connector in a process of its own. The advisor acknowledges a message once it is in the
 * durable inbox and answers after; the echo bot answers inside the request. Card invokes (Action.Execute), which the
 * advisor must answer in the response, are measured separately. Rounds alternate. Prints Markdown for BENCHMARKS.md.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT, freePort, load, median, quantile, startProcess } from './common.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const INVOKES = Number(process.env.BENCH_INVOKES ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const QUESTIONS = ['Do we need CE marking to sell our machines in Norway?', 'How do I get an EORI number? We are based in Sweden.', 'How do we find a distributor in Germany?', 'hello', 'What goes into an export plan?'];

function activity(connector: string, i: number, tag: string, invoke: boolean): Record<string, unknown> {
  const user = `u${i % 200}`;
  return {
    type: invoke ? 'invoke' : 'message',
    ...(invoke ? { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'answers.more', data: { verb: 'answers.more', value: '1' } } } } : { text: QUESTIONS[i % QUESTIONS.length] }),
    id: `${tag}${i}`,
    channelId: 'msteams',
    serviceUrl: connector,
    from: { id: `29:${user}`, name: user },
    recipient: { id: '28:bot', name: 'Advisor' },
    conversation: { id: `a:${user}`, conversationType: 'personal', tenantId: 't1' },
    localTimezone: 'Europe/Berlin',
  };
}

function loadActivities(port: string, connector: string, total: number, tag: string, invoke: boolean) {
  return load({ port, path: '/api/messages', total, concurrency: CONCURRENCY, body: (i) => JSON.stringify(activity(connector, i, tag, invoke)) });
}

const q = quantile;

async function main(): Promise<void> {
  const fake = fork(path.join(ROOT, 'bench/fake-connector-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const { url: connector } = await new Promise<{ url: string }>((resolve) => fake.once('message', (m) => resolve(m as { url: string })));
  const count = () => new Promise<number>((resolve) => (fake.once('message', (m) => resolve((m as { count: number }).count)), fake.send({ cmd: 'count' })));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-teams-'));
  const [oursPort, barePort] = [String(await freePort()), String(await freePort())];
  const ours = await startProcess([process.execPath, 'dist/main.js'], { PORT: oursPort, HOST: '127.0.0.1', DATA_DIR: path.join(dataDir, 'ours'), LOG_LEVEL: 'error', DEFAULT_LOCALE: 'en' }, /Ready\./);
  const bareBundle = path.join(dataDir, 'bare-teams.mjs');
  await esbuild.build({ entryPoints: [path.join(ROOT, 'bench/bare-teams.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: bareBundle, logLevel: 'warning', absWorkingDir: ROOT });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dataDir, 'node_modules'));
  const bare = await startProcess([process.execPath, bareBundle], { PORT: barePort }, /bare teams listening/);
  /** Waits until the connector has seen no call for a second: the work queued behind the acks is done. */
  const drain = async (): Promise<number> => {
    let stableSince = performance.now();
    for (;;) {
      await new Promise((res) => setTimeout(res, 100));
      if ((await count()) > 0) stableSince = performance.now();
      else if (performance.now() - stableSince > 1000) return stableSince;
    }
  };
  type Round = { rps: number; p50: number; p99: number; replyRate: number };
  const results = { ours: [] as Round[], bare: [] as Round[], oursInvoke: [] as Round[], bareInvoke: [] as Round[] };
  let failures = 0;
  for (const [port, tag] of [[oursPort, 'wo'], [barePort, 'wb']] as const) {
    await loadActivities(port, connector, 300, tag, false);
    await drain();
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, port, invoke, total] of [['ours', oursPort, false, REQUESTS], ['bare', barePort, false, REQUESTS], ['oursInvoke', oursPort, true, INVOKES], ['bareInvoke', barePort, true, INVOKES]] as const) {
      const started = performance.now();
      const x = await loadActivities(port, connector, total, `${name}${r}-`, invoke);
      const last = await drain();
      failures += x.failures;
      results[name].push({ rps: x.latencies.length / x.seconds, p50: median(x.latencies), p99: q(x.latencies, 0.99), replyRate: total / ((last - started) / 1000) });
    }
  }
  await Promise.all([ours, bare].map((c) => new Promise((res) => (c.once('exit', res), c.kill()))));
  fake.send({ cmd: 'stop' });
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  const m = (name: keyof typeof results, k: keyof Round) => median(results[name].map((x) => x[k]));
  console.log(`\n${REQUESTS} message activities and ${INVOKES} card invokes per round, ${CONCURRENCY} concurrent, ${ROUNDS} rounds (medians); node ${process.version}; ${os.cpus().length} CPUs; ${new Date().toISOString()}\n`);
  console.log('| measure | advisor | bare botbuilder echo | ratio (advisor / bare) |\n| --- | --- | --- | --- |');
  console.log(`| message acks per second | ${m('ours', 'rps').toFixed(0)} | ${m('bare', 'rps').toFixed(0)} | ${(m('ours', 'rps') / m('bare', 'rps')).toFixed(2)} |`);
  console.log(`| message ack p50 | ${m('ours', 'p50').toFixed(1)} ms | ${m('bare', 'p50').toFixed(1)} ms | ${(m('ours', 'p50') / m('bare', 'p50')).toFixed(2)} |`);
  console.log(`| message ack p99 | ${m('ours', 'p99').toFixed(1)} ms | ${m('bare', 'p99').toFixed(1)} ms | ${(m('ours', 'p99') / m('bare', 'p99')).toFixed(2)} |`);
  console.log(`| messages answered per second (until the last reply) | ${m('ours', 'replyRate').toFixed(0)} | ${m('bare', 'replyRate').toFixed(0)} | ${(m('ours', 'replyRate') / m('bare', 'replyRate')).toFixed(2)} |`);
  console.log(`| card invokes per second (answered in the response) | ${m('oursInvoke', 'rps').toFixed(0)} | ${m('bareInvoke', 'rps').toFixed(0)} | ${(m('oursInvoke', 'rps') / m('bareInvoke', 'rps')).toFixed(2)} |`);
  console.log(`| card invoke p50 | ${m('oursInvoke', 'p50').toFixed(1)} ms | ${m('bareInvoke', 'p50').toFixed(1)} ms | ${(m('oursInvoke', 'p50') / m('bareInvoke', 'p50')).toFixed(2)} |`);
  console.log(`| card invoke p99 | ${m('oursInvoke', 'p99').toFixed(1)} ms | ${m('bareInvoke', 'p99').toFixed(1)} ms | ${(m('oursInvoke', 'p99') / m('bareInvoke', 'p99')).toFixed(2)} |`);
  console.log(`\nfailed requests: ${failures}`);
}

await main();
