/**
 * `advisor export` / `advisor import` round trip between the real lowdb files and the real PostgreSQL server: every
 * record (with its expiry) and every pending job arrive unchanged, both ways; a bad line is named and nothing is
 * written; `db vacuum` deletes expired records.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endPool, openPool } from '../../src/store/pg-pool.js';
import { JsonlChat } from '../helpers/jsonl.js';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const cli = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, ['dist/cli.js', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', ...env }, maxBuffer: 64 * 1024 * 1024 });
/** The lines of an export without its header (whose time differs), sorted. */
const body = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).sort();

describe('export and import between lowdb and PostgreSQL', () => {
  const { dir, cleanup } = tempDir();
  let databases: TestDatabase[] = [];
  beforeAll(async () => {
    databases = [await createDatabase('advisor_x'), await createDatabase('advisor_y')];
  });
  afterAll(async () => {
    for (const db of databases) await db.drop();
    cleanup();
  });

  it('round-trips every record, expiry and pending job, both ways', async () => {
    const lowdb = path.join(dir, 'lowdb');
    const chat = new JsonlChat({ DATA_DIR: lowdb, ADVISOR_MANAGERS: 'mgr', ADVISOR_FACILITATORS: 'fac' });
    await chat.say('ann', 'my country is Sweden');
    await chat.say('ann', '5 whys');
    await chat.say('mgr', 'poll "Which fair?" "Hannover Messe" "MWC" --closes 3d --anonymous', { conversation: 'cluster' });
    await chat.say('bo', 'vote 2', { conversation: 'cluster' });
    await chat.say('fac', 'survey new "Barriers" --template custom --audience ann, bo --closes 10d');
    await chat.say('fac', 'survey question add "How ready are you?" --rating 1-5');
    await chat.say('fac', 'survey open');
    await chat.close();

    const first = path.join(dir, 'first.jsonl');
    await cli({ DATA_DIR: lowdb }, 'export', '--out', first);
    const lines = body(first);
    expect(fs.readFileSync(first, 'utf8').split('\n')[0]).toMatch(/^\{"format":"sme-advisor-export","version":1,"exportedAt":"/);
    const collections = new Set(lines.filter((l) => l.startsWith('{"collection"')).map((l) => (JSON.parse(l) as { collection: string }).collection));
    expect([...collections]).toEqual(expect.arrayContaining(['profiles', 'dialogs', 'polls', 'poll_tallies', 'poll_votes', 'surveys', 'survey_participants', 'secrets']));
    expect(lines.some((l) => /"expiresAt":"/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('{"job"')).map((l) => (JSON.parse(l) as { job: { name: string } }).job.name)).toEqual(expect.arrayContaining(['polls.close', 'surveys.close', 'surveys.remind']));

    // lowdb → PostgreSQL → export: the same lines.
    const pgEnv = { DATABASE_URL: databases[0]!.url, DATA_DIR: path.join(dir, 'unused') };
    expect((await cli(pgEnv, 'import', first)).stderr).toMatch(/imported \d+ records and \d+ jobs/);
    const second = path.join(dir, 'second.jsonl');
    await cli(pgEnv, 'export', '--out', second);
    expect(body(second)).toEqual(lines);
    expect(fs.existsSync(path.join(dir, 'unused'))).toBe(false);

    // PostgreSQL → lowdb → export: the same again.
    const back = path.join(dir, 'back');
    await cli({ DATA_DIR: back }, 'import', second);
    const third = path.join(dir, 'third.jsonl');
    await cli({ DATA_DIR: back }, 'export', '--out', third);
    expect(body(third)).toEqual(lines);
  }, 90_000);

  it('names a bad line and writes nothing; db vacuum deletes expired records', async () => {
    const env = { DATABASE_URL: databases[1]!.url };
    const file = path.join(dir, 'bad.jsonl');
    const header = JSON.stringify({ format: 'sme-advisor-export', version: 1, exportedAt: new Date().toISOString() });
    fs.writeFileSync(file, [header, JSON.stringify({ collection: 'profiles', key: 'cli:-:x', value: {} }), JSON.stringify({ collection: 'nope', key: 'k', value: 1 })].join('\n'));
    const failed = await cli(env, 'import', file).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringMatching(/line 3: no collection "nope"/) });
    const pool = openPool(env.DATABASE_URL);
    try {
      expect((await pool.query('SELECT count(*)::int AS n FROM records')).rows[0].n).toBe(0);
      fs.writeFileSync(file, [header, JSON.stringify({ collection: 'profiles', key: 'cli:-:x', value: { updatedAt: 'x' }, expiresAt: '2000-01-01T00:00:00.000Z' })].join('\n'));
      await cli(env, 'import', file);
      expect((await pool.query('SELECT count(*)::int AS n FROM records')).rows[0].n).toBe(1);
      expect((await cli(env, 'db', 'vacuum')).stdout).toBe('deleted 1 expired records\n');
      expect((await pool.query('SELECT count(*)::int AS n FROM records')).rows[0].n).toBe(0);
    } finally {
      await endPool(pool);
    }
  }, 60_000);
});
