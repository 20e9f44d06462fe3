/**
 * Dialogues: explicit, persisted, versioned state machines, kept per channel + conversation + thread + user.
 * `start` and `step` are pure and synchronous, so the router applies them inside one atomic store update and tests
 * walk them without any platform. A stored state of another version, or one that fails its schema, is closed with
 * a notice instead of misread (botbuilder's waterfall getVersion); an idle one is closed after idleHours.
 */
import type { z } from 'zod';
import type { Lang } from '../common/lang.js';
import type { TurnContext } from './context.js';
import type { ActionEvent } from './event.js';
import type { Message } from './message.js';
import type { Ports } from './ports.js';

/** What a dialogue step may use: time, language, ids, and the in-memory ports (knowledge, retrieval, matcher). */
export interface DialogContext {
  now: Date;
  lang: Lang;
  ports: Pick<Ports, 'knowledge' | 'retrieval' | 'matcher' | 'newId'>;
}

/** Work that needs I/O after the session is saved (saving an analysis, posting a shared summary). */
export type Effect = (ctx: TurnContext) => Promise<void>;

export type DialogInput =
  | { kind: 'text'; text: string; command?: { id: string; input: unknown } }
  | { kind: 'action'; action: ActionEvent };

export type DialogStep<S> =
  | { status: 'waiting'; state: S; messages?: Message[]; effects?: Effect[] }
  | { status: 'complete' | 'cancelled'; messages?: Message[]; effects?: Effect[] }
  /** Not for this dialogue: routing goes on; `close` ends the dialogue first. */
  | { status: 'pass'; close?: boolean };

export interface Dialog<S, O> {
  /** Owned by a feature: its id or `${feature}.<name>`; actions of that feature reach the open dialogue first. */
  readonly id: string;
  /** Bump when steps or state change: open sessions then close with `outdated`. */
  readonly version: number;
  readonly state: z.ZodType<S>;
  /** Default: DIALOG_IDLE_HOURS. */
  readonly idleHours?: number;
  /** A pending confirmation or choice ends when the user does something else (help, forget me, profile). */
  readonly closeOnInterrupt?: boolean;
  start(options: O, ctx: DialogContext): DialogStep<S>;
  step(state: S, input: DialogInput, ctx: DialogContext): DialogStep<S>;
  /** Said when the dialogue closes because it sat idle, or because its script changed; none: silently. */
  expired?(lang: Lang): Message | undefined;
  outdated?(lang: Lang): Message | undefined;
  /** Said when a new dialogue replaces this open one. */
  replaced?(state: S, lang: Lang): Message | undefined;
}

/** A dialogue with its types erased, as the registry keeps it; `O` stays for beginDialog's type check. */
export interface AnyDialog<O = unknown> {
  readonly id: string;
  readonly version: number;
  readonly idleHours?: number;
  readonly closeOnInterrupt?: boolean;
  /** The stored state, validated; undefined when it does not fit the schema. */
  parse(raw: unknown): unknown;
  start(options: O, ctx: DialogContext): DialogStep<unknown>;
  step(state: unknown, input: DialogInput, ctx: DialogContext): DialogStep<unknown>;
  expired(lang: Lang): Message | undefined;
  outdated(lang: Lang): Message | undefined;
  replaced(state: unknown, lang: Lang): Message | undefined;
}

/** Declares a dialogue; states are validated on every read, so the erased `unknown` is always an S. */
export function defineDialog<S, O>(d: Dialog<S, O>): AnyDialog<O> {
  const parse = (raw: unknown): S | undefined => {
    const parsed = d.state.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  };
  const typed = (state: unknown): S => {
    const s = parse(state);
    if (s === undefined) throw new Error(`state of dialogue ${d.id} does not fit its schema`);
    return s;
  };
  return {
    id: d.id,
    version: d.version,
    idleHours: d.idleHours,
    closeOnInterrupt: d.closeOnInterrupt,
    parse,
    start: (options, ctx) => d.start(options, ctx),
    step: (state, input, ctx) => d.step(typed(state), input, ctx),
    expired: (lang) => d.expired?.(lang),
    outdated: (lang) => d.outdated?.(lang),
    replaced: (state, lang) => {
      const s = parse(state);
      return s === undefined ? undefined : d.replaced?.(s, lang);
    },
  };
}
