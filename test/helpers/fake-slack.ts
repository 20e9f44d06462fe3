/**
 * A fake Slack Web API on loopback, reached through SLACK_API_URL: it speaks the Web API's wire format
 * (form-encoded or JSON POST /api/<method>, {"ok":true,...} answers, 429 with Retry-After) and records every call.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token the call was made with. */
  token?: string;
  at: number;
}

export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  /** method → number of upcoming calls to answer with 429. */
  readonly rateLimit = new Map<string, number>();
  private server?: http.Server;
  url = '';
  /** Base for response_url values in test payloads. */
  responseUrl = '';
  /** WebSocket URL handed out by apps.connections.open (Socket Mode tests). */
  socketUrl = '';
  private ts = 1_700_000_000;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        // Anything outside /api/ is a response_url (Slack gives those with commands and interactions).
        const method = req.url?.startsWith('/api/') ? req.url.replace(/^\/api\//, '').split('?')[0]! : 'response_url';
        const args: Record<string, unknown> = {};
        if ((req.headers['content-type'] ?? '').includes('application/json')) Object.assign(args, raw ? JSON.parse(raw) : {});
        else for (const [k, v] of new URLSearchParams(raw)) args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
        const limited = this.rateLimit.get(method) ?? 0;
        const auth = req.headers.authorization;
        this.calls.push({ method, args, token: auth?.replace(/^Bearer /, '') ?? (args.token as string | undefined), at: Date.now() });
        if (limited > 0) {
          this.rateLimit.set(method, limited - 1);
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.answer(method, args)));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api/`;
    this.responseUrl = this.url.replace(/api\/$/, 'respond/');
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://t.slack.com/', team: 'Test', user: 'advisor', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts: `${++this.ts}.000100`, message: { text: args.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${++this.ts}.000200` };
      case 'oauth.v2.access':
        return {
          ok: true,
          app_id: 'A1',
          authed_user: { id: 'UINSTALLER' },
          scope: 'app_mentions:read,chat:write,commands,im:history',
          token_type: 'bot',
          access_token: 'xoxb-installed-token',
          bot_user_id: 'UBOT',
          team: { id: 'T2', name: 'Installed Team' },
          enterprise: null,
          is_enterprise_install: false,
        };
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'not_allowed' };
      case 'views.open':
      case 'views.publish':
        return { ok: true, view: { id: 'V1' } };
      default:
        return { ok: true };
    }
  }

  /** Calls of one method (after the ones already seen, when `since` is given). */
  of(method: string, since = 0): SlackCall[] {
    return this.calls.slice(since).filter((c) => c.method === method);
  }

  /** Waits until `predicate` holds over the recorded calls. */
  async waitFor(predicate: (calls: SlackCall[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this.calls)) {
      if (Date.now() > until) throw new Error(`timed out; calls: ${JSON.stringify(this.calls.map((c) => c.method))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Headers of a request signed the way Slack signs it (v0, HMAC-SHA256 of "v0:timestamp:body"). */
export function slackSignature(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${crypto.createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

let counter = 0;
/** An Events API envelope around an event. */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${Date.now()}${++counter}`): Record<string, unknown> {
  return {
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    event,
  };
}
