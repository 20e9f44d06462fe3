/** The core without any channel: idle expiry with an injected clock, concurrent turns, and event validation. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Advisor } from '../../src/core/advisor.js';
import { Knowledge, loadDataset } from '../../src/knowledge/dataset.js';
import { RetrievalIndex } from '../../src/knowledge/retrieval.js';
import { Matcher } from '../../src/nlu/matcher.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

describe('Advisor core', () => {
  const { dir, cleanup } = tempDir();
  let store: LowdbStore;
  let now = new Date('2026-11-22T09:00:00Z');
  let advisor: Advisor;
  beforeAll(async () => {
    store = await LowdbStore.open(dir);
    const knowledge = new Knowledge(loadDataset(path.join(ROOT, 'data')));
    advisor = new Advisor({
      store,
      knowledge,
      retrieval: new RetrievalIndex(knowledge.data),
      matcher: new Matcher({ intentsDir: path.join(ROOT, 'intents') }),
      clock: () => now,
    });
  });
  afterAll(async () => {
    await store.close();
    cleanup();
  });
  const say = (user: string, text: string) => advisor.handle({ channel: 'web', user, conversation: 'c1', text }).then((r) => r.replies.map((x) => x.text).join('\n'));

  it('closes a 5-Whys dialogue left idle for more than 24 hours, and says so', async () => {
    await say('idle', '5 whys');
    expect(await say('idle', 'Our exports to Finland stall')).toMatch(/Why 1 of 5/);
    now = new Date(now.getTime() + 23 * 3600_000);
    expect(await say('idle', 'Because our prices are high')).toMatch(/Why 2 of 5/);
    now = new Date(now.getTime() + 25 * 3600_000);
    const after = await say('idle', 'Because of transport costs');
    expect(after).toMatch(/closed after a long time without activity/);
    expect(after).not.toMatch(/Why 3 of 5/);
  });

  it('keeps every concurrent turn of several users in one channel', async () => {
    const users = Array.from({ length: 8 }, (_, i) => `u${i}`);
    await Promise.all(users.map((u) => say(u, '5 whys')));
    await Promise.all(users.map((u) => say(u, `Problem of ${u}`)));
    const next = await Promise.all(users.map((u) => say(u, `Because of ${u}`)));
    next.forEach((text, i) => expect(text).toMatch(new RegExp(`Why 2 of 5[\\s\\S]*Because of u${i}`)));
  });

  it('answers an invalid event instead of throwing', async () => {
    const r = await advisor.handle({ channel: 'web', user: '', conversation: 'c', text: 'hi' });
    expect(r.replies[0]!.text).toMatch(/could not read that message: user/);
    const r2 = await advisor.handle({ channel: 'web', user: 'a', conversation: 'c' } as never);
    expect(r2.replies[0]!.text).toMatch(/either text or an action/);
  });
});
