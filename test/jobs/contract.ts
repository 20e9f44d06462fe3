/**
 * The Scheduler contract: what every job backend must do (the Store-based scheduler on any Store, and later a
 * PostgreSQL jobs table). Times are explicit: runDue(now) is given the time, so nothing here sleeps.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Scheduler } from '../../src/core/ports.js';
import type { DeadJob, DueJob, PendingJob, RunJob, StoreSchedulerOptions } from '../../src/jobs/store-scheduler.js';
import type { Store } from '../../src/store/store.js';

export interface RunnableScheduler extends Scheduler {
  runDue(now: Date, run: RunJob, options?: { limit?: number }): Promise<number>;
  pending(): Promise<PendingJob[]>;
  dead(): Promise<DeadJob[]>;
}

export interface SchedulerHarness {
  scheduler: RunnableScheduler;
  store: Store;
  /** Another runner on the same data, as a second process would have. */
  another: () => RunnableScheduler;
  /** Closes the data and opens it again; returns a scheduler on the reopened data. */
  reopen: () => Promise<RunnableScheduler>;
  dispose: () => Promise<void>;
}

const T0 = Date.parse('2030-01-01T09:00:00Z');
const at = (ms: number): Date => new Date(T0 + ms);

/** A run function that records what it ran, and fails for the keys in `failing`. */
function recorder(failing: ReadonlySet<string> = new Set()): { run: RunJob; ran: DueJob[] } {
  const ran: DueJob[] = [];
  return {
    ran,
    run: async (job) => {
      ran.push(job);
      if (failing.has(job.key)) throw new Error(`boom ${job.attempt}`);
    },
  };
}

