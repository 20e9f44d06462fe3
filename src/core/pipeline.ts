/**
 * The turn pipeline: validate → normalise → route inside one atomic update of the session (router.ts) → say the
 * dialogue's messages → run the chosen handler → run the dialogue's effects. Failures become replies: a coded
 * AdvisorError privately, a store failure as "nothing was changed", anything else as an apology (logged by kind).
 */
import { z } from 'zod';
import type { Lang } from '../common/lang.js';
import { StoreError, type JsonValue } from '../store/store.js';
import { TurnContext } from './context.js';
import type { AnyDialog, DialogContext } from './dialog.js';
import { AdvisorError, DeliveryError, type ErrorCode } from './errors.js';
import { InboundEventSchema, MAX_TEXT_LENGTH, type InboundEvent, type UserAddress } from './event.js';
import { formatNumber, localeLang } from './i18n.js';
import type { Message, TurnOutput } from './message.js';
import { coreMessages } from './messages.js';
import type { Ports } from './ports.js';
import type { Registry } from './registry.js';
import { route, type Route } from './router.js';
import { readSession, sessions, type Session } from './session.js';
import { conversationLanguage, replyLanguage, storedLanguage } from './language.js';
import { normaliseInput } from './text.js';

const SESSION_GRACE_HOURS = 7 * 24;

/**
 * How a turn ended. `retry`: it failed for a reason that may pass (the store could not write, a reply could not be
 * delivered) and, since the caller said it retries, nothing was said about it: the inbox runs it again later.
 */
export type TurnOutcome = { status: 'done' } | { status: 'retry'; reason: string };

export interface HandleOptions {
  /** The caller runs a turn that fails transiently again (the inbox); otherwise the failure is answered at once. */
  retryable?: boolean;
}

/** Failures that may pass by themselves: worth running the turn again rather than apologising. */
function isTransient(e: unknown): boolean {
  return e instanceof DeliveryError || (e instanceof StoreError && e.code !== 'STORE_BAD_REQUEST');
}

/**
 * What a session record keeps so that a turn run again (after a crash, or a failed delivery) routes from the state it
 * first saw rather than from the state its first run left: one step of a dialogue is applied once, whatever happens.
 */
const Replay = z.object({ event: z.string(), before: z.unknown() });
type Replay = z.infer<typeof Replay>;

function replayOf(raw: JsonValue | undefined): Replay | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const parsed = Replay.safeParse(raw.replay);
  return parsed.success ? parsed.data : undefined;
}

/** No record, or one with neither a dialogue nor a replay: what routing from scratch sees. */
function isEmptySession(raw: JsonValue | undefined | null): boolean {
  if (raw === undefined || raw === null) return true;
  return typeof raw === 'object' && !Array.isArray(raw) && raw.dialog === undefined && raw.replay === undefined && raw.lang === undefined;
}

function withoutReplay(raw: JsonValue | undefined): JsonValue | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('replay' in raw)) return raw;
  const { replay: _replay, ...rest } = raw;
  return rest;
}

export interface AdvisorOptions {
  /** Language for short messages when the client sends no locale. */
  defaultLang?: Lang;
  dialogIdleHours?: number;
}

export class Advisor {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly defaultLang: Lang;

  /** The language for what has no message to take one from (the Slack App Home), unless the user chose one. */
  get defaultLanguage(): Lang {
    return this.defaultLang;
  }
  private readonly idleHours: number;

  constructor(
    readonly registry: Registry,
    readonly ports: Ports,
    options: AdvisorOptions = {},
  ) {
    this.defaultLang = options.defaultLang ?? 'en';
    this.idleHours = options.dialogIdleHours ?? 24;
  }

