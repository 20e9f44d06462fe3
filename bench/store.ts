/**
 * bench:store: what one write costs in the embedded store, old layout (one store.json for everything, the frozen
 * copy in bench/baseline/) against the new one (a file per partition), side by side in one run. Each store runs in
 * its own child process, as it does in production (one store per process; sharing a heap would make the new store
 * pay for the garbage of the old one's 10 MB stringify), and the parent alternates single writes between the two so
 * that machine noise hits both alike; after each timed write the child runs `sync` (untimed), so that neither store's
 * next write pays for the kernel writing back the other's files. Each figure is the median of BENCH_WRITES awaited,
 * sequential puts after BENCH_WARMUP warm-up puts, timed inside the child. Prints a Markdown table for BENCHMARKS.md.
 *
 * (a) a write to a small collection while another collection holds 100, 10 000 and 100 000 records;
 * (b) a vote into a collection that itself holds 10 000 votes over 100 polls (owner layout, one file per poll),
 *     against the same collection with 100 votes;
 * and, for reference, how long open() takes with 100 000 records.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LowdbStore as OldStore } from './baseline/lowdb-store.js';
import type { CollectionSpec } from '../src/store/collections.js';
import { LowdbStore } from '../src/store/lowdb-store.js';
import { recordKey, type JsonValue } from '../src/store/store.js';

const WRITES = Number(process.env.BENCH_WRITES ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const SETTLE = process.env.BENCH_SETTLE !== '0';
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 10);
const SIZES = [100, 10_000, 100_000];
/** BENCH_ONLY=new measures the new layout alone (no old-store process beside it), to see what the other one costs it. */
const ONLY = process.env.BENCH_ONLY === 'new' ? (['new'] as const) : (['old', 'new'] as const);
const COLLECTIONS: CollectionSpec[] = [{ name: 'votes', layout: { split: 'owner', segments: 1 } }];

type Impl = 'old' | 'new';
type Scenario = { kind: 'small'; size: number } | { kind: 'votes'; votes: number };
type Command = { cmd: 'setup'; impl: Impl; scenario: Scenario } | { cmd: 'write'; i: number } | { cmd: 'reopen' } | { cmd: 'done' };
type Reply = { ms: number; loadedMs?: number };

/** A record of about 100 bytes of JSON, like a profile or a vote. */
const value = (i: number): JsonValue => ({ i, text: `record ${i} `.padEnd(60, 'x'), tags: ['a', 'b'] });

interface Writer {
  put(collection: string, key: string, value: JsonValue): Promise<void>;
  close(): Promise<void>;
}

async function openStore(impl: Impl, dir: string): Promise<Writer & { whenLoaded(): Promise<void> }> {
  if (impl === 'new') return LowdbStore.open(dir, { collections: COLLECTIONS });
  const s = await OldStore.open(dir);
  // The old store's collections are a closed list; the benchmark uses three of them under neutral roles.
  return {
    put: (collection, key, v) => s.put(collection === 'small' ? 'profiles' : collection === 'big' ? 'analyses' : 'votes', key, v),
    close: () => s.close(),
    whenLoaded: async () => undefined,
  };
}

/** The child: one store, driven one command at a time by the parent. */
async function worker(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-store-'));
  let impl: Impl = 'new';
  let store: (Writer & { whenLoaded(): Promise<void> }) | undefined;
  let write: (i: number) => Promise<void> = async () => undefined;
  process.on('message', (message: Command) => {
    void (async (): Promise<Reply> => {
      if (message.cmd === 'setup') {
        impl = message.impl;
        const s = (store = await openStore(impl, dir));
        const sc = message.scenario;
        const keys =
          sc.kind === 'small'
            ? Array.from({ length: sc.size }, (_, i) => `k${i}`)
            : Array.from({ length: sc.votes }, (_, i) => recordKey(`poll${i % 100}`, `voter${Math.floor(i / 100)}`));
        const collection = sc.kind === 'small' ? 'big' : 'votes';
        // Bursts that group commit turns into a few file writes.
        for (let i = 0; i < keys.length; i += 5000) await Promise.all(keys.slice(i, i + 5000).map((k, j) => s.put(collection, k, value(i + j))));
        // (b) re-votes: a spread of existing voters in every poll, so the collection keeps its size.
        write = sc.kind === 'small' ? (i) => s.put('small', `u${i % 50}`, value(i)) : (i) => s.put('votes', keys[(i * 7919) % keys.length]!, value(i));
        return { ms: 0 };
      }
      if (message.cmd === 'write') {
        const start = performance.now();
        await write(message.i);
        const ms = performance.now() - start;
        // Untimed: push this write's dirty pages to the disk now, so that the kernel's writeback of the old store's
        // 10 MB files does not land inside the other store's next timed write (BENCH_SETTLE=0 turns it off).
        if (SETTLE) {
          execFileSync('sync');
          // …and let this process's own after-work (V8's concurrent GC of a 10 MB string) end before the other writes.
          await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        }
        return { ms };
      }
      if (message.cmd === 'reopen') {
        await store!.close();
        const start = performance.now();
        store = await openStore(impl, dir);
        const ms = performance.now() - start;
        await store.whenLoaded();
        return { ms, loadedMs: performance.now() - start };
      }
      await store?.close();
      fs.rmSync(dir, { recursive: true, force: true });
      return { ms: 0 };
    })().then((reply) => process.send!(reply));
  });
}

