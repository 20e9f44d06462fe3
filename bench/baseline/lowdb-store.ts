/*
 * BASELINE for bench/store.ts only: the single-file store as it was before the partitioned layout (commit 187d980),
 * kept unchanged so that the benchmark can measure old and new side by side. Not used by the application.
 */
/**
 * The embedded default store: one JSON file under DATA_DIR, written by lowdb (steno writes a temp file and renames it,
 * so a crash mid-write leaves the previous or the new file, never a torn one). All mutations are applied to the
 * in-memory document synchronously and then flushed, so concurrent handlers in this process never lose each other's
 * updates. A lock file keeps a second process from writing the same file.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { DataFile } from 'lowdb/node';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { COLLECTIONS, StoreError, type Collection, type JsonValue, type Store, type StoredRecord } from './store.js';

const DocumentSchema = z.strictObject({
  format: z.literal('sme-advisor-store'),
  version: z.literal(1),
  collections: z.partialRecord(z.enum(COLLECTIONS), z.record(z.string(), z.unknown())),
});
type Document = z.infer<typeof DocumentSchema>;

export const STORE_FILE_NAME = 'store.json';
/** How long a write queued behind another waits for more changes to join it. */
const GROUP_COMMIT_DELAY_MS = 15;

export interface LowdbStoreOptions {
  /** Skip the inter-process lock (tests that simulate a crash open the file twice on purpose). */
  lock?: boolean;
  /** How long to wait for another process's lock, in ms; a crashed holder's lock goes stale after 5 s. */
  lockWaitMs?: number;
}

export class LowdbStore implements Store {
  private closed = false;
  /** The file write in progress, and the one queued behind it (group commit: one write serves every change made meanwhile). */
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  private constructor(
    private readonly db: Low<Document>,
    readonly file: string,
    private readonly release: (() => Promise<void>) | undefined,
  ) {}

  /** A store that lives in memory only, for one-shot commands such as `advisor ask` that must not touch saved data. */
  static memory(): LowdbStore {
    const db = new Low<Document>(new Memory<Document>(), { format: 'sme-advisor-store', version: 1, collections: {} });
    return new LowdbStore(db, ':memory:', undefined);
  }

