/**
 * The durable inbox. A channel writes every inbound delivery here (fsynced) before it acknowledges it to the
 * platform, and the worker (inbox-worker.ts) runs the turns from it. A turn is marked done only after its replies
 * were delivered, each reply recorded as it goes out, so a turn re-run after a crash or a failure skips what was
 * already said; only a reply caught between its post and its record can repeat (Slack's chat.postMessage has no
 * idempotency key). A done record stays, without its payload, as long as the platform may redeliver (it is the
 * dedupe of retried deliveries); a turn that keeps failing is dead-lettered after a cap.
 *
 * The record holds the channel's own target (where to reply: a response_url, a trigger id) as opaque JSON, so the
 * core stays platform-neutral. Keys are channel-prefixed delivery ids ("slack:Ev123", "slack:trigger:…").
 */
import { z } from 'zod';
import { defineCollection } from '../store/collections.js';
import type { JsonValue, Store } from '../store/store.js';
import { MessageRefSchema, type InboundEvent } from './event.js';
import type { Audience, Message, MessageRef, SayOptions, TurnOutput } from './message.js';

const Json: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(Json), z.record(z.string(), Json)]));

const PendingItem = z.object({
  channel: z.string(),
  /** Turns of one order key (a user's conversation) run one after another, in `seq` order. */
  order: z.string(),
  seq: z.number(),
  acceptedAt: z.string(),
  /** The InboundEvent, validated again by the pipeline when the turn runs. */
  event: Json,
  /** The channel's reply target. */
  target: Json,
  attempts: z.number().int().min(0),
  /** Replies delivered so far, by their index in the turn: the reference, or null when the platform gave none. */
  delivered: z.record(z.string(), MessageRefSchema.nullable()),
  /** Failure notices already sent ("retrying", "given up"), so each is sent once. */
  notices: z.array(z.string()).default([]),
  lastError: z.string().optional(),
  /** Several instances (PgInbox): which instance holds the turn, until when (ms); another may take it after. */
  lease: z.object({ owner: z.string(), until: z.number() }).optional(),
});
/** What stays of a finished delivery: enough to drop a redelivery, nothing of what the user wrote. */
export const FinishedItem = z.object({ status: z.enum(['done', 'dead']), channel: z.string(), acceptedAt: z.string(), attempts: z.number().int(), lastError: z.string().optional() });
export type PendingItem = z.infer<typeof PendingItem>;

/**
 * Deliveries not finished yet: what is in flight or waiting, which under a burst is thousands. An append-only log,
 * so that a write (an acceptance, a delivered reply) costs what it changes, not the backlog, with one fsync for all the
 * acceptances of a batch; kept apart from the finished ones; and written on a lane of its own, so that an
 * acknowledgement never waits behind the other collections' writes.
 */
export const inboxCollection = defineCollection('inbox', PendingItem, { split: 'log' }, { lane: 'own' });
/** Finished deliveries, remembered against redeliveries for an hour: many tiny records, appended without fsync. */
export const inboxDoneCollection = defineCollection('inbox_done', FinishedItem, { split: 'log' });

/**
 * The inbox as the channels and the worker use it: this file's Inbox on any Store (one process: the embedded store's
 * lock proves it), or PgInbox on PostgreSQL's own tables (several instances: leases, takeover, order across them).
 */
export interface InboxStore {
  /** Several instances share it: turns are leased, and ordered per conversation across instances. */
  readonly shared: boolean;
  accept(input: { key: string; channel: string; order: string; event: InboundEvent; target: object }): Promise<Accepted | undefined>;
  pending(key: string): Promise<PendingItem | undefined>;
  /**
   * Pending turns this instance may take, oldest first: every one on an unshared store (what a restarted server must
   * finish); on a shared one those whose lease is its own or has ended (the instance that held them is gone).
   */
  claimable(): Promise<(Accepted & { item: PendingItem })[]>;
  delivered(key: string, index: string, ref: MessageRef | undefined): Promise<void>;
  startAttempt(key: string, firstRun: boolean): Promise<{ item: PendingItem; written: Promise<unknown> } | undefined>;
  noticeSent(key: string, notice: string): Promise<void>;
  noteFailure(key: string, error: string): Promise<void>;
  finish(key: string, status: 'done' | 'dead'): Promise<void>;
  finished(key: string): Promise<z.infer<typeof FinishedItem> | undefined>;
  /** True when the turn may run now: no earlier delivery of its conversation is pending (on any instance). */
  mayRun(order: string, key: string, seq: number): Promise<boolean>;
}

