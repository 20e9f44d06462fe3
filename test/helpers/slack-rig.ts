/**
 * What the fault-injection tests share: a loopback fake Web API, one DATA_DIR, the built servers started on it (all
 * stopped after the suite), signed DMs to them and a count of the replies that really went out.
 */
import { afterAll } from 'vitest';
import { FakeSlackApi, eventEnvelope, slackSignature } from './fake-slack.js';
import { startServer, type StartedServer } from './server.js';
import { tempDir } from './tmp.js';

export interface SlackRig {
  fake: FakeSlackApi;
  dir: string;
  /** Starts the built server on the rig's DATA_DIR and fake Web API, with `env` on top. */
  start(env?: Record<string, string>): Promise<StartedServer>;
  /** A signed `message.im` event from user U<channel> in DM `channel`, with a unique event id. */
  dm(url: string, channel: string, text?: string): Promise<Response>;
  /** Messages posted to `channel` that the fake answered (hung calls posted nothing). */
  answered(channel: string): number;
}

export function slackRig(secret: string): SlackRig {
  const fake = new FakeSlackApi();
  const { dir, cleanup } = tempDir();
  const servers: StartedServer[] = [];
  let started: Promise<void> | undefined;
  let eventNo = 0;
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await fake.stop();
    cleanup();
  });
  return {
    fake,
    dir,
    async start(env = {}) {
      await (started ??= fake.start());
      const server = await startServer({ DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-rig', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: fake.url, ...env });
      servers.push(server);
      return server;
    },
    dm(url, channel, text = 'help') {
      const n = ++eventNo;
      const body = JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel, user: `U${channel}`, text, ts: `${1_700_000_000 + n}.000100`, team: 'T1' }, `EvRig${n}`));
      return fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...slackSignature(secret, body) }, body, signal: AbortSignal.timeout(10_000) });
    },
    answered: (channel) => fake.of('chat.postMessage', 0).filter((c) => c.args.channel === channel && !c.hung).length,
  };
}
