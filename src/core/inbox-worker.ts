/**
 * Runs the inbox's turns: a bounded number at once, the turns of one order key (a user's conversation) one after
 * another in arrival order, a transient failure retried with backoff up to a cap and then dead-lettered with a word
 * to the user. Only references (key, order, seq) wait in memory; the items themselves are on disk, so a restart
 * (recover()) finishes whatever was accepted and not done, in the order it was accepted.
 */
import type { Logger } from '../common/logger.js';
import type { JsonValue } from '../store/store.js';
import type { InboundEvent } from './event.js';
import { DeliveringOutput, type Accepted, type InboxStore } from './inbox.js';
import type { Message, TurnOutput } from './message.js';
import { coreMessages } from './messages.js';
import { localeLang } from './i18n.js';
import type { HandleOptions, TurnOutcome } from './pipeline.js';

/** What a channel gives the worker: how to reply to a stored target. */
export interface InboxChannel {
  /** The output for one turn, built from the target the channel stored at acceptance. */
  output(target: JsonValue): Promise<TurnOutput>;
}

/** The part of the Advisor the worker uses. */
export interface TurnHandler {
  handle(event: InboundEvent, out: TurnOutput, options: HandleOptions): Promise<TurnOutcome>;
}

export interface InboxWorkerOptions {
  /** Turns in progress at once (default 16). */
  concurrency?: number;
  /** Attempts before a turn is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Wait before attempt n+1, by n (default 1 s, 5 s, 30 s, 2 min). */
  backoffMs?: (attempt: number) => number;
  /** Accepted turns waiting beyond which channels refuse new deliveries, so the platform retries later. */
  maxBacklog?: number;
  /** Shared stores: how often to look for turns whose instance died (default 10 s). */
  takeoverMs?: number;
  /** Shared stores: how long a turn waits before it looks again whether an earlier one of its conversation is done. */
  orderWaitMs?: number;
  logger: Logger;
}

const DEFAULT_BACKOFF = [1_000, 5_000, 30_000, 120_000];

interface Lane {
  entries: Accepted[];
  state: 'ready' | 'running' | 'delayed';
  timer?: NodeJS.Timeout;
}

export class InboxWorker {
  private readonly lanes = new Map<string, Lane>();
  /** Order keys whose head may run now, in the order they became ready. */
  private readonly ready: string[] = [];
  private readonly queued = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  /** Finishing writes not waited for by their turn; stop() waits for them. */
  private readonly finishing = new Set<Promise<void>>();
  private readonly channels = new Map<string, InboxChannel>();
  private stopped = false;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly backoff: (attempt: number) => number;
  private readonly maxBacklog: number;
  private readonly logger: Logger;
  private readonly takeoverMs: number;
  private readonly waitMs: number;
  private takeover: NodeJS.Timeout | undefined;

  constructor(
    private readonly inbox: InboxStore,
    private readonly advisor: TurnHandler,
    options: InboxWorkerOptions,
  ) {
    this.concurrency = options.concurrency ?? 16;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoff = options.backoffMs ?? ((n) => DEFAULT_BACKOFF[Math.min(n, DEFAULT_BACKOFF.length) - 1]!);
    this.maxBacklog = options.maxBacklog ?? 20_000;
    this.takeoverMs = options.takeoverMs ?? 10_000;
    this.waitMs = options.orderWaitMs ?? 50;
    this.logger = options.logger.child({ component: 'inbox' });
  }

  /** A channel's way to reply; turns of a channel that is not registered stay in the inbox for a later start. */
  register(channel: string, handler: InboxChannel): void {
    this.channels.set(channel, handler);
  }

  /** True when channels should refuse new deliveries for now (the platform delivers them again later). */
  get full(): boolean {
    return this.stopped || this.queued.size >= this.maxBacklog;
  }

  /** Queues an accepted turn. */
  enqueue(accepted: Accepted): void {
    if (this.stopped || this.queued.has(accepted.key)) return;
    this.queued.add(accepted.key);
    const lane = this.lanes.get(accepted.order);
    if (lane) {
      lane.entries.push(accepted);
      return;
    }
    this.lanes.set(accepted.order, { entries: [accepted], state: 'ready' });
    this.ready.push(accepted.order);
    this.pump();
  }

