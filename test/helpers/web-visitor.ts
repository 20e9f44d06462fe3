/** A web chat visitor for tests: keeps the session cookie between requests, as a browser does. */
export class WebVisitor {
  cookie: string | undefined;
  constructor(public base: string) {}

  async request(p: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers = { ...(this.cookie ? { cookie: `advisor_session=${this.cookie}` } : {}), ...init.headers };
    const res = await fetch(`${this.base}${p}`, { ...init, headers, redirect: 'manual' });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('advisor_session='));
    if (set) this.cookie = set.slice('advisor_session='.length).split(';')[0];
    return res;
  }

  post(body: object, headers: Record<string, string> = {}): Promise<Response> {
    return this.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  }

  /** The user id the cookie carries (its first part). */
  get user(): string {
    return this.cookie!.split('.')[0]!;
  }
}