  /**
   * Handles one inbound event, saying its replies through `out`. Never throws: bad input and failures are answered,
   * except transient failures of a retryable turn, which are returned for the caller to run again.
   */
  async handle(input: InboundEvent, out: TurnOutput, options: HandleOptions = {}): Promise<TurnOutcome> {
    const parsed = InboundEventSchema.safeParse(input);
    // The event is not validated yet: read its locale only if it is a string.
    const m = coreMessages(localeLang(typeof input.locale === 'string' ? input.locale : undefined) ?? this.defaultLang);
    // A short refusal outside a turn: its delivery can fail too.
    const refuse = async (text: string): Promise<TurnOutcome> => {
      try {
        await out.say({ text }, { audience: 'private' });
      } catch (e) {
        if (options.retryable) return { status: 'retry', reason: (e as Error).message };
        this.ports.log.error({ err: e }, 'could not deliver a refusal');
      }
      return { status: 'done' };
    };
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return refuse(m.unreadable(issue.path.join('.') || 'event', issue.message));
    }
    const event = parsed.data;
    const lang = localeLang(event.locale) ?? this.defaultLang;
    const text = event.action ? '' : normaliseInput(event.text ?? '');
    if (!event.action) {
      const length = (event.text ?? '').length;
      if (length > MAX_TEXT_LENGTH) return refuse(m.tooLong(formatNumber(length, lang), formatNumber(MAX_TEXT_LENGTH, lang)));
      if (text === '') return refuse(m.empty);
    }
    const ctx = new TurnContext(event, this.ports.clock(), lang, this.ports, out, {
      features: this.registry.features,
      beginDialog: (c, dialog, opts) => this.beginDialog(c, dialog, opts),
      endDialog: (c, id) => this.endDialog(c, id),
      // Already inside this session's queue: route again directly, without queueing behind itself.
      handleText: async (c, t) => void (await this.turn(c, normaliseInput(t), { nested: true })),
    });
    return this.inOrder(ctx.sessionKey, () => this.turn(ctx, text, { retryable: options.retryable }));
  }

  /**
   * Turns of one user in one conversation and thread run one after another, in arrival order: a user who types three
   * answers quickly must see them applied in that order. Other sessions run concurrently (500 members voting at once
   * are not serialised).
   */
  private inOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  /**
   * A session record outlives its dialogue's idle limit by a week, so a user who comes back late still hears why the
   * dialogue closed; after that the store drops it (no scanning timer).
   */
  private sessionExpiry(now: Date): { expiresAt: Date } {
    return { expiresAt: new Date(now.getTime() + (this.idleHours + SESSION_GRACE_HOURS) * 3600_000) };
  }

  private dialogContext(ctx: TurnContext): DialogContext {
    return { now: ctx.now, lang: ctx.lang, ports: this.ports };
  }

  private async turn(ctx: TurnContext, text: string, how: { nested?: boolean; retryable?: boolean }): Promise<TurnOutcome> {
    const nested = how.nested ?? false;
    const started = performance.now();
    let kind = 'failed';
    try {
      if (nested && text === '') {
        await ctx.say({ text: coreMessages(ctx.lang).empty });
        return { status: 'done' };
      }
      let decided: Route | undefined;
      // A turn with a delivery id routes from the state its first run saw (see Replay); a nested turn continues
      // from where its outer turn got to.
      const id = nested ? undefined : ctx.event.id;
      const preferred = await this.registry.preferredLanguage(ctx.user, this.ports);
      await this.ports.store.update(sessions.name, ctx.sessionKey, (raw) => {
        const prior = replayOf(raw);
        const base = id !== undefined && prior?.event === id ? (prior.before as JsonValue | undefined) : withoutReplay(raw);
        const clues = { preferred, text, conversation: storedLanguage(base), locale: ctx.event.locale, defaultLang: this.defaultLang };
        ctx.lang = replyLanguage({ ...clues, detect: (t, hint, sticky) => this.ports.matcher.language(t, hint, sticky) });
        const { session, notices } = readSession(base, ctx.now, ctx.lang, this.idleHours, this.registry.dialogs);
        // A nested turn is text even when the event was a button (the button's value is the question).
        const event = nested ? { ...ctx.event, action: undefined, text } : ctx.event;
        decided = route(this.registry, session, notices, event, text, this.dialogContext(ctx));
        // The choice above is final: the intent matcher's own guess must not undo the user's chosen language.
        decided.lang = ctx.lang;
        const lang = preferred ? session.lang : conversationLanguage(ctx.lang, ctx.event.locale, this.defaultLang);
        const { lang: _previous, ...rest } = decided.session;
        decided.session = lang ? { ...rest, lang } : rest;
        // Nothing before and nothing after (a question answered): no record, and a re-run starts from nothing too.
        // Should the handler begin a dialogue, beginDialog() records where this turn started.
        const empty = !decided.session.dialog && isEmptySession(base);
        return storedSession(decided.session, id !== undefined && !empty ? { event: id, before: base ?? null } : empty ? undefined : prior);
      }, this.sessionExpiry(ctx.now));
      const r = decided!;
      kind = r.kind;
      ctx.lang = r.lang;
      for (const message of r.messages) await ctx.say(message);
      await r.run?.(ctx);
      for (const effect of r.effects) await effect(ctx);
    } catch (e) {
      if (nested) throw e;
      if (how.retryable && isTransient(e)) {
        this.ports.log.warn({ err: { name: (e as Error).name, message: (e as Error).message }, kind, channel: ctx.event.channel }, 'turn failed; it will be retried');
        return { status: 'retry', reason: (e as Error).message };
      }
      await this.fail(ctx, e, kind);
    }
    // Operational facts only: never the user's text or ids at info level.
    this.ports.log.info({ channel: ctx.event.channel, kind, ms: Math.round(performance.now() - started) }, 'turn handled');
    return { status: 'done' };
  }

  private async beginDialog(ctx: TurnContext, dialog: AnyDialog, options: unknown): Promise<void> {
    const dctx = this.dialogContext(ctx);
    let said: Message[] = [];
    let effects: Route['effects'] = [];
    await this.ports.store.update(sessions.name, ctx.sessionKey, (raw) => {
      const { session } = readSession(withoutReplay(raw), ctx.now, ctx.lang, this.idleHours, this.registry.dialogs);
      const previous = session.dialog && this.registry.dialogs.get(session.dialog.id);
      const notice = previous && session.dialog ? previous.replaced(session.dialog.state, ctx.lang) : undefined;
      const step = dialog.start(options, dctx);
      const at = ctx.now.toISOString();
      const kept = session.lang ? { lang: session.lang } : {};
      const next: Session =
        step.status === 'waiting' ? { version: 2, ...kept, dialog: { id: dialog.id, version: dialog.version, state: step.state, startedAt: at, updatedAt: at } } : { version: 2, ...kept };
      said = [...(notice ? [notice] : []), ...(step.status === 'pass' ? [] : (step.messages ?? []))];
      effects = step.status === 'pass' ? [] : (step.effects ?? []);
      // A turn with a delivery id whose route recorded no replay started from an empty session (the route records one
      // otherwise): say so, so that a re-run routes from there rather than into the dialogue its first run began.
      const id = ctx.event.id;
      const prior = replayOf(raw);
      return storedSession(next, id !== undefined && prior?.event !== id ? { event: id, before: null } : prior);
    }, this.sessionExpiry(ctx.now));
    for (const message of said) await ctx.say(message);
    for (const effect of effects) await effect(ctx);
  }

  private async endDialog(ctx: TurnContext, id: string): Promise<void> {
    await this.ports.store.update(sessions.name, ctx.sessionKey, (raw) => {
      const parsed = sessions.parse(withoutReplay(raw));
      if (!parsed?.dialog || parsed.dialog.id !== id) return raw;
      const { dialog: _ended, ...rest } = parsed;
      return storedSession({ ...rest }, replayOf(raw));
    }, this.sessionExpiry(ctx.now));
  }

  private async fail(ctx: TurnContext, e: unknown, kind: string): Promise<void> {
    const m = coreMessages(ctx.lang);
    let text: string;
    let code: ErrorCode | 'UNEXPECTED';
    if (e instanceof AdvisorError) [text, code] = [e.userMessage, e.code];
    else if (e instanceof StoreError) {
      this.ports.log.error({ err: { code: e.code, message: e.message }, kind }, 'turn failed: store');
      [text, code] = [m.storeUnavailable, 'UNAVAILABLE'];
    } else {
      this.ports.log.error({ err: e, kind, channel: ctx.event.channel }, 'turn failed');
      [text, code] = [m.unexpected, 'UNEXPECTED'];
    }
    try {
      await ctx.say({ text }, { audience: 'private' });
    } catch (sayError) {
      this.ports.log.error({ err: sayError, kind }, 'could not tell the user that the turn failed');
    }
    ctx.failed(code, text);
  }

  /** Runs a scheduled job by name (the scheduler's loop calls this); throws so the scheduler retries. */
  async runJob(job: { name: string; payload: JsonValue; attempt: number }): Promise<void> {
    const handler = this.registry.jobs.get(job.name);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    await handler(job.payload, { ports: this.ports, now: this.ports.clock(), attempt: job.attempt });
  }

  /** What a home view shows a user (Slack App Home): each feature's contribution, in feature order. */
  async home(user: UserAddress, lang: Lang = this.defaultLang): Promise<Message[]> {
    const parts = await Promise.all(this.registry.features.map((f) => f.home?.(user, this.ports, lang) ?? Promise.resolve([])));
    return parts.flat();
  }
}

/**
 * An empty session is deleted rather than stored, so idle users leave nothing behind, unless it must remember the
 * state a turn with a delivery id started from (kept until the next turn or the session's expiry).
 */
function storedSession(session: Session, replay: Replay | undefined): JsonValue | undefined {
  if (!session.dialog && !session.lang && !replay) return undefined;
  const json = sessions.json(session);
  return replay && typeof json === 'object' && json !== null && !Array.isArray(json) ? { ...json, replay: { event: replay.event, before: (replay.before ?? null) as JsonValue } } : json;
}
