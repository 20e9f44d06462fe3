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
import { CollectingOutput, type TurnResult } from '../../core/collect.js';
import { ActionSchema, MAX_TEXT_LENGTH, type InboundEvent } from '../../core/event.js';
import type { Field, Input } from '../../core/message.js';
import { formatProblem, inspectDataset, topicCounts } from '../../knowledge/dataset.js';
import { TOPICS } from '../../common/topics.js';
import { DATA_KINDS } from '../../knowledge/schema.js';
import { createLogger } from '../../common/logger.js';
import { crossValidate, decideIntent, evaluateHeldOut, fitCalibration, missedTargets, score, type Scores } from '../../nlu/evaluation.js';
import { INTENTS, loadIntentFiles } from '../../nlu/intents.js';
import { Matcher, calibrationFile, hashIntents } from '../../nlu/matcher.js';
import { LANGS } from '../../common/lang.js';
import { CliMessenger } from './messenger.js';
import { renderForTerminal } from './render.js';

const USAGE = `Usage: npm run --silent advisor -- <command>
  chat [--jsonl] [--user NAME]   talk to the advisor (--jsonl: one JSON object per line in and out)
  ask "question"                 print the answer the advisor would give
  classify                       read {"text","lang"?} JSON lines, write one classification per line
  eval [--write-calibration]     evaluate the intent matcher (k-fold and held-out); exit 1 below targets
  train                          train the intent model into MODEL_CACHE_DIR (npm install does this)
  data check                     validate data/ and print counts; exit 1 on any problem`;

