/**
 * The durable inbox on PostgreSQL's own tables (migration 003), for several instances behind one endpoint:
 * - a delivery is inserted (committed) before it is acknowledged; a key already pending or finished is a redelivery;
 * - `arrival` (a sequence) orders deliveries across instances, and a turn runs only when no earlier delivery of its
 *   conversation is pending anywhere, so a user's quick messages are applied in order whichever instance got them;
 * - the instance that runs a turn leases it, claimed with `FOR UPDATE SKIP LOCKED` (no instance waits for another's
 *   claim); another instance takes a turn over once its lease has ended (its instance died);
 * - finishing moves the delivery to `inbox_done` (without what the user wrote) in one statement.
 * The worker (core/inbox-worker.ts) is the same as on the embedded store.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { InboundEvent } from '../core/event.js';
import type { Accepted, FinishedItem, InboxStore, PendingItem } from '../core/inbox.js';
import type { MessageRef } from '../core/message.js';
import type { z } from 'zod';
import type { JsonValue } from '../store/store.js';

export interface PgInboxOptions {
  clock: () => Date;
  /** How long an instance holds a turn it runs (default 2 minutes; a turn takes well under a second). */
  leaseMs?: number;
  /** How long a finished delivery is remembered against redeliveries (Slack retries within about five minutes). */
  rememberMs?: number;
  /** How long a dead letter is kept for the operators. */
  deadLetterMs?: number;
}

type Row = {
  key: string;
  arrival: string;
  order_key: string;
  channel: string;
  accepted_at: string;
  event: JsonValue;
  target: JsonValue;
  attempts: number;
  delivered: Record<string, MessageRef | null>;
  notices: string[];
  last_error: string | null;
  lease_owner: string | null;
  lease_until: string | null;
};
/** At most this many turns are taken over per scan. */
const CLAIMABLE_BATCH = 1000;
const COLUMNS = 'key, arrival, order_key, channel, accepted_at, event, target, attempts, delivered, notices, last_error, lease_owner, lease_until';

function itemOf(r: Row): PendingItem {
  return {
    channel: r.channel,
    order: r.order_key,
    seq: Number(r.arrival),
    acceptedAt: r.accepted_at,
    event: r.event,
    target: r.target,
    attempts: r.attempts,
    delivered: r.delivered,
    notices: r.notices,
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    ...(r.lease_owner !== null && r.lease_until !== null ? { lease: { owner: r.lease_owner, until: Number(r.lease_until) } } : {}),
  };
}

/** Plain data from a channel adapter as JSON: undefined fields dropped. */
const json = (value: object): string => JSON.stringify(value);

