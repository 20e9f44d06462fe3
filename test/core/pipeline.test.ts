/**
 * The turn pipeline with small test features: the order interrupts → open dialogue → action → command → intent,
 * dialogue version and idle closing, and errors turned into replies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import path from 'node:path';
import { createLogger } from '../../src/common/logger.js';
import { CollectingOutput } from '../../src/core/collect.js';
import { defineDialog } from '../../src/core/dialog.js';
import { AdvisorError } from '../../src/core/errors.js';
import { command, defineFeature } from '../../src/core/feature.js';
import { Advisor } from '../../src/core/pipeline.js';
import type { Ports } from '../../src/core/ports.js';
import { buildRegistry } from '../../src/core/registry.js';
import { sessions } from '../../src/core/session.js';
import { FEATURES } from '../../src/features.js';
import { Knowledge, loadDataset } from '../../src/knowledge/dataset.js';
import { RetrievalIndex } from '../../src/knowledge/retrieval.js';
import { Matcher } from '../../src/nlu/matcher.js';
import { StoreError } from '../../src/store/store.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { FakeClock, FakeMessenger } from '../helpers/advisor.js';
import { ROOT } from '../helpers/tmp.js';

const counter = defineDialog<{ n: number }, undefined>({
  id: 'test.count',
  version: 2,
  state: z.object({ n: z.number() }),
  idleHours: 1,
  start: () => ({ status: 'waiting', state: { n: 0 }, messages: [{ text: 'counting' }] }),
  step: (s, input) =>
    input.kind === 'text' && input.text === 'done'
      ? { status: 'complete', messages: [{ text: `counted ${s.n}` }] }
      : input.kind === 'text' && input.command
        ? { status: 'pass' }
        : { status: 'waiting', state: { n: s.n + 1 }, messages: [{ text: `n=${s.n + 1}` }] },
  expired: () => ({ text: 'count expired' }),
  outdated: () => ({ text: 'count outdated' }),
});

const test = defineFeature({
  id: 'test',
  dialogs: [counter],
  commands: [
    command('test', { id: 'test.count', words: { en: ['count'], de: [], sv: [] }, run: (ctx) => ctx.beginDialog(counter, undefined) }),
    command('test', { id: 'test.ping', words: { en: ['ping'], de: [], sv: [] }, run: async (ctx) => void (await ctx.say({ text: 'pong' })) }),
    command('test', { id: 'test.urgent', words: { en: ['urgent'], de: [], sv: [] }, interrupts: true, run: async (ctx) => void (await ctx.say({ text: 'interrupted' })) }),
    command('test', { id: 'test.refuse', words: { en: ['refuse'], de: [], sv: [] }, run: async () => Promise.reject(new AdvisorError('NOT_ALLOWED', 'only managers may do that')) }),
    command('test', { id: 'test.crash', words: { en: ['crash'], de: [], sv: [] }, run: async () => Promise.reject(new Error('secret internal detail')) }),
    command('test', { id: 'test.store', words: { en: ['store'], de: [], sv: [] }, run: async () => Promise.reject(new StoreError('STORE_WRITE_FAILED', 'disk full')) }),
    command('test', { id: 'test.echo', words: { en: ['echo'], de: [], sv: [] }, args: z.object({ args: z.array(z.string()).length(1, 'echo takes one word') }), usage: () => 'echo WORD', run: async (ctx) => void (await ctx.say({ text: 'echoed' })) }),
  ],
  actions: { press: async (ctx, a) => void (await ctx.say({ text: `pressed ${a.value}` })) },
});

describe('turn pipeline', () => {
  const clock = new FakeClock();
  let advisor: Advisor;
  let store: LowdbStore;
  beforeAll(async () => {
    store = LowdbStore.memory({ collections: [sessions], clock: clock.now });
    const knowledge = new Knowledge(loadDataset(path.join(ROOT, 'data')));
    const messenger = new FakeMessenger();
    const ports: Ports = {
      store,
      scheduler: { schedule: async () => undefined, cancel: async () => false },
      messenger,
      directory: messenger,
      clock: clock.now,
      matcher: new Matcher({ intentsDir: path.join(ROOT, 'intents'), cacheDir: path.join(ROOT, 'node_modules/.cache/sme-advisor') }),
      knowledge,
      retrieval: new RetrievalIndex(knowledge.data),
      log: createLogger('silent'),
      newId: () => 'id',
      settings: { dialogIdleHours: 24, roles: { owners: [], managers: [], facilitators: [] }, defaultTimeZone: 'Europe/Brussels' },
    };
    advisor = new Advisor(buildRegistry([...FEATURES, test], [sessions]), ports);
  });
  afterAll(() => store.close());

  const send = async (text: string, user = 'p') => {
    const out = new CollectingOutput({ channel: 'cli', conversation: 'c' }, () => String(Math.random()));
    await advisor.handle({ channel: 'cli', user, conversation: 'c', text }, out);
    return out.replies;
  };
  const texts = async (text: string, user?: string) => (await send(text, user)).map((r) => r.text).join('\n');

  it('gives text to the open dialogue, interrupts before it, other commands after it passes', async () => {
    expect(await texts('count')).toBe('counting');
    expect(await texts('anything')).toBe('n=1');
    expect(await texts('urgent')).toBe('interrupted');
    expect(await texts('ping')).toBe('pong');
    expect(await texts('more text')).toBe('n=2');
    expect(await texts('done')).toBe('counted 2');
    expect(await texts('ping')).toBe('pong');
  });

  it('closes an idle dialogue and one whose version changed, with their notices', async () => {
    await texts('count', 'idle');
    clock.advance({ hours: 2 });
    expect(await texts('x', 'idle')).toMatch(/^count expired/);
    await store.put('dialogs', 'cli:-:old:c:-', { version: 2, dialog: { id: 'test.count', version: 1, state: { n: 3 }, startedAt: clock.now().toISOString(), updatedAt: clock.now().toISOString() } });
    expect(await texts('x', 'old')).toMatch(/^count outdated/);
  });

  it('answers coded errors privately, store failures as "nothing was changed", and anything else with an apology', async () => {
    const refused = await send('refuse');
    expect(refused).toEqual([expect.objectContaining({ audience: 'private', text: 'only managers may do that' })]);
    expect(await texts('store')).toMatch(/nothing was changed/);
    const crashed = await texts('crash');
    expect(crashed).toMatch(/something went wrong/);
    expect(crashed).not.toContain('secret internal detail');
    expect(await texts('echo')).toMatch(/could not read that command: echo takes one word\.\nUsage: echo WORD/);
  });

  it('routes a button to its feature, and an unknown one to a clear reply', async () => {
    const out = new CollectingOutput({ channel: 'cli', conversation: 'c' }, () => 'b');
    await advisor.handle({ channel: 'cli', user: 'p', conversation: 'c', action: { id: 'test.press', value: '7' } }, out);
    expect(out.replies[0]!.text).toBe('pressed 7');
    const out2 = new CollectingOutput({ channel: 'cli', conversation: 'c' }, () => 'c');
    await advisor.handle({ channel: 'cli', user: 'p', conversation: 'c', action: { id: 'nobody.knows', value: '' } }, out2);
    expect(out2.replies[0]!.text).toMatch(/do not recognise that button/);
  });
});
