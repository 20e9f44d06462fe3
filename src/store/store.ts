/**
 * The storage port. Every backend (lowdb files, PostgreSQL) implements it unchanged: async, per-record operations,
 * atomic read-modify-write of one or several records, expiry times, and cursor-based listing by key prefix.
 * Collections are open: a feature declares the ones it owns (see collections.ts); nothing here lists them.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface StoredRecord<T = JsonValue> {
  key: string;
  value: T;
  /** When the record expires, if it was written with an expiry (export keeps it). */
  expiresAt?: Date;
}

/** A record's address: collection and key. */
export interface RecordRef {
  collection: string;
  key: string;
}

export interface WriteOptions {
  /** After this time the record reads as absent and is eventually deleted (dedupe ids, "more" of an old answer). */
  expiresAt?: Date;
  /**
   * Resolve only once the write would survive a power cut (fsync), not only a crash of the process: for what is
   * acknowledged to someone else (the inbox). Backends that are always synchronous (PostgreSQL) ignore it.
   */
  sync?: boolean;
}

export interface ListOptions {
  /** At most this many records per page (default 100, at most 1 000). */
  limit?: number;
  /** Continue after this key: the `next` of the previous page. */
  after?: string;
}

export interface ListPage<T = JsonValue> {
  records: StoredRecord<T>[];
  /** Present when more records follow; pass it as `after` to get them. */
  next?: string;
}

/** A change for `update`: synchronous and pure. It returns the new value, or `undefined` to delete the record. */
export type Change<T> = (current: T | undefined) => T | undefined;

export interface Store {
  /** One record, or undefined (also when it has expired). */
  get(collection: string, key: string): Promise<JsonValue | undefined>;
  /** Creates or replaces one record. Resolves once the write is durable in the backend. */
  put(collection: string, key: string, value: JsonValue, options?: WriteOptions): Promise<void>;
  /** Creates the record only if the key is free (an expired record counts as free); true when it was created. */
  putIfAbsent(collection: string, key: string, value: JsonValue, options?: WriteOptions): Promise<boolean>;
  /**
   * Atomic read-modify-write of one record: no concurrent update is lost. `change` must be synchronous and pure;
   * it returns the new value, or undefined to delete the record. Resolves with the stored value. A record's expiry
   * time is kept unless `options.expiresAt` sets a new one.
   */
  update(collection: string, key: string, change: Change<JsonValue>, options?: WriteOptions): Promise<JsonValue | undefined>;
  /**
   * Atomic read-modify-write of several records (a vote and its poll's tally): all changes are stored, or none.
   * `change` gets the current values in the order of `refs` and returns the new ones in that order (undefined
   * deletes). Same rules as update. A ref may not appear twice.
   */
  updateMany(refs: readonly RecordRef[], change: (current: (JsonValue | undefined)[]) => (JsonValue | undefined)[]): Promise<(JsonValue | undefined)[]>;
  /** Deletes one record; true when it existed (and had not expired). */
  delete(collection: string, key: string): Promise<boolean>;
  /** Records whose key starts with `prefix`, in key order (by UTF-16 code unit), one page at a time. */
  list(collection: string, prefix: string, options?: ListOptions): Promise<ListPage>;
  /** Deletes every record whose key starts with `prefix`; returns how many (not counting expired ones). */
  deleteByPrefix(collection: string, prefix: string): Promise<number>;
  /** Atomically adds `by` to a numeric counter and returns the new value. */
  increment(collection: string, key: string, by?: number): Promise<number>;
  /**
   * True when no other process uses the same data (the embedded store's lock): what another process left half done
   * was left by a process that is gone. Backends shared by several instances (PostgreSQL) leave it false.
   */
  readonly exclusive?: boolean;
  /** Health probe for /readyz: throws when the backend cannot serve. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Errors of the storage layer carry a code so callers need not parse messages. */
export class StoreError extends Error {
  constructor(
    readonly code: 'STORE_CORRUPT' | 'STORE_UNREADABLE' | 'STORE_LOCKED' | 'STORE_CLOSED' | 'STORE_WRITE_FAILED' | 'STORE_BAD_REQUEST',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Every record of a prefix, page by page (for "forget me" and exports; not for request paths over big data). */
export async function* listAll(store: Store, collection: string, prefix: string, pageSize = 500): AsyncGenerator<StoredRecord> {
  let after: string | undefined;
  for (;;) {
    const page = await store.list(collection, prefix, { limit: pageSize, after });
    yield* page.records;
    if (!page.next) return;
    after = page.next;
  }
}

/** Builds a key from parts, escaping the separator so that "a:b"+"c" never equals "a"+"b:c". */
export function recordKey(...parts: string[]): string {
  return parts.map((p) => p.replace(/%/g, '%25').replace(/:/g, '%3A')).join(':');
}

/**
 * A key under an owner's key (itself built by recordKey), so that `list(collection, ownerPrefix(owner))` finds
 * exactly that owner's records: everything a user owns can be listed and deleted by prefix.
 */
export function ownedKey(ownerKey: string, ...parts: string[]): string {
  return `${ownerPrefix(ownerKey)}${recordKey(...parts)}`;
}

/** The prefix of every key made by ownedKey for this owner. */
export function ownerPrefix(ownerKey: string): string {
  return `${ownerKey}:`;
}
