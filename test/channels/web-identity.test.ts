/**
 * The web chat knows who is who: the user comes from the signed session cookie, never from the request; a message id
 * makes a retried post answer once; rate limits and security headers. A real express server on loopback over the real
 * advisor and a lowdb store in a temporary DATA_DIR, in this process (so a test can hold a turn open or set limits).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdvisorApp, type AdvisorApp } from '../../src/app.js';
import { webTurns } from '../../src/channels/web/turns.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config.js';
import { directConversation } from '../../src/core/collect.js';
import type { InboundEvent } from '../../src/core/event.js';
import type { TurnOutput } from '../../src/core/message.js';
import { createHttpApp, listen, type HttpAppOptions, type RunningServer } from '../../src/server.js';
import { recordKey } from '../../src/store/store.js';
import { ROOT, tempDir } from '../helpers/tmp.js';
import { WebVisitor } from '../helpers/web-visitor.js';

interface Reply {
  id: string;
  text: string;
  buttons?: { label: string; action: { id: string; value: string } }[];
}
interface ChatBody {
  replies: Reply[];
  error?: string;
  code?: string;
}

/** A browser's view of the API (the cookie kept as a browser keeps it) that reads the chat's JSON answers. */
class Visitor extends WebVisitor {
  async say(text: string, extra: object = {}): Promise<ChatBody> {
    const res = await this.post({ text, ...extra });
    expect(res.status).toBe(200);
    return (await res.json()) as ChatBody;
  }
  async press(action: { id: string; value: string }, source: string): Promise<ChatBody> {
    const res = await this.post({ action, source });
    expect(res.status).toBe(200);
    return (await res.json()) as ChatBody;
  }
}

const text = (b: ChatBody) => b.replies.map((r) => r.text).join('\n');

