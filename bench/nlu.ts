/**
 * bench:nlu: our matcher against nlp.js (node-nlp) trained on the same intents/, in one run.
 * Accuracy per language, out-of-scope rejection and in-scope false rejection on the held-out set; per-utterance
 * latency (p50/p99); and start-up time to a ready matcher, cold (training) and warm (cached/saved model), measured
 * from the spawn of a fresh process to its first classification. Prints a Markdown table for BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadConfig } from '../src/config.js';
import { INTENTS, examplesOf, loadHeldOut, loadIntentFiles, type IntentName } from '../src/nlu/intents.js';
import { Matcher } from '../src/nlu/matcher.js';
import { evaluateHeldOut } from '../src/nlu/evaluation.js';
import { LANGS, type Lang } from '../src/common/lang.js';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, '..');
const config = loadConfig();
const intentsDir = config.INTENTS_DIR;

interface NlpManagerLike {
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string | undefined, utterance: string): Promise<{ intent: string; score: number; locale: string }>;
  export(minified?: boolean): string;
}
type NlpManagerCtor = new (options: Record<string, unknown>) => NlpManagerLike;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** Spawns a process, sends one line, and resolves with the ms until its first output line. */
function timeToFirstLine(cmd: string, args: string[], input: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdout.once('data', () => {
      resolve(performance.now() - started);
      child.kill();
    });
    child.once('error', reject);
    child.stdin.write(`${input}\n`);
  });
}

