/**
 * A Scheduler on the Store port: durable, keyed, at-least-once jobs for any backend. One record per job key in
 * `jobs`; jobs that failed `maxAttempts` times move to `jobs_dead` with their last error.
 *
 * The store, not a Node timer, is the record of what is due: timers vanish on restart and cannot be trusted for far
 * future times, so the server polls runDue() (start/stop). Claiming is graphile-worker's pattern on records: a due,
 * unleased job gets a lease (a claim id and an end time) in one atomic update, so two runners never both claim it;
 * a runner that died leaves a lease that ends, after which the job is claimed again. Every schedule gets its own
 * id, so a job replaced while it runs is not deleted by the end of the old run and runs again with its new spec.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { JobSpec, Scheduler } from '../core/ports.js';
import { PollLoop } from './poll-loop.js';
import type { CollectionSpec } from '../store/collections.js';
import { listAll, recordKey, type JsonValue, type Store } from '../store/store.js';

/** The collections this scheduler uses (both one file in the embedded store: few records, read whole by runDue). */
export const JOB_COLLECTIONS: readonly CollectionSpec[] = [
  { name: 'jobs', layout: { split: 'single' } },
  { name: 'jobs_dead', layout: { split: 'single' } },
];

const JobRecord = z.strictObject({
  name: z.string().min(1),
  key: z.string().min(1),
  /** ms since the epoch, so that due jobs compare as numbers. */
  runAt: z.number(),
  payload: z.json(),
  /** Runs started so far for this schedule. */
  attempts: z.number().int().min(0),
  /** Changes with every schedule(): tells a finishing run whether its job was replaced meanwhile. */
  scheduleId: z.string(),
  lease: z.strictObject({ id: z.string(), until: z.number() }).optional(),
  lastError: z.string().optional(),
});
type JobRecord = z.infer<typeof JobRecord>;
/** A dead letter: the job as it last ran, and when it failed for good. */
const DeadRecord = JobRecord.extend({ failedAt: z.string() });

/** What a job handler gets. */
export interface DueJob {
  name: string;
  key: string;
  payload: JsonValue;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
}

export type RunJob = (job: DueJob) => Promise<void>;

export interface DeadJob {
  name: string;
  key: string;
  payload: JsonValue;
  attempts: number;
  lastError: string;
}

export interface PendingJob {
  name: string;
  key: string;
  runAt: Date;
  attempts: number;
}

/** A Scheduler that the server runs: StoreScheduler (any Store) and PgScheduler (PostgreSQL's jobs table). */
export interface JobScheduler extends Scheduler {
  /** Every job, soonest first, for inspection. */
  pending(): Promise<PendingJob[]>;
  /** Claims and runs the jobs due at `now`, one after another; resolves with how many it ran. */
  runDue(now: Date, run: RunJob, options?: { limit?: number }): Promise<number>;
  /** Clears every lease (only when no other process can hold one). */
  recoverLeases(): Promise<void>;
  /** The jobs that failed maxAttempts times, with their last error. */
  dead(): Promise<DeadJob[]>;
  /** Every pending job as the spec that would schedule it again (for export), soonest first. */
  specs(): Promise<JobSpec[]>;
  /** Polls for due jobs until stop(). */
  start(run: RunJob, options?: { intervalMs?: number; onError?: (error: unknown) => void }): void;
  stop(): Promise<void>;
}

export interface StoreSchedulerOptions {
  clock?: () => Date;
  /** How long a claim lasts; a job claimed by a process that died runs again after it (default 60 s). */
  leaseMs?: number;
  /** Runs before a job goes to jobs_dead (default 5). */
  maxAttempts?: number;
  /** Delay before retry number `attempt` (default 1 s, doubling, at most 1 h). */
  backoffMs?: (attempt: number) => number;
}

/** The options with their defaults, for both schedulers. */
export function schedulerSettings(options: StoreSchedulerOptions): Required<StoreSchedulerOptions> {
  return { clock: options.clock ?? (() => new Date()), leaseMs: options.leaseMs ?? 60_000, maxAttempts: options.maxAttempts ?? 5, backoffMs: options.backoffMs ?? defaultBackoffMs };
}

/** Exponential backoff from 1 s, capped at 1 h. */
export function defaultBackoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

