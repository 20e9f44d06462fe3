/**
 * Fault injection: a Slack Web API that stops answering. Turns time out instead of holding their slots, are retried,
 * and every event is answered once the API answers again; SIGTERM still ends the process within its deadline, and
 * what it could not finish is finished by the next start.
 */
import { describe, expect, it } from 'vitest';
import type { StartedServer } from '../helpers/server.js';
import { slackRig } from '../helpers/slack-rig.js';

const SECRET = 'hang-signing-secret';

describe('fault injection: a hung Web API', () => {
  const rig = slackRig(SECRET);
  const { fake, answered } = rig;
  const env = { SLACK_API_TIMEOUT_MS: '400', SHUTDOWN_DEADLINE_MS: '2000' };
  const servers: StartedServer[] = [];
  const dm = (url: string, channel: string) => rig.dm(url, channel);

  it('keeps answering while calls hang, and answers each event once', async () => {
    const server = await rig.start(env);
    servers.push(server);
    // More hung calls than turns run at once (16): before, every slot stayed blocked and nothing was answered.
    fake.hang.set('chat.postMessage', 40);
    const channels = Array.from({ length: 50 }, (_, i) => `DH${i}`);
    const started = Date.now();
    // Each request gives up after 10 s, so that a request the server never answers fails here, with its output.
    const statuses = await Promise.all(channels.map((c) => dm(server.url, c).then((r) => r.status).catch((err: unknown) => {
      throw new Error(`a DM was not acknowledged (${(err as Error).message}); server output: ${server.output().slice(-3000)}`);
    })));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Acknowledgements do not wait for the Web API.
    expect(Date.now() - started).toBeLessThan(3000);
    await fake.waitFor(() => channels.every((c) => answered(c) >= 1), 30_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message.slice(0, 300)}; unanswered: ${channels.filter((c) => answered(c) < 1).join(', ')}; server output: ${server.output().slice(-3000)}`);
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(channels.filter((c) => answered(c) !== 1)).toEqual([]);
    // The users whose reply was held up heard that it would come.
    expect(fake.of('chat.postEphemeral', 0).some((c) => /try again by myself/.test(String(c.args.text)))).toBe(true);
  }, 60_000);

  it('finishes SIGTERM within its deadline while calls hang, and the next start answers what was left', async () => {
    const server = servers[0]!;
    fake.hang.set('chat.postMessage', 1_000_000);
    const channels = ['DT1', 'DT2', 'DT3'];
    for (const c of channels) expect((await dm(server.url, c)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const stopping = Date.now();
    const exit = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(2000 + 2000);
    expect(channels.some((c) => answered(c) > 0)).toBe(false);
    fake.hang.clear();
    await rig.start(env);
    await fake.waitFor(() => channels.every((c) => answered(c) === 1), 20_000);
  }, 60_000);

  describe('at start', () => {
    const fresh = slackRig(SECRET);
    it('starts although auth.test hangs, and answers once Slack does (Bolt\'s own start-up check would crash the process)', async () => {
      fresh.fake.hang.set('auth.test', 1);
      const server = await fresh.start(env);
      // The first event waits for the hung auth.test and fails (Slack would deliver it again); the next is answered.
      let status = 0;
      for (let i = 0; i < 5 && status !== 200; i++) status = (await fresh.dm(server.url, 'DA1')).status;
      expect(status).toBe(200);
      await fresh.fake.waitFor(() => fresh.answered('DA1') >= 1, 10_000);
      expect(server.child.exitCode).toBeNull();
    }, 30_000);
  });
});