async function main(): Promise<void> {
  const files = loadIntentFiles(intentsDir);
  const heldOut = loadHeldOut(intentsDir);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

  // --- ours
  const ours = new Matcher({ intentsDir });
  const oursScores = evaluateHeldOut(ours, intentsDir);

  // --- nlp.js, trained on the same utterances (out_of_scope as a class of its own, and its "None" below threshold)
  const { NlpManager } = require('node-nlp') as { NlpManager: NlpManagerCtor };
  const manager = new NlpManager({ languages: [...LANGS], forceNER: false, autoSave: false, nlu: { log: false } });
  for (const e of examplesOf(files)) manager.addDocument(e.lang, e.text, e.intent);
  await manager.train();
  const nlpModel = path.join(os.tmpdir(), `bench-nlpjs-${process.pid}.nlp`);
  fs.writeFileSync(nlpModel, manager.export(true));
  const nlpIntent = (intent: string): IntentName => (INTENTS.includes(intent as IntentName) ? (intent as IntentName) : 'out_of_scope');
  const nlpRows: { truth: IntentName; predicted: IntentName; lang: Lang }[] = [];
  for (const item of heldOut) {
    const r = await manager.process(undefined, item.text);
    nlpRows.push({ truth: item.intent, predicted: nlpIntent(r.intent), lang: item.lang });
  }
  const { score } = await import('../src/nlu/evaluation.js');
  const nlpScores = score(nlpRows);

  // --- latency per utterance: same utterances, after warm-up passes; the engines run in alternating blocks so
  // that neither one's garbage collection lands in the other's timings, and machine noise hits both alike.
  const texts = heldOut.map((h) => h.text);
  for (let w = 0; w < 3; w++) {
    for (const t of texts) ours.classify(t);
    for (const t of texts) await manager.process(undefined, t);
  }
  const oursLatency: number[] = [];
  const nlpLatency: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const t of texts) {
      const a = performance.now();
      ours.classify(t);
      oursLatency.push(performance.now() - a);
    }
    for (const t of texts) {
      const b = performance.now();
      await manager.process(undefined, t);
      nlpLatency.push(performance.now() - b);
    }
  }

  // --- start-up to a ready matcher: fresh processes, interleaved so machine noise hits both alike
  const line = JSON.stringify({ text: 'do we need CE marking to sell in Norway' });
  const examplesFile = path.join(os.tmpdir(), `bench-examples-${process.pid}.json`);
  fs.writeFileSync(examplesFile, JSON.stringify(examplesOf(files)));
  const nlpScript = (warm: boolean) => `
    const { NlpManager } = require('node-nlp');
    const m = new NlpManager({ languages: ['en','de','sv'], forceNER: false, autoSave: false, nlu: { log: false } });
    (async () => {
      ${warm ? `m.import(require('fs').readFileSync(${JSON.stringify(nlpModel)}, 'utf8'));` : `for (const e of JSON.parse(require('fs').readFileSync(${JSON.stringify(examplesFile)}, 'utf8'))) m.addDocument(e.lang, e.text, e.intent); await m.train();`}
      process.stdin.once('data', async (d) => { const r = await m.process(undefined, JSON.parse(d).text); process.stdout.write(JSON.stringify(r.intent) + '\\n'); });
    })();`;
  const coldCache = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cache-'));
  const start = { oursCold: [] as number[], oursWarm: [] as number[], nlpCold: [] as number[], nlpWarm: [] as number[] };
  const oursEnv = (cache: string) => ({ ...process.env, MODEL_CACHE_DIR: cache, LOG_LEVEL: 'silent' });
  for (let r = 0; r < rounds; r++) {
    fs.rmSync(coldCache, { recursive: true, force: true });
    start.oursCold.push(await timeToFirstLine(process.execPath, ['dist/cli.js', 'classify'], line, oursEnv(coldCache)));
    start.oursWarm.push(await timeToFirstLine(process.execPath, ['dist/cli.js', 'classify'], line, oursEnv(coldCache)));
    start.nlpCold.push(await timeToFirstLine(process.execPath, ['-e', nlpScript(false)], line));
    start.nlpWarm.push(await timeToFirstLine(process.execPath, ['-e', nlpScript(true)], line));
  }
  fs.rmSync(coldCache, { recursive: true, force: true });
  fs.rmSync(nlpModel, { force: true });
  fs.rmSync(examplesFile, { force: true });

  const f = (x: number) => x.toFixed(3);
  const ms = (x: number) => `${x.toFixed(x < 10 ? 3 : 0)} ms`;
  const rows: [string, string, string, string][] = [
    ...LANGS.map((l): [string, string, string, string] => [`held-out accuracy (${l})`, f(oursScores.accuracy[l]), f(nlpScores.accuracy[l]), (oursScores.accuracy[l] / nlpScores.accuracy[l]).toFixed(2)]),
    ['out-of-scope rejection', f(oursScores.oosRejection), f(nlpScores.oosRejection), (oursScores.oosRejection / nlpScores.oosRejection).toFixed(2)],
    ['in-scope wrongly rejected (lower is better)', f(oursScores.inScopeRejected), f(nlpScores.inScopeRejected), '–'],
    ['country entity recall', f(oursScores.countryRecall), 'n/a', '–'],
    ['latency p50 per utterance', ms(median(oursLatency)), ms(median(nlpLatency)), (median(oursLatency) / median(nlpLatency)).toFixed(2)],
    ['latency p99 per utterance', ms(quantile(oursLatency, 0.99)), ms(quantile(nlpLatency, 0.99)), (quantile(oursLatency, 0.99) / quantile(nlpLatency, 0.99)).toFixed(2)],
    ['start-up to ready, cold (train), median', ms(median(start.oursCold)), ms(median(start.nlpCold)), (median(start.oursCold) / median(start.nlpCold)).toFixed(2)],
    ['start-up to ready, warm (cached model), median', ms(median(start.oursWarm)), ms(median(start.nlpWarm)), (median(start.oursWarm) / median(start.nlpWarm)).toFixed(2)],
  ];
  console.log(`\n${heldOut.length} held-out questions; ${examplesOf(files).length} training utterances; ${rounds} rounds; node ${process.version}; ${os.cpus().length} CPUs; ${new Date().toISOString()}\n`);
  console.log('| measure | ours | nlp.js | ratio (ours / nlp.js) |\n| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const behind = LANGS.filter((l) => oursScores.accuracy[l] <= nlpScores.accuracy[l]);
  const fails = [
    ...behind.map((l) => `accuracy ${l} not ahead of nlp.js`),
    ...(oursScores.oosRejection <= nlpScores.oosRejection ? ['out-of-scope rejection not ahead of nlp.js'] : []),
    ...(median(oursLatency) >= median(nlpLatency) ? ['not faster per utterance'] : []),
    ...(quantile(oursLatency, 0.99) > 1 ? ['p99 above 1 ms'] : []),
    ...(median(start.oursWarm) > 1000 ? ['warm start above 1 s'] : []),
  ];
  console.log(fails.length ? `\nMISSED: ${fails.join('; ')}` : '\nall targets met');
}

void main();
