/**
 * Migration of today's single-file store (DATA_DIR/store.json) into the partitioned layout, run by open() before
 * anything else touches the store. It is idempotent: a crash halfway leaves store.json in place, and the next open
 * writes the same records again over whatever partitions the first attempt had written.
 */
import path from 'node:path';
import type { Catalog } from './lowdb-catalog.js';
import { eachLimited, fsyncDir, fsyncFile, readLegacyStore, retireLegacyStore } from './lowdb-files.js';
import type { Partition } from './lowdb-partition.js';

/** Moves store.json's records into partition files by the declared layouts, fsyncs them, then renames store.json. */
export async function migrateLegacyStore(legacyFile: string, storeDir: string, catalog: Catalog, commit: (parts: Iterable<Partition>) => Promise<void>): Promise<void> {
  const legacy = await readLegacyStore(legacyFile);
  if (!legacy) return;
  const written = new Set<Partition>();
  for (const [name, records] of Object.entries(legacy)) {
    const c = catalog.collection(name);
    // Lists the folder once (a half-done earlier migration may have left files), so new partitions need no read.
    await catalog.allPartitions(c);
    for (const [key, value] of Object.entries(records)) {
      const p = await catalog.partitionOfKey(c, key);
      p.set(key, { v: value });
      written.add(p);
    }
  }
  await commit(written);
  // Durable before store.json goes: after the rename, the partition files are the only copy the store reads.
  await eachLimited([...written], (p) => fsyncFile(p.file!));
  await Promise.all([...new Set([...written].map((p) => path.dirname(p.file!)))].map(fsyncDir));
  await fsyncDir(storeDir);
  await retireLegacyStore(legacyFile);
}
