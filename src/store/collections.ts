/**
 * Typed collections, declared by the feature that owns them: a name, a zod schema for its records, and the layout an
 * embedded backend uses to split it into files (PostgreSQL ignores the layout). Reads validate; a record that no
 * longer matches its schema reads as absent rather than crashing a turn.
 */
import type { z } from 'zod';
import type { Change, JsonValue, ListOptions, Store, StoredRecord, WriteOptions } from './store.js';

/**
 * How an embedded backend splits a collection into files, so that one write costs what its own file holds:
 * - `single`: one file (small, bounded collections: installations, jobs, roles);
 * - `owner`: one file per value of the key's first `segments` `:`-separated segments (per user, per poll, per run);
 * - `hash`: `buckets` files by a hash of the whole key (many small independent records: delivery ids);
 * - `log`: one append-only file of changes, compacted now and then: a write costs what it changes, not what the
 *   collection holds (records written often and soon deleted: the inbox, whose every change is fsynced).
 */
export type Layout = { split: 'single' } | { split: 'owner'; segments: number } | { split: 'hash'; buckets: number } | { split: 'log' };

export interface CollectionSpec {
  readonly name: string;
  readonly layout: Layout;
  /**
   * `own`: an embedded backend writes this collection on a lane of its own, so that its writes never queue behind
   * other collections' (the inbox: every acknowledgement to a platform waits for its write). Such a collection cannot
   * share an updateMany with another. PostgreSQL ignores it.
   */
  readonly lane?: 'own';
}

export const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** A collection with typed, validated access. */
export interface Collection<T> extends CollectionSpec {
  readonly schema: z.ZodType<T>;
  get(store: Store, key: string): Promise<T | undefined>;
  put(store: Store, key: string, value: T, options?: WriteOptions): Promise<void>;
  putIfAbsent(store: Store, key: string, value: T, options?: WriteOptions): Promise<boolean>;
  /** Atomic read-modify-write; `change` sees undefined for an absent or invalid record. */
  update(store: Store, key: string, change: Change<T>, options?: WriteOptions): Promise<T | undefined>;
  delete(store: Store, key: string): Promise<boolean>;
  /** One page of valid records under a prefix; `next` continues it. */
  list(store: Store, prefix: string, options?: ListOptions): Promise<{ records: StoredRecord<T>[]; next?: string }>;
  deleteByPrefix(store: Store, prefix: string): Promise<number>;
  /** Parses a raw value of this collection (for updateMany). */
  parse(raw: JsonValue | undefined): T | undefined;
  /** The raw JSON of a typed value (for updateMany). */
  json(value: T): JsonValue;
}

/** Declares a collection. Its schema must describe JSON data (no dates, maps or undefined inside arrays). */
export function defineCollection<T>(name: string, schema: z.ZodType<T>, layout: Layout = { split: 'single' }, options: { lane?: 'own' } = {}): Collection<T> {
  if (!COLLECTION_NAME.test(name)) throw new Error(`collection name "${name}" must match ${COLLECTION_NAME}`);
  const parse = (raw: JsonValue | undefined): T | undefined => {
    if (raw === undefined) return undefined;
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  };
  // The one conversion point: a value that passed a JSON-shaped schema is JSON. Keeping it here spares every feature a cast.
  const json = (value: T): JsonValue => value as JsonValue;
  return {
    name,
    layout,
    ...(options.lane ? { lane: options.lane } : {}),
    schema,
    parse,
    json,
    get: async (store, key) => parse(await store.get(name, key)),
    put: (store, key, value, options) => store.put(name, key, json(schema.parse(value)), options),
    putIfAbsent: (store, key, value, options) => store.putIfAbsent(name, key, json(schema.parse(value)), options),
    update: async (store, key, change, options) => {
      const stored = await store.update(
        name,
        key,
        (raw) => {
          const next = change(parse(raw));
          return next === undefined ? undefined : json(schema.parse(next));
        },
        options,
      );
      return parse(stored);
    },
    delete: (store, key) => store.delete(name, key),
    list: async (store, prefix, options) => {
      const page = await store.list(name, prefix, options);
      const records = page.records.flatMap((r) => {
        const value = parse(r.value);
        return value === undefined ? [] : [{ key: r.key, value }];
      });
      return { records, next: page.next };
    },
    deleteByPrefix: (store, prefix) => store.deleteByPrefix(name, prefix),
  };
}
