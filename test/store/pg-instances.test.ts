/**
 * Two advisor processes (`chat --jsonl`) on one PostgreSQL database at the same time, which the embedded store's lock
 * would refuse: a poll created in one is voted in both, each vote counted once, and nothing is written under DATA_DIR.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';
import { JsonlChat, allText, type LineJson } from '../helpers/jsonl.js';
import { tempDir } from '../helpers/tmp.js';


describe('two advisor processes on one PostgreSQL database', () => {
  const { dir, cleanup } = tempDir();
  let database: TestDatabase;
  beforeAll(async () => void (database = await createDatabase('advisor_inst')));
  afterAll(async () => {
    await database.drop();
    cleanup();
  });

  it('shares one poll between them and counts every vote once', async () => {
    const env = { DATABASE_URL: database.url, DATA_DIR: path.join(dir, 'unused'), ADVISOR_MANAGERS: 'maria' };
    const [a, b] = [new JsonlChat(env), new JsonlChat(env)];
    const replies = (out: LineJson) => {
      if ('error' in out) throw new Error(out.error);
      return out.replies;
    };
    expect(allText(replies(await a.send({ user: 'maria', conversation: 'cluster', text: 'poll dots "Which barriers first?" "Finance" "Skills" "Contacts" --dots 3' })))).toMatch(/is posted/);
    // Votes of 20 members, half through each process, the two processes at the same time (each takes a line at a time).
    const through = async (chat: JsonlChat, parity: number) => {
      for (let i = parity; i < 20; i += 2) expect(allText(replies(await chat.send({ user: `m${i}`, conversation: 'cluster', text: 'dots 1 2 2' })))).toMatch(/Your vote is saved/);
    };
    await Promise.all([through(a, 0), through(b, 1)]);
    // A member who votes again in the other process replaces their vote, not adds to it.
    expect(allText(replies(await b.send({ user: 'm0', conversation: 'cluster', text: 'dots 3' })))).toMatch(/Your vote is saved/);
    const results = allText(replies(await b.send({ user: 'maria', conversation: 'cluster', text: 'poll results' })));
    expect(results).toMatch(/20 members have voted\.\n1\. Finance: 19 dots \(33 %\)\n2\. Skills: 38 dots \(66 %\)\n3\. Contacts: 1 dot \(2 %\)/);
    expect(await a.close()).toBe(0);
    expect(await b.close()).toBe(0);
    expect(fs.existsSync(path.join(dir, 'unused'))).toBe(false);
  }, 60_000);
});
