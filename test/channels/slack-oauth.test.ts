/** The distributable Slack app: install page, OAuth redirect against the fake Web API, installation in the store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi, eventEnvelope, slackSignature } from '../helpers/fake-slack.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { SLACK_SCOPES } from '../../src/channels/slack/slack.js';

const SECRET = 'oauth-signing-secret';

describe('Slack OAuth installation', () => {
  const fake = new FakeSlackApi();
  const { dir, cleanup } = tempDir();
  let server: StartedServer;
  beforeAll(async () => {
    await fake.start();
    server = await startServer({
      DATA_DIR: dir,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: 'client-secret',
      SLACK_STATE_SECRET: 'state-secret',
      SLACK_API_URL: fake.url,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await fake.stop();
    cleanup();
  });

  it('installs through /slack/install and the redirect, then answers that workspace with its own token', async () => {
    const page = await fetch(`${server.url}/slack/install`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    const link = /href="(https:\/\/slack\.com\/oauth\/v2\/authorize[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const url = new URL(link);
    expect(url.searchParams.get('client_id')).toBe('111.222');
    expect(url.searchParams.get('scope')!.split(',').sort()).toEqual([...SLACK_SCOPES].sort());
    const state = url.searchParams.get('state')!;
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;

    const forged = await fetch(`${server.url}/slack/oauth_redirect?code=abc&state=forged`, { headers: { cookie } });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    const done = await fetch(`${server.url}/slack/oauth_redirect?code=abc&state=${encodeURIComponent(state)}`, { headers: { cookie } });
    expect(done.status).toBe(200);
    expect(fake.of('oauth.v2.access')).toHaveLength(1);

    const body = JSON.stringify({ ...eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D-T2', user: 'U1', text: 'help', ts: '1.1', team: 'T2' }), team_id: 'T2', authorizations: [{ team_id: 'T2', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }] });
    const since = fake.calls.length;
    const res = await fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...slackSignature(SECRET, body) }, body });
    expect(res.status).toBe(200);
    await fake.waitFor(() => fake.of('chat.postMessage', since).length > 0);
    expect(fake.of('chat.postMessage', since)[0]!.token).toBe('xoxb-installed-token');
  });
});
