/**
 * The Store contract and the Scheduler contract against the real PostgreSQL server (127.0.0.1:5432; .ci/run starts
 * it). Each run of this file uses a database of its own, created here and dropped at the end.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, migrationStatus } from '../../src/store/pg-migrations.js';
import { endPool, openPool } from '../../src/store/pg-pool.js';
import { PgStore } from '../../src/store/pg-store.js';
import type { JsonValue } from '../../src/store/store.js';
import { PgInbox } from '../../src/jobs/pg-inbox.js';
import { PgScheduler } from '../../src/jobs/pg-scheduler.js';
import { StoreScheduler, type StoreSchedulerOptions } from '../../src/jobs/store-scheduler.js';
import { schedulerContract } from '../jobs/contract.js';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';
import { ROOT } from '../helpers/tmp.js';
import { storeContract, type StoreHarness } from './contract.js';

let database: TestDatabase;
let url = '';
beforeAll(async () => {
  database = await createDatabase('advisor_test');
  url = database.url;
});
afterAll(() => database.drop());

/** A fresh, empty store: the tables emptied (the schema stays), with a clock the test moves. */
function harness(): () => Promise<StoreHarness> {
  return async () => {
    let t = Date.parse('2030-01-01T00:00:00Z');
    const now = (): Date => new Date(t);
    let store = await PgStore.open(url, { clock: now });
    await store.pool.query('TRUNCATE records');
    return {
      store,
      now,
      advance: (ms) => void (t += ms),
      reopen: async () => {
        await store.close();
        return (store = await PgStore.open(url, { clock: now }));
      },
      dispose: () => store.close(),
    };
  };
}

storeContract('PgStore (PostgreSQL)', harness());

