/** The PostgreSQL connection pools of the store and the `db` tools: opened with an error listener, ended for real. */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** How long `endPool` waits for the server to see the connections go, at most. */
const CLOSE_WAIT_MS = 5_000;

/** A pool whose idle connections may be dropped by the server without crashing the process: the next query reports it. */
export function openPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Ends the pool and resolves once its connections have closed. `pool.end()` alone resolves as soon as it has asked
 * each connection to end, before the server has seen them go: a DROP DATABASE or a process exit right after would
 * still meet them.
 */
export async function endPool(pool: pg.Pool): Promise<void> {
  const open = pool.totalCount;
  let removed = 0;
  let onRemove = (): void => undefined;
  const closed = new Promise<void>((resolve) => {
    onRemove = () => void (++removed >= open && resolve());
    if (open === 0) resolve();
  });
  pool.on('remove', onRemove);
  try {
    await pool.end();
    // A connection that fails while still connecting leaves without a 'remove' event: the wait is bounded.
    await Promise.race([closed, sleep(CLOSE_WAIT_MS, undefined, { ref: false })]);
  } finally {
    pool.off('remove', onRemove);
  }
}
