/**
 * A feature module: everything one capability plugs into the advisor (commands, intent handlers, button actions,
 * dialogues, jobs, collections, "forget me", help and home). Adding a feature is its folder plus one line in
 * src/features.ts; the registry checks the whole list at start.
 */
import type { z } from 'zod';
import type { Lang } from '../common/lang.js';
import type { Classification } from '../nlu/matcher.js';
import type { IntentName } from '../nlu/intents.js';
import type { CollectionSpec } from '../store/collections.js';
import type { CommandArgs, FlagKind, ParsableCommand } from './commands.js';
import type { TurnContext } from './context.js';
import type { AnyDialog } from './dialog.js';
import type { ActionEvent, UserAddress } from './event.js';
import type { Message, MessageRef } from './message.js';
import type { JobHandler, Ports } from './ports.js';

/** Runs after the routing decision, with the ports; what it returns is ignored, what it says is the reply. */
export type Handler<I> = (ctx: TurnContext, input: I) => Promise<void>;

/** A pressed button or a submitted form. */
export interface ActionInput extends ActionEvent {
  source?: MessageRef;
}

export interface CommandSpec<A> extends ParsableCommand {
  /** `<feature>.<verb>`. */
  readonly id: string;
  /** Leading words per language; the longest match over all commands wins ("poll close" before "poll"). */
  readonly words: Readonly<Record<Lang, readonly string[]>>;
  readonly args?: z.ZodType<A>;
  readonly flags?: Readonly<Record<string, FlagKind>>;
  /** Help, forget me, profile: runs before an open dialogue sees the text. */
  readonly interrupts?: boolean;
  /** How to call it, shown when the arguments do not fit. */
  readonly usage?: (lang: Lang) => string;
  readonly run: Handler<A>;
}

/** A command with its argument type erased, as the registry keeps it; built by `command()`. */
export interface AnyCommand extends CommandSpec<unknown> {
  readonly feature: string;
}

/** Intent keys a feature may handle: every intent, plus `clarify` (the matcher could not choose between two). */
export type IntentKey = IntentName | 'clarify';

/** What a feature deleted for "forget me": a phrase for the summary, in the user's language. */
export type ForgetReport = string | undefined;

export interface Feature {
  /** Owns every id that starts with `${id}.`: actions, commands, dialogs, jobs. */
  readonly id: string;
  readonly collections?: readonly CollectionSpec[];
  readonly commands?: readonly AnyCommand[];
  readonly intents?: Partial<Record<IntentKey, Handler<Classification>>>;
  /** Keys without the prefix: `vote` handles action `polls.vote`; `*` handles stale or unknown ids of this feature. */
  readonly actions?: Readonly<Record<string, Handler<ActionInput>>>;
  /** Ids of buttons that older versions sent (still in chat histories) → the verb that handles them now. */
  readonly legacyActions?: Readonly<Record<string, string>>;
  readonly dialogs?: readonly AnyDialog[];
  /** Keys without the prefix: `close` handles job `polls.close`. */
  readonly jobs?: Readonly<Record<string, JobHandler>>;
  /** Deletes or anonymises what this feature holds about a user. */
  forget?(user: UserAddress, ports: Ports, lang: Lang): Promise<ForgetReport>;
  /** One line for the help text. */
  help?(lang: Lang): string | undefined;
  /** What the feature adds to a home view (Slack App Home). */
  home?(user: UserAddress, ports: Ports, lang: Lang): Promise<Message[]>;
  /**
   * The language the user chose to be answered in, which wins over the language of their message (the profile's
   * "language: German"). At most one feature answers it.
   */
  preferredLanguage?(user: UserAddress, ports: Ports): Promise<Lang | undefined>;
}

/** Command words per language, in the order en, de, sv. */
export const wordsIn = (en: readonly string[], de: readonly string[], sv: readonly string[]): Readonly<Record<Lang, readonly string[]>> => ({ en, de, sv });

/** Identity, for inference and one import to grep. */
export const defineFeature = <F extends Feature>(feature: F): F => feature;

/** Declares a typed command; the registry keeps it with its argument type erased (the schema checked it). */
export function command<A = CommandArgs>(feature: string, spec: CommandSpec<A>): AnyCommand {
  const run = spec.run;
  // The input was produced by spec.args (or is CommandArgs without one), so it has type A.
  return { ...spec, feature, run: (ctx, input) => run(ctx, input as A) };
}
