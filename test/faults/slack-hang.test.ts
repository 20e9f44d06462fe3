/**
 * Fault injection: a Slack Web API that stops answering. Turns time out instead of holding their slots, are retried,
 * and every event is answered once the API answers again; SIGTERM still ends the process within its deadline, and
 * what it could not finish is finished by the next start.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlackApi, eventEnvelope, slackSignature } from '../helpers/fake-slack.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'hang-signing-secret';

describe('fault injection: a hung Web API', () => {
  const fake = new FakeSlackApi();
  const { dir, cleanup } = tempDir();
  const servers: StartedServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await fake.stop();
    cleanup();
  });
  const env = () => ({ DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-hang', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, SLACK_API_TIMEOUT_MS: '400', SHUTDOWN_DEADLINE_MS: '2000' });
  let eventNo = 0;
  const dm = (url: string, channel: string) => {
    const n = ++eventNo;
    const body = JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel, user: `U${channel}`, text: 'help', ts: `${1_700_000_000 + n}.000100`, team: 'T1' }, `EvHang${n}`));
    return fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...slackSignature(SECRET, body) }, body });
  };
  const answered = (channel: string) => fake.of('chat.postMessage', 0).filter((c) => c.args.channel === channel && !c.hung).length;

  it('keeps answering while calls hang, and answers each event once', async () => {
    await fake.start();
    const server = await startServer(env());
    servers.push(server);
    // More hung calls than turns run at once (16): before, every slot stayed blocked and nothing was answered.
    fake.hang.set('chat.postMessage', 40);
    const channels = Array.from({ length: 50 }, (_, i) => `DH${i}`);
    const started = Date.now();
    const statuses = await Promise.all(channels.map((c) => dm(server.url, c).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Acknowledgements do not wait for the Web API.
    expect(Date.now() - started).toBeLessThan(3000);
    await fake.waitFor(() => channels.every((c) => answered(c) >= 1), 30_000);
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
    const next = await startServer(env());
    servers.push(next);
    await fake.waitFor(() => channels.every((c) => answered(c) === 1), 20_000);
  }, 60_000);
});
