/**
 * The command-line channel: `chat` (a terminal conversation) and `chat --jsonl` (the scriptable JSON-lines contract,
 * see the README). Messages sent outside a turn come back in the same output line with `to`; `{"clock"}` lines move
 * the CLI's clock and run the jobs due by then.
 */
import readline from 'node:readline';
import { z } from 'zod';
import { eachJsonLine } from '../../common/jsonl.js';
import { CollectingOutput, directConversation, type TurnResult } from '../../core/collect.js';
import { ActionSchema, type InboundEvent } from '../../core/event.js';
import type { Field, Input } from '../../core/message.js';
import type { Advisor } from '../../core/pipeline.js';
import type { CliMessenger } from './messenger.js';
import { renderForTerminal } from './render.js';

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


/** The CLI's clock: real time until a `{"clock"}` line sets it; from then on it stands at the last time set. */
export class CliClock {
  private fixed: Date | undefined;
  now = (): Date => this.fixed ?? new Date();
  /** Moves the clock forward; false when `to` lies before the current time. */
  set(to: Date): boolean {
    if (to.getTime() < this.now().getTime()) return false;
    this.fixed = to;
    return true;
  }
}

/** What the CLI channel needs from the composition root. */
export interface CliChat {
  advisor: Advisor;
  messenger: CliMessenger;
  clock: CliClock;
  newId: () => string;
  /** Runs every scheduled job due at `now`. */
  runDueJobs: (now: Date) => Promise<void>;
}

/** One turn through the core, collected for the JSON contract, with what the Messenger and due jobs sent meanwhile. */
export async function cliTurn(cli: CliChat, event: InboundEvent & { conversation: string }): Promise<TurnResult> {
  cli.messenger.saw(event.conversation, event.user);
  const out = new CollectingOutput({ channel: 'cli', conversation: event.conversation, thread: event.thread, source: event.source }, cli.newId);
  await cli.advisor.handle(event, out);
  // What the turn scheduled for now (a survey's invitations) runs at once, so its messages come back on this line.
  await cli.runDueJobs(cli.clock.now());
  return out.result(cli.messenger.take());
}

/** Runs every job due by the clock's time; returns what they sent. */
async function runDueJobs(cli: CliChat): Promise<TurnResult> {
  await cli.runDueJobs(cli.clock.now());
  return cli.messenger.take();
}

/** `chat --jsonl`: one JSON line in, exactly one JSON line out. */
export async function chatJsonl(cli: CliChat): Promise<void> {
  await eachJsonLine(JsonlInput, '{"user":"alice","text":"hello"} or {"clock":"2026-12-01T17:00:00Z"}', async (input) => {
    try {
      if ('clock' in input) {
        if (!cli.clock.set(new Date(input.clock))) return { error: `the clock cannot go back: it is already ${cli.clock.now().toISOString()}` };
        return await runDueJobs(cli);
      }
      if ((input.text === undefined) === (input.action === undefined)) return { error: 'invalid input: give exactly one of "text" or "action"' };
      const conversation = input.conversation ?? directConversation('cli', input.user).conversation;
      return await cliTurn(cli, {
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

/** `chat`: a conversation in the terminal; "!n" presses button n, "!form" fills in the last form. */
export async function chatInteractive(cli: CliChat, user: string): Promise<void> {
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
  const { conversation } = directConversation('cli', user);
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
      const result = await cliTurn(cli, { ...event, conversation });
      const jobs = await runDueJobs(cli);
      shown = renderForTerminal([...result.replies, ...jobs.replies]);
      console.log(`\n${shown.text}\n`);
    }
    rl.prompt();
  }
}

