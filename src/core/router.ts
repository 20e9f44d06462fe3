/**
 * The routing decision of one turn, synchronous and pure, so the pipeline runs it inside the atomic update of the
 * session: interrupts (help, forget me, profile) → the open dialogue → a button → a typed command → the intent.
 */
import type { Lang } from '../common/lang.js';
import { parseCommand, type CommandProblem, type ParseResult } from './commands.js';
import type { TurnContext } from './context.js';
import type { DialogContext, DialogInput, Effect } from './dialog.js';
import { AdvisorError } from './errors.js';
import type { ParsedEvent } from './event.js';
import type { AnyCommand } from './feature.js';
import type { Message } from './message.js';
import { coreMessages } from './messages.js';
import type { Registry } from './registry.js';
import type { Session } from './session.js';
import { quoteUserText } from './text.js';

export interface Route {
  /** The session to store. */
  session: Session;
  /** Said first, in order (closed-dialogue notices, the dialogue's own messages). */
  messages: Message[];
  /** The handler chosen, run after the session is stored. */
  run?: (ctx: TurnContext) => Promise<void>;
  /** Work the dialogue asked for, run after the handler. */
  effects: Effect[];
  lang: Lang;
  /** What was chosen, for the turn log ("dialog:whys", "intent:markets"); never user text. */
  kind: string;
}

const featureOf = (id: string) => id.split('.')[0];

/** Decides what a turn does. `text` is the normalised text of a text event. */
export function route(registry: Registry, session: Session, notices: Message[], event: ParsedEvent, text: string, ctx: DialogContext): Route {
  const r: Route = { session: { ...session }, messages: [...notices], effects: [], lang: ctx.lang, kind: '' };
  const open = session.dialog ? registry.dialogs.get(session.dialog.id) : undefined;

  /** Gives the input to the open dialogue; false when it passed. */
  const toDialog = (input: DialogInput): boolean => {
    if (!open || !session.dialog) return false;
    const step = open.step(session.dialog.state, input, ctx);
    if (step.status === 'pass') {
      if (step.close) r.session.dialog = undefined;
      return false;
    }
    r.session.dialog = step.status === 'waiting' ? { ...session.dialog, state: step.state, updatedAt: ctx.now.toISOString() } : undefined;
    r.messages.push(...(step.messages ?? []));
    r.effects.push(...(step.effects ?? []));
    r.kind = `dialog:${open.id}`;
    return true;
  };

  if (event.action) {
    const action = { ...event.action, id: registry.canonicalAction(event.action.id) };
    if (open && featureOf(open.id) === featureOf(action.id) && toDialog({ kind: 'action', action })) return r;
    const handler = registry.action(action.id);
    r.kind = handler ? `action:${action.id}` : 'action:unknown';
    r.run = handler
      ? (c) => handler(c, { ...action, source: event.source })
      : async (c) => void (await c.say({ text: coreMessages(c.lang).unknownButton(quoteUserText(action.id, 60)) }));
    return r;
  }

  const parsed = parseCommand(text, registry.commands);
  if (parsed?.command.interrupts) {
    if (open?.closeOnInterrupt) r.session.dialog = undefined;
    return runCommand(r, parsed);
  }
  const command = parsed && 'input' in parsed ? { id: parsed.command.id, input: parsed.input } : undefined;
  if (toDialog({ kind: 'text', text, command })) return r;
  if (parsed) return runCommand(r, parsed);

  // A question in another language gets a polite reply in English (which everyone who wrote it may read).
  if (ctx.ports.matcher.foreignLanguage(text)) {
    r.lang = 'en';
    r.kind = 'intent:other_language';
    r.run = async (turn) => void (await turn.say({ text: coreMessages('en').otherLanguage }));
    return r;
  }
  const c = ctx.ports.matcher.classify(text, ctx.lang);
  const decision = ctx.ports.matcher.decide(c);
  const key = decision === 'reject' ? 'out_of_scope' : decision === 'clarify' ? 'clarify' : c.intent;
  // The registry guarantees a handler for every intent key.
  const handler = registry.intents.get(key)!;
  r.lang = c.lang;
  r.kind = `intent:${key}`;
  r.run = (turn) => handler(turn, c);
  return r;
}

function runCommand(r: Route, parsed: NonNullable<ParseResult<AnyCommand>>): Route {
  const spec = parsed.command;
  r.kind = `command:${spec.id}`;
  // Parse errors are the command schemas' own messages (a flag name in them is limited to [a-z0-9-]), not user text.
  r.run =
    'input' in parsed
      ? (ctx) => spec.run(ctx, parsed.input)
      : async (ctx) => {
          throw new AdvisorError('BAD_INPUT', coreMessages(ctx.lang).badCommand(problemText(parsed.error, ctx.lang), spec.usage?.(ctx.lang)));
        };
  return r;
}

/** A command problem in the reply language; a schema's English message only for English readers (the usage follows). */
function problemText(problem: CommandProblem, lang: Lang): string {
  const m = coreMessages(lang);
  switch (problem.kind) {
    case 'unknown_option':
      return m.unknownOption(problem.flag);
    case 'needs_value':
      return m.needsValue(problem.flag);
    case 'invalid': {
      const what = lang === 'en' ? problem.message : m.argumentsDoNotFit;
      return problem.flag ? `--${problem.flag}: ${what}` : what;
    }
  }
}
