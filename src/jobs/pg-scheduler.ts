/**
 * The Scheduler on PostgreSQL's own `jobs` table (migration 002), for several instances on one database: keyed
 * upserts, and claims by `FOR UPDATE SKIP LOCKED` with a lease, so that a due job (a poll's closing, a survey's
 * reminder) runs on exactly one instance, instances never wait for each other's claims, and a job whose instance died
 * is claimed again once its lease has ended. At-least-once: handlers are idempotent (closing a closed poll does
 * nothing) and record what they sent before sending (a survey reminder is claimed in its participant's entry).
 *
 * The same behaviour as StoreScheduler, checked by the same contract suite (test/jobs/contract.ts): a replaced job
 * is not deleted by the end of its old run and runs again with its new spec; failures back off and, after
 * maxAttempts, move to jobs_dead.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { JobSpec } from '../core/ports.js';
import type { JsonValue } from '../store/store.js';
import { inTransaction } from '../store/pg-transaction.js';
import { PollLoop } from './poll-loop.js';
import { schedulerSettings, type DeadJob, type JobScheduler, type PendingJob, type RunJob, type StoreSchedulerOptions } from './store-scheduler.js';

type JobRow = { key: string; name: string; run_at: string; payload: JsonValue; attempts: number; schedule_id: string; lease_id: string | null; lease_until: string | null };

const UPSERT = `INSERT INTO jobs (key, name, run_at, payload, attempts, schedule_id) VALUES ($1, $2, $3, $4, 0, $5)
ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, run_at = EXCLUDED.run_at, payload = EXCLUDED.payload, attempts = 0,
  schedule_id = EXCLUDED.schedule_id, last_error = NULL,
  lease_id = CASE WHEN jobs.lease_until > $6 THEN jobs.lease_id END,
  lease_until = CASE WHEN jobs.lease_until > $6 THEN jobs.lease_until END
WHERE $7 OR jobs.lease_until > $6`;

/** The due, free jobs, soonest first (the index jobs_due serves it). */
const DUE = 'SELECT key FROM jobs WHERE run_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) ORDER BY run_at, key LIMIT $2';
/** Claims one job if it is still due and free, skipping it when another instance holds its row right now. */
const CLAIM = `UPDATE jobs SET attempts = attempts + 1, lease_id = $2, lease_until = $3
WHERE key = (SELECT key FROM jobs WHERE key = $1 AND run_at <= $4 AND (lease_until IS NULL OR lease_until <= $4) FOR UPDATE SKIP LOCKED)
RETURNING key, name, run_at, payload, attempts, schedule_id, lease_id, lease_until`;

export class PgScheduler implements JobScheduler {
  /** Clock, lease, attempts and backoff, with their defaults. */
  private readonly settings: Required<StoreSchedulerOptions>;
  private readonly loop = new PollLoop();

  constructor(
    private readonly pool: pg.Pool,
    options: StoreSchedulerOptions = {},
  ) {
    this.settings = schedulerSettings(options);
  }

  async schedule(spec: JobSpec): Promise<void> {
    const runAt = spec.runAt.getTime();
    if (!Number.isFinite(runAt)) throw new Error(`schedule ${spec.key}: runAt is not a valid date`);
    // 'keep' keeps a pending job; a running one is not pending, so the new spec is stored behind its lease.
    await this.pool.query(UPSERT, [spec.key, spec.name, runAt, JSON.stringify(spec.payload), randomUUID(), this.settings.clock().getTime(), spec.ifPending !== 'keep']);
  }

  async cancel(key: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM jobs WHERE key = $1', [key])).rowCount ?? 0) > 0;
  }

  async pending(): Promise<PendingJob[]> {
    const rows = (await this.pool.query<JobRow>('SELECT key, name, run_at, attempts FROM jobs ORDER BY run_at, key')).rows;
    return rows.map((r) => ({ name: r.name, key: r.key, runAt: new Date(Number(r.run_at)), attempts: r.attempts }));
  }

