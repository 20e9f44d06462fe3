/**
 * The durable inbox and its worker: order per conversation, retries that skip delivered replies, the cap and the
 * dead letter, recovery of what a dead process accepted, and a dialogue step applied once however often its turn runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger.js';
import type { InboundEvent } from '../../src/core/event.js';
import { Inbox, inboxCollection, inboxDoneCollection } from '../../src/core/inbox.js';
import { InboxWorker, type TurnHandler } from '../../src/core/inbox-worker.js';
import type { Audience, Message, MessageRef, TurnOutput } from '../../src/core/message.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { TestAdvisor } from '../helpers/advisor.js';
import { tempDir } from '../helpers/tmp.js';

const logger = createLogger('silent');

/** Records what a turn says; `failWhen` makes a delivery fail (the platform timing out). */
class ScriptedOutput implements TurnOutput {
  constructor(
    readonly said: { text: string; audience?: Audience }[],
    private readonly failWhen: (message: Message, audience: Audience | undefined) => boolean = () => false,
  ) {}
  async say(message: Message, options?: { audience?: Audience }): Promise<MessageRef | undefined> {
    if (this.failWhen(message, options?.audience)) throw new Error('timed out');
    this.said.push({ text: message.text, audience: options?.audience });
    return { channel: 'cli', conversation: 'c', id: `m${this.said.length}` };
  }
  async replaceSource(message: Message): Promise<void> {
    await this.say(message);
  }
}

/** A handler that says three numbered replies per event, as a turn does, and reports a failed delivery as retryable. */
const threeReplies: TurnHandler = {
  async handle(event, out) {
    try {
      for (const n of [1, 2, 3]) await out.say({ text: `${event.text} #${n}` });
      return { status: 'done' };
    } catch (e) {
      return { status: 'retry', reason: (e as Error).message };
    }
  },
};

const event = (user: string, text: string): InboundEvent => ({ channel: 'cli', user, conversation: `dm:${user}`, text });