export interface InboxOptions {
  clock: () => Date;
  /** How long a finished delivery is remembered against redeliveries (Slack retries within about five minutes). */
  rememberMs?: number;
  /** How long a dead letter is kept for the operators (without the user's text). */
  deadLetterMs?: number;
}

export interface Accepted {
  key: string;
  order: string;
  seq: number;
  /** Just accepted by this process: its first attempt is already counted. */
  fresh?: boolean;
}

export class Inbox implements InboxStore {
  /** One process: its own turns only, ordered in memory by the worker. */
  readonly shared = false;

  private lastSeq = 0;
  private readonly rememberMs: number;
  private readonly deadLetterMs: number;

  constructor(
    private readonly store: Store,
    private readonly options: InboxOptions,
  ) {
    this.rememberMs = options.rememberMs ?? 3600_000;
    this.deadLetterMs = options.deadLetterMs ?? 7 * 24 * 3600_000;
  }

  /** Monotonic within the process and, being time-based, across restarts: recovery runs turns in arrival order. */
  private nextSeq(): number {
    this.lastSeq = Math.max(this.lastSeq + 1, this.options.clock().getTime() * 1000);
    return this.lastSeq;
  }

  /**
   * Writes a delivery durably; undefined when the key was already accepted (a redelivery or a replay), which the
   * channel acknowledges and drops. Throws a StoreError when it cannot be written: the channel must then not
   * acknowledge, so the platform delivers it again.
   */
  async accept(input: { key: string; channel: string; order: string; event: InboundEvent; target: object }): Promise<Accepted | undefined> {
    const now = this.options.clock();
    const seq = this.nextSeq();
    const item: PendingItem = {
      channel: input.channel,
      order: input.order,
      seq,
      acceptedAt: now.toISOString(),
      event: plainJson(input.event),
      target: plainJson(input.target),
      // The first attempt is counted here, for free: only a re-run (after a crash or a failure) writes its count.
      attempts: 1,
      delivered: {},
      notices: [],
    };
    // Finished already (read from memory; a finish moves the key there before it leaves the pending collection).
    if (await inboxDoneCollection.get(this.store, input.key)) return undefined;
    // No expiry while pending: an accepted delivery waits for a restart however long the server is down.
    const fresh = await inboxCollection.putIfAbsent(this.store, input.key, item, { sync: true });
    return fresh ? { key: input.key, order: input.order, seq, fresh: true } : undefined;
  }

  /** The pending item, or undefined when it is finished (or gone). */
  async pending(key: string): Promise<PendingItem | undefined> {
    const record = await inboxCollection.get(this.store, key);
    return record && !(await inboxDoneCollection.get(this.store, key)) ? record : undefined;
  }

