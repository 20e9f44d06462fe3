/**
 * bench:answers (issue 11): a whole text turn in-process (routing, classification, home/target, guide search,
 * research retrieval, composition, store writes in memory) against its classification-and-retrieval budget (the
 * matcher's classify plus one retrieval search, as the answer before guides did), on the same questions in one run,
 * in alternating blocks so machine noise hits both alike. Target: p99 of a whole turn under 20 ms.
 */
import os from 'node:os';
import { createAdvisorApp } from '../src/app.js';
import { createLogger } from '../src/common/logger.js';
import { loadConfig } from '../src/config.js';
import { CollectingOutput } from '../src/core/collect.js';
import { isDomainIntent, loadHeldOut } from '../src/nlu/intents.js';

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createAdvisorApp(config, createLogger('silent'), { memory: true });
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  // In-scope questions of both held-out sets (the FAQ-style one has the long, situational questions).
  const questions = [...loadHeldOut(config.INTENTS_DIR), ...loadHeldOut(config.INTENTS_DIR, 'faq')].filter((q) => isDomainIntent(q.intent)).map((q) => q.text);
  const users = ['SE', 'DE', 'AT', 'FR', 'US'];
  for (const [i, country] of users.entries()) {
    await app.advisor.handle({ channel: 'cli', user: `bench-${i}`, conversation: `dm:bench-${i}`, text: `my country is ${country}` }, new CollectingOutput({ channel: 'cli', conversation: `dm:bench-${i}` }, app.ports.newId));
  }
  const turn = async (text: string, i: number) => {
    const user = `bench-${i % users.length}`;
    const out = new CollectingOutput({ channel: 'cli', conversation: `dm:${user}` }, app.ports.newId);
    await app.advisor.handle({ channel: 'cli', user, conversation: `dm:${user}`, text }, out);
  };
  const budget = (text: string) => {
    const c = app.matcher.classify(text);
    app.ports.retrieval.search({ text, lang: c.lang, topic: isDomainIntent(c.intent) ? c.intent : undefined, limit: 6 });
  };
  for (let w = 0; w < 2; w++) {
    for (const [i, q] of questions.entries()) {
      await turn(q, i);
      budget(q);
    }
  }
  const whole: number[] = [];
  const base: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [i, q] of questions.entries()) {
      const a = performance.now();
      await turn(q, i);
      whole.push(performance.now() - a);
    }
    for (const q of questions) {
      const b = performance.now();
      budget(q);
      base.push(performance.now() - b);
    }
  }
  await app.close();
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  console.log(`\n${questions.length} in-scope questions × ${rounds} rounds; node ${process.version}; ${os.cpus().length} CPUs; ${new Date().toISOString()}\n`);
  console.log('| measure | whole turn | classify + retrieval | ratio |\n| --- | --- | --- | --- |');
  for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) {
    console.log(`| ${name} | ${ms(quantile(whole, q))} | ${ms(quantile(base, q))} | ${(quantile(whole, q) / quantile(base, q)).toFixed(2)} |`);
  }
  const p99 = quantile(whole, 0.99);
  console.log(`\nwhole-turn p99 ${ms(p99)}: ${p99 < 20 ? 'within' : 'OVER'} the 20 ms target`);
}

await main();
