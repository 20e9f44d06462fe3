/**
 * One partition of a collection: the records of one file of the embedded store, held in memory as a Map (never a
 * plain object, so a key such as "__proto__" is just a key), with a sorted key index kept in step for cursor listing.
 * Also here: which partition a key or a prefix belongs to under a collection's layout, and reading a partition file.
 */
import { createHash } from 'node:crypto';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { z } from 'zod';
import type { Layout } from './collections.js';
import { StoreError, type JsonValue, type WriteOptions } from './store.js';

/** A stored record: its value and, optionally, when it expires (ms since the epoch). */
export interface Entry {
  readonly v: JsonValue;
  readonly e?: number;
}

export interface PartitionDoc {
  format: 'sme-advisor-partition';
  version: 1;
  collection: string;
  partition: string;
  records: Record<string, Entry>;
}

// The envelope is checked with zod; the records one by one below, which is several times faster than a zod record
// schema on a 100 000-record file and needs no copy (the values came out of JSON.parse, so they are JSON).
const Envelope = z.strictObject({
  format: z.literal('sme-advisor-partition'),
  version: z.literal(1),
  collection: z.string(),
  partition: z.string(),
});

/** Checks a parsed partition document; returns why it is not one, or undefined. */
export function invalidPartitionDoc(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'not an object';
  const { records, ...rest } = doc as Record<string, unknown>;
  const envelope = Envelope.safeParse(rest);
  if (!envelope.success) return envelope.error.issues[0]?.message ?? 'unexpected shape';
  if (typeof records !== 'object' || records === null || Array.isArray(records)) return '"records" is not an object';
  for (const [key, entry] of Object.entries(records)) {
    if (typeof entry !== 'object' || entry === null || !('v' in entry)) return `record "${key}" has no value`;
    const e: unknown = (entry as { e?: unknown }).e;
    if (e !== undefined && typeof e !== 'number') return `record "${key}" has an invalid expiry`;
  }
  return undefined;
}

/** The file name of a partition: a short hash, safe on every filesystem whatever the key holds. */
export function partitionFileName(partition: string): string {
  return `${createHash('sha256').update(partition).digest('hex').slice(0, 20)}.json`;
}

/** The partition a key belongs to under a layout. */
export function partitionOfKey(layout: Layout, key: string): string {
  switch (layout.split) {
    case 'single':
    case 'log':
      return '';
    case 'owner': {
      // recordKey escapes ':' inside parts, so the raw ':' are exactly the part boundaries.
      let end = -1;
      for (let i = 0; i < layout.segments; i++) {
        end = key.indexOf(':', end + 1);
        if (end < 0) return key;
      }
      return key.slice(0, end);
    }
    case 'hash':
      return String(fnv1a(key) % layout.buckets);
  }
}

/** The one partition that can hold keys starting with `prefix`, or undefined when several can. */
export function partitionOfPrefix(layout: Layout, prefix: string): string | undefined {
  if (layout.split === 'single' || layout.split === 'log') return '';
  if (layout.split === 'hash') return undefined;
  // Only a prefix holding all `segments` separators fixes the owner: "a:b" may continue as "a:bc:…".
  let end = -1;
  for (let i = 0; i < layout.segments; i++) {
    end = prefix.indexOf(':', end + 1);
    if (end < 0) return undefined;
  }
  return prefix.slice(0, end);
}

/** FNV-1a over UTF-16 code units: stable across versions and platforms, which a bucket layout on disk needs. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The first index whose key is >= `key` (plain JS string order, i.e. by UTF-16 code unit). */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One line of a log file: a record as it is now, or null when it was deleted (cached like the members below). */
function logLine(key: string, entry: Entry | null): string {
  if (entry === null) return `{"k":${JSON.stringify(key)},"r":null}`;
  let line = logJson.get(entry);
  if (line === undefined) logJson.set(entry, (line = `{"k":${JSON.stringify(key)},"r":${JSON.stringify(entry)}}`));
  return line;
}
const logJson = new WeakMap<Entry, string>();

/** The `"key":{entry}` member text of each stored entry in its partition file, made on its first write. */
const entryJson = new WeakMap<Entry, string>();