  /** Opens (or creates) DATA_DIR/store.json. A corrupt or unreadable file throws StoreError naming it; it is never replaced. */
  static async open(dataDir: string, options: LowdbStoreOptions = {}): Promise<LowdbStore> {
    const file = path.join(path.resolve(dataDir), STORE_FILE_NAME);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
    } catch (cause) {
      throw new StoreError('STORE_UNREADABLE', `Cannot create data directory ${path.dirname(file)}: ${(cause as Error).message}`, { cause });
    }
    let release: (() => Promise<void>) | undefined;
    if (options.lock !== false) {
      try {
        release = await lockfile.lock(path.dirname(file), {
          lockfilePath: `${file}.lock`,
          stale: 5_000,
          retries: { retries: Math.ceil((options.lockWaitMs ?? 7_000) / 250), minTimeout: 250, maxTimeout: 250, factor: 1 },
        });
      } catch (cause) {
        throw new StoreError(
          'STORE_LOCKED',
          `The data file ${file} is in use by another advisor process. Stop it, or give this one its own DATA_DIR (several instances sharing data need PostgreSQL).`,
          { cause },
        );
      }
    }
    const empty: Document = { format: 'sme-advisor-store', version: 1, collections: {} };
    // Compact JSON: the file is for the program; `jq .` makes it readable when a person needs to look.
    const db = new Low<Document>(new DataFile<Document>(file, { parse: JSON.parse, stringify: (d) => JSON.stringify(d) }), empty);
    try {
      await db.read();
    } catch (cause) {
      await release?.();
      const reason = cause instanceof SyntaxError ? `it is not valid JSON (${cause.message})` : (cause as Error).message;
      throw new StoreError(
        cause instanceof SyntaxError ? 'STORE_CORRUPT' : 'STORE_UNREADABLE',
        `Cannot read the data file ${file}: ${reason}. It was left untouched; restore it from a backup or move it away to start empty.`,
        { cause },
      );
    }
    const parsed = DocumentSchema.safeParse(db.data);
    if (!parsed.success) {
      await release?.();
      throw new StoreError(
        'STORE_CORRUPT',
        `The data file ${file} is not an advisor store (${parsed.error.issues[0]?.message ?? 'unexpected shape'}). It was left untouched; restore it from a backup or move it away to start empty.`,
      );
    }
    db.data = parsed.data;
    return new LowdbStore(db, file, release);
  }

  private table(collection: Collection, create: true): Record<string, unknown>;
  private table(collection: Collection, create: false): Record<string, unknown> | undefined;
  private table(collection: Collection, create: boolean): Record<string, unknown> | undefined {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'The store is closed');
    const all = this.db.data.collections;
    if (!all[collection] && create) all[collection] = {};
    return all[collection];
  }

  /**
   * Makes every change so far durable. Changes are applied in memory synchronously; this resolves once a file write
   * that started after them has completed. Writes never overlap; callers who change data while a write is running
   * share the next one (group commit), so a burst of updates costs a few serialisations of the document, not one each.
   * Promises resolve in the order the changes were made, which keeps "acknowledged" meaning "acknowledged in order".
   */
  private flush(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.writing) return (this.writing = this.startWrite());
    this.queued = this.writing
      .catch(() => undefined)
      // A short pause lets a burst of changes gather into the next write.
      .then(() => new Promise((resolve) => setTimeout(resolve, GROUP_COMMIT_DELAY_MS)))
      .then(() => {
        this.queued = undefined;
        return (this.writing = this.startWrite());
      });
    return this.queued;
  }

  private startWrite(): Promise<void> {
    const write: Promise<void> = this.db
      .write()
      .catch((cause: unknown) => {
        throw new StoreError('STORE_WRITE_FAILED', `Could not write ${this.file}: ${(cause as Error).message}`, { cause });
      })
      .finally(() => {
        if (this.writing === write) this.writing = undefined;
      });
    return write;
  }

  async get<T = JsonValue>(collection: Collection, key: string): Promise<T | undefined> {
    const value = this.table(collection, false)?.[key];
    // Hand out copies: callers must never mutate the in-memory document behind the store's back.
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async put(collection: Collection, key: string, value: JsonValue): Promise<void> {
    this.table(collection, true)[key] = structuredClone(value);
    await this.flush();
  }

  async putIfAbsent(collection: Collection, key: string, value: JsonValue): Promise<boolean> {
    const table = this.table(collection, true);
    if (Object.hasOwn(table, key)) return false;
    table[key] = structuredClone(value);
    await this.flush();
    return true;
  }

  async update<T = JsonValue>(collection: Collection, key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    const table = this.table(collection, true);
    const current = table[key] === undefined ? undefined : (structuredClone(table[key]) as T);
    const next = change(current);
    if (next === undefined) delete table[key];
    else table[key] = structuredClone(next);
    await this.flush();
    return next === undefined ? undefined : structuredClone(next);
  }

  async delete(collection: Collection, key: string): Promise<boolean> {
    const table = this.table(collection, false);
    if (!table || !Object.hasOwn(table, key)) return false;
    delete table[key];
    await this.flush();
    return true;
  }

  async list<T = JsonValue>(collection: Collection, prefix: string, limit = 1000): Promise<StoredRecord<T>[]> {
    const table = this.table(collection, false) ?? {};
    return Object.keys(table)
      .filter((k) => k.startsWith(prefix))
      .sort()
      .slice(0, limit)
      .map((key) => ({ key, value: structuredClone(table[key]) as T }));
  }

  async deleteByPrefix(collection: Collection, prefix: string): Promise<number> {
    const table = this.table(collection, false);
    if (!table) return 0;
    const keys = Object.keys(table).filter((k) => k.startsWith(prefix));
    for (const k of keys) delete table[k];
    if (keys.length > 0) await this.flush();
    return keys.length;
  }

  async increment(collection: Collection, key: string, by = 1): Promise<number> {
    const table = this.table(collection, true);
    const current = typeof table[key] === 'number' ? (table[key] as number) : 0;
    table[key] = current + by;
    await this.flush();
    return current + by;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'The store is closed');
    if (this.file !== ':memory:') await fs.access(this.file).catch(async () => this.flush());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.release?.();
  }
}
