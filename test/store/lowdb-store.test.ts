import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowdbStore, STORE_FILE_NAME } from '../../src/store/lowdb-store.js';
import { StoreError, recordKey } from '../../src/store/store.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

describe('LowdbStore', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('keeps records across a restart', async () => {
    const a = await LowdbStore.open(dir);
    await a.put('profiles', 'u1', { country: 'SE' });
    await a.close();
    const b = await LowdbStore.open(dir);
    expect(await b.get('profiles', 'u1')).toEqual({ country: 'SE' });
    await b.close();
  });

  it('supports per-record operations: putIfAbsent, update, delete, list and deleteByPrefix', async () => {
    const s = await LowdbStore.open(dir);
    expect(await s.putIfAbsent('processed_events', 'e1', true)).toBe(true);
    expect(await s.putIfAbsent('processed_events', 'e1', true)).toBe(false);
    await s.update<number>('counters', 'x', (n) => (n ?? 0) + 5);
    expect(await s.get('counters', 'x')).toBe(5);
    await s.update('counters', 'x', () => undefined);
    expect(await s.get('counters', 'x')).toBeUndefined();
    await s.put('analyses', 'alice:1', { n: 1 });
    await s.put('analyses', 'alice:2', { n: 2 });
    await s.put('analyses', 'alicia:1', { n: 3 });
    expect((await s.list('analyses', 'alice:')).map((r) => r.key)).toEqual(['alice:1', 'alice:2']);
    expect(await s.deleteByPrefix('analyses', 'alice:')).toBe(2);
    expect(await s.list('analyses', '')).toHaveLength(1);
    expect(await s.delete('analyses', 'alicia:1')).toBe(true);
    expect(await s.delete('analyses', 'alicia:1')).toBe(false);
    await s.close();
  });

  it('hands out copies, so a caller cannot change stored data by mutating a result', async () => {
    const s = await LowdbStore.open(dir);
    await s.put('profiles', 'u', { tags: ['a'] });
    const got = (await s.get<{ tags: string[] }>('profiles', 'u'))!;
    got.tags.push('b');
    expect(await s.get('profiles', 'u')).toEqual({ tags: ['a'] });
    await s.close();
  });

  it('keeps every one of many concurrent counted updates', async () => {
    const s = await LowdbStore.open(dir);
    await Promise.all([
      ...Array.from({ length: 200 }, () => s.increment('counters', 'votes')),
      ...Array.from({ length: 100 }, (_, i) => s.update<string[]>('polls', 'p', (cur) => [...(cur ?? []), `v${i}`])),
    ]);
    expect(await s.get('counters', 'votes')).toBe(200);
    expect((await s.get<string[]>('polls', 'p'))!.length).toBe(100);
    await s.close();
    const again = await LowdbStore.open(dir);
    expect(await again.get('counters', 'votes')).toBe(200);
    expect((await again.get<string[]>('polls', 'p'))!.length).toBe(100);
    await again.close();
  });

  it('acknowledges writes in the order they were made, across grouped file writes', async () => {
    const s = await LowdbStore.open(dir);
    const order: number[] = [];
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      writes.push(s.put('polls', `k${i}`, i).then(() => void order.push(i)));
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    await Promise.all(writes);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    await s.close();
  });

  it('refuses to start on a corrupt file, names it, and leaves it untouched', async () => {
    const file = path.join(dir, STORE_FILE_NAME);
    fs.writeFileSync(file, '{"format":"sme-advisor-store","version":1,"collections":{"profiles":{"u":');
    const before = fs.readFileSync(file, 'utf8');
    const err = await LowdbStore.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_CORRUPT');
    expect((err as Error).message).toContain(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses a JSON file that is not an advisor store', async () => {
    fs.writeFileSync(path.join(dir, STORE_FILE_NAME), '[1,2,3]');
    await expect(LowdbStore.open(dir)).rejects.toThrow(/not an advisor store/);
  });

  it('keeps a second process from opening the same data file', async () => {
    const a = await LowdbStore.open(dir);
    const err = await LowdbStore.open(dir, { lockWaitMs: 500 }).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('STORE_LOCKED');
    expect((err as Error).message).toMatch(/in use by another advisor process/);
    await a.close();
    const b = await LowdbStore.open(dir);
    await b.close();
  });

  it('escapes key separators so that keys built from different parts never collide', () => {
    expect(recordKey('a:b', 'c')).not.toBe(recordKey('a', 'b:c'));
  });

  it('survives a crash at any point of a write: the file holds the previous or the new state, never a broken one', async () => {
    // A child process writes numbered states as fast as it can; we kill it with SIGKILL at random moments.
    const script = `
      import { LowdbStore } from ${JSON.stringify(path.join(ROOT, 'src/store/lowdb-store.ts'))};
      const s = await LowdbStore.open(process.argv[2], { lock: false });
      let i = (await s.get('counters', 'n')) ?? 0;
      process.stdout.write('ready\\n');
      for (;;) { i++; await s.put('counters', 'n', i); await s.put('polls', 'payload', { i, pad: 'x'.repeat(20000) }); }
    `;
    const scriptFile = path.join(dir, 'writer.mts');
    fs.writeFileSync(scriptFile, script);
    let last = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', scriptFile, path.join(dir, 'data')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const text = fs.readFileSync(path.join(dir, 'data', STORE_FILE_NAME), 'utf8');
      const doc = JSON.parse(text) as { collections: { counters: { n: number } } };
      expect(doc.collections.counters.n).toBeGreaterThanOrEqual(last);
      last = doc.collections.counters.n;
      const reopened = await LowdbStore.open(path.join(dir, 'data'), { lock: false });
      expect(await reopened.get('counters', 'n')).toBe(last);
    }
    expect(last).toBeGreaterThan(0);
  }, 60_000);
});
