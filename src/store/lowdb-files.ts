/**
 * The embedded store's file work besides partition files: fsync, the journal that makes a multi-file batch atomic,
 * the legacy single-file store.json that open() migrates, and the inter-process lock.
 *
 * Journal protocol (for a batch holding an updateMany that spans partitions): the journal, holding the new contents
 * of every partition of those updateManys, is written to a temp file, fsynced and renamed into place: that rename is
 * the commit. Then the partition files are written and fsynced, then the journal is deleted. A crash before the
 * rename leaves the old files (never committed); after it, open() rewrites the partitions from the journal.
 */
import fsCb from 'node:fs';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { COLLECTION_NAME } from './collections.js';
import { invalidPartitionDoc, partitionFileName, type PartitionDoc } from './lowdb-partition.js';
import { StoreError, type JsonValue } from './store.js';

export const LEGACY_FILE_NAME = 'store.json';
export const STORE_FOLDER = 'store';
export const JOURNAL_FILE_NAME = 'journal.json';

/** Flushes a file's contents to the disk. */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames and deletions inside a folder durable; a no-op where folders cannot be opened (Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  try {
    await fsyncFile(dir);
  } catch (cause) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES'].includes((cause as NodeJS.ErrnoException).code ?? '')) throw cause;
  }
}

/** Writes a file through a temp file, fsynced before the rename, so the name always holds a complete file. */
export async function writeDurably(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
  await fsyncDir(path.dirname(file));
}

/** The file of a partition under DATA_DIR/store. */
export function partitionPath(storeDir: string, collection: string, partition: string): string {
  return path.join(storeDir, collection, partitionFileName(partition));
}

/** Commits a batch: after this resolves, open() will finish the batch whatever happens to the partition writes. */
export async function writeJournal(storeDir: string, docs: readonly PartitionDoc[]): Promise<void> {
  await writeDurably(path.join(storeDir, JOURNAL_FILE_NAME), JSON.stringify({ format: 'sme-advisor-journal', version: 1, partitions: docs }));
}

/** Ends a batch whose partition files are durable. */
export async function removeJournal(storeDir: string): Promise<void> {
  await fs.rm(path.join(storeDir, JOURNAL_FILE_NAME), { force: true });
  await fsyncDir(storeDir);
}

const JournalSchema = z.strictObject({ format: z.literal('sme-advisor-journal'), version: z.literal(1), partitions: z.array(z.unknown()).min(1) });

/**
 * Finishes a committed batch left by a crash: rewrites its partitions and removes the journal. A journal that does
 * not parse or validate was never committed (the rename is the commit), so it is ignored and removed. Returns the
 * number of partitions rewritten.
 */
export async function replayJournal(storeDir: string): Promise<number> {
  const file = path.join(storeDir, JOURNAL_FILE_NAME);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new StoreError('STORE_UNREADABLE', `Cannot read the store journal ${file}: ${(cause as Error).message}`, { cause });
  }
  let docs: PartitionDoc[] | undefined;
  try {
    const journal = JournalSchema.parse(JSON.parse(text));
    const valid = journal.partitions.every((doc) => invalidPartitionDoc(doc) === undefined && COLLECTION_NAME.test((doc as PartitionDoc).collection));
    docs = valid ? (journal.partitions as PartitionDoc[]) : undefined;
  } catch {
    docs = undefined;
  }
  for (const doc of docs ?? []) {
    const target = partitionPath(storeDir, doc.collection, doc.partition);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await writeDurably(target, JSON.stringify(doc));
  }
  await removeJournal(storeDir);
  return docs?.length ?? 0;
}

const LegacySchema = z.strictObject({
  format: z.literal('sme-advisor-store'),
  version: z.literal(1),
  collections: z.record(z.string().regex(COLLECTION_NAME), z.record(z.string(), z.json())),
});
export type LegacyCollections = Record<string, Record<string, JsonValue>>;