  /**
   * Queues every pending turn on disk (after a restart: what the previous process accepted and did not finish). On a
   * shared store, only turns no live instance holds, and from then on every `takeoverMs` again: a turn whose instance
   * died is taken over once its lease has ended.
   */
  async recover(): Promise<number> {
    if (this.inbox.shared && !this.takeover && !this.stopped) {
      this.takeover = setInterval(() => void this.recover().catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message } }, 'could not look for turns to take over')), this.takeoverMs);
      this.takeover.unref();
    }
    const pending = (await this.inbox.claimable()).filter((p) => !this.queued.has(p.key));
    const runnable = pending.filter((p) => this.channels.has(p.item.channel));
    for (const p of runnable) this.enqueue(p);
    if (pending.length > runnable.length) this.logger.warn({ waiting: pending.length - runnable.length }, 'inbox holds turns of channels that are not running; they wait for those channels');
    if (runnable.length > 0) this.logger.info({ recovered: runnable.length }, 'finishing turns accepted before the restart');
    return runnable.length;
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.ready.length > 0) {
      const order = this.ready.shift()!;
      const lane = this.lanes.get(order);
      if (!lane || lane.state !== 'ready' || lane.entries.length === 0) continue;
      lane.state = 'running';
      const head = lane.entries[0]!;
      const job: Promise<void> = this.attempt(head)
        .then(
          (retryIn) => this.settle(order, lane, retryIn),
          (err: unknown) => {
            // Only the store failing around the turn gets here (the turn itself never throws): try again later.
            this.logger.error({ err }, 'inbox turn could not be run');
            this.settle(order, lane, this.backoff(1));
          },
        )
        // Yield between turns, so that under a burst new requests are still verified and acknowledged in time.
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .finally(() => {
          this.running.delete(job);
          this.pump();
        });
      this.running.add(job);
    }
  }

  /** After a turn: next in the lane, or the same one again after `retryIn` ms. */
  private settle(order: string, lane: Lane, retryIn: number | undefined): void {
    if (retryIn === undefined) {
      const done = lane.entries.shift()!;
      this.queued.delete(done.key);
      if (lane.entries.length === 0) {
        this.lanes.delete(order);
        return;
      }
      lane.state = 'ready';
      this.ready.push(order);
      return;
    }
    if (this.stopped) return;
    lane.state = 'delayed';
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      lane.state = 'ready';
      this.ready.push(order);
      this.pump();
    }, retryIn);
    lane.timer.unref();
  }

  /** Runs one attempt; resolves with the delay before the next one, or undefined when the turn is finished. */
  private async attempt(entry: Accepted): Promise<number | undefined> {
    // Shared store: an earlier delivery of this conversation, accepted by another instance, goes first.
    if (!(await this.inbox.mayRun(entry.order, entry.key, entry.seq))) return this.waitMs;
    const started = await this.inbox.startAttempt(entry.key, entry.fresh === true);
    entry.fresh = false;
    // Finished already (a duplicate enqueue, or another instance did it), or another instance runs it now.
    if (!started) return undefined;
    const { item, written } = started;
    // Awaited below on the main path; on the early ones its failure only means the count is written later.
    written.catch(() => undefined);
    const channel = this.channels.get(item.channel);
    if (!channel) return undefined;
    const event = item.event as unknown as InboundEvent;
    const out = await channel.output(item.target);
    const lang = localeLang(typeof event.locale === 'string' ? event.locale : undefined);
    const m = coreMessages(lang ?? 'en');
    if (item.attempts > this.maxAttempts) {
      await this.giveUp(entry.key, item.notices, out, m.gaveUp, item.lastError);
      return undefined;
    }
    const delivering = new DeliveringOutput(this.inbox, entry.key, item, out);
    const outcome = await this.advisor.handle({ ...event, id: entry.key }, delivering, { retryable: true });
    await Promise.all([written, delivering.written()]);
    if (outcome.status === 'done') {
      // Not waited for: the replies are recorded, so should this write be lost, a re-run would say nothing again.
      this.track(this.inbox.finish(entry.key, 'done'));
      return undefined;
    }
    await this.inbox.noteFailure(entry.key, outcome.reason);
    if (item.attempts >= this.maxAttempts) {
      await this.giveUp(entry.key, item.notices, out, m.gaveUp, outcome.reason);
      return undefined;
    }
    // Never silence: the first failure is told once, the retries are quiet.
    if (!item.notices.includes('retrying')) await this.notify(entry.key, 'retrying', out, { text: m.retrying });
    return this.backoff(item.attempts);
  }

  private track(write: Promise<void>): void {
    const tracked = write.catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message } }, 'could not mark an inbox turn done; a restart runs it again and says nothing twice'));
    this.finishing.add(tracked);
    void tracked.finally(() => this.finishing.delete(tracked));
  }

  private async giveUp(key: string, notices: readonly string[], out: TurnOutput, text: string, reason: string | undefined): Promise<void> {
    this.logger.error({ reason }, 'inbox turn failed too often; dead-lettered');
    if (!notices.includes('gave-up')) await this.notify(key, 'gave-up', out, { text });
    await this.inbox.finish(key, 'dead');
  }

  /** Best effort: a notice that cannot be delivered (the platform is what fails) is logged, not retried. */
  private async notify(key: string, notice: string, out: TurnOutput, message: Message): Promise<void> {
    try {
      await out.say(message, { audience: 'private' });
      await this.inbox.noticeSent(key, notice);
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message }, notice }, 'could not tell the user about a failed turn');
    }
  }

  /**
   * Stops taking turns and waits for those in progress, at most `deadlineMs`; what is unfinished stays pending in
   * the inbox for the next start. Resolves with how many were still running at the deadline.
   */
  async stop(deadlineMs = 10_000): Promise<number> {
    this.stopped = true;
    clearInterval(this.takeover);
    for (const lane of this.lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)));
    const result = await Promise.race([Promise.allSettled([...this.running]).then(() => Promise.allSettled([...this.finishing])).then(() => 'finished' as const), deadline]);
    clearTimeout(timer);
    return result === 'late' ? this.running.size : 0;
  }

  /** Resolves once nothing is queued or running (tests, one-shot runs). */
  async idle(): Promise<void> {
    while (this.queued.size > 0 || this.running.size > 0 || this.finishing.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
