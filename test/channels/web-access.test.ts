/**
 * Who can reach the web chat, through the built server (`node dist/main.js`) as a deployment runs it: WEB_CHAT=off
 * leaves it unmounted; WEB_CHAT_ACCESS_TOKEN admits a session at `/?token=` or an API client with a Bearer token;
 * the cookie key stays in the store, so a cookie from before a restart names the same visitor afterwards.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { WebVisitor } from '../helpers/web-visitor.js';

const TOKEN = 'test-access-token-0123456789';

describe('web chat exposure', () => {
  const dirs = [tempDir(), tempDir()];
  let server: StartedServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  afterAll(() => dirs.forEach((d) => d.cleanup()));

  it('with WEB_CHAT=off, mounts neither the page nor its API', async () => {
    server = await startServer({ DATA_DIR: dirs[0]!.dir, WEB_CHAT: 'off' });
    for (const [p, method] of [['/', 'GET'], ['/chat.js', 'GET'], ['/api/chat', 'POST'], ['/api/outbox', 'GET']] as const) {
      const res = await fetch(`${server.url}${p}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{"text":"help"}' : undefined });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not found' });
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('with an access token, admits only visitors who have it, and keeps them admitted across a restart', async () => {
    const env = { DATA_DIR: dirs[1]!.dir, WEB_CHAT_ACCESS_TOKEN: TOKEN };
    server = await startServer(env);
    const v = new WebVisitor(server.url);
    const page = await v.request('/');
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/only open to people who have its access link/);
    const api = await v.post({ text: 'help' });
    expect(api.status).toBe(401);
    expect((await api.json()).error).toMatch(/needs its access token/);
    expect((await v.request('/api/outbox')).status).toBe(401);
    const wrong = await v.request('/?token=not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toMatch(/not the right one/);

    const admit = await v.request(`/?token=${TOKEN}`);
    expect(admit.status).toBe(303);
    expect(admit.headers.get('location')).toBe('/');
    expect(admit.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
    expect((await v.request('/')).status).toBe(200);
    const chat = await v.post({ text: 'my country is Sweden' });
    expect(chat.status).toBe(200);
    expect((await chat.json()).replies[0].text).toMatch(/Sweden/);
    expect((await v.request('/api/outbox')).status).toBe(200);

    // API clients: the Bearer token instead of the admitted cookie; a wrong one is refused even with that cookie.
    const client = new WebVisitor(server.url);
    expect((await client.post({ text: 'help' }, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await client.post({ text: 'help' }, { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    expect((await v.post({ text: 'help' }, { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);

    // The same DATA_DIR after a restart: the stored key still verifies the cookie, so it is the same visitor.
    await server.stop();
    server = await startServer(env);
    v.base = server.url;
    const before = v.cookie;
    const after = await v.post({ text: 'my profile' });
    expect(after.status).toBe(200);
    expect((await after.json()).replies[0].text).toMatch(/Country: Sweden/);
    expect(v.cookie).toBe(before);
    // With another token, sessions admitted under the old one are turned away.
    await server.stop();
    server = await startServer({ ...env, WEB_CHAT_ACCESS_TOKEN: `${TOKEN}-rotated` });
    v.base = server.url;
    expect((await v.post({ text: 'my profile' })).status).toBe(401);
  });
});
