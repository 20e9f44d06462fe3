/** The core through the in-process harness: idle expiry with a fake clock, concurrent turns, and event validation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectingOutput } from '../../src/core/collect.js';
import { TestAdvisor } from '../helpers/advisor.js';

describe('Advisor core', () => {
  let t: TestAdvisor;
  beforeAll(async () => {
    t = await TestAdvisor.start();
  });
  afterAll(() => t.close());

  it('closes a 5-Whys dialogue left idle for more than 24 hours, and says so', async () => {
    const idle = t.as('idle', 'c1');
    await idle.send('5 whys');
    (await idle.send('Our exports to Finland stall')).expectReply(/Why 1 of 5/);
    t.clock.advance({ hours: 23 });
    (await idle.send('Because our prices are high')).expectReply(/Why 2 of 5/);
    t.clock.advance({ hours: 25 });
    const after = await idle.send('Because of transport costs');
    after.expectReply(/closed after a long time without activity/);
    expect(after.text()).not.toMatch(/Why 3 of 5/);
  });

  it('keeps every concurrent turn of several users in one channel', async () => {
    const users = Array.from({ length: 8 }, (_, i) => t.as(`u${i}`, 'c1'));
    await Promise.all(users.map((u) => u.send('5 whys')));
    await Promise.all(users.map((u, i) => u.send(`Problem of u${i}`)));
    const next = await Promise.all(users.map((u, i) => u.send(`Because of u${i}`)));
    next.forEach((turn, i) => turn.expectReply(new RegExp(`Why 2 of 5[\\s\\S]*Because of u${i}`)));
  });

  it('answers an invalid event privately instead of throwing', async () => {
    const out = new CollectingOutput({ channel: 'web', conversation: 'c' }, () => 'x');
    await t.app.advisor.handle({ channel: 'web', user: '', conversation: 'c', text: 'hi' }, out);
    expect(out.replies[0]).toMatchObject({ audience: 'private', text: expect.stringMatching(/could not read that message: user/) });
    const out2 = new CollectingOutput({ channel: 'web', conversation: 'c' }, () => 'y');
    await t.app.advisor.handle({ channel: 'web', user: 'a', conversation: 'c' } as never, out2);
    expect(out2.replies[0]!.text).toMatch(/either text or an action/);
  });

  it('forgets everything a user left in every feature, and nothing of anyone else', async () => {
    const zoe = t.as('zoe');
    await zoe.send('my country is Austria');
    (await zoe.send('Do we need CE marking to sell our machines abroad?')).expectReply(/CE marking/);
    await t.as('other').send('Do we need CE marking to sell our machines abroad?');
    const ask = await zoe.send('forget me');
    const done = await zoe.press(ask.button('privacy.confirm'));
    done.expectReply(/Done\. I deleted your profile, 0 saved analyses and \d+ open dialogues?/);
    done.expectUpdate(/You confirmed the deletion/, ask.replies[0]!.id);
    (await zoe.send('more')).expectReply(/nothing to show more of/);
    (await zoe.send('my profile')).expectReply(/Country: not set/);
    (await t.as('other').send('more')).expectReply(/\(more\)|everything I have/);
  });

  it('answers a profile form submitted without a country, or with an unknown one, and saves nothing', async () => {
    const kim = t.as('kim');
    (await kim.press({ id: 'profile.save', value: '', fields: { sector: 'food' } })).expectReply(/Please choose the country of your company/);
    (await kim.press({ id: 'profile.save', value: '', fields: { country: 'Atlantis' } })).expectReply(/I don't know the country “Atlantis”/);
    (await kim.send('my profile')).expectReply(/Country: not set\nSector: not set/);
  });

  it('continues a 5-Whys analysis saved by the previous version of the session record', async () => {
    const now = t.clock.now().toISOString();
    const { sessionKey } = { sessionKey: 'cli:-:legacy:dm%3Alegacy:-' };
    await t.app.store.put('dialogs', sessionKey, {
      version: 1,
      updatedAt: now,
      whys: { version: 1, id: 'w-old', step: 'why', problem: 'Our sales in Norway stall', chain: [], picks: [], startedAt: now, updatedAt: now, lang: 'en' },
    });
    (await t.as('legacy').send('Because nobody knows us there')).expectReply(/Why 2 of 5/);
  });
});
