/**
 * The embedded default store: JSON files under DATA_DIR/store/<collection>/, one lowdb file per partition of a
 * collection (see Layout), so that a write costs what its own partition holds, not what the whole store holds.
 *
 * - Changes are applied in memory synchronously, then flushed with group commit: one batch writing, one queued
 *   behind it that gathers every change made meanwhile; only the partitions a batch changed are rewritten (steno:
 *   temp file and rename), batches never overlap, and promises resolve in the order the changes were made.
 * - A batch holding an updateMany across partitions is journaled first (lowdb-files.ts), so it survives a crash
 *   all or nothing.
 * - Loading is lazy: open() reads no partition, so it is as fast with 100 000 records as with none, and a request
 *   reads only the partitions it touches (memoised). Right after open a background pass loads the remaining files
 *   one folder at a time, so that corruption is not hidden until someone happens to touch the file (ping() reports
 *   it, naming the file, and /readyz goes red), expiry sweeps cover every partition, and listings that span
 *   partitions need no folder scan. A request that reaches a corrupt file fails with STORE_CORRUPT naming it;
 *   other partitions keep working, and the file is never rewritten. Memory ends up holding every record, as the
 *   single-file store did; what changes is that nothing waits for it, and no write serialises more than one file.
 *   (Eager loading at open would cost ~0.5 s at 100 000 records and grow with the data; lazy alone would leave a
 *   corrupt file unnoticed until someone touched it.)
 * - A lock file keeps a second process out of DATA_DIR; an old single-file store.json is migrated by open().
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Catalog } from './lowdb-catalog.js';
import type { CollectionSpec } from './collections.js';
import { LEGACY_FILE_NAME, STORE_FOLDER, replayJournal } from './lowdb-files.js';
import { DataDirLock, type LockEvent } from './lowdb-lock.js';
import { migrateLegacyStore } from './lowdb-migrate.js';
import { expiry, newEntry, type Entry, type Partition } from './lowdb-partition.js';
import { BatchWriter } from './lowdb-writer.js';
import { StoreError, type Change, type JsonValue, type ListOptions, type ListPage, type RecordRef, type Store, type WriteOptions } from './store.js';

export interface LowdbStoreOptions {
  /** Declared collections and their layouts; any other collection is one file. */
  collections?: readonly CollectionSpec[];
  /** Skip the inter-process lock (tests that simulate a crash open the folder twice on purpose). */
  lock?: boolean;
  /** How long to wait for another process's lock, in ms; a crashed holder's lock goes stale after 5 s. */
  lockWaitMs?: number;
  clock?: () => Date;
  /** How often expired records are deleted (default 10 minutes). */
  sweepIntervalMs?: number;
  /** Told when the lock was lost (removed, or the folder turned read-only) and when it was taken again. */
  onLockEvent?: (event: LockEvent) => void;
}

const closedError = (): StoreError => new StoreError('STORE_CLOSED', 'The store is closed');
const asStoreError = (cause: unknown): StoreError =>
  cause instanceof StoreError ? cause : new StoreError('STORE_UNREADABLE', (cause as Error).message, { cause });
const copy = <T>(value: T): T => structuredClone(value);

export class LowdbStore implements Store {
  private closed = false;
  private readonly catalog: Catalog;
  /** Undefined for the in-memory store, whose changes are "durable" as soon as they are made. */
  private readonly writer: BatchWriter | undefined;
  /** Writers of collections on a lane of their own (CollectionSpec.lane), by collection name. */
  private readonly lanes = new Map<string, BatchWriter>();
  /** Unreadable files found by the background pass, by collection; ping() reports them until they are fixed. */
  private readonly problems = new Map<string, StoreError>();
  /** The last write's failure, until a write succeeds: ping() reports it, so /readyz is not green while writes fail. */
  private writeFailure: StoreError | undefined;
  private warming: Promise<void> = Promise.resolve();
  /** The latest mutation's acknowledgement, settled or not (see ordered). */
  private lastAck: Promise<unknown> = Promise.resolve();
  private readonly sweeper: NodeJS.Timeout;
  private readonly clock: () => Date;

  private constructor(
    private readonly storeDir: string | undefined,
    /** Undefined when not locked (in memory, or a test that opens a folder twice on purpose). */
    private readonly lock: DataDirLock | undefined,
    options: LowdbStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.catalog = new Catalog(storeDir, options.collections ?? []);
    this.writer = storeDir === undefined ? undefined : new BatchWriter(storeDir, () => this.now());
    if (storeDir !== undefined) for (const spec of options.collections ?? []) if (spec.lane === 'own') this.lanes.set(spec.name, new BatchWriter(storeDir, () => this.now()));
    this.sweeper = setInterval(() => void this.sweep(), options.sweepIntervalMs ?? 600_000).unref();
  }