  /** Claims and runs the jobs due at `now` (as they were when it looked), soonest first; resolves with how many ran. */
  async runDue(now: Date, run: RunJob, options: { limit?: number } = {}): Promise<number> {
    const at = now.getTime();
    const limit = options.limit ?? 1000;
    const due = (await this.pool.query<{ key: string }>(DUE, [at, limit])).rows.map((r) => r.key);
    let ran = 0;
    for (const key of due) {
      const lease = randomUUID();
      const claim = (await this.pool.query<JobRow>(CLAIM, [key, lease, at + this.settings.leaseMs, at])).rows[0];
      if (!claim) continue;
      ran++;
      let error: string | undefined;
      try {
        await run({ name: claim.name, key: claim.key, payload: claim.payload, attempt: claim.attempts });
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
      await this.finish(claim, at, error);
    }
    return ran;
  }

  /**
   * Ends a claimed run: done (the row goes), a retry later, or the dead letters; a job replaced while it ran only
   * loses the lease, and one whose lease passed to another instance is left alone.
   */
  private async finish(claim: JobRow, now: number, error: string | undefined): Promise<void> {
    const mine = [claim.key, claim.lease_id];
    // Replaced meanwhile (a new schedule id under the same lease): the new spec lives on, with its own attempts.
    const released = await this.pool.query('UPDATE jobs SET lease_id = NULL, lease_until = NULL WHERE key = $1 AND lease_id = $2 AND schedule_id <> $3', [...mine, claim.schedule_id]);
    if ((released.rowCount ?? 0) > 0) return;
    if (error === undefined) return void (await this.pool.query('DELETE FROM jobs WHERE key = $1 AND lease_id = $2', mine));
    if (claim.attempts < this.settings.maxAttempts) {
      await this.pool.query('UPDATE jobs SET lease_id = NULL, lease_until = NULL, run_at = $3, last_error = $4 WHERE key = $1 AND lease_id = $2', [...mine, now + this.settings.backoffMs(claim.attempts), error]);
      return;
    }
    await inTransaction(this.pool, async (client) => {
      const gone = await client.query<JobRow>('DELETE FROM jobs WHERE key = $1 AND lease_id = $2 RETURNING key, name, payload, attempts', mine);
      const row = gone.rows[0];
      if (row) await client.query('INSERT INTO jobs_dead (key, name, payload, attempts, last_error) VALUES ($1, $2, $3, $4, $5)', [row.key, row.name, JSON.stringify(row.payload), row.attempts, error]);
    });
  }

  async specs(): Promise<JobSpec[]> {
    const rows = (await this.pool.query<JobRow>('SELECT key, name, run_at, payload FROM jobs ORDER BY run_at, key')).rows;
    return rows.map((r) => ({ name: r.name, key: r.key, runAt: new Date(Number(r.run_at)), payload: r.payload }));
  }

  async dead(): Promise<DeadJob[]> {
    const rows = (await this.pool.query<{ key: string; name: string; payload: JsonValue; attempts: number; last_error: string }>('SELECT key, name, payload, attempts, last_error FROM jobs_dead ORDER BY id')).rows;
    return rows.map((r) => ({ name: r.name, key: r.key, payload: r.payload, attempts: r.attempts, lastError: r.last_error }));
  }

  /** Clears every lease. Never called with several instances (their leases are alive); for tools and tests. */
  async recoverLeases(): Promise<void> {
    await this.pool.query('UPDATE jobs SET lease_id = NULL, lease_until = NULL WHERE lease_id IS NOT NULL');
  }

  /** Polls every `intervalMs` (one indexed query) until stop(); store errors go to `onError`, the loop goes on. */
  start(run: RunJob, options: { intervalMs?: number; onError?: (error: unknown) => void } = {}): void {
    this.loop.start(() => this.runDue(this.settings.clock(), run), options.intervalMs ?? 1000, options.onError);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
