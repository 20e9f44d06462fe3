import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

describe('HTTP server', () => {
  let server: StartedServer;
  const { dir, cleanup } = tempDir();
  const logs: string[] = [];
  beforeAll(async () => {
    server = await startServer({ DATA_DIR: dir, LOG_LEVEL: 'info' });
    server.child.stdout!.on('data', (d: Buffer) => logs.push(d.toString()));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    cleanup();
  });

  /** A post as the visitor whose session cookie is `session` (none: a new visitor each time). */
  const chat = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, session?: string) =>
    fetch(`${server.url}/api/chat`, { method: 'POST', headers: { ...headers, ...(session ? { cookie: session } : {}) }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const sessionOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

  it('answers /healthz within 3 s of start and /readyz when the store is usable', async () => {
    expect(server.healthyAfterMs).toBeLessThan(3000);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('serves the web chat page with a strict content security policy and a session cookie', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('set-cookie')).toMatch(/^advisor_session=web-.*; HttpOnly; SameSite=Lax$/);
    expect(await res.text()).toContain('SME internationalisation advisor');
  });

  it('talks to the advisor over POST /api/chat and keeps state per session cookie, not per user field', async () => {
    const first = await chat({ user: 'web-1', text: 'my country is Sweden' });
    const session = sessionOf(first);
    expect((await first.json()).replies[0].text).toMatch(/Sweden/);
    const b = await (await chat({ text: 'my profile' }, undefined, session)).json();
    expect(b.replies[0].text).toMatch(/Country: Sweden/);
    const other = await (await chat({ user: 'web-1', text: 'my profile' })).json();
    expect(other.replies[0].text).toMatch(/Country: not set/);
  });

  it('gives clear errors for bad bodies and stays up with its data intact', async () => {
    const start = await chat({ text: 'my country is Sweden' });
    const session = sessionOf(start);
    const malformed = await chat('{"user": "x", "text": ');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatch(/not valid JSON/);
    const binary = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 159, 146, 150, 255]) });
    expect(binary.status).toBe(400);
    const huge = await chat({ user: 'web-1', text: 'y'.repeat(1_000_000) });
    expect(huge.status).toBe(413);
    const empty = await chat('');
    expect(empty.status).toBe(400);
    const wrongShape = await chat({ text: 5 });
    expect(wrongShape.status).toBe(400);
    expect((await wrongShape.json()).error).toMatch(/text/);
    const both = await chat({ text: 'hi', action: { id: 'x', value: '' } }, undefined, session);
    expect(both.status).toBe(400);
    const unknownButton = await (await chat({ action: { id: 'no.such.button', value: '' } }, undefined, session)).json();
    expect(unknownButton.replies[0].text).toMatch(/do not recognise that button/);
    const profile = await (await chat({ text: 'my profile' }, undefined, session)).json();
    expect(profile.replies[0].text).toMatch(/Country: Sweden/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('logs structured JSON at info level without any message text', async () => {
    await chat({ user: 'web-log', text: 'Zebra-Marmalade question about customs in Peru' });
    await new Promise((r) => setTimeout(r, 300));
    const lines = logs.join('').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('level');
    expect(logs.join('')).not.toContain('Zebra-Marmalade');
  });
});
