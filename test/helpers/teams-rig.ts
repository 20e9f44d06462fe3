/**
 * What the Teams harnesses share: the fake Bot Connector, the built server started against it, activities POSTed as
 * the Bot Connector sends them, and every Adaptive Card the advisor produced (sent through the connector or returned
 * as an invoke's response), for the schema check.
 */
import { afterAll, beforeAll } from 'vitest';
import { FakeConnector, cardOf } from './fake-connector.js';
import { startServer, type StartedServer } from './server.js';
import { tempDir } from './tmp.js';

export interface TeamsRig {
  connector: FakeConnector;
  /** POSTs an activity to /api/messages; the invoke's card (if any) is kept for `cards()`. */
  post(activity: Record<string, unknown>): Promise<{ status: number; body?: Record<string, unknown> }>;
  /** Every card so far: returned by invokes and sent through the connector. */
  cards(): unknown[];
}

export function teamsRig(env: Record<string, string>): TeamsRig {
  const connector = new FakeConnector();
  const { dir, cleanup } = tempDir();
  let server: StartedServer | undefined;
  const returned: unknown[] = [];
  beforeAll(async () => {
    await connector.start();
    server = await startServer({ DATA_DIR: dir, HOST: '127.0.0.1', PUBLIC_URL: 'https://advisor.example.org', ...env });
  });
  afterAll(async () => {
    await server?.stop();
    await connector.stop();
    cleanup();
  });
  return {
    connector,
    async post(activity) {
      const res = await fetch(`${server!.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await res.text();
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      if (body?.type === 'application/vnd.microsoft.card.adaptive') returned.push(body.value);
      return { status: res.status, body };
    },
    cards: () => [...returned, ...connector.calls.filter((c) => Array.isArray(c.body.attachments)).map(cardOf)],
  };
}
