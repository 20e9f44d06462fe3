/**
 * `advisor db migrate`, `db status` and `db vacuum`: the PostgreSQL schema (DATABASE_URL). Migrate applies what is
 * pending (the same as every start does, under the same advisory lock); status lists every migration and when it was
 * applied; vacuum deletes expired records now (every instance's store also does it every ten minutes).
 */
import { endPool, openPool } from '../store/pg-pool.js';
import { loadMigrations, migrate, migrationStatus } from '../store/pg-migrations.js';
import { PgStore } from '../store/pg-store.js';

/** The settings this command reads (a structural type: tools do not import the composition root). */
export interface DbSettings {
  DATABASE_URL?: string;
}

export async function db(config: DbSettings, command: string | undefined): Promise<void> {
  if (command !== 'migrate' && command !== 'status' && command !== 'vacuum') throw new Error(`Unknown db command "${command ?? ''}": use db migrate, db status or db vacuum`);
  if (!config.DATABASE_URL) throw new Error('db migrate, db status and db vacuum need DATABASE_URL (the embedded store under DATA_DIR has no schema to migrate)');
  if (command === 'vacuum') {
    const store = await PgStore.open(config.DATABASE_URL, { poolSize: 1 });
    try {
      console.log(`deleted ${await store.sweep()} expired records`);
    } finally {
      await store.close();
    }
    return;
  }
  const pool = openPool(config.DATABASE_URL, 1);
  try {
    const migrations = loadMigrations();
    if (command === 'migrate') {
      const applied = await migrate(pool, migrations);
      console.log(applied.length ? `applied: ${applied.map((id) => migrations.find((m) => m.id === id)!).map((m) => `${String(m.id).padStart(3, '0')}_${m.name}`).join(', ')}` : 'the schema is up to date');
      return;
    }
    for (const s of await migrationStatus(pool, migrations)) console.log(`${String(s.id).padStart(3, '0')}_${s.name}\t${s.appliedAt ? `applied ${s.appliedAt.toISOString()}` : 'pending'}`);
  } finally {
    await endPool(pool);
  }
}
