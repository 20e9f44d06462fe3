/**
 * A fake Slack Web API on loopback, reached through SLACK_API_URL: it speaks the Web API's wire format
 * (form-encoded or JSON POST /api/<method>, {"ok":true,...} answers, 429 with Retry-After) and records every call.
 * It also serves the upload URLs of files.getUploadURLExternal (the filesUploadV2 flow), recording each file's size.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  /** Left unanswered (see `hang`): the caller timed out, nothing was posted. */
  hung?: boolean;
  /** Answered with 429 (see `rateLimit`, `rateLimitChance`): nothing was done. */
  limited?: boolean;
  method: string;
  args: Record<string, unknown>;
  /** The bearer token the call was made with. */
  token?: string;
  at: number;
  /** What the fake answered (absent for hung calls). */
  result?: Record<string, unknown>;
}

/** A file POSTed to an upload URL handed out by files.getUploadURLExternal. */
export interface SlackUpload {
  fileId: string;
  /** As announced to files.getUploadURLExternal. */
  filename: string;
  length: number;
  /** Bytes actually received. */
  size: number;
}

export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  /** method → number of upcoming calls to answer with 429. */
  readonly rateLimit = new Map<string, number>();
  /** method → chance (0–1) that a call is answered with 429 and Retry-After: 1 (rate limits at random). */
  readonly rateLimitChance = new Map<string, number>();
  /** When each 429 was answered, by method. */
  readonly limited: { method: string; at: number }[] = [];
  /** method → Slack error code to answer with (`{ok:false,error}`) while set. */
  readonly errors = new Map<string, string>();
  /** method → number of upcoming calls to leave unanswered (a hung Web API); stop() cuts them off. */
  readonly hang = new Map<string, number>();
  private readonly hung = new Set<http.ServerResponse>();
  /** conversations.members: channel → member ids (an unknown channel answers channel_not_found). */
  readonly members = new Map<string, string[]>();
  /** users.info: user → IANA time zone (an unknown user answers user_not_found). */
  readonly timeZones = new Map<string, string>();
  readonly uploads: SlackUpload[] = [];
  /** Messages posted, by channel (conversations.history and .replies read them). */
  private readonly history = new Map<string, { ts: string; text: unknown; thread_ts: unknown; metadata: unknown }[]>();
  private readonly announced = new Map<string, { filename: string; length: number }>();
  private fileCounter = 0;
  private server?: http.Server;
  url = '';
  /** Base for response_url values in test payloads. */
  responseUrl = '';
  /** WebSocket URL handed out by apps.connections.open (Socket Mode tests). */
  socketUrl = '';
  private ts = 1_700_000_000;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url?.startsWith('/upload/')) {
          this.receiveUpload(req.url.slice('/upload/'.length), req.headers['content-type'] ?? '', body, res).catch(() => res.writeHead(400).end('bad upload'));
          return;
        }
        const raw = body.toString();
        // Anything outside /api/ is a response_url (Slack gives those with commands and interactions).
        const method = req.url?.startsWith('/api/') ? req.url.replace(/^\/api\//, '').split('?')[0]! : 'response_url';
        const args: Record<string, unknown> = {};
        if ((req.headers['content-type'] ?? '').includes('application/json')) Object.assign(args, raw ? JSON.parse(raw) : {});
        else for (const [k, v] of new URLSearchParams(raw)) args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
        const limited = this.rateLimit.get(method) ?? 0;
        const auth = req.headers.authorization;
        const call: SlackCall = { method, args, token: auth?.replace(/^Bearer /, '') ?? (args.token as string | undefined), at: Date.now() };
        this.calls.push(call);
        const hanging = this.hang.get(method) ?? 0;
        if (hanging > 0) {
          this.hang.set(method, hanging - 1);
          this.calls.at(-1)!.hung = true;
          this.hung.add(res);
          return;
        }
        const chance = this.rateLimitChance.get(method) ?? 0;
        if (limited > 0 || (chance > 0 && Math.random() < chance)) {
          if (limited > 0) this.rateLimit.set(method, limited - 1);
          this.limited.push({ method, at: Date.now() });
          call.limited = true;
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        const error = this.errors.get(method);
        call.result = error ? { ok: false, error } : this.answer(method, args);
        res.end(JSON.stringify(call.result));
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
      case 'chat.postMessage': {
        const ts = `${++this.ts}.000100`;
        const channel = String(args.channel);
        const list = this.history.get(channel) ?? [];
        list.push({ ts, text: args.text, thread_ts: args.thread_ts, metadata: args.metadata });
        this.history.set(channel, list);
        return { ok: true, channel: args.channel, ts, message: { text: args.text } };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        // Newest first, as Slack returns them; metadata only when asked for.
        const all = (this.history.get(String(args.channel)) ?? []).filter((m) => (method === 'conversations.replies' ? m.thread_ts === args.ts : true));
        const withMeta = String(args.include_all_metadata) === 'true';
        return { ok: true, messages: all.map((m) => ({ type: 'message', ts: m.ts, text: m.text, ...(withMeta && m.metadata ? { metadata: m.metadata } : {}) })).reverse(), has_more: false };
      }
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
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.delete':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'conversations.open':
        return { ok: true, channel: { id: `D-${String(args.users)}` } };
      case 'conversations.members':
        return this.membersPage(args);
      case 'users.info': {
        const tz = this.timeZones.get(String(args.user));
        return tz ? { ok: true, user: { id: args.user, tz, is_bot: false } } : { ok: false, error: 'user_not_found' };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${++this.fileCounter}`;
        this.announced.set(fileId, { filename: String(args.filename), length: Number(args.length) });
        return { ok: true, file_id: fileId, upload_url: `${this.url.replace(/api\/$/, 'upload/')}${fileId}` };
      }
      case 'files.completeUploadExternal': {
        const files = (args.files as { id: string; title?: string }[] | undefined) ?? [];
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title, name: this.announced.get(f.id)?.filename })) };
      }
      default:
        return { ok: true };
    }
  }

  /** One page of conversations.members; the cursor is the offset of the next page, empty after the last. */
  private membersPage(args: Record<string, unknown>): Record<string, unknown> {
    const all = this.members.get(String(args.channel));
    if (!all) return { ok: false, error: 'channel_not_found' };
    const limit = Number(args.limit) || 100;
    const offset = typeof args.cursor === 'string' && args.cursor ? Number(args.cursor.replace(/^offset:/, '')) : 0;
    const next = offset + limit < all.length ? `offset:${offset + limit}` : '';
    return { ok: true, members: all.slice(offset, offset + limit), response_metadata: { next_cursor: next } };
  }

  /** The bytes of an upload URL: WebClient sends them as multipart/form-data; the size of the file part is recorded. */
  private async receiveUpload(fileId: string, contentType: string, body: Buffer, res: http.ServerResponse): Promise<void> {
    this.calls.push({ method: 'file_upload', args: { file_id: fileId }, at: Date.now() });
    let size = body.length;
    if (contentType.includes('multipart/form-data')) {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
      size = 0;
      form.forEach((v) => {
        if (typeof v !== 'string') size += v.size;
      });
    }
    const announced = this.announced.get(fileId);
    if (!announced) {
      res.writeHead(404).end('unknown upload');
      return;
    }
    this.uploads.push({ fileId, ...announced, size });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${size}`);
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
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    this.server?.closeAllConnections();
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

/**
 * The JSON of a block_actions payload as Slack sends it when `user` clicks `button` on the message `ts` in `channel`
 * (form-encode it as `payload=`). Slack gives every interaction its own trigger id; a repeated one is a replay.
 */
export function blockActionsPayload(o: {
  user: string;
  channel: string;
  ts: string;
  button: { action_id?: string; value?: string };
  triggerId: string;
  ephemeral?: boolean;
  responseUrl?: string;
}): string {
  return JSON.stringify({
    type: 'block_actions',
    user: { id: o.user, team_id: 'T1' },
    team: { id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: o.triggerId,
    channel: { id: o.channel },
    container: { type: 'message', message_ts: o.ts, channel_id: o.channel, is_ephemeral: Boolean(o.ephemeral) },
    ...(o.ephemeral ? {} : { message: { ts: o.ts, text: 'x' } }),
    ...(o.responseUrl ? { response_url: o.responseUrl } : {}),
    actions: [{ type: 'button', action_id: o.button.action_id, block_id: 'b', value: o.button.value, action_ts: '1.3' }],
  });
}