  /** A store that lives in memory only, for one-shot commands such as `advisor ask` that must not touch saved data. */
  static memory(options: Omit<LowdbStoreOptions, 'lock' | 'lockWaitMs'> = {}): LowdbStore {
    return new LowdbStore(undefined, undefined, options);
  }

  /** Opens (or creates) the store in DATA_DIR: takes the lock, finishes a journaled batch, migrates store.json. */
  static async open(dataDir: string, options: LowdbStoreOptions = {}): Promise<LowdbStore> {
    const root = path.resolve(dataDir);
    const storeDir = path.join(root, STORE_FOLDER);
    try {
      await fs.mkdir(storeDir, { recursive: true });
    } catch (cause) {
      throw new StoreError('STORE_UNREADABLE', `Cannot create data directory ${storeDir}: ${(cause as Error).message}`, { cause });
    }
    const lock = options.lock === false ? undefined : await DataDirLock.take(root, options.lockWaitMs ?? 7_000, options.onLockEvent);
    let store: LowdbStore | undefined;
    try {
      await replayJournal(storeDir);
      store = new LowdbStore(storeDir, lock, options);
      await migrateLegacyStore(path.join(root, LEGACY_FILE_NAME), storeDir, store.catalog, (parts) => store!.commit(parts));
    } catch (cause) {
      if (store) clearInterval(store.sweeper);
      await lock?.release();
      throw cause;
    }
    store.warming = store.warmUp();
    return store;
  }

  /** The embedded store is this process's alone: in memory, or behind DATA_DIR's lock. */
  get exclusive(): boolean {
    return this.storeDir === undefined || this.lock !== undefined;
  }

  /** Resolves once the background pass after open has loaded every partition and swept once. */
  whenLoaded(): Promise<void> {
    return this.warming;
  }

  private now(): number {
    return this.clock().getTime();
  }

  private async partitionOf(collection: string, key: string): Promise<Partition> {
    if (this.closed) throw closedError();
    const p = await this.catalog.partitionOfKey(this.catalog.collection(collection), key);
    if (this.closed) throw closedError();
    return p;
  }

  private async partitionsFor(collection: string, prefix: string): Promise<Partition[]> {
    if (this.closed) throw closedError();
    const parts = await this.catalog.partitionsFor(this.catalog.collection(collection), prefix);
    if (this.closed) throw closedError();
    return parts;
  }

  /**
   * Acknowledges mutations in the order they were called: each resolves only after every earlier one has settled.
   * Applying a change may wait for its partition's file to be read, so call order and apply order can differ; this
   * keeps "acknowledged" meaning "this and everything before it is durable".
   */
  private ordered<T>(work: () => Promise<T>): Promise<T> {
    const before = this.lastAck;
    // finally() waits for `before` (which never rejects), then settles as `work` did.
    const result = work().finally(() => before);
    this.lastAck = result.catch(() => undefined);
    return result;
  }

  /** Marks partitions changed and resolves once that is durable. */
  private commit(parts: Iterable<Partition>, atomic = false, sync = false): Promise<void> {
    if (!this.writer) return Promise.resolve();
    const byWriter = new Map<BatchWriter, Partition[]>();
    for (const p of parts) {
      const w = this.lanes.get(p.collection) ?? this.writer;
      byWriter.set(w, [...(byWriter.get(w) ?? []), p]);
    }
    // Nothing new (ping retrying failed writes): every writer tries again what it kept.
    if (byWriter.size === 0) for (const w of [this.writer, ...this.lanes.values()]) byWriter.set(w, []);
    // A journaled batch is one writer's: all or none across two lanes cannot be promised.
    if (atomic && byWriter.size > 1) return Promise.reject(new StoreError('STORE_BAD_REQUEST', 'updateMany cannot span a collection written on its own lane and another'));
    for (const [w, ps] of byWriter) w.mark(ps, atomic, sync);
    // Written with the next batch once the lock is held again; until then the caller hears that it is not saved.
    if (this.lock?.problem) return Promise.reject(this.lock.problem);
    return Promise.all([...byWriter.keys()].map((w) => w.flush())).then(
      () => void (this.writeFailure = undefined),
      (cause: unknown) => {
        this.writeFailure = asStoreError(cause);
        throw cause;
      },
    );
  }