const TurnLine = z.strictObject({
  user: z.string().min(1, 'user must not be empty').max(200),
  text: z.string().optional(),
  action: ActionSchema.optional(),
  conversation: z.string().min(1).max(200).optional(),
  locale: z.string().max(35).optional(),
  /** The id of the message whose button was pressed (so the advisor can update that message). */
  source: z.string().min(1).max(200).optional(),
});
const ClockLine = z.strictObject({ clock: z.iso.datetime({ offset: true, message: 'clock must be an ISO 8601 time such as 2026-12-01T17:00:00Z' }) });
/** A clock line when it has "clock", a turn otherwise: each schema reports its own problems. */
const JsonlInput = z.unknown().transform((raw, ctx): z.infer<typeof ClockLine> | z.infer<typeof TurnLine> => {
  const parsed = typeof raw === 'object' && raw !== null && 'clock' in raw ? ClockLine.safeParse(raw) : TurnLine.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
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

/** The CLI's clock: real time until a `{"clock"}` line sets it; from then on it stands at the last time set. */
class CliClock {
  private fixed: Date | undefined;
  now = (): Date => this.fixed ?? new Date();
  /** Moves the clock forward; false when `to` lies before the current time. */
  set(to: Date): boolean {
    if (to.getTime() < this.now().getTime()) return false;
    this.fixed = to;
    return true;
  }
}

interface CliApp {
  app: AdvisorApp;
  messenger: CliMessenger;
  clock: CliClock;
}

async function startApp(config: Config, options: { memory?: boolean } = {}): Promise<CliApp> {
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, 2);
  const clock = new CliClock();
  try {
    const app = await createAdvisorApp(config, logger, { memory: options.memory, clock: clock.now });
    const messenger = new CliMessenger();
    app.channels.register({ channel: 'cli', messenger, directory: messenger });
    // The embedded store is this process's alone (its lock says so): leases of a dead process can go at once.
    await app.scheduler.recoverLeases();
    return { app, messenger, clock };
  } catch (e) {
    fail((e as Error).message);
  }
}

/** One turn through the core, collected for the JSON contract, with what the Messenger sent meanwhile. */
async function turn(cli: CliApp, event: InboundEvent & { conversation: string }): Promise<TurnResult> {
  cli.messenger.saw(event.conversation, event.user);
  const source = event.source;
  const out = new CollectingOutput({ channel: 'cli', conversation: event.conversation, thread: event.thread, source: source ? { ...source } : undefined }, () => cli.app.ports.newId());
  await cli.app.advisor.handle(event, out);
  return out.result(cli.messenger.take());
}

/** Runs every job due by the clock's time; returns what they sent. */
async function runDueJobs(cli: CliApp): Promise<TurnResult> {
  await cli.app.scheduler.runDue(cli.clock.now(), (job) => cli.app.advisor.runJob(job));
  return cli.messenger.take();
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

async function chatJsonl(cli: CliApp): Promise<void> {
  await eachJsonLine(JsonlInput, '{"user":"alice","text":"hello"} or {"clock":"2026-12-01T17:00:00Z"}', async (input) => {
    try {
      if ('clock' in input) {
        if (!cli.clock.set(new Date(input.clock))) return { error: `the clock cannot go back: it is already ${cli.clock.now().toISOString()}` };
        return await runDueJobs(cli);
      }
      if ((input.text === undefined) === (input.action === undefined)) return { error: 'invalid input: give exactly one of "text" or "action"' };
      const conversation = input.conversation ?? `dm:${input.user}`;
      return await turn(cli, {
        channel: 'cli',
        user: input.user,
        conversation,
        locale: input.locale,
        text: input.text,
        action: input.action,
        source: input.source ? { channel: 'cli', conversation, id: input.source } : undefined,
      });
    } catch (e) {
      // A store failure must not end the session silently: report it on this line and go on.
      return { error: `the advisor could not handle this line: ${(e as Error).message}` };
    }
  });
}

/** Asks for each field of a form (or the choice) on its own prompt line; answers become the action's fields. */
async function fillIn(ask: (q: string) => Promise<string>, input: Input): Promise<Record<string, string | string[]>> {
  const fields: Record<string, string | string[]> = {};
  const pickFrom = async (label: string, options: { value: string; label: string }[], multiple: boolean) => {
    const list = options.map((o, i) => `${i + 1}. ${o.label}`).join('  ');
    const typed = await ask(`${label} [${list}]${multiple ? ' (numbers, comma-separated)' : ''}: `);
    const picked = typed.split(',').map((x) => options[Number(x.trim()) - 1]?.value).filter((v): v is string => Boolean(v));
    return multiple ? picked : (picked[0] ?? '');
  };
  if (input.kind === 'choice') {
    if (input.budget) for (const o of input.options) fields[o.value] = (await ask(`${o.label}: how many of your ${input.budget} dots? `)).trim() || '0';
    else fields.choice = await pickFrom('Your choice', input.options, Boolean(input.multiple));
    return fields;
  }
  for (const f of input.fields as Field[]) {
    const label = `${f.label}${f.optional ? ' (optional)' : ''}`;
    fields[f.id] = f.type === 'select' ? await pickFrom(label, f.options, Boolean(f.multiple)) : (await ask(`${label}: `)).trim();
  }
  return fields;
}

async function chatInteractive(cli: CliApp, user: string): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (q: string) => {
    rl.setPrompt(q);
    rl.prompt();
    const next = await lines.next();
    rl.setPrompt('you> ');
    return next.done ? '' : String(next.value);
  };
  let shown = renderForTerminal([]);
  const conversation = `dm:${user}`;
  console.log('SME internationalisation advisor. Type a question, "help", "!n" to press button n, "!form" to fill in a form. Ctrl+D quits.');
  rl.prompt();
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    const line = String(next.value).trim();
    const press = /^!(\d+)$/.exec(line);
    const button = press ? shown.buttons[Number(press[1]) - 1] : undefined;
    let event: InboundEvent | undefined;
    if (press && !button) console.log('No such button.');
    else if (line === '!form' && !shown.input) console.log('There is no form to fill in.');
    else if (line === '!form' && shown.input) event = { channel: 'cli', user, conversation, action: { id: shown.input.action, value: '', fields: await fillIn(ask, shown.input) } };
    else if (button) event = { channel: 'cli', user, conversation, action: button.action };
    else if (line !== '') event = { channel: 'cli', user, conversation, text: line };
    if (event) {
      const result = await turn(cli, { ...event, conversation });
      const jobs = await runDueJobs(cli);
      shown = renderForTerminal([...result.replies, ...jobs.replies]);
      console.log(`\n${shown.text}\n`);
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
      const cli = await startApp(config);
      const userIndex = args.indexOf('--user');
      try {
        if (args.includes('--jsonl')) await chatJsonl(cli);
        else await chatInteractive(cli, userIndex >= 0 ? (args[userIndex + 1] ?? 'you') : 'you');
      } finally {
        await cli.app.close();
      }
      return;
    }
    case 'ask': {
      const question = args.join(' ').trim();
      if (!question) fail('Usage: npm run --silent advisor -- ask "your question"');
      if (question.length > MAX_TEXT_LENGTH) fail(`The question is longer than ${MAX_TEXT_LENGTH} characters.`);
      const cli = await startApp(config, { memory: true });
      const result = await turn(cli, { channel: 'cli', user: 'ask', conversation: 'ask', text: question });
      console.log(renderForTerminal(result.replies).text);
      await cli.app.close();
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