/** Registers the contract's tests for one scheduler backend; `open` gets the options to build it with. */
export function schedulerContract(name: string, open: (options: StoreSchedulerOptions) => Promise<SchedulerHarness>): void {
  describe(`Scheduler contract: ${name}`, () => {
    let h: SchedulerHarness;
    let s: RunnableScheduler;
    beforeEach(async () => {
      h = await open({ leaseMs: 60_000, maxAttempts: 3, backoffMs: (attempt) => attempt * 1000, clock: () => at(0) });
      s = h.scheduler;
    });
    afterEach(async () => h.dispose());

    it('runs due jobs in runAt order, and none early', async () => {
      await s.schedule({ name: 'demo.c', key: 'c', runAt: at(3000), payload: { n: 3 } });
      await s.schedule({ name: 'demo.a', key: 'a', runAt: at(1000), payload: { n: 1 } });
      await s.schedule({ name: 'demo.b', key: 'b', runAt: at(2000), payload: { n: 2 } });
      const { run, ran } = recorder();
      expect(await s.runDue(at(999), run)).toBe(0);
      expect(await s.runDue(at(2500), run)).toBe(2);
      expect(ran).toEqual([
        { name: 'demo.a', key: 'a', payload: { n: 1 }, attempt: 1 },
        { name: 'demo.b', key: 'b', payload: { n: 2 }, attempt: 1 },
      ]);
      expect(await s.pending()).toEqual([{ name: 'demo.c', key: 'c', runAt: at(3000), attempts: 0 }]);
      expect(await s.runDue(at(3000), run)).toBe(1);
      expect(await s.pending()).toEqual([]);
      expect(await s.runDue(at(10_000), run)).toBe(0);
    });

    it('runs at most `limit` jobs per call', async () => {
      for (let i = 0; i < 5; i++) await s.schedule({ name: 'demo', key: `k${i}`, runAt: at(i), payload: i });
      const { run, ran } = recorder();
      expect(await s.runDue(at(100), run, { limit: 2 })).toBe(2);
      expect(ran.map((j) => j.key)).toEqual(['k0', 'k1']);
    });

    it('replaces a pending job with the same key by default, and keeps it with ifPending "keep"', async () => {
      await s.schedule({ name: 'demo', key: 'k', runAt: at(1000), payload: 1 });
      await s.schedule({ name: 'demo', key: 'k', runAt: at(5000), payload: 2 });
      await s.schedule({ name: 'demo', key: 'k', runAt: at(100), payload: 3, ifPending: 'keep' });
      expect(await s.pending()).toEqual([{ name: 'demo', key: 'k', runAt: at(5000), attempts: 0 }]);
      const { run, ran } = recorder();
      expect(await s.runDue(at(4999), run)).toBe(0);
      await s.runDue(at(5000), run);
      expect(ran.map((j) => j.payload)).toEqual([2]);
      await s.schedule({ name: 'demo', key: 'fresh', runAt: at(10), payload: 'kept', ifPending: 'keep' });
      expect((await s.pending()).map((j) => j.key)).toEqual(['fresh']);
    });

    it('a replaced job starts its attempts again', async () => {
      await s.schedule({ name: 'demo', key: 'k', runAt: at(0), payload: 1 });
      await s.runDue(at(0), recorder(new Set(['k'])).run);
      expect((await s.pending())[0]!.attempts).toBe(1);
      await s.schedule({ name: 'demo', key: 'k', runAt: at(10), payload: 2 });
      expect(await s.pending()).toEqual([{ name: 'demo', key: 'k', runAt: at(10), attempts: 0 }]);
    });

    it('cancels a pending job', async () => {
      await s.schedule({ name: 'demo', key: 'k', runAt: at(1000), payload: null });
      expect(await s.cancel('k')).toBe(true);
      expect(await s.cancel('k')).toBe(false);
      expect(await s.runDue(at(2000), recorder().run)).toBe(0);
    });

    it('retries a failing job with backoff, then moves it to the dead letters after maxAttempts', async () => {
      await s.schedule({ name: 'demo', key: 'k', runAt: at(0), payload: 'p' });
      const { run, ran } = recorder(new Set(['k']));
      expect(await s.runDue(at(0), run)).toBe(1);
      expect(await s.pending()).toEqual([{ name: 'demo', key: 'k', runAt: at(1000), attempts: 1 }]);
      expect(await s.runDue(at(999), run)).toBe(0);
      expect(await s.runDue(at(1000), run)).toBe(1);
      expect(await s.pending()).toEqual([{ name: 'demo', key: 'k', runAt: at(3000), attempts: 2 }]);
      expect(await s.runDue(at(3000), run)).toBe(1);
      expect(ran.map((j) => j.attempt)).toEqual([1, 2, 3]);
      expect(await s.pending()).toEqual([]);
      expect(await s.dead()).toEqual([{ name: 'demo', key: 'k', payload: 'p', attempts: 3, lastError: 'boom 3' }]);
      expect(await s.runDue(at(100_000), run)).toBe(0);
    });

    it('a job rescheduled while it runs runs again with the new spec, also when the old run fails or was "kept"', async () => {
      for (const [key, fails, mode] of [['ok', false, 'replace'], ['fails', true, 'replace'], ['kept', false, 'keep']] as const) {
        const ran: DueJob[] = [];
        await s.schedule({ name: 'demo', key, runAt: at(0), payload: 'v1' });
        const run: RunJob = async (job) => {
          ran.push(job);
          if (job.payload === 'v1') {
            await s.schedule({ name: 'demo', key, runAt: at(50), payload: 'v2', ifPending: mode });
            if (fails) throw new Error('old run failed');
          }
        };
        await s.runDue(at(0), run);
        expect(await s.pending()).toEqual([{ name: 'demo', key, runAt: at(50), attempts: 0 }]);
        expect(await s.runDue(at(49), run)).toBe(0);
        expect(await s.runDue(at(50), run)).toBe(1);
        expect(ran.map((j) => [j.payload, j.attempt])).toEqual([['v1', 1], ['v2', 1]]);
        expect(await s.pending()).toEqual([]);
      }
    });

    it('keeps jobs across a reopen of the store', async () => {
      await s.schedule({ name: 'demo', key: 'k', runAt: at(1000), payload: { deep: [1, 'x'] } });
      const again = await h.reopen();
      expect(await again.pending()).toEqual([{ name: 'demo', key: 'k', runAt: at(1000), attempts: 0 }]);
      const { run, ran } = recorder();
      expect(await again.runDue(at(1000), run)).toBe(1);
      expect(ran[0]!.payload).toEqual({ deep: [1, 'x'] });
    });

    it('claims a job again once the lease of a runner that stopped answering has ended', async () => {
      await s.schedule({ name: 'demo', key: 'k', runAt: at(0), payload: null });
      let release = (): void => undefined;
      let started = (): void => undefined;
      const begun = new Promise<void>((resolve) => (started = resolve));
      const stuck = s.runDue(at(0), () => {
        started();
        return new Promise<void>((resolve) => (release = resolve));
      });
      await begun;
      const other = h.another();
      // The second runner's attempt fails, so the job waits for its retry.
      const { run, ran } = recorder(new Set(['k']));
      expect(await other.runDue(at(59_999), run)).toBe(0);
      expect(await other.runDue(at(60_001), run)).toBe(1);
      expect(ran.map((j) => j.attempt)).toEqual([2]);
      // The first runner wakes up after all and succeeds: the job is no longer its own to delete.
      release();
      expect(await stuck).toBe(1);
      expect(await s.pending()).toEqual([{ name: 'demo', key: 'k', runAt: at(62_001), attempts: 2 }]);
    });

    it('two runners at once run each due job once', async () => {
      for (let i = 0; i < 20; i++) await s.schedule({ name: 'demo', key: `k${i}`, runAt: at(i), payload: i });
      const a = recorder();
      const b = recorder();
      const counts = await Promise.all([s.runDue(at(1000), a.run), h.another().runDue(at(1000), b.run)]);
      expect(counts[0] + counts[1]).toBe(20);
      expect([...a.ran, ...b.ran].map((j) => j.key).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`).sort());
      expect(await s.pending()).toEqual([]);
    });
  });
}