describe('PgStore: one record written by several instances at once', () => {
  it('loses no change when optimistic updates, locked updateManys and deletes of one record race across two pools', async () => {
    const [a, b] = await Promise.all([PgStore.open(url), PgStore.open(url)]);
    try {
      await a.pool.query('TRUNCATE records');
      const bump = (x: JsonValue | undefined) => (typeof x === 'number' ? x : 0) + 1;
      // 2 × 60 single-record updates (each tries one conditional statement first) and 2 × 20 two-record updateManys
      // (always under the lock) on the same counter, all at once.
      await Promise.all(
        [a, b].flatMap((s) => [
          ...Array.from({ length: 60 }, () => s.update('c', 'n', bump)),
          ...Array.from({ length: 20 }, (_, i) => s.updateMany([{ collection: 'c', key: 'n' }, { collection: 'c', key: `side${i % 3}` }], ([n, side]) => [bump(n), bump(side)])),
          ...Array.from({ length: 20 }, () => s.increment('c', 'm')),
        ]),
      );
      expect(await a.get('c', 'n')).toBe(160);
      expect(await b.get('c', 'm')).toBe(40);
      // Creating a missing record: each of the racing creators sees the record as the others left it.
      await Promise.all([a, b].flatMap((s) => Array.from({ length: 30 }, () => s.update('c', 'new', (x) => ({ count: ((x as { count?: number } | undefined)?.count ?? 0) + 1 })))));
      expect(await a.get('c', 'new')).toEqual({ count: 60 });
      // A delete racing with updates: the updates after it start again from nothing, none is applied twice.
      const results = await Promise.all([a.update('c', 'new', () => undefined), ...Array.from({ length: 10 }, () => b.update('c', 'new', (x) => ({ count: ((x as { count?: number } | undefined)?.count ?? 0) + 1 })))]);
      const counts = results.slice(1).map((r) => (r as { count: number }).count).sort((x, y) => x - y);
      const before = counts.filter((c) => c > 60).length;
      expect(counts).toEqual([...Array.from({ length: 10 - before }, (_, i) => i + 1), ...Array.from({ length: before }, (_, i) => 61 + i)]);
      expect(await a.get('c', 'new')).toEqual(before === 10 ? undefined : { count: 10 - before });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('an optimistic update never writes under a locked transaction of another instance: it waits and applies after', async () => {
    const store = await PgStore.open(url);
    const other = await store.pool.connect();
    try {
      await store.put('c', 'held', 1);
      // Another instance's locked transaction (as updateMany runs one): the record's advisory lock, then its read.
      await other.query('BEGIN');
      await other.query("SELECT pg_advisory_xact_lock(hashtextextended($1 || E'\\x1f' || encode($2::bytea, 'hex'), 0))", ['c', Buffer.from('held', 'utf16le').swap16()]);
      let settled = false;
      const update = store.update('c', 'held', (x) => (x as number) + 1).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      // The locked transaction writes what it computed from its read, and commits: the update then builds on it.
      await other.query("UPDATE records SET value = '10' WHERE collection = 'c' AND sort_key = $1", [Buffer.from('held', 'utf16le').swap16()]);
      await other.query('COMMIT');
      expect(await update).toBe(11);
      expect(await store.get('c', 'held')).toBe(11);
    } finally {
      other.release();
      await store.close();
    }
  });
});

/** A scheduler contract harness on a wiped database; `make` builds the scheduler on the (re)opened store. */
const schedulerHarness =
  (make: (store: PgStore, options: StoreSchedulerOptions) => StoreScheduler | PgScheduler) =>
  async (options: StoreSchedulerOptions) => {
    let store = await PgStore.open(url);
    await store.pool.query('TRUNCATE records, jobs, jobs_dead');
    const scheduler = () => make(store, options);
    return {
      scheduler: scheduler(),
      store,
      another: scheduler,
      reopen: async () => {
        await store.close();
        store = await PgStore.open(url);
        return scheduler();
      },
      dispose: () => store.close(),
    };
  };

schedulerContract('StoreScheduler on PgStore (PostgreSQL)', schedulerHarness((store, options) => new StoreScheduler(store, options)));
schedulerContract('PgScheduler (PostgreSQL jobs table)', schedulerHarness((store, options) => new PgScheduler(store.pool, options)));

describe('PostgreSQL migrations', () => {
  it('applies each migration once, also when several instances open an empty database together', async () => {
    const fresh = await createDatabase('advisor_mig');
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => PgStore.open(fresh.url)));
      const pool = openPool(fresh.url);
      const status = await migrationStatus(pool);
      expect(status.map((s) => s.id)).toEqual([1, 2, 3]);
      expect(status.every((s) => s.appliedAt instanceof Date)).toBe(true);
      expect((await pool.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n).toBe(3);
      await endPool(pool);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await fresh.drop();
    }
  });

  it('moves the jobs and the inbox of the records-based store into their tables', async () => {
    const fresh = await createDatabase('advisor_jobs');
    const pool = openPool(fresh.url);
    try {
      const all = loadMigrations();
      await migrate(pool, all.slice(0, 1));
      const job = { name: 'polls.close', key: 'polls.close:abcdef', runAt: 1_800_000_000_000, payload: { poll: 'abcdef' }, attempts: 1, scheduleId: 's1', lastError: 'boom' };
      await pool.query("INSERT INTO records (collection, sort_key, key, value) VALUES ('jobs', $1, $2, $3)", [Buffer.from(job.key, 'utf16le').swap16(), job.key, JSON.stringify(job)]);
      const item = { channel: 'slack', order: 'slack:T1:U1:D1:-', seq: 1, acceptedAt: '2026-12-01T09:00:00.000Z', event: { channel: 'slack', user: 'U1', conversation: 'D1', text: 'hi' }, target: { channel: 'D1' }, attempts: 1, delivered: {}, notices: [] };
      const put = (collection: string, key: string, value: unknown, expires: number | null) =>
        pool.query('INSERT INTO records (collection, sort_key, key, value, expires_at) VALUES ($1, $2, $3, $4, $5)', [collection, Buffer.from(key, 'utf16le').swap16(), key, JSON.stringify(value), expires]);
      await put('inbox', 'slack:Ev1', item, null);
      await put('inbox_done', 'slack:Ev0', { status: 'done', channel: 'slack', acceptedAt: item.acceptedAt, attempts: 1 }, 1_900_000_000_000);
      expect(await migrate(pool, all)).toEqual([2, 3]);
      // The records-based inbox moved too: the pending delivery and the remembered finished one.
      const inbox = new PgInbox(pool, { clock: () => new Date('2026-12-01T10:00:00Z') });
      expect(await inbox.pending('slack:Ev1')).toMatchObject({ order: item.order, event: item.event, attempts: 1 });
      expect(await inbox.finished('slack:Ev0')).toMatchObject({ status: 'done' });
      const s = new PgScheduler(pool);
      expect(await s.pending()).toEqual([{ name: 'polls.close', key: 'polls.close:abcdef', runAt: new Date(1_800_000_000_000), attempts: 1 }]);
      expect((await pool.query("SELECT count(*)::int AS n FROM records WHERE collection = 'jobs'")).rows[0].n).toBe(0);
    } finally {
      await endPool(pool);
      await fresh.drop();
    }
  });

  it('shows and applies them with advisor db status and db migrate', async () => {
    const fresh = await createDatabase('advisor_cli');
    const u = fresh.url;
    const cli = (...args: string[]) => promisify(execFile)(process.execPath, ['dist/cli.js', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: u, LOG_LEVEL: 'warn' } });
    try {
      expect((await cli('db', 'status')).stdout).toBe('001_records\tpending\n002_jobs\tpending\n003_inbox\tpending\n');
      expect((await cli('db', 'migrate')).stdout).toBe('applied: 001_records, 002_jobs, 003_inbox\n');
      expect((await cli('db', 'migrate')).stdout).toBe('the schema is up to date\n');
      expect((await cli('db', 'status')).stdout).toMatch(/^001_records\tapplied \d{4}-\d{2}-\d{2}T/);
      const bad = await promisify(execFile)(process.execPath, ['dist/cli.js', 'db', 'status'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' } }).catch((e: { code: number; stderr: string }) => e);
      expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/need DATABASE_URL/) });
    } finally {
      await fresh.drop();
    }
  });
});
