/**
 * The inbox on PostgreSQL's own tables, as several instances share it: two PgInboxes and workers on one database
 * (its own, created and dropped here) stand for two instances. A conversation's turns run in arrival order across
 * them, a redelivery to the other instance does not run a turn twice, a turn whose instance died is taken over after
 * its lease, and finished deliveries are remembered against redeliveries.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger.js';
import type { InboundEvent } from '../../src/core/event.js';
import { InboxWorker, type TurnHandler } from '../../src/core/inbox-worker.js';
import type { MessageRef, TurnOutput } from '../../src/core/message.js';
import { PgInbox } from '../../src/jobs/pg-inbox.js';
import { PgStore } from '../../src/store/pg-store.js';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';

const logger = createLogger('silent');
const event = (text: string): InboundEvent => ({ channel: 'cli', user: 'ann', conversation: 'dm:ann', text });
const output: TurnOutput = {
  say: async (): Promise<MessageRef> => ({ channel: 'cli', conversation: 'dm:ann', id: 'm' }),
  replaceSource: async () => undefined,
};

describe('the inbox on PostgreSQL, shared by several instances', () => {
  const stops: (() => Promise<unknown>)[] = [];
  let store: PgStore;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase('advisor_inbox');
    store = await PgStore.open(db.url);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
    await store.pool.query('TRUNCATE inbox, inbox_done');
  });

  function instances(clock: () => Date, handler: (name: string) => TurnHandler) {
    const make = (name: string) => {
      const inbox = new PgInbox(store.pool, { clock, leaseMs: 60_000 });
      const worker = new InboxWorker(inbox, handler(name), { logger, orderWaitMs: 10, takeoverMs: 3_600_000 });
      worker.register('cli', { output: async () => output });
      stops.push(() => worker.stop(1000));
      return { inbox, worker };
    };
    return { a: make('a'), b: make('b') };
  }

  it('runs a conversation’s turns in arrival order across instances, and a redelivery once', async () => {
    const log: string[] = [];
    let release: () => void = () => undefined;
    const slow = new Promise<void>((r) => (release = r));
    const { a, b } = instances(() => new Date(), (name) => ({
      async handle(e) {
        log.push(`${name} starts ${e.text}`);
        if (e.text === 'first') await slow;
        log.push(`${name} ends ${e.text}`);
        return { status: 'done' };
      },
    }));
    const first = await a.inbox.accept({ key: 'cli:1', channel: 'cli', order: 'ann', event: event('first'), target: {} });
    a.worker.enqueue(first!);
    await new Promise((r) => setTimeout(r, 20));
    const second = await b.inbox.accept({ key: 'cli:2', channel: 'cli', order: 'ann', event: event('second'), target: {} });
    b.worker.enqueue(second!);
    // The same delivery again, to instance b (a platform retry): acknowledged, and not run while a holds it.
    expect(await b.inbox.accept({ key: 'cli:1', channel: 'cli', order: 'ann', event: event('first'), target: {} })).toBeUndefined();
    b.worker.enqueue({ key: 'cli:1', order: 'ann', seq: first!.seq });
    await new Promise((r) => setTimeout(r, 100));
    expect(log).toEqual(['a starts first']);
    release();
    await a.worker.idle();
    await b.worker.idle();
    expect(log).toEqual(['a starts first', 'a ends first', 'b starts second', 'b ends second']);
    expect(await a.inbox.finished('cli:2')).toMatchObject({ status: 'done' });
    // Finished: a late redelivery to either instance is dropped.
    expect(await b.inbox.accept({ key: 'cli:2', channel: 'cli', order: 'ann', event: event('second'), target: {} })).toBeUndefined();
    expect(await b.inbox.pending('cli:2')).toBeUndefined();
  });

  it('takes over a turn whose instance died, once its lease has ended', async () => {
    let now = Date.parse('2026-12-02T09:00:00Z');
    const ran: string[] = [];
    const { a, b } = instances(() => new Date(now), (name) => ({
      async handle(e) {
        ran.push(`${name}: ${e.text}`);
        return { status: 'done' };
      },
    }));
    // a accepts and dies before running it.
    await a.worker.stop(0);
    expect(await a.inbox.accept({ key: 'cli:9', channel: 'cli', order: 'ann', event: event('orphan'), target: {} })).toBeTruthy();
    expect(await b.worker.recover()).toBe(0);
    now += 61_000;
    expect(await b.worker.recover()).toBe(1);
    await b.worker.idle();
    expect(ran).toEqual(['b: orphan']);
    expect(await b.inbox.finished('cli:9')).toMatchObject({ status: 'done' });
  });
});
