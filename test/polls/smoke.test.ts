import { afterEach, expect, it } from 'vitest';
import { TestAdvisor } from '../helpers/advisor.js';

let t: TestAdvisor;
afterEach(() => t?.close());
it('smoke', async () => {
  t = await TestAdvisor.start({ ADVISOR_MANAGERS: 'mgr' });
  const r = await t.as('mgr', 'C1').send('poll "Which fair?" "Hannover Messe" "MWC" --closes 2h');
  console.log(JSON.stringify(r.replies), JSON.stringify(t.messenger.posts, null, 1).slice(0, 3000));
  const card = t.messenger.posts[0]!;
  const b = card.message.buttons![0]!;
  const v = await t.as('u1', 'C1').press({ ...b.action, source: card.ref.id });
  console.log(JSON.stringify(v.replies), JSON.stringify(t.messenger.updates.at(-1)?.message.text));
  const d = await t.as('mgr', 'C1').send('poll dots "Barriers?" "A" "B" "C" --least');
  console.log(d.text());
  const card2 = t.messenger.posts.at(-1)!;
  for (let i = 0; i < 4; i++) console.log((await t.as('u1', 'C1').press(card2.message.buttons![0]!.action)).text());
  console.log((await t.as('u2', 'C1').send('dots 1 2 2')).text());
  console.log((await t.as('mgr', 'C1').send('poll close')).text());
  console.log(t.messenger.posts.at(-1)!.message.text, t.messenger.posts.at(-1)!.message.attachments?.map((a) => [a.name, a.data.length]));
  expect(1).toBe(1);
});