export class PgInbox implements InboxStore {
  readonly shared = true;
  /** This instance, as lease owner. */
  readonly owner = randomUUID();
  private readonly leaseMs: number;
  private readonly rememberMs: number;
  private readonly deadLetterMs: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgInboxOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 120_000;
    this.rememberMs = options.rememberMs ?? 3600_000;
    this.deadLetterMs = options.deadLetterMs ?? 7 * 24 * 3600_000;
  }

  private now(): number {
    return this.options.clock().getTime();
  }

  /** Inserts the delivery leased to this instance; undefined when it is pending or was finished already. */
  async accept(input: { key: string; channel: string; order: string; event: InboundEvent; target: object }): Promise<Accepted | undefined> {
    const now = this.now();
    const r = await this.pool.query<{ arrival: string }>(
      `INSERT INTO inbox (key, order_key, channel, accepted_at, event, target, lease_owner, lease_until)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM inbox_done WHERE key = $1 AND expires_at > $9)
       ON CONFLICT (key) DO NOTHING RETURNING arrival`,
      [input.key, input.order, input.channel, new Date(now).toISOString(), json(input.event), json(input.target), this.owner, now + this.leaseMs, now],
    );
    const row = r.rows[0];
    return row ? { key: input.key, order: input.order, seq: Number(row.arrival), fresh: true } : undefined;
  }

  async pending(key: string): Promise<PendingItem | undefined> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM inbox WHERE key = $1`, [key]);
    return r.rows[0] ? itemOf(r.rows[0]) : undefined;
  }

  /** Every pending delivery in arrival order. (Expired finished ones are deleted by the store's sweep.) */
  /**
   * The turns no live instance holds, oldest first: every instance asks every few seconds, so the rows that others
   * are running are left out in the query, and one call takes at most CLAIMABLE_BATCH (the next takes the rest).
   */
  async claimable(): Promise<(Accepted & { item: PendingItem })[]> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM inbox WHERE lease_owner IS NULL OR lease_owner = $1 OR lease_until <= $2 ORDER BY arrival LIMIT ${CLAIMABLE_BATCH}`, [this.owner, this.now()]);
    return r.rows.map((row) => ({ key: row.key, order: row.order_key, seq: Number(row.arrival), item: itemOf(row) }));
  }

  async delivered(key: string, index: string, ref: MessageRef | undefined): Promise<void> {
    await this.pool.query('UPDATE inbox SET delivered = delivered || jsonb_build_object($2::text, $3::jsonb) WHERE key = $1', [key, index, JSON.stringify(ref ?? null)]);
  }

  /**
   * Leases the turn to this instance for its attempt (counted in the same statement), unless another instance holds
   * it now (undefined: that instance runs it).
   */
  async startAttempt(key: string, firstRun: boolean): Promise<{ item: PendingItem; written: Promise<unknown> } | undefined> {
    const now = this.now();
    const r = await this.pool.query<Row>(
      `UPDATE inbox SET attempts = CASE WHEN $5 AND attempts = 1 AND lease_owner = $2 THEN attempts ELSE attempts + 1 END, lease_owner = $2, lease_until = $3
       WHERE key = (SELECT key FROM inbox WHERE key = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until <= $4) FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [key, this.owner, now + this.leaseMs, now, firstRun],
    );
    return r.rows[0] ? { item: itemOf(r.rows[0]), written: Promise.resolve() } : undefined;
  }

  async mayRun(order: string, key: string, seq: number): Promise<boolean> {
    const r = await this.pool.query<{ earlier: boolean }>('SELECT EXISTS (SELECT 1 FROM inbox WHERE order_key = $1 AND arrival < $2 AND key <> $3) AS earlier', [order, seq, key]);
    return !r.rows[0]!.earlier;
  }

  async noticeSent(key: string, notice: string): Promise<void> {
    await this.pool.query('UPDATE inbox SET notices = notices || jsonb_build_array($2::text) WHERE key = $1', [key, notice]);
  }

  async noteFailure(key: string, error: string): Promise<void> {
    await this.pool.query('UPDATE inbox SET last_error = $2 WHERE key = $1', [key, error.slice(0, 500)]);
  }

  /** Moves the delivery to the finished ones, in one statement. */
  async finish(key: string, status: 'done' | 'dead'): Promise<void> {
    const expires = this.now() + (status === 'dead' ? this.deadLetterMs : this.rememberMs);
    await this.pool.query(
      `WITH gone AS (DELETE FROM inbox WHERE key = $1 RETURNING key, channel, accepted_at, attempts, last_error)
       INSERT INTO inbox_done (key, status, channel, accepted_at, attempts, last_error, expires_at)
       SELECT key, $2, channel, accepted_at, attempts, last_error, $3 FROM gone
       ON CONFLICT (key) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, expires_at = EXCLUDED.expires_at`,
      [key, status, expires],
    );
  }

  async finished(key: string): Promise<z.infer<typeof FinishedItem> | undefined> {
    const r = await this.pool.query<{ status: 'done' | 'dead'; channel: string; accepted_at: string; attempts: number; last_error: string | null }>(
      'SELECT status, channel, accepted_at, attempts, last_error FROM inbox_done WHERE key = $1 AND expires_at > $2',
      [key, this.now()],
    );
    const row = r.rows[0];
    return row ? { status: row.status, channel: row.channel, acceptedAt: row.accepted_at, attempts: row.attempts, ...(row.last_error !== null ? { lastError: row.last_error } : {}) } : undefined;
  }
}
