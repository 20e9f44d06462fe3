/** The web chat's outbox: messages sent outside a turn wait for the visitor's page, in order, page by page. */
import { afterAll, describe, expect, it } from 'vitest';
import { WebMessenger, outbox } from '../../src/channels/web/messenger.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { FakeClock } from '../helpers/advisor.js';

describe('web outbox', () => {
  const clock = new FakeClock();
  const store = LowdbStore.memory({ collections: [outbox], clock: clock.now });
  const web = new WebMessenger(store, clock.now);
  afterAll(() => store.close());

  it('keeps posts, updates and deletes per visitor in delivery order, continuing after the last one read', async () => {
    const to = await web.direct({ channel: 'web', user: 'v1' });
    expect(to).toEqual({ channel: 'web', conversation: 'web:v1' });
    const ref = await web.post(to, { text: 'reminder one', buttons: [{ label: 'Stop', action: { id: 'whys.stop', value: 'w1' } }] });
    clock.advance({ seconds: 1 });
    await web.update(ref, { text: 'reminder one, updated' });
    await web.post({ channel: 'web', conversation: 'web:v2' }, { text: 'for someone else' });
    const first = await web.read('v1', undefined);
    expect(first.entries).toEqual([
      { kind: 'reply', id: ref.id, message: expect.objectContaining({ text: 'reminder one', buttons: [expect.objectContaining({ label: 'Stop' })] }) },
      { kind: 'update', id: ref.id, message: expect.objectContaining({ text: 'reminder one, updated' }) },
    ]);
    clock.advance({ seconds: 1 });
    await web.delete(ref);
    const next = await web.read('v1', first.next);
    expect(next.entries).toEqual([{ kind: 'delete', id: ref.id }]);
    expect((await web.read('v1', next.next)).entries).toEqual([]);
    expect(await web.members(to)).toEqual([{ channel: 'web', user: 'v1' }]);
    await web.post(to, { text: 'one more' });
    await web.forget({ channel: 'web', user: 'v1' });
    expect((await web.read('v1', undefined)).entries).toEqual([]);
    expect((await web.read('v2', undefined)).entries).toHaveLength(1);
  });

  it('lets undelivered entries expire after a week', async () => {
    await web.post({ channel: 'web', conversation: 'web:late' }, { text: 'old news' });
    clock.advance({ days: 8 });
    expect((await web.read('late', undefined)).entries).toEqual([]);
  });
});
