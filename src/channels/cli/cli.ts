/**
 * The command-line channel: `npm run --silent advisor -- <command>`.
 *   chat [--jsonl] [--user NAME]   talk to the advisor (JSON lines for scripts)
 *   ask "question"                 print the answer the advisor would give
 *   classify                       JSON lines in, intent classifications out
 *   eval [--write-calibration]     cross-validation and held-out evaluation of the intent matcher
 *   data check                     validate the dataset and print counts
 * Logs go to stderr; stdout carries only the command's output.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { z } from 'zod';
import { createAdvisorApp, type AdvisorApp } from '../../app.js';
import { loadConfig, loadDotEnv, type Config } from '../../config.js';
import { ActionSchema, MAX_TEXT_LENGTH } from '../../core/types.js';
import { formatProblem, inspectDataset, topicCounts } from '../../knowledge/dataset.js';
import { DATA_KINDS, TOPICS } from '../../knowledge/schema.js';
import { createLogger } from '../../logger.js';
import { crossValidate, decideIntent, evaluateHeldOut, fitCalibration, missedTargets, score, type Scores } from '../../nlu/evaluation.js';
import { INTENTS, loadIntentFiles } from '../../nlu/intents.js';
import { Matcher, calibrationFile, hashIntents } from '../../nlu/matcher.js';
import { LANGS } from '../../nlu/text.js';
import { LowdbStore } from '../../store/lowdb-store.js';
import { renderForTerminal } from './render.js';

const USAGE = `Usage: npm run --silent advisor -- <command>
  chat [--jsonl] [--user NAME]   talk to the advisor (--jsonl: one JSON object per line in and out)
  ask "question"                 print the answer the advisor would give
  classify                       read {"text","lang"?} JSON lines, write one classification per line
  eval [--write-calibration]     evaluate the intent matcher (k-fold and held-out); exit 1 below targets
  train                          train the intent model into MODEL_CACHE_DIR (npm install does this)
  data check                     validate data/ and print counts; exit 1 on any problem`;

const JsonlInput = z.strictObject({
  user: z.string().min(1, 'user must not be empty').max(200),
  text: z.string().optional(),
  action: ActionSchema.optional(),
  conversation: z.string().min(1).max(200).optional(),
  locale: z.string().max(35).optional(),
});

const ClassifyInput = z.strictObject({ text: z.string(), lang: z.enum(LANGS).optional() });

/** Writes one line and waits until it is handed to the OS, so a reader sees each answer as soon as it exists. */
function writeLine(obj: unknown): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(`${JSON.stringify(obj)}\n`, (e) => (e ? reject(e) : resolve())));
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function startApp(config: Config, options: { memory?: boolean } = {}): Promise<AdvisorApp> {
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, 2);
  try {
    return await createAdvisorApp(config, logger, options.memory ? { store: LowdbStore.memory() } : {});
  } catch (e) {
    fail((e as Error).message);
  }
}

function issueText(e: z.ZodError): string {
  const i = e.issues[0]!;
  return `${i.path.join('.') || 'line'}: ${i.message}`;
}

/**
 * Reads JSON lines from stdin and writes exactly one JSON line per input line, in order: the handler's answer, or
 * {"error": "..."} for a line that is not valid JSON or does not match the schema. The session always goes on.
 */
async function eachJsonLine<S extends z.ZodType>(schema: S, example: string, handle: (input: z.infer<S>) => Promise<unknown>): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      await writeLine({ error: `line is not valid JSON; expected an object such as ${example}` });
      continue;
    }
    const parsed = schema.safeParse(raw);
    await writeLine(parsed.success ? await handle(parsed.data) : { error: `invalid input: ${issueText(parsed.error)}` });
  }
}

