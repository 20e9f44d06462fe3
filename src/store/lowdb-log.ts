/**
 * The `log` layout's file: one JSON line per change (`{"k":key,"r":{"v":…,"e":…}}`, or `"r":null` for a deletion),
 * appended by each write and replayed on load; the partition rewrites it whole when it holds four times more lines
 * than records (lowdb-partition.ts, takeLogWrite). A write costs what it changes, so the inbox, fsynced before every
 * acknowledgement, costs the same with ten deliveries waiting as with ten thousand.
 */
import fsCb from 'node:fs';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import { writeSynced } from './lowdb-files.js';
import { Partition, type Entry } from './lowdb-partition.js';
import { StoreError } from './store.js';

export const LOG_FILE_NAME = 'log.jsonl';

const appendFileCb = promisify(fsCb.appendFile);

/** Appends text to a log file (creating it), fsynced first when `sync`. */
export async function appendToLog(file: string, text: string, sync: boolean): Promise<void> {
  if (text === '') return;
  if (sync) await writeSynced(file, text, 'a');
  else await appendFileCb(file, text);
}

function isEntry(r: unknown): r is Entry {
  if (typeof r !== 'object' || r === null || Array.isArray(r) || !('v' in r)) return false;
  const e: unknown = (r as { e?: unknown }).e;
  return e === undefined || typeof e === 'number';
}

/**
 * Reads a log file into a partition (absent: empty). A last line cut short (a crash during an append that was never
 * acknowledged) is dropped, and the next write rewrites the file; any other unreadable line throws STORE_CORRUPT
 * naming the file and the line, and the file is left untouched.
 */
export async function readLogPartition(file: string, collection: string): Promise<Partition> {
  const partition = new Partition(collection, '', file, true);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return partition;
    throw new StoreError('STORE_UNREADABLE', `Cannot read the store file ${file}: ${(cause as Error).message}`, { cause });
  }
  const lines = text.split('\n');
  // A file that ends with a newline splits into a last empty string; one that does not ends with a torn line.
  const last = lines.pop()!;
  const torn = last !== '';
  let count = 0;
  lines.forEach((line, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (cause) {
      throw new StoreError('STORE_CORRUPT', `The store file ${file} has an unreadable line ${i + 1} (${(cause as Error).message}). It was left untouched; restore it from a backup, or move it away to lose its records.`, { cause });
    }
    const { k, r } = (parsed ?? {}) as { k?: unknown; r?: unknown };
    if (typeof k !== 'string' || (r !== null && !isEntry(r))) {
      throw new StoreError('STORE_CORRUPT', `The store file ${file} has a line ${i + 1} that is not a record of the advisor store. It was left untouched; restore it from a backup, or move it away to lose its records.`);
    }
    if (r === null) partition.remove(k);
    else partition.set(k, r);
    count++;
  });
  partition.loadedLog(count, torn);
  return partition;
}