export class Partition {
  private readonly entries = new Map<string, Entry>();
  /** Built on the first listing, then kept in step; most partitions are never listed. */
  private sorted: string[] | undefined;
  /** How many entries carry an expiry, so writes of partitions without any skip the expiry scan. */
  private expiring = 0;

  /**
   * A `log` partition's changes since its last write, by key (null: deleted), and whether the next write must rewrite
   * the whole file (compaction, or after a failed append that may have left a torn line).
   */
  private changes: Map<string, Entry | null> | undefined;
  private logLines = 0;
  private rewriteNext = false;

  constructor(
    readonly collection: string,
    readonly name: string,
    /** Undefined for the in-memory store. */
    readonly file: string | undefined,
    /** Written as an append-only log of changes (layout `log`) rather than rewritten whole. */
    readonly log = false,
  ) {
    if (log && file !== undefined) this.changes = new Map();
  }

  /**
   * What the next write of a log partition puts in its file: the changed records appended as lines, or, when the
   * file holds four times more lines than records (and over a thousand), every record as a fresh file. Takes the
   * changes: a failed write must call logWriteFailed().
   */
  takeLogWrite(): { kind: 'append' | 'rewrite'; text: string } {
    const changes = this.changes!;
    const rewrite = this.rewriteNext || (this.logLines + changes.size > 1000 && this.logLines + changes.size > 4 * this.entries.size);
    const lines: string[] = [];
    if (rewrite) for (const [key, entry] of this.entries) lines.push(logLine(key, entry));
    else for (const [key, entry] of changes) lines.push(logLine(key, entry));
    changes.clear();
    this.rewriteNext = false;
    this.logLines = rewrite ? lines.length : this.logLines + lines.length;
    return { kind: rewrite ? 'rewrite' : 'append', text: lines.length > 0 ? `${lines.join('\n')}\n` : '' };
  }

  /** The file may hold a torn line now: the next write rewrites it from memory. */
  logWriteFailed(): void {
    this.rewriteNext = true;
  }

  /** After reading a log file: how many lines it held, and whether its end was torn. */
  loadedLog(lines: number, torn: boolean): void {
    this.logLines = lines;
    this.rewriteNext = torn;
    this.changes?.clear();
  }

  /** The entry of a key unless absent or expired. */
  live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    return entry === undefined || (entry.e !== undefined && entry.e <= now) ? undefined : entry;
  }

  /** The entry of a key as stored, expired or not (to put it back when a write fails). */
  raw(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  /** Stores an entry (never mutated afterwards: snapshots of the partition share entries). */
  set(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old === undefined && this.sorted) this.sorted.splice(lowerBound(this.sorted, key), 0, key);
    this.expiring += (entry.e !== undefined ? 1 : 0) - (old?.e !== undefined ? 1 : 0);
    this.entries.set(key, entry);
    this.changes?.set(key, entry);
  }

  remove(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.changes?.set(key, null);
    if (old.e !== undefined) this.expiring--;
    if (this.sorted) this.sorted.splice(lowerBound(this.sorted, key), 1);
  }

  /** Up to `limit` live keys that start with `prefix` and sort after `after`, in key order. */
  scan(prefix: string, after: string | undefined, limit: number, now: number): string[] {
    this.sorted ??= [...this.entries.keys()].sort();
    const sorted = this.sorted;
    let i = after !== undefined && after >= prefix ? lowerBound(sorted, after) : lowerBound(sorted, prefix);
    if (after !== undefined && sorted[i] === after) i++;
    const keys: string[] = [];
    for (; i < sorted.length && keys.length < limit; i++) {
      const key = sorted[i]!;
      if (!key.startsWith(prefix)) break;
      if (this.live(key, now)) keys.push(key);
    }
    return keys;
  }

  /** Every key starting with `prefix`, expired ones included (for deleteByPrefix). */
  keysWithPrefix(prefix: string): string[] {
    if (prefix === '') return [...this.entries.keys()];
    this.sorted ??= [...this.entries.keys()].sort();
    const keys: string[] = [];
    for (let i = lowerBound(this.sorted, prefix); i < this.sorted.length && this.sorted[i]!.startsWith(prefix); i++) keys.push(this.sorted[i]!);
    return keys;
  }

  /** Drops expired entries; true when any was dropped. */
  prune(now: number): boolean {
    if (this.expiring === 0) return false;
    let dropped = false;
    for (const [key, entry] of this.entries) {
      if (entry.e !== undefined && entry.e <= now) {
        this.remove(key);
        dropped = true;
      }
    }
    return dropped;
  }

  /**
   * The partition file's text, now (a snapshot: later changes go to the next write), built from each entry's JSON, which is
   * computed once per entry (entries are immutable) instead of once per write of its partition. A big partition
   * rewritten at every group commit (the delivery ids of an hour) then costs a string join, not a fresh object
   * tree and its garbage.
   */
  serialize(): string {
    const parts: string[] = [];
    for (const [key, entry] of this.entries) {
      // Keyed by the entry, which belongs to one key and is never mutated: the member text is computed once.
      let member = entryJson.get(entry);
      if (member === undefined) entryJson.set(entry, (member = `${JSON.stringify(key)}:${JSON.stringify(entry)}`));
      parts.push(member);
    }
    return `{"format":"sme-advisor-partition","version":1,"collection":${JSON.stringify(this.collection)},"partition":${JSON.stringify(this.name)},"records":{${parts.join(',')}}}`;
  }

  /** Fills an empty partition from a validated document. */
  fill(records: Record<string, Entry>): void {
    for (const [key, entry] of Object.entries(records)) this.set(key, entry);
  }
}