  /** Every pending item, oldest first: one process, so every one is this one's to finish. */
  async claimable(): Promise<(Accepted & { item: PendingItem })[]> {
    const found: (Accepted & { item: PendingItem })[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await inboxCollection.list(this.store, '', { limit: 1000, after });
      for (const r of page.records) {
        // A crash between a finish's two writes leaves both: it is finished.
        if (await inboxDoneCollection.get(this.store, r.key)) continue;
        found.push({ key: r.key, order: r.value.order, seq: r.value.seq, item: r.value });
      }
      if (!page.next) break;
      after = page.next;
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  /** Records one delivered reply of a pending turn. */
  async delivered(key: string, index: string, ref: MessageRef | undefined): Promise<void> {
    await inboxCollection.update(this.store, key, (r) => r && { ...r, delivered: { ...r.delivered, [index]: ref ?? null } });
  }

  /**
   * The item for its next attempt, counted before it runs, so that a turn that crashes the process also reaches the
   * cap. The first attempt was counted at acceptance (`firstRun`); a re-run's count is written alongside the turn
   * (`written`), not before it: waiting for it would cost the turn a write.
   */
  async startAttempt(key: string, firstRun: boolean): Promise<{ item: PendingItem; written: Promise<unknown> } | undefined> {
    if (await inboxDoneCollection.get(this.store, key)) return undefined;
    const current = await inboxCollection.get(this.store, key);
    if (!current) return undefined;
    if (firstRun && current.attempts === 1) return { item: current, written: Promise.resolve() };
    const written = inboxCollection.update(this.store, key, (r) => r && { ...r, attempts: r.attempts + 1 });
    return { item: { ...current, attempts: current.attempts + 1 }, written };
  }

  /** One process: the worker's lanes keep each conversation's order. */
  async mayRun(): Promise<boolean> {
    return true;
  }

  /** Records that a failure notice went out, so a re-run does not send it again. */
  async noticeSent(key: string, notice: string): Promise<void> {
    await inboxCollection.update(this.store, key, (r) => r && { ...r, notices: [...r.notices, notice] });
  }

  async noteFailure(key: string, error: string): Promise<void> {
    await inboxCollection.update(this.store, key, (r) => r && { ...r, lastError: error.slice(0, 500) });
  }

  /**
   * Finished: the key moves to the finished collection (without the payload) until redeliveries can no longer come,
   * and leaves the pending one. A crash between the two files can leave both (recovery then skips the key) or, rarely,
   * neither (the key is forgotten early: only a redelivery within the hour could then run it again).
   */
  async finish(key: string, status: 'done' | 'dead'): Promise<void> {
    const now = this.options.clock().getTime();
    const r = await inboxCollection.get(this.store, key);
    if (!r) return;
    // Both go to the same batch; the store applies them in this order, so a reader never sees the key in neither.
    await Promise.all([
      inboxDoneCollection.put(
        this.store,
        key,
        { status, channel: r.channel, acceptedAt: r.acceptedAt, attempts: r.attempts, lastError: r.lastError },
        { expiresAt: new Date(now + (status === 'dead' ? this.deadLetterMs : this.rememberMs)) },
      ),
      inboxCollection.delete(this.store, key),
    ]);
  }

  /** A finished delivery's record (tests, operators). */
  finished(key: string): Promise<z.infer<typeof FinishedItem> | undefined> {
    return inboxDoneCollection.get(this.store, key);
  }
}

/** Plain data from a channel adapter as JSON: undefined fields dropped (no dates or functions in it). */
function plainJson(value: object): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/**
 * A TurnOutput that records each reply of an inbox turn as it is delivered, and on a re-run of the turn skips the
 * replies already delivered (the same turn on the same state says the same replies in the same order).
 */
export class DeliveringOutput implements TurnOutput {
  private index = 0;

  constructor(
    private readonly inbox: Pick<InboxStore, 'delivered'>,
    private readonly key: string,
    private readonly item: Pick<PendingItem, 'delivered' | 'attempts' | 'acceptedAt'>,
    private readonly inner: TurnOutput,
  ) {}

  private readonly records: Promise<void>[] = [];

  private async once<T extends MessageRef | undefined>(send: (index: string) => Promise<T>): Promise<MessageRef | undefined> {
    const index = String(this.index++);
    if (index in this.item.delivered) return this.item.delivered[index] ?? undefined;
    const ref = await send(index);
    // Recorded alongside the next replies rather than before them; written() waits for all before the turn is done.
    const record = this.inbox.delivered(this.key, index, ref);
    record.catch(() => undefined);
    this.records.push(record);
    return ref;
  }

  /** Resolves once every delivery of this turn is recorded; rejects when a record could not be written. */
  async written(): Promise<void> {
    await Promise.all(this.records);
  }

  async say(message: Message, options?: { audience?: Audience }): Promise<MessageRef | undefined> {
    return this.once((index) => {
      const delivery = { tag: `${this.key}#${index}`, rerun: this.item.attempts > 1, since: new Date(this.item.acceptedAt) };
      const sayOptions: SayOptions = { ...options, delivery };
      return this.inner.say(message, sayOptions);
    });
  }

  async replaceSource(message: Message): Promise<void> {
    await this.once(async () => {
      await this.inner.replaceSource(message);
      return undefined;
    });
  }

  failed(code: Parameters<NonNullable<TurnOutput['failed']>>[0], message: string): void {
    this.inner.failed?.(code, message);
  }
}