  /**
   * Applies changes of entries and commits them. When the commit fails, the changes are taken back (unless a later
   * change has replaced an entry since), so a write that fails leaves nothing changed: the caller may say so, and a
   * retry starts from the same state. The partitions stay dirty; the next batch writes them as they are then.
   */
  private async apply(changes: readonly { p: Partition; key: string; next: Entry | undefined }[], sync = false): Promise<void> {
    const undo = changes.map(({ p, key, next }) => {
      const before = p.raw(key);
      if (next) p.set(key, next);
      else p.remove(key);
      return { p, key, before, next };
    });
    const touched = new Set(changes.map((c) => c.p));
    try {
      await this.commit(touched, touched.size > 1, sync);
    } catch (cause) {
      for (const u of undo.reverse()) {
        if (u.p.raw(u.key) !== u.next) continue;
        if (u.before) u.p.set(u.key, u.before);
        else u.p.remove(u.key);
      }
      throw cause;
    }
  }

  async get(collection: string, key: string): Promise<JsonValue | undefined> {
    const entry = (await this.partitionOf(collection, key)).live(key, this.now());
    // Hand out copies: callers must never mutate the in-memory records behind the store's back.
    return entry === undefined ? undefined : copy(entry.v);
  }

  put(collection: string, key: string, value: JsonValue, options?: WriteOptions): Promise<void> {
    return this.ordered(async () => {
      // Copied before any await: the caller may change its object as soon as this returns.
      const entry = newEntry(copy(value), expiry(options));
      const p = await this.partitionOf(collection, key);
      await this.apply([{ p, key, next: entry }], options?.sync);
    });
  }

  putIfAbsent(collection: string, key: string, value: JsonValue, options?: WriteOptions): Promise<boolean> {
    return this.ordered(async () => {
      const entry = newEntry(copy(value), expiry(options));
      const p = await this.partitionOf(collection, key);
      if (p.live(key, this.now())) return false;
      await this.apply([{ p, key, next: entry }], options?.sync);
      return true;
    });
  }

  update(collection: string, key: string, change: Change<JsonValue>, options?: WriteOptions): Promise<JsonValue | undefined> {
    return this.ordered(async () => {
      const e = expiry(options);
      const p = await this.partitionOf(collection, key);
      const old = p.live(key, this.now());
      const next = change(old === undefined ? undefined : copy(old.v));
      if (next === undefined && old === undefined) return undefined;
      await this.apply([{ p, key, next: next === undefined ? undefined : newEntry(copy(next), e ?? old?.e) }], options?.sync);
      // `next` is the caller's own object (the stored one is a copy), so it can be handed back as it is.
      return next;
    });
  }

  updateMany(refs: readonly RecordRef[], change: (current: (JsonValue | undefined)[]) => (JsonValue | undefined)[]): Promise<(JsonValue | undefined)[]> {
    return this.ordered(async () => {
      const seen = new Set<string>();
      for (const ref of refs) {
        // Collection names hold no '/', so this identifies a ref.
        const id = `${ref.collection}/${ref.key}`;
        if (seen.has(id)) throw new StoreError('STORE_BAD_REQUEST', `updateMany got ${ref.collection} "${ref.key}" twice`);
        seen.add(id);
      }
      const parts = await Promise.all(refs.map((r) => this.partitionOf(r.collection, r.key)));
      if (this.closed) throw closedError();
      // From here to the end of the change, nothing awaits: no other change can come in between.
      const now = this.now();
      const olds = parts.map((p, i) => p.live(refs[i]!.key, now));
      const next = change(olds.map((o) => (o === undefined ? undefined : copy(o.v))));
      if (!Array.isArray(next) || next.length !== refs.length) {
        throw new StoreError('STORE_BAD_REQUEST', `updateMany's change returned ${Array.isArray(next) ? next.length : 'no'} values for ${refs.length} records`);
      }
      // Copy everything before storing anything, so that a value that cannot be copied changes nothing.
      const stored = next.map((v) => (v === undefined ? undefined : copy(v)));
      type Change = { p: Partition; key: string; next: Entry | undefined };
      const changes = parts.flatMap((p, i): Change[] => {
        const key = refs[i]!.key;
        const v = stored[i];
        if (v !== undefined) return [{ p, key, next: newEntry(v, olds[i]?.e) }];
        return olds[i] !== undefined ? [{ p, key, next: undefined }] : [];
      });
      // All or none: one batch, journaled when it spans partitions (apply() passes atomic for several).
      if (changes.length > 0) await this.apply(changes);
      return [...next];
    });
  }