function spawnWorker(): { child: ChildProcess; ask: (c: Command) => Promise<Reply> } {
  const child = fork(import.meta.filename, ['--worker'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (c: Command): Promise<Reply> =>
    new Promise((resolve) => {
      child.once('message', (reply: Reply) => resolve(reply));
      child.send(c);
    });
  return { child, ask };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Row {
  label: string;
  old: number;
  new: number;
}

/** Sets up one scenario in two children, alternates single writes between them, returns both medians. */
async function run(scenario: Scenario, reopen = false): Promise<{ old: number; new: number; open?: { old: number; new: number; loaded: number } }> {
  const workers: Partial<Record<Impl, ReturnType<typeof spawnWorker>>> = Object.fromEntries(ONLY.map((impl) => [impl, spawnWorker()]));
  await Promise.all(ONLY.map((impl) => workers[impl]!.ask({ cmd: 'setup', impl, scenario })));
  const times = { old: [NaN] as number[], new: [] as number[] };
  if (ONLY.length === 2) times.old = [];
  for (let i = 0; i < WARMUP + WRITES; i++) {
    for (const impl of ONLY) {
      const { ms } = await workers[impl]!.ask({ cmd: 'write', i });
      if (i >= WARMUP) times[impl].push(ms);
    }
  }
  let open: { old: number; new: number; loaded: number } | undefined;
  if (reopen) {
    const o = workers.old ? await workers.old.ask({ cmd: 'reopen' }) : { ms: NaN };
    const n = await workers.new!.ask({ cmd: 'reopen' });
    open = { old: o.ms, new: n.ms, loaded: n.loadedMs ?? n.ms };
  }
  for (const w of Object.values(workers).filter((x) => x !== undefined)) {
    await w.ask({ cmd: 'done' });
    w.child.disconnect();
  }
  return { old: median(times.old), new: median(times.new), open };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const newAt: Record<number, number> = {};
  let openRow: Row | undefined;
  for (const size of SIZES) {
    const m = await run({ kind: 'small', size }, size === SIZES.at(-1));
    rows.push({ label: `(a) write to a small collection; another holds ${size.toLocaleString('en')} records`, old: m.old, new: m.new });
    newAt[size] = m.new;
    if (m.open) {
      openRow = { label: `open() with ${size.toLocaleString('en')} records (new: every partition loaded in the background after ${m.open.loaded.toFixed(0)} ms)`, ...m.open };
    }
  }
  for (const votes of [100, 10_000]) {
    const m = await run({ kind: 'votes', votes });
    rows.push({ label: `(b) a vote into \`votes\` holding ${votes.toLocaleString('en')} votes over 100 polls`, old: m.old, new: m.new });
  }
  if (openRow) rows.push(openRow);
  const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(3) : ms.toFixed(1));
  const settle = SETTLE ? ', `sync` after each write' : '';
  const alternating = ONLY.length === 2 ? 'old and new alternating' : 'new layout alone';
  console.log(`\nMedian of ${WRITES} awaited sequential writes after ${WARMUP} warm-up writes, ${alternating}${settle} (Node ${process.version}, ${os.cpus().length} cores).\n`);
  console.log('| scenario | old layout, ms | new layout, ms | old / new |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.label} | ${fmt(r.old)} | ${fmt(r.new)} | ${(r.old / r.new).toFixed(1)}× |`);
  const growth = newAt[100_000]! / newAt[100]!;
  console.log(`\nNew layout, (a) at 100 000 records / at 100 records: ${growth.toFixed(2)}× (must stay within 1.5×: ${growth <= 1.5 ? 'yes' : 'NO'}).`);
}

if (process.argv[2] === '--worker') await worker();
else await main();