/** Today's single-file store, when DATA_DIR/store.json exists; throws STORE_CORRUPT naming it when it is not one. */
export async function readLegacyStore(file: string): Promise<LegacyCollections | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError('STORE_UNREADABLE', `Cannot read the data file ${file}: ${(cause as Error).message}`, { cause });
  }
  const fix = 'It was left untouched; restore it from a backup or move it away to start empty.';
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new StoreError('STORE_CORRUPT', `Cannot read the data file ${file}: it is not valid JSON (${(cause as Error).message}). ${fix}`, { cause });
  }
  const parsed = LegacySchema.safeParse(doc);
  if (!parsed.success) {
    throw new StoreError('STORE_CORRUPT', `The data file ${file} is not an advisor store (${parsed.error.issues[0]?.message ?? 'unexpected shape'}). ${fix}`);
  }
  return parsed.data.collections;
}

/** Renames a migrated store.json out of the way, never over an earlier migrated copy, and makes the rename durable. */
export async function retireLegacyStore(file: string): Promise<string> {
  let target = `${file}.migrated`;
  for (let n = 1; await fs.access(target).then(() => true, () => false); n++) target = `${file}.migrated.${n}`;
  await fs.rename(file, target);
  await fsyncDir(path.dirname(file));
  return target;
}

/**
 * Takes DATA_DIR's lock. The lock file is the one today's single-file store used, so an old and a new version of
 * the advisor also keep each other out of one DATA_DIR.
 */
export async function lockDataDir(dataDir: string, waitMs: number, onCompromised?: (err: Error) => void): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: lockPath(dataDir),
      stale: 5_000,
      retries: { retries: Math.ceil(waitMs / 250), minTimeout: 250, maxTimeout: 250, factor: 1 },
      // proper-lockfile's default throws from a timer, which kills the process: the store reports it instead.
      ...(onCompromised ? { onCompromised } : {}),
    });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    // Only ELOCKED means another process: a folder that cannot be written must not be reported as "in use".
    if (code !== 'ELOCKED') {
      throw new StoreError('STORE_UNREADABLE', `Cannot take the lock ${lockPath(dataDir)} in the data folder ${dataDir}: ${(cause as Error).message}. Check that the folder exists and this process may write to it.`, { cause });
    }
    throw new StoreError(
      'STORE_LOCKED',
      `The data folder ${dataDir} is in use by another advisor process (its lock ${lockPath(dataDir)} is held and kept fresh). Stop it, or give this one its own DATA_DIR (several instances sharing data need PostgreSQL).`,
      { cause },
    );
  }
}

/** The lock's path: the one the single-file store used, so old and new versions keep each other out. */
export function lockPath(dataDir: string): string {
  return path.join(dataDir, `${LEGACY_FILE_NAME}.lock`);
}

/** Files read or written at once: enough to overlap I/O, few enough never to run out of file descriptors. */
const IO_CONCURRENCY = 32;

const writeFileCb = promisify(fsCb.writeFile);
const renameCb = promisify(fsCb.rename);
const openCb = promisify(fsCb.open);
const writeCb = promisify(fsCb.write);
const fsyncCb = promisify(fsCb.fsync);
const closeCb = promisify(fsCb.close);

/**
 * Replaces a file atomically, as steno does (write a temporary file beside it, rename it over the old one: a crash
 * leaves the old or the new file, never a torn one). Through fs's callback API: each fs/promises call allocates a
 * FileHandle with a finalizer, and a batch writes many small files (bench:slack's profile showed it).
 * Never two writes of one file at once: batches do not overlap and a batch writes a partition once.
 */
export async function writeReplacing(file: string, text: string, sync = false): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  // With `sync` the temporary file reaches the disk before the rename, so the name never points at unwritten bytes;
  // the caller fsyncs the folder once per batch to make the renames themselves durable.
  if (sync) await writeSynced(temp, text, 'w');
  else await writeFileCb(temp, text);
  await renameCb(temp, file);
}

/** Writes (flag 'w') or appends (flag 'a') text and fsyncs it before closing, through fs's callback API. */
export async function writeSynced(file: string, text: string, flag: 'w' | 'a'): Promise<void> {
  const fd = await openCb(file, flag);
  try {
    await writeCb(fd, text);
    await fsyncCb(fd);
  } finally {
    await closeCb(fd);
  }
}

/** Runs `fn` over items, at most IO_CONCURRENCY at a time. */
export async function eachLimited<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(IO_CONCURRENCY, items.length) }, worker));
}