const parse = (raw: JsonValue | undefined): JobRecord | undefined => {
  const parsed = JobRecord.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
};
/** The stored form of a job: JSON has no undefined, so absent optional fields are left out. */
function toJson(job: JobRecord): { [key: string]: JsonValue } {
  const { lease, lastError, ...rest } = job;
  return { ...rest, ...(lease ? { lease } : {}), ...(lastError !== undefined ? { lastError } : {}) };
}
const leased = (job: JobRecord, now: number): boolean => job.lease !== undefined && job.lease.until > now;

export class StoreScheduler implements JobScheduler {
  /** Clock, lease, attempts and backoff, with their defaults. */
  private readonly settings: Required<StoreSchedulerOptions>;
  private readonly loop = new PollLoop();
  /** The earliest time (ms) at which a job may be due, as far as this instance knows; 0: unknown, look. */
  private nextDue = 0;
  /** When the last runDue scanned the jobs (ms, by the time it was given). */
  private lastScan = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    options: StoreSchedulerOptions = {},
  ) {
    this.settings = schedulerSettings(options);
  }

  /**
   * Adds a job; a pending job with the same key is replaced (default, attempts start again) or kept. A running job
   * is not pending: the new spec is stored and runs after the running one ends, whatever `ifPending` says.
   */
  async schedule(spec: JobSpec): Promise<void> {
    const runAt = spec.runAt.getTime();
    if (!Number.isFinite(runAt)) throw new Error(`schedule ${spec.key}: runAt is not a valid date`);
    const now = this.settings.clock().getTime();
    await this.store.update('jobs', spec.key, (raw) => {
      const old = parse(raw);
      // 'keep' keeps a pending job; a running one is not pending, so the new spec is queued behind it.
      if (old && spec.ifPending === 'keep' && !leased(old, now)) return raw;
      // A running job keeps its lease, so that the new spec waits for the running one to end.
      const lease = old && leased(old, now) ? old.lease : undefined;
      return toJson({ name: spec.name, key: spec.key, runAt, payload: spec.payload, attempts: 0, scheduleId: randomUUID(), lease });
    });
    this.nextDue = Math.min(this.nextDue, runAt);
  }

  /** Removes a job (a run in progress finishes, but is not retried); true when there was one. */
  async cancel(key: string): Promise<boolean> {
    return this.store.delete('jobs', key);
  }

  /** Every job, soonest first, for inspection. */
  async pending(): Promise<PendingJob[]> {
    const jobs = await this.all();
    return jobs.map((j) => ({ name: j.name, key: j.key, runAt: new Date(j.runAt), attempts: j.attempts }));
  }

  /** Claims and runs every due job, soonest first, one after another; resolves with how many it ran. */
  async runDue(now: Date, run: RunJob, options: { limit?: number } = {}): Promise<number> {
    const at = now.getTime();
    // schedule() calls from here on lower it again; what this scan sees is added below.
    this.nextDue = Number.POSITIVE_INFINITY;
    this.lastScan = at;
    const jobs = await this.all();
    const isDue = (j: JobRecord): boolean => j.runAt <= at && !leased(j, at);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const due = jobs.filter(isDue).slice(0, limit);
    let next = jobs.filter(isDue).length > limit ? at : Number.POSITIVE_INFINITY;
    for (const j of jobs) if (!isDue(j)) next = Math.min(next, j.lease && leased(j, at) ? j.lease.until : j.runAt);
    let ran = 0;
    for (const candidate of due) {
      const claim = await this.claim(candidate, at);
      // Claimed by another runner meanwhile: free again at the latest when that lease ends.
      if (!claim) {
        next = Math.min(next, at + this.settings.leaseMs);
        continue;
      }
      ran++;
      let error: string | undefined;
      try {
        await run({ name: claim.name, key: claim.key, payload: claim.payload, attempt: claim.attempts });
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
      next = Math.min(next, (await this.finish(claim, at, error)) ?? Number.POSITIVE_INFINITY);
    }
    this.nextDue = Math.min(this.nextDue, next);
    return ran;
  }

  async specs(): Promise<JobSpec[]> {
    return (await this.all()).map((j) => ({ name: j.name, key: j.key, runAt: new Date(j.runAt), payload: j.payload }));
  }

  async dead(): Promise<DeadJob[]> {
    const out: DeadJob[] = [];
    for await (const { value } of listAll(this.store, 'jobs_dead', '')) {
      const parsed = DeadRecord.safeParse(value);
      // A record buried because it was no job at all has nothing to show but itself.
      if (parsed.success) out.push({ name: parsed.data.name, key: parsed.data.key, payload: parsed.data.payload, attempts: parsed.data.attempts, lastError: parsed.data.lastError ?? '' });
    }
    return out;
  }

  /** Clears every lease: for the embedded store, whose DATA_DIR lock proves that no other process runs jobs. */
  async recoverLeases(): Promise<void> {
    for (const job of await this.all()) {
      if (!job.lease) continue;
      await this.store.update('jobs', job.key, (raw) => {
        const cur = parse(raw);
        if (!cur?.lease) return raw;
        return toJson({ ...cur, lease: undefined });
      });
    }
    this.nextDue = 0;
  }

  /**
   * Polls for due jobs every `intervalMs` until stop(); errors of the store go to `onError`, the loop goes on. A
   * poll reads every job, so the loop skips polls while nothing can be due by what this scheduler knows (its last
   * scan, its own schedule() calls and retries), and rescans at least every `rescanMs` for jobs others added.
   */
  start(run: RunJob, options: { intervalMs?: number; rescanMs?: number; onError?: (error: unknown) => void } = {}): void {
    const rescanMs = options.rescanMs ?? 60_000;
    this.loop.start(
      () => {
        const now = this.settings.clock();
        const idle = now.getTime() < this.nextDue && now.getTime() - this.lastScan < rescanMs;
        return idle ? Promise.resolve(0) : this.runDue(now, run);
      },
      options.intervalMs ?? 1000,
      options.onError,
    );
  }

  /** Stops polling; resolves once the batch in progress has finished. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Valid job records, soonest first; a record that is not a job is moved to jobs_dead so it cannot block. */
  private async all(): Promise<JobRecord[]> {
    const jobs: JobRecord[] = [];
    for await (const { key, value } of listAll(this.store, 'jobs', '')) {
      const job = parse(value);
      if (job) jobs.push(job);
      else await this.bury(key, value, 'not a valid job record');
    }
    return jobs.sort((a, b) => a.runAt - b.runAt || (a.key < b.key ? -1 : 1));
  }

  /** Leases a job if it is still the same schedule, still due and still free; the claimed record, or undefined. */
  private async claim(job: JobRecord, now: number): Promise<JobRecord | undefined> {
    const id = randomUUID();
    const stored = parse(
      await this.store.update('jobs', job.key, (raw) => {
        const cur = parse(raw);
        if (!cur || cur.scheduleId !== job.scheduleId || cur.runAt > now || leased(cur, now)) return raw;
        return toJson({ ...cur, attempts: cur.attempts + 1, lease: { id, until: now + this.settings.leaseMs } });
      }),
    );
    return stored?.lease?.id === id ? stored : undefined;
  }

  /**
   * Ends a claimed run: done (delete), retry later, or dead letter; a replaced job only loses the lease. Resolves
   * with when the job is due next, if it stays.
   */
  private async finish(claim: JobRecord, now: number, error: string | undefined): Promise<number | undefined> {
    const mine = (cur: JobRecord | undefined): cur is JobRecord => cur?.lease?.id === claim.lease?.id;
    if (error !== undefined && claim.attempts >= this.settings.maxAttempts) {
      const dead = { ...toJson({ ...claim, lease: undefined, lastError: error }), failedAt: new Date(now).toISOString() };
      const [stays] = await this.store.updateMany(
        [{ collection: 'jobs', key: claim.key }, { collection: 'jobs_dead', key: recordKey(claim.key, claim.scheduleId) }],
        ([raw, buried]) => {
          const cur = parse(raw);
          if (!mine(cur)) return [raw, buried];
          // Replaced while it ran: the new spec lives on, with its own attempts.
          if (cur.scheduleId !== claim.scheduleId) return [toJson({ ...cur, lease: undefined }), buried];
          return [undefined, dead];
        },
      );
      return parse(stays)?.runAt;
    }
    const stays = await this.store.update('jobs', claim.key, (raw) => {
      const cur = parse(raw);
      // Someone else holds it now (our lease ran out), or it was cancelled: not ours to change.
      if (!mine(cur)) return raw;
      const free: JobRecord = { ...cur, lease: undefined };
      if (cur.scheduleId !== claim.scheduleId) return toJson(free);
      if (error === undefined) return undefined;
      return toJson({ ...free, runAt: now + this.settings.backoffMs(cur.attempts), lastError: error });
    });
    return parse(stays)?.runAt;
  }

  private async bury(key: string, value: JsonValue, error: string): Promise<void> {
    await this.store.updateMany([{ collection: 'jobs', key }, { collection: 'jobs_dead', key: recordKey(key, randomUUID()) }], () => [undefined, { key, value, lastError: error }]);
  }
}
