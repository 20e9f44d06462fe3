/**
 * DATA_DIR's lock, held for the life of the embedded store. proper-lockfile's default, when the lock is removed or
 * changed under the process (or its folder turns read-only), is to throw from a timer, which kills the process. Here
 * the lock reports a problem instead: the store refuses writes and /readyz says why, while the lock is taken again as
 * soon as it can be (nobody else holds it then, since a live holder keeps it fresh).
 */
import { lockDataDir, lockPath } from './lowdb-files.js';
import { StoreError } from './store.js';

/** How often a lost lock is tried again. */
const RELOCK_INTERVAL_MS = 5_000;

export type LockEvent = { lost: boolean; message: string };

export class DataDirLock {
  /** Set while this process does not hold the lock. */
  problem: StoreError | undefined;
  private releaseHeld: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly root: string,
    private readonly onEvent: (event: LockEvent) => void,
  ) {}

  /** Takes the lock, waiting up to `waitMs` for another process's to go stale; throws STORE_LOCKED or STORE_UNREADABLE. */
  static async take(root: string, waitMs: number, onEvent: (event: LockEvent) => void = () => undefined): Promise<DataDirLock> {
    const lock = new DataDirLock(root, onEvent);
    lock.releaseHeld = await lockDataDir(root, waitMs, (err) => lock.lost(err));
    return lock;
  }

  private lost(err: Error): void {
    if (this.closed) return;
    this.releaseHeld = undefined;
    const file = lockPath(this.root);
    const message = `The lock file ${file} was removed or changed by something other than this advisor (${err.message}). Writes are refused until this process holds it again; it retries every ${RELOCK_INTERVAL_MS / 1000} s.`;
    this.problem = new StoreError('STORE_LOCKED', message);
    this.onEvent({ lost: true, message });
    const relock = (): void => {
      this.timer = undefined;
      if (this.closed) return;
      lockDataDir(this.root, 0, (again) => this.lost(again)).then(
        (release) => {
          if (this.closed) return void release().catch(() => undefined);
          this.releaseHeld = release;
          this.problem = undefined;
          this.onEvent({ lost: false, message: `Took the lock file ${file} again; writes go on.` });
        },
        (cause: Error) => {
          this.problem = new StoreError('STORE_LOCKED', `${message} Taking it again failed: ${cause.message}`);
          this.timer = setTimeout(relock, RELOCK_INTERVAL_MS).unref();
        },
      );
    };
    relock();
  }

  async release(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.releaseHeld?.();
  }
}
