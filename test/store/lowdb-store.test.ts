import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CollectionSpec } from '../../src/store/collections.js';
import { partitionFileName } from '../../src/store/lowdb-partition.js';
import { LowdbStore, type LowdbStoreOptions } from '../../src/store/lowdb-store.js';
import { ownedKey, recordKey, type StoreError } from '../../src/store/store.js';
import { ROOT, tempDir } from '../helpers/tmp.js';
import { CONTRACT_COLLECTIONS, storeContract, type StoreHarness } from './contract.js';

/** A harness on a temp folder (or in memory) with a clock the test moves. */
function harness(memory: boolean): () => Promise<StoreHarness> {
  return async () => {
    const { dir, cleanup } = tempDir();
    let t = Date.parse('2030-01-01T00:00:00Z');
    const now = (): Date => new Date(t);
    const options: LowdbStoreOptions = { collections: CONTRACT_COLLECTIONS, clock: now };
    let store = memory ? LowdbStore.memory(options) : await LowdbStore.open(dir, options);
    return {
      store,
      now,
      advance: (ms) => void (t += ms),
      reopen: async () => {
        if (memory) return store;
        await store.close();
        return (store = await LowdbStore.open(dir, options));
      },
      dispose: async () => {
        await store.close();
        cleanup();
      },
    };
  };
}

storeContract('LowdbStore (files)', harness(false));
storeContract('LowdbStore.memory', harness(true), { durable: false });

const LAYOUTS: CollectionSpec[] = [
  { name: 'sessions', layout: { split: 'owner', segments: 3 } },
  { name: 'pairs', layout: { split: 'owner', segments: 1 } },
  { name: 'queue', layout: { split: 'log' }, lane: 'own' },
];

interface Doc {
  format: string;
  collection: string;
  partition: string;
  records: Record<string, { v: unknown; e?: number }>;
}
const readDoc = (file: string): Doc => JSON.parse(fs.readFileSync(file, 'utf8')) as Doc;

