import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JOB_COLLECTIONS, StoreScheduler, defaultBackoffMs, type DueJob, type StoreSchedulerOptions } from '../../src/jobs/store-scheduler.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/tmp.js';
import { schedulerContract, type SchedulerHarness } from './contract.js';

/** The store, counting how often jobs are listed (one list per poll that reads the jobs). */
function countingLists(store: Store): { store: Store; lists: () => number } {
  let n = 0;
  const wrapped: Store = {
    get: (c, k) => store.get(c, k),
    put: (c, k, v, o) => store.put(c, k, v, o),
    putIfAbsent: (c, k, v, o) => store.putIfAbsent(c, k, v, o),
    update: (c, k, f, o) => store.update(c, k, f, o),
    updateMany: (refs, f) => store.updateMany(refs, f),
    delete: (c, k) => store.delete(c, k),
    list: (c, p, o) => (n++, store.list(c, p, o)),
    deleteByPrefix: (c, p) => store.deleteByPrefix(c, p),
    increment: (c, k, by) => store.increment(c, k, by),
    ping: () => store.ping(),
    close: () => store.close(),
  };
  return { store: wrapped, lists: () => n };
}

async function harness(options: StoreSchedulerOptions): Promise<SchedulerHarness> {
  const { dir, cleanup } = tempDir();
  let store = await LowdbStore.open(dir, { collections: JOB_COLLECTIONS });
  const h: SchedulerHarness = {
    scheduler: new StoreScheduler(store, options),
    store,
    another: () => new StoreScheduler(store, options),
    reopen: async () => {
      await store.close();
      store = await LowdbStore.open(dir, { collections: JOB_COLLECTIONS });
      h.store = store;
      return new StoreScheduler(store, options);
    },
    dispose: async () => {
      await store.close();
      cleanup();
    },
  };
  return h;
}

schedulerContract('StoreScheduler on LowdbStore', harness);
schedulerContract('StoreScheduler on LowdbStore.memory', async (options) => {
  const store = LowdbStore.memory({ collections: JOB_COLLECTIONS });
  return {
    scheduler: new StoreScheduler(store, options),
    store,
    another: () => new StoreScheduler(store, options),
    // Memory holds nothing across a restart; the same store stands in for a reopened one.
    reopen: async () => new StoreScheduler(store, options),
    dispose: () => store.close(),
  };
});

describe('StoreScheduler', () => {
  let h: SchedulerHarness;
  let now = new Date('2030-01-01T09:00:00Z');
  beforeEach(async () => {
    now = new Date('2030-01-01T09:00:00Z');
    h = await harness({ clock: () => now });
  });
  afterEach(async () => h.dispose());

  it('backs off exponentially from 1 s up to 1 h', () => {
    expect([1, 2, 3, 4].map(defaultBackoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(defaultBackoffMs(30)).toBe(3_600_000);
  });

  it('recoverLeases frees the jobs a crashed process had claimed, so they run at once', async () => {
    const s = h.scheduler as StoreScheduler;
    await s.schedule({ name: 'demo', key: 'k', runAt: now, payload: null });
    let started = (): void => undefined;
    const begun = new Promise<void>((resolve) => (started = resolve));
    // A run that never ends stands for the process that died holding the lease.
    void s.runDue(now, () => (started(), new Promise<void>(() => undefined)));
    await begun;
    const fresh = new StoreScheduler(h.store);
    const ran: DueJob[] = [];
    expect(await fresh.runDue(now, async (job) => void ran.push(job))).toBe(0);
    await fresh.recoverLeases();
    expect(await fresh.runDue(now, async (job) => void ran.push(job))).toBe(1);
    expect(ran.map((j) => j.attempt)).toEqual([2]);
  });

  it('start polls for due jobs as the clock moves, and stop waits for the batch in progress', async () => {
    const s = h.scheduler as StoreScheduler;
    const ran: string[] = [];
    let finish = (): void => undefined;
    await s.schedule({ name: 'demo', key: 'later', runAt: new Date(now.getTime() + 60_000), payload: null });
    await s.schedule({ name: 'demo', key: 'slow', runAt: now, payload: null });
    s.start(
      async (job) => {
        ran.push(job.key);
        if (job.key === 'slow') await new Promise<void>((resolve) => (finish = resolve));
      },
      { intervalMs: 10 },
    );
    await vi.waitFor(() => expect(ran).toEqual(['slow']), { timeout: 2000, interval: 5 });
    now = new Date(now.getTime() + 60_000);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(await s.pending()).toEqual([expect.objectContaining({ key: 'later' })]);
    s.start(async (job) => void ran.push(job.key), { intervalMs: 10 });
    await vi.waitFor(() => expect(ran).toEqual(['slow', 'later']), { timeout: 2000, interval: 5 });
    await s.stop();
  });

  it('the polling loop reads the jobs only when one may be due, and at least every rescanMs', async () => {
    const { store, lists } = countingLists(h.store);
    const s = new StoreScheduler(store, { clock: () => now });
    await s.schedule({ name: 'demo', key: 'in-an-hour', runAt: new Date(now.getTime() + 3_600_000), payload: null });
    const ran: string[] = [];
    s.start(async (job) => void ran.push(job.key), { intervalMs: 2, rescanMs: 60_000 });
    await new Promise((r) => setTimeout(r, 60));
    expect(lists()).toBe(1);
    // Another process's job is found by the next rescan; this scheduler's own is known at once.
    await new StoreScheduler(h.store).schedule({ name: 'demo', key: 'other', runAt: now, payload: null });
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual([]);
    now = new Date(now.getTime() + 60_000);
    await vi.waitFor(() => expect(ran).toEqual(['other']), { timeout: 2000, interval: 5 });
    await s.schedule({ name: 'demo', key: 'mine', runAt: now, payload: null });
    await vi.waitFor(() => expect(ran).toEqual(['other', 'mine']), { timeout: 2000, interval: 5 });
    now = new Date(now.getTime() + 3_600_000);
    await vi.waitFor(() => expect(ran).toEqual(['other', 'mine', 'in-an-hour']), { timeout: 2000, interval: 5 });
    await s.stop();
  });

  it('moves a record that is not a valid job to the dead letters instead of failing every poll', async () => {
    await h.store.put('jobs', 'broken', { name: 'demo' });
    expect(await h.scheduler.runDue(now, async () => undefined)).toBe(0);
    expect(await h.store.get('jobs', 'broken')).toBeUndefined();
    expect((await h.store.list('jobs_dead', '')).records[0]!.value).toMatchObject({ key: 'broken', lastError: 'not a valid job record' });
  });
});
