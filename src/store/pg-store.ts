/**
 * The Store port on PostgreSQL (the `pg` driver, hand-written SQL), for several advisor instances sharing one
 * database: one `records` table keyed by collection and key, jsonb values, expiry in milliseconds. Selected when
 * DATABASE_URL is set; the collections' file layouts mean nothing here.
 *
 * - A multi-record read-modify-write (updateMany) is one transaction that first takes a transaction-scoped advisory
 *   lock per record, in key order (so two of them never deadlock), and then reads, changes and writes: no concurrent
 *   change is lost, also across instances, and a change that throws leaves nothing written.
 * - A single-record one (update, increment) first tries optimistically: a plain read, then one conditional statement
 *   that writes only if the row is still the version read (xmin) and the record's advisory lock is free at that
 *   moment. Two round trips instead of five; when another writer came in between, the change runs again in a locked
 *   transaction as above.
 * - Keys sort by UTF-16 code unit, as the embedded store's do: the table keeps each key's UTF-16 bytes (`sort_key`)
 *   and orders, pages and matches prefixes on them.
 * - Acknowledgements resolve in the order the writes were made, as the embedded store's group commit does.
 * - Expired records read as absent at once and are deleted by a sweep every few minutes.
 */
import type pg from 'pg';
import { endPool, openPool } from './pg-pool.js';
import { loadMigrations, migrate } from './pg-migrations.js';
import { inTransaction } from './pg-transaction.js';
import { StoreError, type Change, type JsonValue, type ListOptions, type ListPage, type RecordRef, type Store, type WriteOptions } from './store.js';

export interface PgStoreOptions {
  clock?: () => Date;
  /** How often expired records are deleted (default 10 minutes). */
  sweepIntervalMs?: number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

type Row = { sort_key: Buffer; value: JsonValue; expires_at: string | null };
/** A row as read for an optimistic write: `version` is its xmin, which every UPDATE of the row changes. */
type VersionedRow = Row & { version: string };

/** A key as the UTF-16 code units JavaScript compares, big-endian, so that bytea order is string order. */
const sortKey = (key: string): Buffer => Buffer.from(key, 'utf16le').swap16();
const keyOf = (bytes: Buffer): string => Buffer.from(bytes).swap16().toString('utf16le');
/** The smallest byte string greater than every string that starts with `prefix` (undefined: no bound). */
function successor(prefix: Buffer): Buffer | undefined {
  const bytes = [...prefix];
  while (bytes.length > 0 && bytes.at(-1) === 0xff) bytes.pop();
  if (bytes.length === 0) return undefined;
  bytes[bytes.length - 1]! += 1;
  return Buffer.from(bytes);
}

function expiryOf(options: WriteOptions | undefined): number | null {
  const at = options?.expiresAt;
  if (at === undefined) return null;
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new StoreError('STORE_BAD_REQUEST', 'expiresAt must be a valid Date');
  return ms;
}

/** The expiry a changed record keeps: its own while it was live, none for a record created anew. */
const keptExpiry = (row: Row | undefined, current: JsonValue | undefined): number | null => (current !== undefined && row?.expires_at ? Number(row.expires_at) : null);
const live = (row: Row | undefined, now: number): boolean => row !== undefined && (row.expires_at === null || Number(row.expires_at) > now);
/** The advisory lock of one record: a 64-bit hash of collection and key (a collision only serialises two writes). */
const LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended($1 || E'\\x1f' || encode($2::bytea, 'hex'), 0))";
/** The hash of LOCK_SQL, taken without waiting: false while a locked transaction holds the record. */
const TRY_LOCK = "pg_try_advisory_xact_lock(hashtextextended($1 || E'\\x1f' || encode($2::bytea, 'hex'), 0))";
/**
 * Optimistic single-record writes, each one statement: they succeed only while the row is still the version read
 * (xmin) and no locked transaction (`transaction`) holds the record, so neither can overwrite what the other wrote.
 */