describe('LowdbStore files', () => {
  let dir: string;
  let cleanup: () => void;
  const storeDir = (): string => path.join(dir, 'store');
  const fileOf = (collection: string, partition: string): string => path.join(storeDir(), collection, partitionFileName(partition));
  const docsOf = (collection: string): Doc[] =>
    fs.readdirSync(path.join(storeDir(), collection)).filter((f) => f.endsWith('.json') && !f.startsWith('.')).map((f) => readDoc(path.join(storeDir(), collection, f)));
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('keeps one file per owner, each naming its collection and partition', async () => {
    const s = await LowdbStore.open(dir, { collections: LAYOUTS });
    for (const user of ['alice', 'bob', 'c:d']) await s.put('sessions', ownedKey(recordKey('web', 'T1', user), 'dm'), { user });
    await s.put('profiles', 'u1', { country: 'SE' });
    await s.close();
    const docs = docsOf('sessions');
    expect(docs.map((d) => d.partition).sort()).toEqual([recordKey('web', 'T1', 'alice'), recordKey('web', 'T1', 'bob'), recordKey('web', 'T1', 'c:d')].sort());
    for (const d of docs) expect(d).toMatchObject({ format: 'sme-advisor-partition', collection: 'sessions' });
    expect(docsOf('profiles')).toEqual([expect.objectContaining({ partition: '', records: { u1: { v: { country: 'SE' } } } })]);
  });

  it('a write rewrites only its own partition file, not other collections or owners', async () => {
    const s = await LowdbStore.open(dir, { collections: LAYOUTS });
    await Promise.all(Array.from({ length: 300 }, (_, i) => s.put('big', `k${i}`, { i })));
    await s.put('sessions', ownedKey(recordKey('web', 'T1', 'alice'), 'dm'), 1);
    await s.put('sessions', ownedKey(recordKey('web', 'T1', 'bob'), 'dm'), 1);
    const inode = (f: string): bigint => fs.statSync(f, { bigint: true }).ino;
    // steno writes a temp file and renames it, so a rewritten file has a new inode.
    const before = { big: inode(fileOf('big', '')), bob: inode(fileOf('sessions', recordKey('web', 'T1', 'bob'))), alice: inode(fileOf('sessions', recordKey('web', 'T1', 'alice'))) };
    for (let i = 0; i < 5; i++) await s.put('sessions', ownedKey(recordKey('web', 'T1', 'alice'), 'dm'), i);
    await s.put('small', 'x', 1);
    expect(inode(fileOf('big', ''))).toBe(before.big);
    expect(inode(fileOf('sessions', recordKey('web', 'T1', 'bob')))).toBe(before.bob);
    expect(inode(fileOf('sessions', recordKey('web', 'T1', 'alice')))).not.toBe(before.alice);
    await s.close();
  });

  it('concurrent first uses of partitions not loaded yet share one read and lose no update', async () => {
    const first = await LowdbStore.open(dir, { collections: LAYOUTS });
    await first.put('pairs', 'a:n', 0);
    await first.close();
    const s = await LowdbStore.open(dir, { collections: LAYOUTS });
    // Called at once, before the background pass can have read anything: on disk ('a') and new ('z') partitions.
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.increment('pairs', i % 2 ? 'a:n' : 'z:n')));
    expect([await s.get('pairs', 'a:n'), await s.get('pairs', 'z:n')]).toEqual([25, 25]);
    await s.close();
    const again = await LowdbStore.open(dir, { collections: LAYOUTS });
    expect([await again.get('pairs', 'a:n'), await again.get('pairs', 'z:n')]).toEqual([25, 25]);
    await again.close();
  });

  it('keeps a second process from opening the same data folder', async () => {
    const a = await LowdbStore.open(dir);
    const err = await LowdbStore.open(dir, { lockWaitMs: 300 }).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('STORE_LOCKED');
    expect((err as Error).message).toMatch(/in use by another advisor process/);
    await a.close();
    await (await LowdbStore.open(dir)).close();
  });

  it('a corrupt partition file is named, left untouched, reported by ping, and does not stop the others', async () => {
    const s = await LowdbStore.open(dir, { collections: LAYOUTS });
    await s.put('sessions', ownedKey(recordKey('web', 'T1', 'alice'), 'dm'), 'a');
    await s.put('sessions', ownedKey(recordKey('web', 'T1', 'bob'), 'dm'), 'b');
    await s.close();
    const bad = fileOf('sessions', recordKey('web', 'T1', 'alice'));
    fs.writeFileSync(bad, '{"format":"sme-advisor-partition","version":1,"records":{"x":');
    const again = await LowdbStore.open(dir, { collections: LAYOUTS });
    expect(await again.get('sessions', ownedKey(recordKey('web', 'T1', 'bob'), 'dm'))).toBe('b');
    const err = await again.get('sessions', ownedKey(recordKey('web', 'T1', 'alice'), 'dm')).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('STORE_CORRUPT');
    expect((err as Error).message).toContain(bad);
    await expect(again.put('sessions', ownedKey(recordKey('web', 'T1', 'alice'), 'x'), 1)).rejects.toThrow(bad);
    await again.whenLoaded();
    await expect(again.ping()).rejects.toThrow(bad);
    await expect(again.list('sessions', '')).rejects.toThrow(bad);
    expect(fs.readFileSync(bad, 'utf8')).toBe('{"format":"sme-advisor-partition","version":1,"records":{"x":');
    // Once the file is moved away, the store is ready again without a restart.
    fs.renameSync(bad, path.join(dir, 'moved-away.json'));
    await again.ping();
    await again.close();
  });

  it('refuses a JSON file that is not a partition of this collection', async () => {
    fs.mkdirSync(path.join(storeDir(), 'profiles'), { recursive: true });
    const file = fileOf('profiles', '');
    fs.writeFileSync(file, JSON.stringify({ format: 'sme-advisor-partition', version: 1, collection: 'other', partition: '', records: {} }));
    const s = await LowdbStore.open(dir);
    await expect(s.get('profiles', 'u')).rejects.toThrow(/belongs to collection "other"/);
    await s.close();
  });

  it('migrates a single-file store.json into partitions and keeps it as store.json.migrated', async () => {
    const legacy = path.join(dir, 'store.json');
    const text = JSON.stringify({
      format: 'sme-advisor-store',
      version: 1,
      collections: {
        profiles: { u1: { country: 'SE' } },
        sessions: { [ownedKey(recordKey('web', 'T1', 'alice'), 'dm')]: { step: 2 }, [ownedKey(recordKey('web', 'T1', 'bob'), 'dm')]: { step: 1 } },
        counters: { n: 7 },
      },
    });
    fs.writeFileSync(legacy, text);
    const s = await LowdbStore.open(dir, { collections: LAYOUTS });
    expect(await s.get('profiles', 'u1')).toEqual({ country: 'SE' });
    expect(await s.get('sessions', ownedKey(recordKey('web', 'T1', 'alice'), 'dm'))).toEqual({ step: 2 });
    expect(await s.increment('counters', 'n')).toBe(8);
    await s.close();
    expect(fs.existsSync(legacy)).toBe(false);
    expect(fs.readFileSync(`${legacy}.migrated`, 'utf8')).toBe(text);
    expect(docsOf('sessions')).toHaveLength(2);
    const again = await LowdbStore.open(dir, { collections: LAYOUTS });
    expect(await again.get('counters', 'n')).toBe(8);
    await again.close();
  });

  it('refuses a corrupt store.json, names it, and leaves it untouched', async () => {
    const legacy = path.join(dir, 'store.json');
    fs.writeFileSync(legacy, '{"format":"sme-advisor-store","version":1,"collections":{"profiles":{"u":');
    const err = await LowdbStore.open(dir).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('STORE_CORRUPT');
    expect((err as Error).message).toContain(legacy);
    expect(fs.readFileSync(legacy, 'utf8')).toMatch(/"u":$/);
    expect(fs.existsSync(`${legacy}.migrated`)).toBe(false);
    fs.writeFileSync(legacy, '[1,2,3]');
    await expect(LowdbStore.open(dir)).rejects.toThrow(/not an advisor store/);
  });

  it('finishes a committed journal on open, and ignores one that is incomplete', async () => {
    const s = await LowdbStore.open(dir, { collections: LAYOUTS });
    await s.updateMany([{ collection: 'pairs', key: 'a:x' }, { collection: 'pairs', key: 'b:x' }], () => [1, 1]);
    await s.close();
    expect(fs.existsSync(path.join(storeDir(), 'journal.json'))).toBe(false);
    const doc = (partition: string, v: number): object => ({ format: 'sme-advisor-partition', version: 1, collection: 'pairs', partition, records: { [`${partition}:x`]: { v } } });
    const journal = path.join(storeDir(), 'journal.json');
    fs.writeFileSync(journal, JSON.stringify({ format: 'sme-advisor-journal', version: 1, partitions: [doc('a', 2), doc('b', 2)] }));
    let again = await LowdbStore.open(dir, { collections: LAYOUTS });
    expect([await again.get('pairs', 'a:x'), await again.get('pairs', 'b:x')]).toEqual([2, 2]);
    expect(fs.existsSync(journal)).toBe(false);
    await again.close();
    fs.writeFileSync(journal, JSON.stringify({ format: 'sme-advisor-journal', version: 1, partitions: [doc('a', 3), doc('b', 3)] }).slice(0, 150));
    again = await LowdbStore.open(dir, { collections: LAYOUTS });
    expect([await again.get('pairs', 'a:x'), await again.get('pairs', 'b:x')]).toEqual([2, 2]);
    expect(fs.existsSync(journal)).toBe(false);
    await again.close();
  });

  it('drops expired records from a partition when it is written, and sweeps them periodically', async () => {
    let t = Date.parse('2030-01-01T00:00:00Z');
    const s = await LowdbStore.open(dir, { clock: () => new Date(t), sweepIntervalMs: 30 });
    await s.put('events', 'old', 1, { expiresAt: new Date(t + 1000) });
    await s.put('events', 'keep', 1);
    await s.put('quiet', 'old', 1, { expiresAt: new Date(t + 1000) });
    expect(Object.keys(readDoc(fileOf('events', '')).records).sort()).toEqual(['keep', 'old']);
    t += 2000;
    await s.put('events', 'new', 1);
    expect(Object.keys(readDoc(fileOf('events', '')).records).sort()).toEqual(['keep', 'new']);
    await vi.waitFor(() => expect(readDoc(fileOf('quiet', '')).records).toEqual({}), { timeout: 2000, interval: 20 });
    await s.close();
  });

  it('a crash between the partition files of a cross-partition updateMany loses nothing of it: the journal finishes it', async () => {
    // The child SIGKILLs itself once the first partition file of the batch is in place, before the second is.
    const script = `
      import { createRequire, syncBuiltinESMExports } from 'node:module';
      // Partition files are replaced through fs's callback API (lowdb-files.ts, writeReplacing).
      const fsc = createRequire(import.meta.url)('node:fs');
      const rename = fsc.rename;
      let armed = false;
      let renamed = 0;
      let firstRenamed;
      const first = new Promise((r) => (firstRenamed = r));
      fsc.rename = (from, to, done) => {
        if (!armed || !String(to).includes('/pairs/')) return rename(from, to, done);
        // The batch renames its files concurrently: the second file is never renamed, the process dies once the
        // first rename has completed.
        if (++renamed === 2) return void first.then(() => process.kill(process.pid, 'SIGKILL'));
        rename(from, to, (err) => {
          firstRenamed();
          done(err);
        });
      };
      syncBuiltinESMExports();
      const { LowdbStore } = await import(${JSON.stringify(path.join(ROOT, 'src/store/lowdb-store.ts'))});
      const s = await LowdbStore.open(process.argv[2], { lock: false, collections: ${JSON.stringify(LAYOUTS)} });
      const refs = [{ collection: 'pairs', key: 'a:x' }, { collection: 'pairs', key: 'b:x' }];
      await s.updateMany(refs, () => [1, 1]);
      armed = true;
      await s.updateMany(refs, () => [2, 2]);
    `;
    const scriptFile = path.join(dir, 'crasher.mts');
    fs.writeFileSync(scriptFile, script);
    const data = path.join(dir, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', scriptFile, data], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const [, signal] = (await new Promise((r) => child.once('exit', (...args) => r(args)))) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');
    dir = data;
    // On disk the batch is half done (one file new, one old) and the journal is there…
    const onDisk = docsOf('pairs').map((d) => Object.values(d.records)[0]!.v).sort();
    expect(onDisk).toEqual([1, 2]);
    expect(fs.existsSync(path.join(storeDir(), 'journal.json'))).toBe(true);
    // …and opening finishes it.
    const s = await LowdbStore.open(data, { collections: LAYOUTS });
    expect([await s.get('pairs', 'a:x'), await s.get('pairs', 'b:x')]).toEqual([2, 2]);
    await s.close();
    dir = path.dirname(data);
  });

  it('survives a crash at any point: every file parses, no value goes backwards, a cross-partition pair stays equal', async () => {
    // A child process writes numbered states as fast as it can; we kill it with SIGKILL at random moments.
    const script = `
      import { LowdbStore } from ${JSON.stringify(path.join(ROOT, 'src/store/lowdb-store.ts'))};
      const s = await LowdbStore.open(process.argv[2], { lock: false, collections: ${JSON.stringify(LAYOUTS)} });
      let i = (await s.get('counters', 'n')) ?? 0;
      const pad = 'x'.repeat(20000);
      process.stdout.write('ready\\n');
      for (;;) {
        i++;
        await s.put('counters', 'n', i);
        await s.put('polls', 'payload', { i, pad });
        await s.updateMany([{ collection: 'pairs', key: 'a:x' }, { collection: 'pairs', key: 'b:x' }], () => [{ i, pad }, { i, pad }]);
      }
    `;
    const scriptFile = path.join(dir, 'writer.mts');
    fs.writeFileSync(scriptFile, script);
    const data = path.join(dir, 'data');
    let last = 0;
    let lastPair = 0;
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', scriptFile, data], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // Every file under its final name is complete (temp files, dot-prefixed, may be torn).
      for (const entry of fs.readdirSync(path.join(data, 'store'), { recursive: true, withFileTypes: true })) {
        if (entry.isFile() && !entry.name.startsWith('.')) expect(() => JSON.parse(fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))).not.toThrow();
      }
      const reopened = await LowdbStore.open(data, { lock: false, collections: LAYOUTS });
      const n = (await reopened.get('counters', 'n')) as number;
      const pair = async (key: string): Promise<number> => ((await reopened.get('pairs', key)) as { i: number } | undefined)?.i ?? 0;
      const [a, b] = [await pair('a:x'), await pair('b:x')];
      await reopened.close();
      expect(n).toBeGreaterThanOrEqual(last);
      expect(a).toBe(b);
      expect(a).toBeGreaterThanOrEqual(lastPair);
      last = n;
      lastPair = a;
    }
    expect(last).toBeGreaterThan(0);
  }, 60_000);

  it('reports failing writes in ping() until writing works again, and loses nothing that was acknowledged', async () => {
    const s = await LowdbStore.open(dir);
    await s.put('notes', 'a', 1);
    // A directory where the partition file should be: renaming onto it fails, also for root.
    const file = path.join(dir, 'store', 'notes', partitionFileName(''));
    fs.rmSync(file);
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'block'), 'x');
    await expect(s.put('notes', 'b', 2)).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' });
    await expect(s.update('notes', 'a', () => 10)).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' });
    await expect(s.delete('notes', 'a')).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' });
    // A write that failed changed nothing, not even in memory: "nothing was changed" is true.
    expect(await s.get('notes', 'b')).toBeUndefined();
    expect(await s.get('notes', 'a')).toBe(1);
    await expect(s.ping()).rejects.toThrow(file);
    fs.rmSync(file, { recursive: true });
    await s.ping();
    await s.close();
    const again = await LowdbStore.open(dir);
    // "a" was acknowledged before the failure and survives it; "b" was refused and is not there later either.
    expect(await again.get('notes', 'a')).toBe(1);
    expect(await again.get('notes', 'b')).toBeUndefined();
    await again.close();
  });
  describe('the log layout', () => {
    const logFile = (): string => path.join(storeDir(), 'queue', 'log.jsonl');
    const lines = (): string[] => fs.readFileSync(logFile(), 'utf8').split('\n').filter(Boolean);

    it('appends what changed, compacts itself, and reads back the same records', async () => {
      const s = await LowdbStore.open(dir, { collections: LAYOUTS });
      for (let i = 0; i < 30; i++) await s.put('queue', `k${i}`, i, { sync: true });
      // One line per change, not a rewrite of the thirty records per write.
      expect(lines()).toHaveLength(30);
      // Many short-lived records, as the inbox has: the file is compacted, not grown without end.
      for (let round = 0; round < 40; round++) {
        await Promise.all(Array.from({ length: 50 }, (_, i) => s.put('queue', `t${round}-${i}`, round)));
        await s.deleteByPrefix('queue', `t${round}-`);
      }
      expect(lines().length).toBeLessThan(1200);
      await s.close();
      const again = await LowdbStore.open(dir, { collections: LAYOUTS });
      expect((await again.list('queue', '', { limit: 1000 })).records.map((r) => r.value)).toEqual(Array.from({ length: 30 }, (_, i) => i).sort((a, b) => String(`k${a}`).localeCompare(`k${b}`)));
      await again.close();
    });

    it('drops a torn last line (an append cut short by a crash), keeps the rest, and rewrites the file cleanly', async () => {
      const s = await LowdbStore.open(dir, { collections: LAYOUTS });
      await s.put('queue', 'a', 1, { sync: true });
      await s.put('queue', 'b', 2, { sync: true });
      await s.close();
      fs.appendFileSync(logFile(), '{"k":"c","r":{"v":');
      const again = await LowdbStore.open(dir, { collections: LAYOUTS });
      expect([await again.get('queue', 'a'), await again.get('queue', 'b'), await again.get('queue', 'c')]).toEqual([1, 2, undefined]);
      await again.put('queue', 'd', 4);
      expect(lines().map((l) => JSON.parse(l) as { k: string }).map((l) => l.k).sort()).toEqual(['a', 'b', 'd']);
      await again.close();
    });

    it('names the file and the line when a line in the middle is not a record, and leaves the file alone', async () => {
      const s = await LowdbStore.open(dir, { collections: LAYOUTS });
      await s.put('queue', 'a', 1);
      await s.put('queue', 'b', 2);
      await s.close();
      const text = fs.readFileSync(logFile(), 'utf8').replace('"k":"a"', '"k":1');
      fs.writeFileSync(logFile(), text);
      const again = await LowdbStore.open(dir, { collections: LAYOUTS });
      await expect(again.get('queue', 'b')).rejects.toThrow(/log\.jsonl has a line 1 that is not a record/);
      expect(fs.readFileSync(logFile(), 'utf8')).toBe(text);
      await again.close();
    });

    it('refuses an updateMany that spans a collection on its own lane and another', async () => {
      const s = await LowdbStore.open(dir, { collections: LAYOUTS });
      await expect(s.updateMany([{ collection: 'queue', key: 'x' }, { collection: 'pairs', key: 'a:x' }], () => [1, 1])).rejects.toMatchObject({ code: 'STORE_BAD_REQUEST' });
      expect(await s.get('queue', 'x')).toBeUndefined();
      await s.close();
    });
  });
});
