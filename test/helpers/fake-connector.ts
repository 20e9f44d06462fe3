/**
 * A fake Bot Connector on loopback, speaking the v3 REST protocol the Bot Framework uses: it records replies and new
 * messages (POST /v3/conversations/{id}/activities[/{replyTo}]), updates (PUT …/activities/{id}), deletes, creates
 * 1:1 conversations (POST /v3/conversations, refused with 403 for the members in `unreachable`) and answers the paged
 * members call. The Teams channel's activities name it as their serviceUrl.
 */
import http from 'node:http';

export interface ConnectorCall {
  method: string;
  path: string;
  conversation: string;
  activityId?: string;
  body: Record<string, unknown>;
  authorization?: string;
  /** The id the fake gave a new message. */
  id?: string;
}

export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  members: { id: string; name: string; aadObjectId?: string }[] = [];
  /** Members a 1:1 conversation cannot be created with (the app is not installed for them): 403. */
  unreachable = new Set<string>();
  /** While true, requests are recorded and never answered (a hung Bot Connector). */
  hang = false;
  private server?: http.Server;
  private n = 0;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const m = /^\/v3\/conversations\/([^/]+)(?:\/(activities|pagedmembers|members))?(?:\/([^/]+))?/.exec(url.pathname);
        const conversation = m ? decodeURIComponent(m[1]!) : '';
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        const call: ConnectorCall = { method: req.method ?? '', path: url.pathname, conversation, activityId: m?.[3] ? decodeURIComponent(m[3]) : undefined, body, authorization: req.headers.authorization };
        this.calls.push(call);
        if (this.hang) return;
        res.setHeader('content-type', 'application/json');
        if (m?.[2] === 'pagedmembers') return void res.end(JSON.stringify({ members: this.members }));
        if (req.method === 'POST' && url.pathname === '/v3/conversations') {
          const member = (body.members as { id: string }[] | undefined)?.[0]?.id ?? '';
          if (this.unreachable.has(member)) {
            res.statusCode = 403;
            return void res.end(JSON.stringify({ error: { code: 'Forbidden', message: 'The bot is not installed for this user' } }));
          }
          // The id a user's 1:1 chat has in this fake (teamsActivity's default), so a created chat and an opened one agree.
          return void res.end(JSON.stringify({ id: `a:conv-${member.replace(/^29:/, '')}` }));
        }
        if (req.method === 'DELETE') return void res.end('{}');
        call.id = req.method === 'PUT' ? m?.[3] : `m${++this.n}`;
        res.end(JSON.stringify({ id: call.id }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}/`;
  }

  /** Messages sent (replies and new ones), with their card. */
  sent(conversation?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'POST' && c.path.includes('/activities') && (!conversation || c.conversation === conversation));
  }

  updates(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'PUT');
  }

  async waitFor(check: () => boolean, ms = 10_000): Promise<void> {
    const until = Date.now() + ms;
    while (!check()) {
      if (Date.now() > until) throw new Error(`timed out; connector saw ${JSON.stringify(this.calls.map((c) => `${c.method} ${c.path}`))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The card of a recorded message. */
export function cardOf(call: ConnectorCall): Record<string, unknown> & { body: Record<string, unknown>[] } {
  const attachments = call.body.attachments as { contentType: string; content: Record<string, unknown> & { body: Record<string, unknown>[] } }[];
  return attachments[0]!.content;
}

/** All texts of a card, top to bottom. */
export function cardText(card: { body: Record<string, unknown>[] }): string {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card.body);
  return out.join('\n');
}

/** Card actions (Action.Execute) with their verb and data. */
export function cardActions(card: { body: Record<string, unknown>[] }): { title: string; verb: string; data: Record<string, unknown> }[] {
  const out: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.type === 'Action.Execute') out.push({ title: String(o.title), verb: String(o.verb), data: o.data as Record<string, unknown> });
      for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && typeof v === 'object') walk(v);
    }
  };
  walk(card.body);
  return out;
}

let activitySeq = 0;
/** A Teams activity as the Bot Connector sends it. */
export function teamsActivity(connector: FakeConnector, over: Record<string, unknown> & { conversationType?: 'personal' | 'groupChat' | 'channel'; conversationId?: string; user?: string }): Record<string, unknown> {
  const { conversationType = 'personal', conversationId = `a:conv-${over.user ?? 'u1'}`, user = 'u1', ...rest } = over;
  return {
    type: 'message',
    id: `act-${++activitySeq}-${Date.now()}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: `29:${user}`, name: user, aadObjectId: `aad-${user}` },
    recipient: { id: '28:bot', name: 'Advisor' },
    conversation: { id: conversationId, conversationType, tenantId: 'tenant-1', isGroup: conversationType !== 'personal' },
    channelData: { tenant: { id: 'tenant-1' } },
    locale: 'en-US',
    localTimezone: 'Europe/Stockholm',
    ...rest,
  };
}