/** A lowdb handle for reading a partition file (writes go through writeReplacing, see lowdb-files.ts). */
export function partitionLow(file: string, collection: string, name: string): Low<PartitionDoc> {
  const empty: PartitionDoc = { format: 'sme-advisor-partition', version: 1, collection, partition: name, records: {} };
  return new Low<PartitionDoc>(new DataFile<PartitionDoc>(file, { parse: JSON.parse, stringify: (d) => JSON.stringify(d) }), empty);
}

/**
 * Reads a partition file (absent: an empty partition). `name` is the expected partition, or undefined when the file
 * was found by listing its folder. A file that cannot be read or is not this partition throws a StoreError naming
 * it; the file is never touched.
 */
export async function readPartition(file: string, collection: string, name: string | undefined, fileName: string): Promise<Partition> {
  const low = partitionLow(file, collection, name ?? '');
  const fix = 'It was left untouched; restore it from a backup, or move it away to lose its records.';
  try {
    await low.read();
  } catch (cause) {
    const corrupt = cause instanceof SyntaxError;
    throw new StoreError(
      corrupt ? 'STORE_CORRUPT' : 'STORE_UNREADABLE',
      `Cannot read the store file ${file}: ${corrupt ? `it is not valid JSON (${cause.message})` : (cause as Error).message}. ${fix}`,
      { cause },
    );
  }
  const doc: unknown = low.data;
  let problem = invalidPartitionDoc(doc);
  const valid = doc as PartitionDoc;
  if (!problem && valid.collection !== collection) problem = `it belongs to collection "${valid.collection}"`;
  if (!problem && partitionFileName(valid.partition) !== fileName) problem = `its partition "${valid.partition}" does not match the file name`;
  if (!problem && name !== undefined && valid.partition !== name) problem = `it holds partition "${valid.partition}", not "${name}"`;
  if (problem) throw new StoreError('STORE_CORRUPT', `The store file ${file} is not a partition of the advisor store (${problem}). ${fix}`);
  // The handle's default document only matters for an absent file, and this one exists: it can be reused as it is.
  const partition = new Partition(collection, valid.partition, file);
  partition.fill(valid.records);
  return partition;
}

/** An entry, without an `e` field when the record never expires. */
export function newEntry(v: JsonValue, e: number | undefined): Entry {
  return e === undefined ? { v } : { v, e };
}

/** The expiry of a write in ms, checked: an invalid Date is a bad request, not a record that never expires. */
export function expiry(options: WriteOptions | undefined): number | undefined {
  const at = options?.expiresAt;
  if (at === undefined) return undefined;
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new StoreError('STORE_BAD_REQUEST', 'expiresAt must be a valid Date');
  return ms;
}
