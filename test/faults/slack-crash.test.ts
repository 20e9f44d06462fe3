/**
 * Fault injection, Slack side: the real server (dist/main.js) killed with SIGKILL in the middle of a burst of signed
 * events, then started again on the same DATA_DIR. Every event that got a 200 must be answered, and none twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlackApi, eventEnvelope, slackSignature } from '../helpers/fake-slack.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'fault-signing-secret';
const EVENTS = 400;
const IN_FLIGHT = 40;

describe('fault injection: a crash mid-burst', () => {
  const fake = new FakeSlackApi();
  const { dir, cleanup } = tempDir();
  const servers: StartedServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await fake.stop();
    cleanup();
  });

  const env = () => ({ DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-fault', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url });
  const dm = (url: string, n: number) => {
    const body = JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel: `D${n}`, user: `U${n}`, text: 'help', ts: `${1_700_000_000 + n}.000100`, team: 'T1' }, `EvCrash${n}`));
    return fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...slackSignature(SECRET, body) }, body });
  };
  const postsTo = (channel: string) => fake.of('chat.postMessage', 0).filter((c) => c.args.channel === channel).length;

  it('answers every acknowledged event exactly once after SIGKILL and a restart', async () => {
    await fake.start();
    const first = await startServer(env());
    servers.push(first);
    // How many messages one "help" DM gets, from one event before the burst.
    expect((await dm(first.url, -1)).status).toBe(200);
    await fake.waitFor(() => postsTo('D-1') > 0);
    await new Promise((r) => setTimeout(r, 300));
    const perEvent = postsTo('D-1');

    const acknowledged = new Set<number>();
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (next < EVENTS) {
        const n = next++;
        const res = await dm(first.url, n).catch(() => undefined);
        if (res?.status === 200) acknowledged.add(n);
        if (!killed && acknowledged.size >= EVENTS / 2) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
    await new Promise<void>((resolve) => (first.child.exitCode !== null || first.child.signalCode !== null ? resolve() : first.child.once('exit', () => resolve())));
    const answeredBeforeRestart = [...acknowledged].filter((n) => postsTo(`D${n}`) >= perEvent).length;

    const second = await startServer(env());
    servers.push(second);
    await fake.waitFor(() => [...acknowledged].every((n) => postsTo(`D${n}`) >= perEvent), 60_000);
    // Give a doubled reply time to show up.
    await new Promise((r) => setTimeout(r, 1000));
    const lost = [...acknowledged].filter((n) => postsTo(`D${n}`) < perEvent);
    const doubled = [...acknowledged].filter((n) => postsTo(`D${n}`) > perEvent);
    console.log(`crash test: ${acknowledged.size} acknowledged, ${answeredBeforeRestart} answered before the kill, ${lost.length} lost, ${doubled.length} doubled`);
    expect(acknowledged.size).toBeGreaterThanOrEqual(EVENTS / 2);
    expect(answeredBeforeRestart).toBeLessThan(acknowledged.size);
    expect(lost).toEqual([]);
    expect(doubled).toEqual([]);
  }, 120_000);
});
