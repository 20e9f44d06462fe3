/**
 * Which partitions the embedded store has, and loading them: lazily, one file on first use (memoised), or a whole
 * collection folder when a listing's prefix does not fix the partition. Once a folder has been listed, the catalog
 * knows every partition of that collection, so a new partition needs no read.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { COLLECTION_NAME, type CollectionSpec, type Layout } from './collections.js';
import { eachLimited } from './lowdb-files.js';
import { LOG_FILE_NAME, readLogPartition } from './lowdb-log.js';
import { Partition, partitionFileName, partitionOfKey, partitionOfPrefix, readPartition } from './lowdb-partition.js';
import { StoreError } from './store.js';

const PARTITION_FILE = /^[0-9a-f]{20}\.json$/;

export interface CollectionState {
  readonly name: string;
  readonly layout: Layout;
  /** The collection's folder; undefined for the in-memory store. */
  readonly dir: string | undefined;
  /** Loads in flight, by file name: concurrent requests share one read; a failed load is forgotten, so it is retried. */
  readonly loading: Map<string, Promise<Partition>>;
  readonly loaded: Map<string, Partition>;
  /** Every file of the folder has been loaded: `loaded` knows every partition, and a new one needs no read. */
  complete: boolean;
}

export class Catalog {
  private readonly collections = new Map<string, CollectionState>();
  /** Partition name → file name: a SHA-256 per lookup showed in bench:slack's profile; partitions stay in memory anyway. */
  private readonly fileNames = new Map<string, string>();

  private fileNameOf(c: CollectionState, name: string): string {
    if (c.layout.split === 'log') return LOG_FILE_NAME;
    let fileName = this.fileNames.get(name);
    if (fileName === undefined) this.fileNames.set(name, (fileName = partitionFileName(name)));
    return fileName;
  }

  private readonly layouts = new Map<string, Layout>();

  constructor(
    /** DATA_DIR/store, or undefined for the in-memory store. */
    readonly storeDir: string | undefined,
    specs: readonly CollectionSpec[],
  ) {
    for (const spec of specs) {
      if (!COLLECTION_NAME.test(spec.name)) throw new StoreError('STORE_BAD_REQUEST', `Collection name "${spec.name}" must match ${COLLECTION_NAME}`);
      const l = spec.layout;
      const valid =
        l.split === 'single' || l.split === 'log' || (l.split === 'owner' ? Number.isInteger(l.segments) && l.segments >= 1 : Number.isInteger(l.buckets) && l.buckets >= 1);
      if (!valid) throw new StoreError('STORE_BAD_REQUEST', `Collection "${spec.name}" has an invalid layout ${JSON.stringify(l)}`);
      this.layouts.set(spec.name, l);
    }
  }

  /** A collection's state, created on first use; any name matching COLLECTION_NAME is a collection. */
  collection(name: string): CollectionState {
    let state = this.collections.get(name);
    if (!state) {
      if (!COLLECTION_NAME.test(name)) throw new StoreError('STORE_BAD_REQUEST', `Collection name "${name}" must match ${COLLECTION_NAME}`);
      const dir = this.storeDir === undefined ? undefined : path.join(this.storeDir, name);
      state = { name, layout: this.layouts.get(name) ?? { split: 'single' }, dir, loading: new Map(), loaded: new Map(), complete: dir === undefined };
      this.collections.set(name, state);
    }
    return state;
  }

  /** Declared collections that have no folder yet: nothing to read, so their new partitions need no read either. */
  markAbsent(folders: ReadonlySet<string>): void {
    for (const name of this.layouts.keys()) if (!folders.has(name)) this.collection(name).complete = true;
  }

  /** Every partition loaded so far, of every collection. */
  *loadedPartitions(): Generator<Partition> {
    for (const c of this.collections.values()) yield* c.loaded.values();
  }

  /** The partition that holds (or will hold) a key. */
  partitionOfKey(c: CollectionState, key: string): Promise<Partition> | Partition {
    return this.partition(c, partitionOfKey(c.layout, key));
  }

  /** The partitions that can hold keys starting with `prefix`: one when the prefix fixes it, else all. */
  async partitionsFor(c: CollectionState, prefix: string): Promise<Partition[]> {
    const name = partitionOfPrefix(c.layout, prefix);
    return name === undefined ? this.allPartitions(c) : [await this.partition(c, name)];
  }

  /** The partition named `name`, read from its file on first use. */
  partition(c: CollectionState, name: string): Promise<Partition> | Partition {
    const fileName = this.fileNameOf(c, name);
    const ready = c.loaded.get(fileName) ?? c.loading.get(fileName);
    if (ready) return ready;
    if (c.complete) {
      // Nothing on disk that is not loaded yet: a new partition.
      const file = c.dir === undefined ? undefined : path.join(c.dir, fileName);
      const fresh = new Partition(c.name, name, file, c.layout.split === 'log');
      c.loaded.set(fileName, fresh);
      return fresh;
    }
    return this.load(c, fileName, name);
  }

  /** Every partition of a collection; the folder is listed once, after which `loaded` is complete. */
  async allPartitions(c: CollectionState): Promise<Partition[]> {
    // A log is one file: its partition is all there is.
    if (c.layout.split === 'log') return [await this.partition(c, '')];
    if (!c.complete) {
      const files = await fs.readdir(c.dir!).catch((cause: NodeJS.ErrnoException) => {
        if (cause.code === 'ENOENT') return [];
        throw new StoreError('STORE_UNREADABLE', `Cannot list the store folder ${c.dir}: ${cause.message}`, { cause });
      });
      const missing = files.filter((f) => PARTITION_FILE.test(f) && !c.loaded.has(f));
      // Every file is tried (a corrupt one must not hide the others); the first failure is reported.
      const failures: unknown[] = [];
      await eachLimited(missing, (f) => this.load(c, f, undefined).then(() => undefined, (cause: unknown) => void failures.push(cause)));
      await Promise.all(c.loading.values());
      if (failures.length > 0) throw failures[0];
      c.complete = true;
    }
    return [...c.loaded.values()];
  }

  private load(c: CollectionState, fileName: string, name: string | undefined): Promise<Partition> {
    let pending = c.loading.get(fileName);
    if (!pending) {
      const file = path.join(c.dir!, fileName);
      const read = c.layout.split === 'log' ? readLogPartition(file, c.name) : readPartition(file, c.name, name, fileName);
      pending = read.then(
        (p) => {
          c.loaded.set(fileName, p);
          c.loading.delete(fileName);
          return p;
        },
        (cause: unknown) => {
          c.loading.delete(fileName);
          throw cause;
        },
      );
      c.loading.set(fileName, pending);
    }
    return pending;
  }
}
