/**
 * `advisor export` and `advisor import`: all data between stores as JSON lines, e.g. from the embedded lowdb files
 * to PostgreSQL when a deployment outgrows one process, or back. The first line names the format; then one line per
 * record of every collection the advisor declares (with its expiry, when it has one) and one per pending job (as the
 * spec that schedules it again: a lease or a retry count does not travel); not the inbox of deliveries in flight (stop
 * the servers first: they finish their turns). The export holds the generated secrets
 * (the web chat's cookie key, the anonymous voters' key) so that cookies and anonymous votes stay valid: keep the
 * file as safe as the database. Import writes every line or, on a bad line, names it and writes nothing.
 */
import readline from 'node:readline';
import { z } from 'zod';
import type { JobScheduler } from '../jobs/store-scheduler.js';
import type { CollectionSpec } from '../store/collections.js';
import { COLLECTION_NAME } from '../store/collections.js';
import { listAll, type JsonValue, type Store } from '../store/store.js';

export const EXPORT_FORMAT = 'sme-advisor-export';
/**
 * Deliveries in flight are not data to move: a stopped server's inbox is empty once it has drained (on PostgreSQL
 * the inbox has tables of its own), and a delivery id remembered against redeliveries means nothing elsewhere.
 */
const NOT_EXPORTED = new Set(['inbox', 'inbox_done']);

const Header = z.strictObject({ format: z.literal(EXPORT_FORMAT), version: z.literal(1), exportedAt: z.iso.datetime() });
const RecordLine = z.strictObject({
  collection: z.string().regex(COLLECTION_NAME, 'a collection name'),
  key: z.string().min(1).max(2000),
  value: z.json(),
  expiresAt: z.iso.datetime().optional(),
});
const JobLine = z.strictObject({ job: z.strictObject({ name: z.string().min(1), key: z.string().min(1), runAt: z.iso.datetime(), payload: z.json() }) });
const Line = z.union([RecordLine, JobLine]);

export interface TransferApp {
  store: Store;
  scheduler: JobScheduler;
  collections: readonly CollectionSpec[];
}

/** A value with its object keys sorted: PostgreSQL's jsonb reorders keys, and an export should not depend on the store. */
function canonical(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k]!)]));
  return value;
}

/** Writes the export, line by line, to `write`, values with sorted keys; resolves with the counts. */
export async function exportData(app: TransferApp, write: (line: string) => void, now = new Date()): Promise<{ records: number; jobs: number }> {
  write(JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: now.toISOString() }));
  let records = 0;
  const names = [...new Set(app.collections.map((c) => c.name))].filter((n) => !NOT_EXPORTED.has(n)).sort();
  for (const collection of names) {
    for await (const r of listAll(app.store, collection, '')) {
      write(JSON.stringify({ collection, key: r.key, value: canonical(r.value), ...(r.expiresAt ? { expiresAt: r.expiresAt.toISOString() } : {}) }));
      records++;
    }
  }
  const jobs = await app.scheduler.specs();
  for (const j of jobs) write(JSON.stringify({ job: { name: j.name, key: j.key, runAt: j.runAt.toISOString(), payload: canonical(j.payload) } }));
  return { records, jobs: jobs.length };
}

/** Reads an export; every line is checked before anything is written. Throws naming the first bad line. */
export async function importData(app: TransferApp, input: NodeJS.ReadableStream): Promise<{ records: number; jobs: number }> {
  const lines: z.infer<typeof Line>[] = [];
  const known = new Set(app.collections.map((c) => c.name));
  let n = 0;
  for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (raw.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error(`line ${n}: not JSON`);
    }
    if (n === 1) {
      const header = Header.safeParse(json);
      if (!header.success) throw new Error(`line 1: not an advisor export (expected {"format":"${EXPORT_FORMAT}","version":1,…})`);
      continue;
    }
    const parsed = Line.safeParse(json);
    if (!parsed.success) throw new Error(`line ${n}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}`);
    if ('collection' in parsed.data && !known.has(parsed.data.collection)) throw new Error(`line ${n}: no collection "${parsed.data.collection}" in this version of the advisor`);
    lines.push(parsed.data);
  }
  if (n === 0) throw new Error('the export is empty');
  let records = 0;
  let jobs = 0;
  for (const line of lines) {
    if ('job' in line) {
      await app.scheduler.schedule({ name: line.job.name, key: line.job.key, runAt: new Date(line.job.runAt), payload: line.job.payload as JsonValue });
      jobs++;
    } else {
      await app.store.put(line.collection, line.key, line.value as JsonValue, line.expiresAt ? { expiresAt: new Date(line.expiresAt) } : undefined);
      records++;
    }
  }
  return { records, jobs };
}
