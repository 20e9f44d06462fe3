/**
 * A database of its own on the test PostgreSQL server (127.0.0.1:5432, trust auth, or PG_TEST_URL), created for a
 * suite and dropped after it, so that runs never see each other's data.
 */
import crypto from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL of database `name` on the admin URL's server. */
export const databaseUrl = (name: string): string => Object.assign(new URL(PG_ADMIN), { pathname: `/${name}` }).toString();

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh database named `<prefix>_<random>`. */
export async function createDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return { name, url: databaseUrl(name), drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}