async function chatJsonl(app: AdvisorApp): Promise<void> {
  await eachJsonLine(JsonlInput, '{"user":"alice","text":"hello"}', async (input) => {
    if ((input.text === undefined) === (input.action === undefined)) return { error: 'invalid input: give exactly one of "text" or "action"' };
    try {
      return await app.advisor.handle({
        channel: 'cli',
        user: input.user,
        conversation: input.conversation ?? `dm:${input.user}`,
        locale: input.locale,
        text: input.text,
        action: input.action,
      });
    } catch (e) {
      // A store failure must not end the session silently: report it on this line and go on.
      return { error: `the advisor could not handle this line: ${(e as Error).message}` };
    }
  });
}

async function chatInteractive(app: AdvisorApp, user: string): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  let buttons: NonNullable<ReturnType<typeof renderForTerminal>['buttons']> = [];
  console.log('SME internationalisation advisor. Type a question, "help", or "!n" to press button n. Ctrl+D quits.');
  rl.prompt();
  for await (const line of rl) {
    const press = /^!(\d+)$/.exec(line.trim());
    const button = press ? buttons[Number(press[1]) - 1] : undefined;
    if (press && !button) console.log('No such button.');
    else if (line.trim() !== '' || button) {
      const result = await app.advisor.handle({ channel: 'cli', user, conversation: `dm:${user}`, ...(button ? { action: button.action } : { text: line }) });
      const out = renderForTerminal(result.replies);
      buttons = out.buttons ?? [];
      console.log(`\n${out.text}\n`);
    }
    rl.prompt();
  }
}

async function classify(config: Config): Promise<void> {
  const matcher = new Matcher({ intentsDir: config.INTENTS_DIR, cacheDir: config.MODEL_CACHE_DIR });
  await eachJsonLine(ClassifyInput, '{"text":"...","lang":"de"} (lang optional: en, de or sv)', async (input) => {
    const c = matcher.classify(input.text, input.lang);
    return { text: c.text, intent: c.intent, confidence: c.confidence, lang: c.lang, alternatives: c.alternatives, entities: c.entities };
  });
}

function pct(x: number): string {
  return x.toFixed(3);
}

function printScores(title: string, s: Omit<Scores, 'countryRecall'> & { countryRecall?: number }): void {
  console.log(`\n== ${title} (${s.count} questions)`);
  console.log(`accuracy: ${LANGS.map((l) => `${l} ${pct(s.accuracy[l])}`).join('  ')}`);
  console.log(`out-of-scope rejection: ${pct(s.oosRejection)}   in-scope wrongly rejected: ${pct(s.inScopeRejected)}${s.countryRecall !== undefined ? `   country recall: ${pct(s.countryRecall)}` : ''}`);
  console.log(`\n${'intent'.padEnd(18)}${LANGS.map((l) => `${l}: P     R     F1    n  `).join(' ')}`);
  for (const intent of INTENTS) {
    const row = LANGS.map((l) => {
      const m = s.perIntent[l][intent];
      return `${pct(m.precision)} ${pct(m.recall)} ${pct(m.f1)} ${String(m.support).padStart(3)}`;
    }).join('   ');
    console.log(`${intent.padEnd(18)}${row}`);
  }
  const short = (i: string) => i.slice(0, 6);
  console.log(`\nconfusion (rows: truth, columns: predicted)\n${''.padEnd(18)}${INTENTS.map((i) => short(i).padStart(7)).join('')}`);
  for (const t of INTENTS) console.log(`${t.padEnd(18)}${INTENTS.map((p) => String(s.confusion[t][p]).padStart(7)).join('')}`);
}

