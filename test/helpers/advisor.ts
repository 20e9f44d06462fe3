/**
 * An in-process conversation harness in the spirit of botbuilder's TestAdapter: the real feature list, pipeline and
 * matcher over an in-memory store, a fake clock, a recording Messenger, and the real scheduler run on demand.
 *   const t = await TestAdvisor.start();
 *   const r = await t.as('ann').send('5 whys');   r.expectReply(/describe the problem/);
 *   await t.as('ann').press(r.button('whys.stop'));
 *   t.clock.advance({ hours: 25 }); await t.runDue();
 */
import path from 'node:path';
import { expect } from 'vitest';
import { createAdvisorApp, type AdvisorApp } from '../../src/app.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config.js';
import { CollectingOutput, type ReplyJson, type UpdateJson } from '../../src/core/collect.js';
import type { Address, UserAddress } from '../../src/core/event.js';
import type { Action, Message, MessageRef } from '../../src/core/message.js';
import type { Directory, Messenger } from '../../src/core/ports.js';
import { ROOT } from './tmp.js';

export class FakeClock {
  constructor(public current = new Date('2026-12-01T09:00:00Z')) {}
  now = (): Date => this.current;
  advance(by: { seconds?: number; minutes?: number; hours?: number; days?: number }): void {
    const ms = ((by.days ?? 0) * 86_400 + (by.hours ?? 0) * 3600 + (by.minutes ?? 0) * 60 + (by.seconds ?? 0)) * 1000;
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Records what features send outside a turn; members and time zones are set by the test. */
export class FakeMessenger implements Messenger, Directory {
  readonly posts: { to: Address; message: Message; privateTo?: UserAddress; ref: MessageRef }[] = [];
  readonly updates: { ref: MessageRef; message: Message }[] = [];
  readonly deletes: MessageRef[] = [];
  readonly memberLists = new Map<string, string[]>();
  readonly zones = new Map<string, string>();
  private n = 0;
  async post(to: Address, message: Message, options?: { privateTo?: UserAddress }): Promise<MessageRef> {
    const ref = { channel: to.channel, conversation: to.conversation, thread: to.thread, id: `p-${++this.n}` };
    this.posts.push({ to, message, privateTo: options?.privateTo, ref });
    return ref;
  }
  async update(ref: MessageRef, message: Message): Promise<void> {
    this.updates.push({ ref, message });
  }
  async delete(ref: MessageRef): Promise<void> {
    this.deletes.push(ref);
  }
  async direct(user: UserAddress): Promise<Address> {
    return { channel: user.channel, conversation: `dm:${user.user}` };
  }
  async members(conversation: Address): Promise<UserAddress[]> {
    return (this.memberLists.get(conversation.conversation) ?? []).map((user) => ({ channel: conversation.channel, user }));
  }
  async timeZone(user: UserAddress): Promise<string | undefined> {
    return this.zones.get(user.user);
  }
}

/** One turn's output with assertions. */
export class Turn {
  constructor(
    readonly replies: ReplyJson[],
    readonly updates: UpdateJson[],
  ) {}
  text(): string {
    return this.replies.map((r) => r.text).join('\n');
  }
  expectReply(re: RegExp): this {
    expect(this.text()).toMatch(re);
    return this;
  }
  expectPrivate(re: RegExp): this {
    expect(this.replies.filter((r) => r.audience === 'private').map((r) => r.text).join('\n')).toMatch(re);
    return this;
  }
  /** Expects that the message `id` (by default: any) was replaced by one whose text matches. */
  expectUpdate(re: RegExp, id?: string): this {
    expect(this.updates.filter((u) => id === undefined || u.id === id).map((u) => u.message?.text ?? '').join('\n')).toMatch(re);
    return this;
  }

  /** The first button whose action id equals `id` or whose label matches. */
  button(id: string | RegExp): Action & { source: string } {
    for (const r of this.replies) for (const b of r.buttons ?? []) if (typeof id === 'string' ? b.action.id === id : id.test(b.label)) return { ...b.action, source: r.id };
    throw new Error(`no button ${String(id)} in ${JSON.stringify(this.replies.map((r) => r.buttons))}`);
  }
}

export class TestAdvisor {
  private constructor(
    readonly app: AdvisorApp,
    readonly clock: FakeClock,
    readonly messenger: FakeMessenger,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<TestAdvisor> {
    const config = loadConfig({ KNOWLEDGE_DIR: path.join(ROOT, 'data'), INTENTS_DIR: path.join(ROOT, 'intents'), MODEL_CACHE_DIR: path.join(ROOT, 'node_modules/.cache/sme-advisor'), ...env });
    const clock = new FakeClock();
    const app = await createAdvisorApp(config, createLogger('silent'), { memory: true, clock: clock.now });
    const messenger = new FakeMessenger();
    app.channels.register({ channel: 'cli', messenger, directory: messenger });
    return new TestAdvisor(app, clock, messenger);
  }

  /** A user in a conversation (default: the user's direct conversation). */
  as(user: string, conversation = `dm:${user}`) {
    const turn = async (event: { text?: string; action?: Action & { fields?: Record<string, string | string[]> }; source?: string; locale?: string }): Promise<Turn> => {
      const source = event.source ? { channel: 'cli' as const, conversation, id: event.source } : undefined;
      const out = new CollectingOutput({ channel: 'cli', conversation, source }, this.app.ports.newId);
      await this.app.advisor.handle({ channel: 'cli', user, conversation, text: event.text, action: event.action, source, locale: event.locale }, out);
      const r = out.result();
      return new Turn(r.replies, r.updates ?? []);
    };
    return {
      send: (text: string, extra: { locale?: string } = {}) => turn({ text, ...extra }),
      press: (action: Action & { source?: string; fields?: Record<string, string | string[]> }) =>
        turn({ action: { id: action.id, value: action.value, ...(action.fields ? { fields: action.fields } : {}) }, source: action.source }),
    };
  }

  /** Runs every scheduled job due at the fake clock's time. */
  runDue(): Promise<number> {
    return this.app.scheduler.runDue(this.clock.now(), (job) => this.app.advisor.runJob(job));
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
