/**
 * Group commit for the embedded store: changes are already applied in memory; this writes the partitions they
 * touched. One batch writes while at most one more waits behind it and gathers every change made meanwhile, so a
 * burst of changes costs a few writes, batches never overlap (so no file is ever written twice at once), and
 * promises resolve in the order the changes were made. A batch holding an updateMany across partitions is journaled.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { eachLimited, fsyncDir, fsyncFile, removeJournal, writeJournal, writeReplacing } from './lowdb-files.js';
import { appendToLog } from './lowdb-log.js';
import type { Partition, PartitionDoc } from './lowdb-partition.js';
import { StoreError } from './store.js';

/**
 * How long a batch queued behind another waits, after that one ends, for more changes to join it. None: a batch costs
 * what its files hold, so waiting only adds latency (bench:slack: 15 ms, right for one big file, cost a third of the
 * answered events per second here); the changes made during the previous batch's write already share this one.
 */
const GROUP_COMMIT_DELAY_MS = 0;

export class BatchWriter {
  private readonly dirty = new Set<Partition>();
  /** Partitions changed by an updateMany that spans partitions: the next batch journals them. */
  private readonly journaled = new Set<Partition>();
  /** Partitions holding a change written with `sync`: the next batch fsyncs them and their folders. */
  private readonly synced = new Set<Partition>();
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** Collection folders known to exist: created once, not once per batch. */
  private readonly madeDirs = new Set<string>();

  constructor(
    /** DATA_DIR/store. */
    private readonly storeDir: string,
    private readonly now: () => number,
  ) {}

  /**
   * Marks partitions changed; `atomic` when they must reach the disk all or none (one updateMany), `sync` when the
   * change must survive a power cut, not only a crash of the process, before it is acknowledged (the inbox).
   */
  mark(parts: Iterable<Partition>, atomic = false, sync = false): void {
    for (const p of parts) {
      this.dirty.add(p);
      if (atomic) this.journaled.add(p);
      if (sync) this.synced.add(p);
    }
  }

  /** True while changes wait to be written or a batch is running. */
  get busy(): boolean {
    return this.dirty.size > 0 || this.writing !== undefined;
  }

  /**
   * Resolves once a batch that started after every change marked so far has completed. A change marked while a
   * batch runs waits for the next one; all changes marked meanwhile share it.
   */
  flush(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.writing) return (this.writing = this.start());
    this.queued = this.writing
      .catch(() => undefined)
      // One macrotask: changes of the same tick join, then the batch goes.
      .then(() => new Promise((resolve) => setTimeout(resolve, GROUP_COMMIT_DELAY_MS)))
      .then(() => {
        this.queued = undefined;
        return (this.writing = this.start());
      });
    return this.queued;
  }

  private start(): Promise<void> {
    const batch: Promise<void> = this.write().finally(() => {
      if (this.writing === batch) this.writing = undefined;
    });
    return batch;
  }

  /** Writes every dirty partition; journal first when the batch holds an updateMany across partitions. */
  private async write(): Promise<void> {
    const batch = [...this.dirty];
    const journaled = batch.filter((p) => this.journaled.has(p));
    const synced = new Set(batch.filter((p) => this.synced.has(p)));
    this.dirty.clear();
    this.journaled.clear();
    this.synced.clear();
    const now = this.now();
    // Snapshots taken now: later changes go to the next batch, and the journal holds exactly what is written. A log
    // partition appends its changes (or, now and then, rewrites itself compacted).
    const ops = new Map<Partition, { kind: 'append' | 'rewrite'; text: string }>(
      batch.map((p) => (p.prune(now), [p, p.log ? p.takeLogWrite() : { kind: 'rewrite', text: p.serialize() }])),
    );
    if (journaled.some((p) => p.log)) throw new StoreError('STORE_BAD_REQUEST', 'a log collection cannot take part in an updateMany across partitions');
    const texts = new Map<Partition, string>([...ops].map(([p, op]) => [p, op.text]));
    const dirs = [...new Set(batch.map((p) => path.dirname(p.file!)))];
    // A failed batch leaves its partitions dirty, so the next batch writes them again (and journals them again:
    // a journal left on disk must never be older than the partitions it names).
    const retry = (parts: readonly Partition[]): void => {
      this.mark(parts);
      this.mark(journaled, true);
      this.mark(synced, false, true);
    };
    let step = 'create the folders of';
    try {
      await Promise.all(dirs.filter((d) => !this.madeDirs.has(d)).map((d) => fs.mkdir(d, { recursive: true }).then(() => void this.madeDirs.add(d))));
      step = 'write the journal of';
      if (journaled.length > 0) await writeJournal(this.storeDir, journaled.map((p) => JSON.parse(texts.get(p)!) as PartitionDoc));
    } catch (cause) {
      retry(batch);
      for (const p of batch) if (p.log) p.logWriteFailed();
      throw new StoreError('STORE_WRITE_FAILED', `Could not ${step} a batch in ${this.storeDir}: ${(cause as Error).message}`, { cause });
    }
    const failed: { p: Partition; cause: unknown }[] = [];
    await eachLimited(batch, async (p) => {
      const op = ops.get(p)!;
      const written = op.kind === 'append' ? appendToLog(p.file!, op.text, synced.has(p)) : writeReplacing(p.file!, op.text, synced.has(p) || p.log);
      await written.catch((cause: unknown) => {
        // The file may now end in a torn line: rewrite it whole from memory next time.
        if (p.log) p.logWriteFailed();
        failed.push({ p, cause });
      });
    });
    if (failed.length > 0) {
      retry(failed.map((f) => f.p));
      const first = failed[0]!;
      throw new StoreError('STORE_WRITE_FAILED', `Could not write ${first.p.file}: ${(first.cause as Error).message}`, { cause: first.cause });
    }
    if (synced.size > 0) {
      try {
        // One fsync per folder for all the renames of the batch: concurrent acknowledgements share it.
        await Promise.all([...new Set([...synced].map((p) => path.dirname(p.file!)))].map(fsyncDir));
      } catch (cause) {
        retry([...synced]);
        throw new StoreError('STORE_WRITE_FAILED', `Could not make a batch durable in ${this.storeDir}: ${(cause as Error).message}`, { cause });
      }
    }
    if (journaled.length > 0) {
      try {
        // The journal may go only once the files it protects are on the disk.
        await eachLimited(journaled, (p) => fsyncFile(p.file!));
        await Promise.all(dirs.map(fsyncDir));
        await removeJournal(this.storeDir);
      } catch (cause) {
        retry([]);
        throw new StoreError('STORE_WRITE_FAILED', `Could not finish a journaled batch in ${this.storeDir}: ${(cause as Error).message}`, { cause });
      }
    }
  }
}
