/**
 * `advisor db migrate` and `advisor db status`: the PostgreSQL schema (DATABASE_URL). Migrate applies what is pending
 * (the same as every start does, under the same advisory lock); status lists every migration and when it was applied.
 */
import pg from 'pg';
import { loadMigrations, migrate, migrationStatus } from '../store/pg-migrations.js';

/** The settings this command reads (a structural type: tools do not import the composition root). */
export interface DbSettings {
  DATABASE_URL?: string;
}

export async function db(config: DbSettings, command: string | undefined): Promise<void> {
  if (command !== 'migrate' && command !== 'status') throw new Error(`Unknown db command "${command ?? ''}": use db migrate or db status`);
  if (!config.DATABASE_URL) throw new Error('db migrate and db status need DATABASE_URL (the embedded store under DATA_DIR has no schema to migrate)');
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    const migrations = loadMigrations();
    if (command === 'migrate') {
      const applied = await migrate(pool, migrations);
      console.log(applied.length ? `applied: ${applied.map((id) => migrations.find((m) => m.id === id)!).map((m) => `${String(m.id).padStart(3, '0')}_${m.name}`).join(', ')}` : 'the schema is up to date');
      return;
    }
    for (const s of await migrationStatus(pool, migrations)) console.log(`${String(s.id).padStart(3, '0')}_${s.name}\t${s.appliedAt ? `applied ${s.appliedAt.toISOString()}` : 'pending'}`);
  } finally {
    await pool.end();
  }
}