async function evaluate(config: Config, args: string[]): Promise<void> {
  const folds = Number(args[args.indexOf('--folds') + 1]) || 5;
  const files = loadIntentFiles(config.INTENTS_DIR);
  const preds = crossValidate(config.INTENTS_DIR, folds);
  const calibration = fitCalibration(preds, hashIntents(files));
  console.log(`calibration fitted on ${folds}-fold cross-validation: answer ≥ ${calibration.answerThreshold}, clarify gap < ${calibration.clarifyGap}, known words ≥ ${calibration.minKnownRatio}`);
  printScores(`${folds}-fold cross-validation on intents/`, score(preds.map((p) => ({ truth: p.truth, predicted: decideIntent(p, calibration), lang: p.lang }))));
  if (args.includes('--write-calibration')) {
    fs.writeFileSync(calibrationFile(config.INTENTS_DIR), `${JSON.stringify(calibration, null, 2)}\n`);
    console.log(`\nwrote ${calibrationFile(config.INTENTS_DIR)}`);
  }
  const matcher = new Matcher({ intentsDir: config.INTENTS_DIR, calibration });
  const held = evaluateHeldOut(matcher, config.INTENTS_DIR);
  printScores('held-out set (intents/heldout, never trained on)', held);
  const missed = missedTargets(held);
  if (missed.length) {
    console.log(`\nBELOW TARGET: ${missed.join('; ')}`);
    process.exit(1);
  }
  console.log('\nall targets met');
}

function dataCheck(config: Config): void {
  const { dataset, problems } = inspectDataset(config.KNOWLEDGE_DIR);
  console.log(`dataset: ${config.KNOWLEDGE_DIR}`);
  for (const kind of Object.keys(DATA_KINDS) as (keyof typeof DATA_KINDS)[]) console.log(`  ${kind.padEnd(12)} ${dataset[kind].length}`);
  const counts = topicCounts(dataset);
  console.log(`\n  ${'topic'.padEnd(18)} barriers  solutions  agencies`);
  for (const t of TOPICS) console.log(`  ${t.padEnd(18)} ${String(counts[t].barriers).padStart(8)}  ${String(counts[t].solutions).padStart(9)}  ${String(counts[t].agencies).padStart(8)}`);
  const scopes = new Map<string, number>();
  for (const a of dataset.agencies) scopes.set(a.scope, (scopes.get(a.scope) ?? 0) + 1);
  console.log(`\n  agencies by scope: ${[...scopes].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (problems.length) {
    console.error(`\n${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`);
    process.exit(1);
  }
  console.log('\ndata check passed');
}

async function main(argv: string[]): Promise<void> {
  await loadDotEnv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    fail((e as Error).message);
  }
  const [command, ...args] = argv;
  switch (command) {
    case 'chat': {
      const app = await startApp(config);
      const userIndex = args.indexOf('--user');
      try {
        if (args.includes('--jsonl')) await chatJsonl(app);
        else await chatInteractive(app, userIndex >= 0 ? (args[userIndex + 1] ?? 'you') : 'you');
      } finally {
        await app.close();
      }
      return;
    }
    case 'ask': {
      const question = args.join(' ').trim();
      if (!question) fail('Usage: npm run --silent advisor -- ask "your question"');
      if (question.length > MAX_TEXT_LENGTH) fail(`The question is longer than ${MAX_TEXT_LENGTH} characters.`);
      const app = await startApp(config, { memory: true });
      const result = await app.advisor.handle({ channel: 'cli', user: 'ask', conversation: 'ask', text: question });
      console.log(renderForTerminal(result.replies).text);
      await app.close();
      return;
    }
    case 'classify':
      return classify(config);
    case 'train': {
      const started = performance.now();
      const matcher = new Matcher({ intentsDir: config.INTENTS_DIR, cacheDir: config.MODEL_CACHE_DIR });
      console.log(`intent model ${matcher.fromCache ? 'already cached' : 'trained'} in ${Math.round(performance.now() - started)} ms (${config.MODEL_CACHE_DIR})`);
      return;
    }
    case 'eval':
      return evaluate(config, args);
    case 'data':
      if (args[0] !== 'check') fail(`Unknown data command "${args[0] ?? ''}".\n${USAGE}`);
      return dataCheck(config);
    default:
      fail(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
  }
}

void main(process.argv.slice(2)).catch((e: unknown) => fail(`advisor: ${(e as Error).stack ?? String(e)}`));