describe('inbox', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function openStore(): Promise<{ store: LowdbStore; dir: string }> {
    const { dir, cleanup } = tempDir();
    const store = await LowdbStore.open(dir, { collections: [inboxCollection, inboxDoneCollection] });
    cleanups.push(cleanup, () => store.close());
    return { store, dir };
  }

  it('runs the turns of one conversation in arrival order, others alongside, and remembers finished keys', async () => {
    const { store } = await openStore();
    const inbox = new Inbox(store, { clock: () => new Date() });
    const said: { text: string }[] = [];
    const worker = new InboxWorker(inbox, threeReplies, { logger, concurrency: 4 });
    worker.register('cli', { output: async () => new ScriptedOutput(said) });
    for (const [i, user] of ['ann', 'bob', 'ann', 'ann', 'bob'].entries()) {
      const accepted = await inbox.accept({ key: `cli:${i}`, channel: 'cli', order: user, event: event(user, `${user}-${i}`), target: {} });
      worker.enqueue(accepted!);
    }
    await worker.idle();
    const ann = said.map((s) => s.text).filter((t) => t.startsWith('ann'));
    expect(ann).toEqual(['ann-0 #1', 'ann-0 #2', 'ann-0 #3', 'ann-2 #1', 'ann-2 #2', 'ann-2 #3', 'ann-3 #1', 'ann-3 #2', 'ann-3 #3']);
    expect(said).toHaveLength(15);
    // A redelivery of a finished key is not accepted again, and what stays of it holds nothing the user wrote.
    expect(await inbox.accept({ key: 'cli:0', channel: 'cli', order: 'ann', event: event('ann', 'again'), target: {} })).toBeUndefined();
    expect(await inbox.finished('cli:0')).toMatchObject({ status: 'done' });
    expect(await store.get('inbox', 'cli:0')).toBeUndefined();
    expect(JSON.stringify(await inbox.finished('cli:0'))).not.toMatch(/ann-0/);
    expect(await inbox.claimable()).toEqual([]);
  });

  it('retries a turn whose delivery failed, without saying again what was delivered, and tells the user once', async () => {
    const { store } = await openStore();
    const inbox = new Inbox(store, { clock: () => new Date() });
    const said: { text: string; audience?: Audience }[] = [];
    let failures = 2;
    const worker = new InboxWorker(inbox, threeReplies, { logger, backoffMs: () => 5 });
    // The second reply times out twice, then goes through.
    worker.register('cli', { output: async () => new ScriptedOutput(said, (m) => m.text.endsWith('#2') && failures-- > 0) });
    worker.enqueue((await inbox.accept({ key: 'cli:a', channel: 'cli', order: 'ann', event: event('ann', 'q'), target: {} }))!);
    await worker.idle();
    expect(said.filter((s) => s.audience !== 'private').map((s) => s.text)).toEqual(['q #1', 'q #2', 'q #3']);
    expect(said.filter((s) => s.audience === 'private').map((s) => s.text)).toEqual([expect.stringMatching(/try again by myself/)]);
    expect(await inbox.finished('cli:a')).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('dead-letters a turn that keeps failing after the cap, tells the user, and keeps no text', async () => {
    const { store } = await openStore();
    const inbox = new Inbox(store, { clock: () => new Date() });
    const said: { text: string; audience?: Audience }[] = [];
    const worker = new InboxWorker(inbox, threeReplies, { logger, backoffMs: () => 5, maxAttempts: 3 });
    // Every public reply fails; private notices get through.
    worker.register('cli', { output: async () => new ScriptedOutput(said, (_m, audience) => audience !== 'private') });
    worker.enqueue((await inbox.accept({ key: 'cli:x', channel: 'cli', order: 'ann', event: event('ann', 'secret question'), target: {} }))!);
    await worker.idle();
    expect(said.map((s) => s.text)).toEqual([expect.stringMatching(/try again by myself/), expect.stringMatching(/still could not finish/)]);
    const record = await inbox.finished('cli:x');
    expect(record).toMatchObject({ status: 'dead', attempts: 3, lastError: 'timed out' });
    expect(await store.get('inbox', 'cli:x')).toBeUndefined();
    expect(JSON.stringify(record)).not.toMatch(/secret/);
  });

  it('finishes after a restart what a dead process accepted, in the order it was accepted', async () => {
    const { store, dir } = await openStore();
    const inbox = new Inbox(store, { clock: () => new Date() });
    // Accepted (acknowledged) but never run: the process died.
    for (const i of [0, 1, 2]) await inbox.accept({ key: `cli:${i}`, channel: 'cli', order: 'ann', event: event('ann', `m${i}`), target: {} });
    // And one the dead process finished but died between the finish's two writes: it is not run again.
    await inbox.accept({ key: 'cli:9', channel: 'cli', order: 'ann', event: event('ann', 'm9'), target: {} });
    await inboxDoneCollection.put(store, 'cli:9', { status: 'done', channel: 'cli', acceptedAt: new Date().toISOString(), attempts: 1 });
    await store.close();
    const reopened = await LowdbStore.open(dir, { collections: [inboxCollection, inboxDoneCollection] });
    cleanups.push(() => reopened.close());
    const said: { text: string }[] = [];
    const worker = new InboxWorker(new Inbox(reopened, { clock: () => new Date() }), threeReplies, { logger });
    worker.register('cli', { output: async () => new ScriptedOutput(said) });
    expect(await worker.recover()).toBe(3);
    await worker.idle();
    expect(said.map((s) => s.text).filter((t) => t.endsWith('#1'))).toEqual(['m0 #1', 'm1 #1', 'm2 #1']);
  });

  it('applies a 5-Whys step once when its turn runs again after a failed delivery', async () => {
    const t = await TestAdvisor.start();
    cleanups.push(() => t.close());
    const inbox = t.app.inbox;
    const run = async (user: string, key: string, text: string, failFirst: boolean): Promise<string[]> => {
      const said: { text: string; audience?: Audience }[] = [];
      let fail = failFirst;
      const worker = new InboxWorker(inbox, t.app.advisor, { logger, backoffMs: () => 5 });
      // The first reply of the first attempt times out after the session was already updated.
      worker.register('cli', { output: async () => new ScriptedOutput(said, () => (fail ? !(fail = false) : false)) });
      worker.enqueue((await inbox.accept({ key, channel: 'cli', order: user, event: event(user, text), target: {} }))!);
      await worker.idle();
      return said.filter((s) => !/try again by myself/.test(s.text)).map((s) => s.text);
    };
    // Starting the dialogue: ann's first attempt fails after the handler began it; the re-run says the same.
    const bobStart = await run('bob', 'cli:bob:1', '5 whys', false);
    expect(await run('ann', 'cli:ann:1', '5 whys', true)).toEqual(bobStart);
    const control = await run('bob', 'cli:bob:2', 'Our export sales to Norway fell by a third last year', false);
    const retried = await run('ann', 'cli:ann:2', 'Our export sales to Norway fell by a third last year', true);
    expect(retried).toEqual(control);
    // And the next step is the same for both: the retried answer was recorded once, not twice.
    const next = await run('ann', 'cli:ann:3', 'Our prices are too high for that market', false);
    expect(next).toEqual(await run('bob', 'cli:bob:3', 'Our prices are too high for that market', false));
  });
});
