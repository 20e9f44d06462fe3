/** The 5-Whys dialogue through the in-process harness: its steps, and the reminder job before an idle analysis closes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAdvisor } from '../helpers/advisor.js';

describe('5-Whys dialogue', () => {
  let t: TestAdvisor;
  beforeAll(async () => {
    t = await TestAdvisor.start();
  });
  afterAll(() => t.close());

  it('walks problem → whys → summary with typed and clicked navigation', async () => {
    const ann = t.as('ann');
    (await ann.send('5 whys')).expectReply(/describe the problem/i);
    const why1 = (await ann.send('We cannot find distributors in Germany')).expectReply(/Why 1 of 5/);
    const why2 = (await ann.press(why1.button(/^1\. /))).expectReply(/Why 2 of 5/);
    (await ann.press(why2.button('whys.back'))).expectReply(/Went back one step[\s\S]*Why 1 of 5/);
    (await ann.send('Because nobody knows our brand there')).expectReply(/Why 2 of 5/);
    const summary = (await ann.send('root cause')).expectReply(/\*\*Root cause:\*\* Because nobody knows our brand there/);
    (await ann.press(summary.button('whys.save'))).expectReply(/Saved/);
    (await ann.send('my analyses')).expectReply(/Your saved analyses\*\* \(1\)/);
    // After the summary, a new question is a new request: the analysis closes.
    (await ann.send('Do we need CE marking to sell our machines abroad?')).expectReply(/What to do:/);
    (await ann.send('back')).expectReply(/no open 5-Whys analysis/);
  });

  it('reminds once, privately, before an idle analysis closes, and not after it ended', async () => {
    const bo = t.as('bo', 'room-1');
    await bo.send('5 whys');
    await bo.send('Our exports to Finland stall');
    t.clock.advance({ hours: 19 });
    expect(await t.runDue()).toBe(0);
    t.clock.advance({ hours: 2 });
    expect(await t.runDue()).toBe(1);
    const posted = t.messenger.posts.at(-1)!;
    expect(posted).toMatchObject({ to: { conversation: 'room-1' }, privateTo: { user: 'bo' }, message: { text: expect.stringMatching(/still open at \*\*Why 1 of 5\*\*[\s\S]*closes in about 4 hours/) } });
    // Each answer moves the reminder; stopping cancels it.
    await bo.send('Because our prices are high');
    t.clock.advance({ hours: 21 });
    expect(await t.runDue()).toBe(1);
    await bo.send('Because transport costs are high');
    await bo.send('stop');
    const before = t.messenger.posts.length;
    t.clock.advance({ hours: 21 });
    await t.runDue();
    expect(t.messenger.posts.length).toBe(before);
  });
});
