/**
 * `npm run --silent advisor -- <command>`: the command-line entry point (a composition root, like main.ts).
 *   chat [--jsonl] [--user NAME]   talk to the advisor (JSON lines for scripts)
 *   ask "question"                 print the answer the advisor would give
 *   classify | eval | train        the intent matcher's tools
 *   data check                     validate the dataset and print counts
 *   db migrate | db status | db vacuum   the PostgreSQL schema and expired records (DATABASE_URL)
 *   export [--out FILE] | import [FILE]  all data as JSON lines, between lowdb and PostgreSQL
 * Logs go to stderr; stdout carries only the command's output.
 */
import fs from 'node:fs';
import { createAdvisorApp } from './app.js';
import { CliClock, chatInteractive, chatJsonl, cliTurn, type CliChat } from './channels/cli/chat.js';
import { CliMessenger } from './channels/cli/messenger.js';
import { renderForTerminal } from './channels/cli/render.js';
import { createLogger } from './common/logger.js';
import { loadConfig, loadDotEnv, type Config } from './config.js';
import { MAX_TEXT_LENGTH } from './core/event.js';
import { dataCheck } from './tools/data-check.js';
import { db } from './tools/db.js';
import { exportData, importData } from './tools/transfer.js';
import { classify, evaluate, train } from './tools/nlu.js';
import { printAnswersEvaluation } from './tools/answers-eval.js';

const USAGE = `Usage: npm run --silent advisor -- <command>
  chat [--jsonl] [--user NAME]   talk to the advisor (--jsonl: one JSON object per line in and out)
  ask "question"                 print the answer the advisor would give
  classify                       read {"text","lang"?} JSON lines, write one classification per line
  eval [--write-calibration]     evaluate the intent matcher (k-fold and held-out); exit 1 below targets
  eval answers [--verbose]       the FAQ-style held-out questions: right topic, refusals, right guide, specific answers
  train                          train the intent model into MODEL_CACHE_DIR (npm install does this)
  data check                     validate data/ and print counts; exit 1 on any problem
  db migrate                     apply pending PostgreSQL migrations (DATABASE_URL); every start does it too
  db status                      list the PostgreSQL migrations and when each was applied
  db vacuum                      delete expired records now (each instance also does it every 10 minutes)
  export [--out FILE]            write all data (records and pending jobs) as JSON lines (stdout by default)
  import [FILE]                  read such an export (stdin by default) into the configured store`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The advisor with the CLI channel registered; `close` ends it. */
async function startChat(config: Config, options: { memory?: boolean } = {}): Promise<CliChat & { close(): Promise<void> }> {
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, 2);
  const clock = new CliClock();
  try {
    const app = await createAdvisorApp(config, logger, { memory: options.memory, clock: clock.now });
    const messenger = new CliMessenger();
    app.channels.register({ channel: 'cli', messenger, directory: messenger });
    // The embedded store is this process's alone (its lock says so): leases of a dead process can go at once.
    // Only a store no other process uses proves that a lease left behind belongs to a process that is gone.
    if (app.store.exclusive) await app.scheduler.recoverLeases();
    return {
      advisor: app.advisor,
      messenger,
      clock,
      newId: app.ports.newId,
      runDueJobs: async (now) => void (await app.scheduler.runDue(now, (job) => app.advisor.runJob(job))),
      close: () => app.close(),
    };
  } catch (e) {
    fail((e as Error).message);
  }
}

/** Export or import with the configured store (the embedded one must not be in use by a running server). */
async function transfer(config: Config, command: 'export' | 'import', args: string[]): Promise<void> {
  const app = await createAdvisorApp(config, createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, 2));
  try {
    if (command === 'export') {
      const outIndex = args.indexOf('--out');
      const file = outIndex >= 0 ? args[outIndex + 1] : undefined;
      if (outIndex >= 0 && !file) throw new Error('--out needs a file name');
      const out = file ? fs.createWriteStream(file, { mode: 0o600 }) : process.stdout;
      const counts = await exportData(app, (line) => void out.write(`${line}\n`));
      if (file) await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
      console.error(`exported ${counts.records} records and ${counts.jobs} jobs`);
    } else {
      const input = args[0] ? fs.createReadStream(args[0]) : process.stdin;
      const counts = await importData(app, input);
      console.error(`imported ${counts.records} records and ${counts.jobs} jobs`);
    }
  } finally {
    await app.close();
  }
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
      const cli = await startChat(config);
      const userIndex = args.indexOf('--user');
      try {
        if (args.includes('--jsonl')) await chatJsonl(cli);
        else await chatInteractive(cli, userIndex >= 0 ? (args[userIndex + 1] ?? 'you') : 'you');
      } finally {
        await cli.close();
      }
      return;
    }
    case 'ask': {
      const question = args.join(' ').trim();
      if (!question) fail('Usage: npm run --silent advisor -- ask "your question"');
      if (question.length > MAX_TEXT_LENGTH) fail(`The question is longer than ${MAX_TEXT_LENGTH} characters.`);
      const cli = await startChat(config, { memory: true });
      const result = await cliTurn(cli, { channel: 'cli', user: 'ask', conversation: 'ask', text: question });
      console.log(renderForTerminal(result.replies).text);
      await cli.close();
      return;
    }
    case 'classify':
      return classify(config);
    case 'train':
      return train(config);
    case 'eval':
      if (args[0] === 'answers') return printAnswersEvaluation(config, args.includes('--verbose'));
      return evaluate(config, args);
    case 'data':
      if (args[0] !== 'check') fail(`Unknown data command "${args[0] ?? ''}".\n${USAGE}`);
      return dataCheck(config);
    case 'db':
      return db(config, args[0]).catch((e: Error) => fail(e.message));
    case 'export':
    case 'import':
      return transfer(config, command, args).catch((e: Error) => fail(`${command}: ${e.message}`));
    default:
      fail(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
  }
}

void main(process.argv.slice(2)).catch((e: unknown) => fail(`advisor: ${(e as Error).stack ?? String(e)}`));
