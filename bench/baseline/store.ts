/*
 * BASELINE for bench/store.ts only: the single-file store as it was before the partitioned layout (commit 187d980),
 * kept unchanged so that the benchmark can measure old and new side by side. Not used by the application.
 */
/**
 * The storage port. Every backend (lowdb file, PostgreSQL) implements it unchanged:
 * async, per-record operations, atomic read-modify-write and counters, bounded listing by key prefix.
 * Nothing here loads the whole database on a request path.
 */

/** Named record collections. Keys inside a collection are strings; values are JSON. */
export const COLLECTIONS = [
  'profiles',
  'dialogs',
  'analyses',
  'processed_events',
  'installations',
  'polls',
  'votes',
  'surveys',
  'survey_answers',
  'counters',
] as const;
export type Collection = (typeof COLLECTIONS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface StoredRecord<T> {
  key: string;
  value: T;
}

export interface Store {
  /** One record, or undefined. */
  get<T = JsonValue>(collection: Collection, key: string): Promise<T | undefined>;
  /** Creates or replaces one record. Resolves once the write is durable in the backend. */
  put(collection: Collection, key: string, value: JsonValue): Promise<void>;
  /** Creates the record only if the key is free; true when it was created (idempotency of retried deliveries). */
  putIfAbsent(collection: Collection, key: string, value: JsonValue): Promise<boolean>;
  /**
   * Atomic read-modify-write of one record: no concurrent update is lost. `change` must be synchronous and pure;
   * it returns the new value, or undefined to delete the record. Resolves with the stored value.
   */
  update<T = JsonValue>(
    collection: Collection,
    key: string,
    change: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined>;
  /** Deletes one record; true when it existed. */
  delete(collection: Collection, key: string): Promise<boolean>;
  /** Records whose key starts with `prefix`, in key order, at most `limit`. */
  list<T = JsonValue>(collection: Collection, prefix: string, limit?: number): Promise<StoredRecord<T>[]>;
  /** Deletes every record whose key starts with `prefix`; returns how many. */
  deleteByPrefix(collection: Collection, prefix: string): Promise<number>;
  /** Atomically adds `by` to a numeric counter and returns the new value. */
  increment(collection: Collection, key: string, by?: number): Promise<number>;
  /** Health probe for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Errors of the storage layer carry a code so callers need not parse messages. */
export class StoreError extends Error {
  constructor(
    readonly code: 'STORE_CORRUPT' | 'STORE_UNREADABLE' | 'STORE_LOCKED' | 'STORE_CLOSED' | 'STORE_WRITE_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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
