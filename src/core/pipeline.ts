/**
 * The turn pipeline: validate → normalise → route inside one atomic update of the session (router.ts) → say the
 * dialogue's messages → run the chosen handler → run the dialogue's effects. Failures become replies: a coded
 * AdvisorError privately, a store failure as "nothing was changed", anything else as an apology (logged by kind).
 */
import type { Lang } from '../common/lang.js';
import { StoreError, type JsonValue } from '../store/store.js';
import { TurnContext } from './context.js';
import type { AnyDialog, DialogContext } from './dialog.js';
import { AdvisorError, type ErrorCode } from './errors.js';
import { InboundEventSchema, MAX_TEXT_LENGTH, type InboundEvent, type UserAddress } from './event.js';
import { formatNumber, localeLang } from './i18n.js';
import type { Message, TurnOutput } from './message.js';
import { coreMessages } from './messages.js';
import type { Ports } from './ports.js';
import type { Registry } from './registry.js';
import { route, type Route } from './router.js';
import { readSession, sessions, type Session } from './session.js';
import { normaliseInput } from './text.js';

const SESSION_GRACE_HOURS = 7 * 24;

export interface AdvisorOptions {
  /** Language for short messages when the client sends no locale. */
  defaultLang?: Lang;
  dialogIdleHours?: number;
}

export class Advisor {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly defaultLang: Lang;
  private readonly idleHours: number;

  constructor(
    readonly registry: Registry,
    readonly ports: Ports,
    options: AdvisorOptions = {},
  ) {
    this.defaultLang = options.defaultLang ?? 'en';
    this.idleHours = options.dialogIdleHours ?? 24;
  }

  /** Handles one inbound event, saying its replies through `out`. Never throws: bad input and failures are answered. */
  async handle(input: InboundEvent, out: TurnOutput): Promise<void> {
    const parsed = InboundEventSchema.safeParse(input);
    // The event is not validated yet: read its locale only if it is a string.
    const m = coreMessages(localeLang(typeof input.locale === 'string' ? input.locale : undefined) ?? this.defaultLang);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      await out.say({ text: m.unreadable(issue.path.join('.') || 'event', issue.message) }, { audience: 'private' });
      return;
    }
    const event = parsed.data;
    const lang = localeLang(event.locale) ?? this.defaultLang;
    const text = event.action ? '' : normaliseInput(event.text ?? '');
    if (!event.action) {
      const length = (event.text ?? '').length;
      if (length > MAX_TEXT_LENGTH) return void (await out.say({ text: m.tooLong(formatNumber(length, lang), formatNumber(MAX_TEXT_LENGTH, lang)) }, { audience: 'private' }));
      if (text === '') return void (await out.say({ text: m.empty }, { audience: 'private' }));
    }
    const ctx = new TurnContext(event, this.ports.clock(), lang, this.ports, out, {
      features: this.registry.features,
      beginDialog: (c, dialog, options) => this.beginDialog(c, dialog, options),
      // Already inside this session's queue: route again directly, without queueing behind itself.
      handleText: (c, t) => this.turn(c, normaliseInput(t), true),
    });
    await this.inOrder(ctx.sessionKey, () => this.turn(ctx, text));
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

  private async turn(ctx: TurnContext, text: string, nested = false): Promise<void> {
    const started = performance.now();
    let kind = 'failed';
    try {
      if (nested && text === '') return void (await ctx.say({ text: coreMessages(ctx.lang).empty }));
      let decided: Route | undefined;
      await this.ports.store.update(sessions.name, ctx.sessionKey, (raw) => {
        const { session, notices } = readSession(raw, ctx.now, ctx.lang, this.idleHours, this.registry.dialogs);
        // A nested turn is text even when the event was a button (the button's value is the question).
        const event = nested ? { ...ctx.event, action: undefined, text } : ctx.event;
        decided = route(this.registry, session, notices, event, text, this.dialogContext(ctx));
        return storedSession(decided.session);
      }, this.sessionExpiry(ctx.now));
      const r = decided!;
      kind = r.kind;
      ctx.lang = r.lang;
      for (const message of r.messages) await ctx.say(message);
      await r.run?.(ctx);
      for (const effect of r.effects) await effect(ctx);
    } catch (e) {
      if (nested) throw e;
      await this.fail(ctx, e, kind);
    }
    // Operational facts only: never the user's text or ids at info level.
    this.ports.log.info({ channel: ctx.event.channel, kind, ms: Math.round(performance.now() - started) }, 'turn handled');
  }

  private async beginDialog(ctx: TurnContext, dialog: AnyDialog, options: unknown): Promise<void> {
    const dctx = this.dialogContext(ctx);
    let said: Message[] = [];
    let effects: Route['effects'] = [];
    await this.ports.store.update(sessions.name, ctx.sessionKey, (raw) => {
      const { session } = readSession(raw, ctx.now, ctx.lang, this.idleHours, this.registry.dialogs);
      const previous = session.dialog && this.registry.dialogs.get(session.dialog.id);
      const notice = previous && session.dialog ? previous.replaced(session.dialog.state, ctx.lang) : undefined;
      const step = dialog.start(options, dctx);
      const at = ctx.now.toISOString();
      const next: Session =
        step.status === 'waiting' ? { version: 2, dialog: { id: dialog.id, version: dialog.version, state: step.state, startedAt: at, updatedAt: at } } : { version: 2 };
      said = [...(notice ? [notice] : []), ...(step.status === 'pass' ? [] : (step.messages ?? []))];
      effects = step.status === 'pass' ? [] : (step.effects ?? []);
      return storedSession(next);
    }, this.sessionExpiry(ctx.now));
    for (const message of said) await ctx.say(message);
    for (const effect of effects) await effect(ctx);
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

/** An empty session is deleted rather than stored, so idle users leave nothing behind. */
function storedSession(session: Session): JsonValue | undefined {
  return session.dialog ? sessions.json(session) : undefined;
}