const TRY_UPDATE_SQL = `UPDATE records SET key = $3, value = $4, expires_at = $5 WHERE collection = $1 AND sort_key = $2 AND xmin = $6::text::xid AND ${TRY_LOCK}`;
const TRY_DELETE_SQL = `DELETE FROM records WHERE collection = $1 AND sort_key = $2 AND xmin = $3::text::xid AND ${TRY_LOCK}`;
const TRY_INSERT_SQL = `INSERT INTO records (collection, sort_key, key, value, expires_at) SELECT $1::text, $2::bytea, $3::text, $4::jsonb, $5::bigint WHERE ${TRY_LOCK} ON CONFLICT (collection, sort_key) DO NOTHING`;
const UPSERT_SQL =
  'INSERT INTO records (collection, sort_key, key, value, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (collection, sort_key) DO UPDATE SET key = EXCLUDED.key, value = EXCLUDED.value, expires_at = EXCLUDED.expires_at';

function storeErrorOf(cause: unknown): StoreError {
  if (cause instanceof StoreError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new StoreError('STORE_WRITE_FAILED', `PostgreSQL: ${message}`, { cause });
}

export class PgStore implements Store {
  /** Shared by several instances: what another left half done was not left by a process that is gone. */
  readonly exclusive = false;
  private closed = false;
  private lastAck: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    /** The connection pool, shared with the scheduler's jobs table (src/jobs/pg-scheduler.ts). */
    readonly pool: pg.Pool,
    options: PgStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), options.sweepIntervalMs ?? 600_000).unref();
  }

  /** Connects, applies pending migrations (under their advisory lock) and returns the store. */
  static async open(connectionString: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const pool = openPool(connectionString, options.poolSize ?? 10);
    try {
      await migrate(pool, loadMigrations());
    } catch (cause) {
      await endPool(pool).catch(() => undefined);
      throw new StoreError('STORE_UNREADABLE', `Cannot open the PostgreSQL store: ${(cause as Error).message}`, { cause });
    }
    return new PgStore(pool, options);
  }

  private now(): number {
    return this.clock().getTime();
  }

  private check(): void {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'The store is closed');
  }

  /** A mutation whose promise resolves only after every earlier mutation's has settled. */
  private ordered<T>(work: () => Promise<T>): Promise<T> {
    const run = (async () => {
      this.check();
      try {
        return await work();
      } catch (cause) {
        throw storeErrorOf(cause);
      }
    })();
    const previous = this.lastAck;
    const ack = run.then(
      (v) => previous.then(() => v, () => v),
      (e: unknown) => previous.then(() => Promise.reject(e), () => Promise.reject(e)),
    );
    this.lastAck = ack.catch(() => undefined);
    return ack;
  }

  /** One transaction that locks `refs` (in key order) and reads them before `work` writes. */
  private transaction<T>(refs: readonly RecordRef[], work: (client: pg.PoolClient, rows: (Row | undefined)[]) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      const sorted = refs.map((r) => ({ ...r, bytes: sortKey(r.key) })).sort((a, b) => a.collection.localeCompare(b.collection) || Buffer.compare(a.bytes, b.bytes));
      for (const r of sorted) await client.query(LOCK_SQL, [r.collection, r.bytes]);
      const rows: (Row | undefined)[] = [];
      for (const r of refs) {
        const found = await client.query<Row>('SELECT sort_key, value, expires_at FROM records WHERE collection = $1 AND sort_key = $2', [r.collection, sortKey(r.key)]);
        rows.push(found.rows[0]);
      }
      return work(client, rows);
    });
  }

  private write(client: pg.PoolClient, collection: string, key: string, value: JsonValue | undefined, expiresAt: number | null): Promise<unknown> {
    if (value === undefined) return client.query('DELETE FROM records WHERE collection = $1 AND sort_key = $2', [collection, sortKey(key)]);
    return client.query(UPSERT_SQL, [collection, sortKey(key), key, JSON.stringify(value), expiresAt]);
  }

  async get(collection: string, key: string): Promise<JsonValue | undefined> {
    this.check();
    try {
      const r = await this.pool.query<Row>('SELECT value FROM records WHERE collection = $1 AND sort_key = $2 AND (expires_at IS NULL OR expires_at > $3)', [collection, sortKey(key), this.now()]);
      return r.rows[0]?.value;
    } catch (cause) {
      throw storeErrorOf(cause);
    }
  }

  put(collection: string, key: string, value: JsonValue, options?: WriteOptions): Promise<void> {
    return this.ordered(async () => {
      await this.pool.query(UPSERT_SQL, [collection, sortKey(key), key, JSON.stringify(value), expiryOf(options)]);
    });
  }

  putIfAbsent(collection: string, key: string, value: JsonValue, options?: WriteOptions): Promise<boolean> {
    return this.ordered(async () => {
      // One statement: a free key is inserted; an expired record counts as free and is replaced.
      const r = await this.pool.query(
        'INSERT INTO records (collection, sort_key, key, value, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (collection, sort_key) DO UPDATE SET key = EXCLUDED.key, value = EXCLUDED.value, expires_at = EXCLUDED.expires_at WHERE records.expires_at IS NOT NULL AND records.expires_at <= $6',
        [collection, sortKey(key), key, JSON.stringify(value), expiryOf(options), this.now()],
      );
      return r.rowCount === 1;
    });
  }

  update(collection: string, key: string, change: Change<JsonValue>, options?: WriteOptions): Promise<JsonValue | undefined> {
    return this.ordered(async () => {
      const expiresAt = options?.expiresAt === undefined ? undefined : expiryOf(options);
      const apply = (row: Row | undefined) => {
        const current = live(row, this.now()) ? row!.value : undefined;
        return { next: change(current), expires: expiresAt ?? keptExpiry(row, current) };
      };
      // Most updates meet no other writer of their record: a read and one conditional statement, two round trips
      // instead of a locked transaction's five. Only when that write finds the record changed or held does the
      // change run again, under the lock.
      const optimistic = await this.tryUpdate(collection, key, apply);
      if (optimistic.done) return optimistic.value;
      return this.transaction([{ collection, key }], async (client, [row]) => {
        const { next, expires } = apply(row);
        if (next === undefined && !row) return undefined;
        await this.write(client, collection, key, next, expires);
        return next;
      });
    });
  }

  /** One optimistic read-change-write; `done: false` when the record changed or was held in between. */
  private async tryUpdate(
    collection: string,
    key: string,
    apply: (row: Row | undefined) => { next: JsonValue | undefined; expires: number | null },
  ): Promise<{ done: true; value: JsonValue | undefined } | { done: false }> {
    const bytes = sortKey(key);
    const read = await this.pool.query<VersionedRow>('SELECT sort_key, value, expires_at, xmin::text AS version FROM records WHERE collection = $1 AND sort_key = $2', [collection, bytes]);
    const row = read.rows[0];
    const { next, expires } = apply(row);
    if (next === undefined && !row) return { done: true, value: undefined };
    const written =
      next === undefined
        ? await this.pool.query(TRY_DELETE_SQL, [collection, bytes, row!.version])
        : row
          ? await this.pool.query(TRY_UPDATE_SQL, [collection, bytes, key, JSON.stringify(next), expires, row.version])
          : await this.pool.query(TRY_INSERT_SQL, [collection, bytes, key, JSON.stringify(next), expires]);
    return written.rowCount === 1 ? { done: true, value: next } : { done: false };
  }

  updateMany(refs: readonly RecordRef[], change: (current: (JsonValue | undefined)[]) => (JsonValue | undefined)[]): Promise<(JsonValue | undefined)[]> {
    return this.ordered(async () => {
      const seen = new Set<string>();
      for (const ref of refs) {
        const id = `${ref.collection}\u0000${ref.key}`;
        if (seen.has(id)) throw new StoreError('STORE_BAD_REQUEST', `updateMany got ${ref.collection} "${ref.key}" twice`);
        seen.add(id);
      }
      if (refs.length === 0) return [];
      return this.transaction(refs, async (client, rows) => {
        const now = this.now();
        const current = rows.map((row) => (live(row, now) ? row!.value : undefined));
        const next = change(current);
        if (!Array.isArray(next) || next.length !== refs.length) {
          throw new StoreError('STORE_BAD_REQUEST', `updateMany's change returned ${Array.isArray(next) ? next.length : 'no'} values for ${refs.length} records`);
        }
        for (const [i, ref] of refs.entries()) {
          const row = rows[i];
          if (next[i] === undefined && !row) continue;
          await this.write(client, ref.collection, ref.key, next[i], keptExpiry(row, current[i]));
        }
        return next;
      });
    });
  }

  delete(collection: string, key: string): Promise<boolean> {
    return this.ordered(async () => {
      const r = await this.pool.query<{ expires_at: string | null }>('DELETE FROM records WHERE collection = $1 AND sort_key = $2 RETURNING expires_at', [collection, sortKey(key)]);
      const row = r.rows[0];
      return row !== undefined && (row.expires_at === null || Number(row.expires_at) > this.now());
    });
  }

  async list(collection: string, prefix: string, options: ListOptions = {}): Promise<ListPage> {
    this.check();
    const requested = options.limit ?? 100;
    if (!Number.isInteger(requested) || requested < 1) throw new StoreError('STORE_BAD_REQUEST', `list limit must be a positive integer, not ${requested}`);
    const limit = Math.min(requested, 1000);
    const low = sortKey(prefix);
    const after = options.after !== undefined ? sortKey(options.after) : null;
    try {
      const r = await this.pool.query<Row>(
        'SELECT sort_key, value, expires_at FROM records WHERE collection = $1 AND sort_key >= $2 AND ($3::bytea IS NULL OR sort_key < $3) AND ($4::bytea IS NULL OR sort_key > $4) AND (expires_at IS NULL OR expires_at > $5) ORDER BY sort_key LIMIT $6',
        [collection, low, successor(low) ?? null, after, this.now(), limit + 1],
      );
      const records = r.rows.slice(0, limit).map((row) => ({ key: keyOf(row.sort_key), value: row.value, ...(row.expires_at !== null ? { expiresAt: new Date(Number(row.expires_at)) } : {}) }));
      return r.rows.length > limit ? { records, next: records.at(-1)!.key } : { records };
    } catch (cause) {
      throw storeErrorOf(cause);
    }
  }

  deleteByPrefix(collection: string, prefix: string): Promise<number> {
    return this.ordered(async () => {
      const low = sortKey(prefix);
      const r = await this.pool.query<{ live: boolean }>(
        'DELETE FROM records WHERE collection = $1 AND sort_key >= $2 AND ($3::bytea IS NULL OR sort_key < $3) RETURNING (expires_at IS NULL OR expires_at > $4) AS live',
        [collection, low, successor(low) ?? null, this.now()],
      );
      return r.rows.filter((x) => x.live).length;
    });
  }

  async increment(collection: string, key: string, by = 1): Promise<number> {
    if (!Number.isFinite(by)) return this.ordered(() => Promise.reject(new StoreError('STORE_BAD_REQUEST', `increment by ${by}: not a finite number`)));
    // An update like any other: the counter's expiry is kept, a missing or expired counter starts from 0.
    return (await this.update(collection, key, (current) => (typeof current === 'number' ? current : 0) + by)) as number;
  }

  /** Deletes expired records; returns how many. */
  async sweep(): Promise<number> {
    if (this.closed) return 0;
    const now = this.now();
    const r = await this.pool.query('DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= $1', [now]);
    // Finished deliveries remembered against redeliveries (the inbox's own table, jobs/pg-inbox.ts) expire too.
    const done = await this.pool.query('DELETE FROM inbox_done WHERE expires_at <= $1', [now]);
    return (r.rowCount ?? 0) + (done.rowCount ?? 0);
  }

  async ping(): Promise<void> {
    this.check();
    try {
      await this.pool.query('SELECT 1');
    } catch (cause) {
      throw new StoreError('STORE_UNREADABLE', `PostgreSQL does not answer: ${(cause as Error).message}`, { cause });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    await this.lastAck;
    await endPool(this.pool);
  }
}
