/**
 * Schema migrations of the PostgreSQL store: numbered SQL files in src/store/migrations (`001_records.sql`, …),
 * applied in order, each once, all pending ones in one transaction under an advisory lock, so that several instances
 * starting together on an empty database apply them once and none starts on half a schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';
import { inTransaction } from './pg-transaction.js';

/** The advisory lock key of migrations (any constant; the same in every instance). */
const MIGRATION_LOCK = 7_214_031_001;

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** The folder of the SQL files: found from this module's place in src/ or in dist/ (both below the package root). */
function migrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'src', 'store', 'migrations');
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find src/store/migrations: the advisor runs from its package folder');
    dir = up;
  }
}

/** Every migration, in order; a file name that is not `NNN_name.sql` is an error, not skipped. */
export function loadMigrations(dir = migrationsDir()): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!m) throw new Error(`migration file ${file} is not named NNN_name.sql`);
      return { id: Number(m[1]), name: m[2]!, sql: fs.readFileSync(path.join(dir, file), 'utf8') };
    });
}

export interface MigrationStatus {
  id: number;
  name: string;
  appliedAt?: Date;
}

/** Applies what is not applied yet; returns the ids it applied (none when the schema is current). */
export async function migrate(pool: Pool, migrations = loadMigrations()): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    }
    return applied;
  });
}

/** Every known migration and when it was applied (undefined: pending). */
export async function migrationStatus(pool: Pool, migrations = loadMigrations()): Promise<MigrationStatus[]> {
  const exists = await pool.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  const rows = exists.rows[0]?.present ? (await pool.query<{ id: number; applied_at: Date }>('SELECT id, applied_at FROM schema_migrations')).rows : [];
  const at = new Map(rows.map((r) => [r.id, r.applied_at]));
  return migrations.map((m) => ({ id: m.id, name: m.name, ...(at.has(m.id) ? { appliedAt: at.get(m.id)! } : {}) }));
}