  delete(collection: string, key: string): Promise<boolean> {
    return this.ordered(async () => {
      const p = await this.partitionOf(collection, key);
      // An expired record is already absent; the next write or sweep of its partition drops it.
      if (!p.live(key, this.now())) return false;
      await this.apply([{ p, key, next: undefined }]);
      return true;
    });
  }

  async list(collection: string, prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const requested = options.limit ?? 100;
    if (!Number.isInteger(requested) || requested < 1) throw new StoreError('STORE_BAD_REQUEST', `list limit must be a positive integer, not ${requested}`);
    const limit = Math.min(requested, 1000);
    const parts = await this.partitionsFor(collection, prefix);
    const now = this.now();
    // One more than the page, to know whether another page follows.
    const found = parts.flatMap((p) => p.scan(prefix, options.after, limit + 1, now).map((key) => ({ key, p })));
    if (parts.length > 1) found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const page = found.slice(0, limit);
    const records = page.map(({ key, p }) => {
      const entry = p.live(key, now)!;
      return { key, value: copy(entry.v), ...(entry.e !== undefined ? { expiresAt: new Date(entry.e) } : {}) };
    });
    return found.length > limit ? { records, next: page.at(-1)!.key } : { records };
  }

  deleteByPrefix(collection: string, prefix: string): Promise<number> {
    return this.ordered(async () => {
      const parts = await this.partitionsFor(collection, prefix);
      const now = this.now();
      let count = 0;
      const changes: { p: Partition; key: string; next: undefined }[] = [];
      for (const p of parts) {
        for (const key of p.keysWithPrefix(prefix)) {
          if (p.live(key, now)) count++;
          changes.push({ p, key, next: undefined });
        }
      }
      if (changes.length > 0) await this.apply(changes);
      return count;
    });
  }

  increment(collection: string, key: string, by = 1): Promise<number> {
    return this.ordered(async () => {
      if (!Number.isFinite(by)) throw new StoreError('STORE_BAD_REQUEST', `increment by ${by}: not a finite number`);
      const p = await this.partitionOf(collection, key);
      const old = p.live(key, this.now());
      const value = (typeof old?.v === 'number' ? old.v : 0) + by;
      await this.apply([{ p, key, next: newEntry(value, old?.e) }]);
      return value;
    });
  }

  async ping(): Promise<void> {
    if (this.closed) throw closedError();
    if (this.storeDir === undefined) return;
    if (this.lock?.problem) throw this.lock.problem;
    await fs.access(this.storeDir, fs.constants.R_OK | fs.constants.W_OK).catch((cause: Error) => {
      throw new StoreError('STORE_UNREADABLE', `The store folder ${this.storeDir} is not accessible: ${cause.message}`, { cause });
    });
    // Look again, so that moving a corrupt file away makes the store ready without a restart.
    for (const name of [...this.problems.keys()]) {
      await this.catalog.allPartitions(this.catalog.collection(name)).then(
        () => this.problems.delete(name),
        (cause: unknown) => this.problems.set(name, asStoreError(cause)),
      );
    }
    const [problem] = this.problems.values();
    if (problem) throw problem;
    // Writes failed (disk full, read-only): try the failed partitions again, which the writer kept dirty; ready only
    // once they are on the disk.
    if (this.writeFailure) await this.commit([]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    try {
      await this.warming;
      await Promise.all([this.writer, ...this.lanes.values()].filter((w) => w?.busy).map((w) => w!.flush()));
    } finally {
      await this.lock?.release();
    }
  }

  /** Loads every collection folder in the background (see the header), then sweeps once. */
  private async warmUp(): Promise<void> {
    const entries = await fs.readdir(this.storeDir!, { withFileTypes: true }).catch(() => []);
    const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    // Only this process writes here, so a folder that is absent now can only gain partitions it already knows.
    if (!this.closed) this.catalog.markAbsent(new Set(folders));
    for (const name of folders) {
      if (this.closed) return;
      try {
        await this.catalog.allPartitions(this.catalog.collection(name));
      } catch (cause) {
        // A folder whose name is not a collection's is none of the store's business.
        if (!this.closed && !(cause instanceof StoreError && cause.code === 'STORE_BAD_REQUEST')) this.problems.set(name, asStoreError(cause));
      }
    }
    await this.sweep();
  }

  /** Deletes the expired records of every loaded partition. */
  private async sweep(): Promise<void> {
    if (this.closed) return;
    const now = this.now();
    const pruned = [...this.catalog.loadedPartitions()].filter((p) => p.prune(now));
    // A failed write leaves them dirty for the next batch; the sweep has no caller to tell.
    if (pruned.length > 0) await this.commit(pruned).catch(() => undefined);
  }
}
