/**
 * Slack in Socket Mode: apps.connections.open on the fake Web API hands out a loopback WebSocket that speaks Slack's
 * Socket Mode protocol (hello, envelopes, acknowledgements by envelope_id).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeSlackApi, eventEnvelope } from '../helpers/fake-slack.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

describe('Slack in Socket Mode', () => {
  const fake = new FakeSlackApi();
  const { dir, cleanup } = tempDir();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const acks: string[] = [];
  let socket: WebSocket | undefined;
  let server: StartedServer;

  beforeAll(async () => {
    // The server may already be listening by the time this hook runs.
    if (!wss.address()) await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string };
        if (msg.envelope_id) acks.push(msg.envelope_id);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A1' } }));
    });
    await fake.start();
    fake.socketUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
    server = await startServer({ DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-socket', SLACK_APP_TOKEN: 'xapp-socket', SLACK_API_URL: fake.url });
    for (let i = 0; i < 200 && !socket; i++) await new Promise((r) => setTimeout(r, 50));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await fake.stop();
    await new Promise<void>((r) => wss.close(() => r()));
    cleanup();
  });

  it('connects, acknowledges an event envelope and answers the DM', async () => {
    expect(socket).toBeDefined();
    expect(fake.of('apps.connections.open')[0]!.token).toBe('xapp-socket');
    const since = fake.calls.length;
    socket!.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'events_api',
        accepts_response_payload: false,
        retry_attempt: 0,
        retry_reason: '',
        payload: eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D-S1', user: 'US1', text: 'Do we need CE marking to sell our machines abroad?', ts: '1.1', team: 'T1' }),
      }),
    );
    await fake.waitFor(() => fake.of('chat.postMessage', since).some((c) => c.args.channel === 'D-S1'));
    expect(acks).toContain('env-1');
    const post = fake.of('chat.postMessage', since).find((c) => c.args.channel === 'D-S1')!;
    expect(String(post.args.text)).toMatch(/What to do:/);
    expect(post.token).toBe('xoxb-socket');
  });
});