describe('web chat identity, duplicates, limits and headers', () => {
  const { dir, cleanup } = tempDir();
  const logger = createLogger('silent');
  let app: AdvisorApp;
  const servers: RunningServer[] = [];
  const serve = async (options: Omit<HttpAppOptions, 'config'> = {}) => {
    const running = await listen(createHttpApp(() => app, logger, () => [], { config: { WEB_CHAT: 'on', WEB_CHAT_ACCESS_TOKEN: undefined }, ...options }), 0, '127.0.0.1');
    servers.push(running);
    return `http://127.0.0.1:${running.port}`;
  };
  let base: string;
  beforeAll(async () => {
    const config = loadConfig({ DATA_DIR: dir, KNOWLEDGE_DIR: path.join(ROOT, 'data'), INTENTS_DIR: path.join(ROOT, 'intents'), MODEL_CACHE_DIR: path.join(ROOT, 'node_modules/.cache/sme-advisor') });
    app = await createAdvisorApp(config, logger);
    base = await serve();
  });
  afterAll(async () => {
    for (const s of servers) {
      s.server.closeAllConnections();
      await s.close();
    }
    await app?.close();
    cleanup();
  });

  it('gives the page a signed HttpOnly session cookie, and a fresh identity to a request without one', async () => {
    const a = new Visitor(base);
    const page = await a.request('/');
    expect(page.status).toBe(200);
    const setCookie = page.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^advisor_session=web-[0-9a-f-]{36}\.\.[\w-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    // A known session is not given a new cookie.
    expect((await a.request('/')).headers.get('set-cookie')).toBeNull();
    const b = new Visitor(base);
    await b.say('help');
    expect(b.user).toMatch(/^web-/);
    expect(b.user).not.toBe(a.user);
  });

  it('never lets visitor B read, export or delete visitor A\'s data, whatever user id B sends', async () => {
    const a = new Visitor(base);
    await a.request('/');
    await a.say('my country is Sweden');
    await a.say('5 whys');
    await a.say('We cannot find distributors in Germany');
    await a.say('Because nobody knows our brand there');
    const summary = await a.say('root cause');
    const save = summary.replies.flatMap((r) => (r.buttons ?? []).map((b) => ({ reply: r.id, action: b.action }))).find((b) => b.action.id === 'whys.save')!;
    expect(text(await a.press(save.action, save.reply))).toMatch(/Saved/);
    await app.web.post(directConversation('web', a.user), { text: 'A reminder for A only' });

    const b = new Visitor(base);
    await b.request('/');
    const asA = { user: a.user };
    expect(text(await b.say('my profile', asA))).toMatch(/Country: not set/);
    expect(text(await b.say('my analyses', asA))).toMatch(/no saved analyses/);
    expect(text(await b.say('export 1', asA))).not.toMatch(/distributors in Germany/);
    const outbox = await b.request(`/api/outbox?user=${encodeURIComponent(a.user)}`);
    expect(outbox.status).toBe(200);
    expect((await outbox.json()).entries).toEqual([]);
    // A cursor in A's outbox reads B's own outbox from the start, never A's.
    const aOutbox = await (await a.request('/api/outbox')).json();
    expect(aOutbox.entries.map((e: { message: { text: string } }) => e.message.text)).toEqual(['A reminder for A only']);
    expect((await (await b.request(`/api/outbox?user=${a.user}&after=${encodeURIComponent(aOutbox.next)}`)).json()).entries).toEqual([]);
    expect(text(await b.say('forget me', asA))).toMatch(/cannot be undone/);
    expect(text(await b.say('yes', asA))).toMatch(/deleted no profile \(none was saved\), 0 saved analyses/);
    // A request without a cookie that names A is a new visitor, too.
    const stranger = new Visitor(base);
    expect(text(await stranger.say('my profile', asA))).toMatch(/Country: not set/);

    expect(text(await a.say('my profile'))).toMatch(/Country: Sweden/);
    expect(text(await a.say('my analyses'))).toMatch(/Your saved analyses\*\* \(1\)/);
    expect(text(await a.say('export 1'))).toMatch(/distributors in Germany/);
    expect((await (await a.request('/api/outbox')).json()).entries).toHaveLength(1);
  });

  it('forgets the kept answers of a visitor\'s messages with the rest of their data', async () => {
    const a = new Visitor(base);
    await a.say('Do we need CE marking to sell machines in Norway?', { id: 'm-1' });
    const kept = () => webTurns.list(app.store, `${recordKey(a.user)}:`).then((p) => p.records.length);
    expect(await kept()).toBe(1);
    await a.say('forget me', { id: 'm-2' });
    await a.say('yes', { id: 'm-3' });
    // The answer to "yes" itself is kept again (it says what was deleted, nothing the visitor wrote before).
    expect(await kept()).toBeLessThanOrEqual(1);
    expect(JSON.stringify((await webTurns.list(app.store, `${recordKey(a.user)}:`)).records)).not.toMatch(/CE marking/);
  });

  it('gives a tampered or foreign cookie a new identity', async () => {
    const a = new Visitor(base);
    await a.say('my country is Norway');
    const [user, tag, signature] = a.cookie!.split('.') as [string, string, string];
    const otherUser = `web-${crypto.randomUUID()}`;
    const forgeries = [
      `${otherUser}.${tag}.${signature}`, // someone else's id under A's signature
      `${user}.${tag}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`, // a changed signature
      `${user}.${tag}.${'x'.repeat(43)}`,
      user, // no signature at all
    ];
    for (const forged of forgeries) {
      const m = new Visitor(base);
      m.cookie = forged;
      expect(text(await m.say('my profile'))).toMatch(/Country: not set/);
      expect(m.user).not.toBe(user);
      expect(m.user).not.toBe(otherUser);
    }
    expect(text(await a.say('my profile'))).toMatch(/Country: Norway/);
  });

  it('answers a message id once: a retry gets the first answer, a retry during the turn 409, a failed turn runs again', async () => {
    const v = new Visitor(base);
    await v.request('/');
    let runs = 0;
    let hold: Promise<void> | undefined;
    let failNext = false;
    const handle = app.advisor.handle.bind(app.advisor);
    app.advisor.handle = async (input: InboundEvent, out: TurnOutput) => {
      runs++;
      await hold;
      if (failNext) {
        failNext = false;
        throw new Error('the turn broke');
      }
      expect(input.id).toMatch(/^web:/);
      return handle(input, out);
    };
    try {
      const first = await v.post({ id: 'msg-1', text: 'Do we need CE marking to sell our machines in Norway?' });
      expect(first.status).toBe(200);
      const firstBody = await first.text();
      const again = await v.post({ id: 'msg-1', text: 'Do we need CE marking to sell our machines in Norway?' });
      expect(again.status).toBe(200);
      expect(await again.text()).toBe(firstBody);
      expect(runs).toBe(1);
      // Another visitor's message with the same id is their own message.
      const other = new Visitor(base);
      expect((await other.post({ id: 'msg-1', text: 'help' })).status).toBe(200);
      expect(runs).toBe(2);

      let release!: () => void;
      hold = new Promise((r) => (release = r));
      const slow = v.post({ id: 'msg-2', text: 'help' });
      await expect.poll(() => runs).toBe(3);
      const during = await v.post({ id: 'msg-2', text: 'help' });
      expect(during.status).toBe(409);
      expect(during.headers.get('retry-after')).toBe('1');
      expect(await during.json()).toEqual({ error: expect.stringMatching(/still being answered/), code: 'IN_PROGRESS' });
      release();
      hold = undefined;
      const slowRes = await slow;
      expect(slowRes.status).toBe(200);
      const slowBody = await slowRes.text();
      expect(await (await v.post({ id: 'msg-2', text: 'help' })).text()).toBe(slowBody);
      expect(runs).toBe(3);

      failNext = true;
      expect((await v.post({ id: 'msg-3', text: 'help' })).status).toBe(500);
      const retried = await v.post({ id: 'msg-3', text: 'help' });
      expect(retried.status).toBe(200);
      expect(runs).toBe(5);
      expect(await webTurns.get(app.store, recordKey(v.user, 'msg-3'))).toMatchObject({ state: 'done', status: 200 });

      // A marker left by a process that stopped mid-turn long ago is taken over rather than waited out.
      await webTurns.put(app.store, recordKey(v.user, 'msg-4'), { state: 'pending', claim: 'gone', startedAt: Date.now() - 10 * 60_000 });
      expect((await v.post({ id: 'msg-4', text: 'help' })).status).toBe(200);
      expect(runs).toBe(6);
      // The store is this process's alone (its lock): a fresh marker of another process is a crashed one's, taken over at once.
      expect(app.store.exclusive).toBe(true);
      await webTurns.put(app.store, recordKey(v.user, 'msg-5'), { state: 'pending', claim: 'crashed', startedAt: Date.now(), process: 'a-process-that-died' });
      expect((await v.post({ id: 'msg-5', text: 'help' })).status).toBe(200);
      expect(runs).toBe(7);
    } finally {
      app.advisor.handle = handle;
    }
    const bad = await v.post({ id: 'a b', text: 'help' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/id may only contain/);
    expect((await v.post({ id: 'x'.repeat(101), text: 'help' })).status).toBe(400);
  });

  it('limits chat posts per session and per address with a clear 429 and the standard headers', async () => {
    const limited = await serve({ webChatLimits: { chatPerSession: 2, chatPerAddress: 4, outboxPerSession: 2, outboxPerAddress: 100 } });
    const v = new Visitor(limited);
    expect((await v.post({ text: 'help' })).status).toBe(200);
    const second = await v.post({ text: 'help' });
    expect(second.headers.get('ratelimit')).toMatch(/"chat-session"; r=0; t=\d+/);
    expect(second.headers.get('ratelimit-policy')).toMatch(/"chat-address"; q=4; w=60.*"chat-session"; q=2; w=60/);
    const third = await v.post({ text: 'help' });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await third.json()).toEqual({ error: expect.stringMatching(/^You are sending messages faster than the advisor takes them \(at most 2 in a minute\); wait a minute/) });
    // A fresh session (no cookie) still counts against the address.
    expect((await new Visitor(limited).post({ text: 'help' })).status).toBe(200);
    const byAddress = await new Visitor(limited).post({ text: 'help' });
    expect(byAddress.status).toBe(429);
    expect((await byAddress.json()).error).toMatch(/Too many messages from your network address \(at most 4 in a minute\)/);
    // Polling the outbox has its own budget.
    expect((await v.request('/api/outbox')).status).toBe(200);
    expect((await v.request('/api/outbox')).status).toBe(200);
    const poll = await v.request('/api/outbox');
    expect(poll.status).toBe(429);
    expect((await poll.json()).error).toMatch(/checked for new messages too often/);
    // In the browser's language: a German or Swedish browser reads it in German or Swedish.
    const de = await v.request('/api/outbox', { headers: { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' } });
    expect((await de.json()).error).toMatch(/^Die Seite hat zu oft nach neuen Nachrichten gefragt \(höchstens 2 in einer Minute\)/);
    const sv = await v.post({ text: 'help' }, { 'accept-language': 'sv-SE' });
    expect((await sv.json()).error).toMatch(/^För många meddelanden från din nätverksadress \(högst 4 på en minut\)/);
  });

  it('sends the security headers on the page, its assets and the API, and refuses requests from other sites', async () => {
    const v = new Visitor(base);
    const responses = [
      await v.request('/'),
      await v.request('/chat.js'),
      await v.request('/chat.css'),
      await v.post({ text: 'help' }),
      await v.post({ text: 5 }),
      await v.request('/api/outbox'),
    ];
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy');
      expect(csp).toContain("script-src 'self'");
      for (const directive of ["frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "default-src 'self'"]) expect(csp).toContain(directive);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 400, 200]);
    const crossSite = await v.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, body: JSON.stringify({ text: 'help' }) });
    expect(crossSite.status).toBe(403);
    expect((await v.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body: JSON.stringify({ text: 'help' }) })).status).toBe(200);
  });
});
