/**
 * The Teams channel over HTTP, with the real botbuilder CloudAdapter in the real server: real-shaped activities
 * POSTed to /api/messages, replies and updates recorded by a fake Bot Connector on loopback (the activities'
 * serviceUrl). Every card the conversations produce is validated against the Adaptive Cards 1.5 schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardProblems } from '../helpers/cards.js';
import { FakeConnector, cardActions, cardOf, cardText, teamsActivity } from '../helpers/fake-connector.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const cards: unknown[] = [];
const post = async (server: StartedServer, activity: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  if (body?.type === 'application/vnd.microsoft.card.adaptive') cards.push(body.value);
  return { status: res.status, body };
};

describe('Teams channel (unauthenticated, loopback)', () => {
  const connector = new FakeConnector();
  const { dir, cleanup } = tempDir();
  let server: StartedServer;
  beforeAll(async () => {
    await connector.start();
    server = await startServer({ DATA_DIR: dir, HOST: '127.0.0.1', PUBLIC_URL: 'https://advisor.example.org' });
  });
  afterAll(async () => {
    for (const c of connector.calls) if (Array.isArray(c.body.attachments)) cards.push(cardOf(c));
    await server?.stop();
    await connector.stop();
    cleanup();
  });

  it('says loudly at start that it runs without authentication', () => {
    expect(server.output()).toMatch(/Teams\s+UNAUTHENTICATED at http:\/\/127\.0\.0\.1:\d+\/api\/messages: for local development only/);
  });

  it('answers a question in a personal chat with an Adaptive Card, acknowledging before the turn runs', async () => {
    const since = connector.calls.length;
    const activity = teamsActivity(connector, { user: 'ann', text: 'Do we need CE marking for our machines?' });
    const started = Date.now();
    const r = await post(server, activity);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    await connector.waitFor(() => connector.sent('a:conv-ann').length > since);
    const reply = connector.sent('a:conv-ann')[0]!;
    expect(reply.body.type).toBe('message');
    const card = cardOf(reply);
    expect(cardText(card)).toMatch(/^CE marking: which products need it/);
    expect(cardProblems(card)).toEqual([]);
    expect(cardActions(card).map((a) => a.verb)).toContain('answers.more');
  });

  it('processes a retried delivery (the same activity id) once', async () => {
    const activity = teamsActivity(connector, { user: 'bob', text: 'What goes into an export plan?' });
    expect((await post(server, activity)).status).toBe(200);
    expect((await post(server, activity)).status).toBe(200);
    await connector.waitFor(() => connector.sent('a:conv-bob').length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(connector.sent('a:conv-bob').filter((c) => /export plan/i.test(cardText(cardOf(c)))).length).toBe(1);
  });

  it('strips its own @mention in a channel and answers there', async () => {
    const activity = teamsActivity(connector, {
      user: 'cara',
      conversationType: 'channel',
      conversationId: '19:general@thread.tacv2;messageid=1700',
      text: '<at>Advisor</at> how do I get an EORI number? We are based in Sweden.',
      entities: [{ type: 'mention', text: '<at>Advisor</at>', mentioned: { id: '28:bot', name: 'Advisor' } }],
    });
    expect((await post(server, activity)).status).toBe(200);
    await connector.waitFor(() => connector.sent('19:general@thread.tacv2;messageid=1700').length > 0);
    const text = connector.sent('19:general@thread.tacv2;messageid=1700').map((c) => cardText(cardOf(c))).join('\n');
    expect(text).toMatch(/EORI number: what it is and how to get one/);
    expect(text).toMatch(/Tullverket/);
  });

  it('greets once per conversation when it is added, with what it can do', async () => {
    const added = (id: string) => teamsActivity(connector, { type: 'conversationUpdate', user: 'dan', conversationType: 'groupChat', conversationId: '19:group', membersAdded: [{ id: '28:bot' }], id, text: undefined });
    expect((await post(server, added('cu-1'))).status).toBe(200);
    await connector.waitFor(() => connector.sent('19:group').length > 0);
    expect(cardText(cardOf(connector.sent('19:group')[0]!))).toMatch(/foreign markets|5 whys/i);
    expect((await post(server, added('cu-2'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(connector.sent('19:group').length).toBe(1);
  });

  it('runs a whole 5-Whys through typed answers and card actions, the summary as the refreshed card', async () => {
    const conv = 'a:conv-eve';
    const say = async (text: string) => {
      const before = connector.sent(conv).length;
      expect((await post(server, teamsActivity(connector, { user: 'eve', text }))).status).toBe(200);
      await connector.waitFor(() => connector.sent(conv).length > before);
      return cardOf(connector.sent(conv).at(-1)!);
    };
    await say('5 whys');
    await say('We cannot find distributors in Germany');
    const why2 = await say('Because nobody knows our brand there');
    const root = cardActions(why2).find((a) => a.verb === 'whys.root');
    expect(root).toBeDefined();
    const invoke = teamsActivity(connector, {
      user: 'eve',
      type: 'invoke',
      name: 'adaptiveCard/action',
      text: undefined,
      replyToId: connector.sent(conv).at(-1)!.body.id ?? 'm1',
      value: { action: { type: 'Action.Execute', verb: root!.verb, data: root!.data }, trigger: 'manual' },
    });
    const r = await post(server, invoke);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Answered inside the request: the summary is the refreshed card, or said in the conversation with a notice.
    const answered = r.body?.type === 'application/vnd.microsoft.card.adaptive' ? cardText(r.body.value as { body: Record<string, unknown>[] }) : connector.sent(conv).map((c) => cardText(cardOf(c))).join('\n');
    expect(answered).toMatch(/Root cause:\**\s*Because nobody knows our brand there/);
    // A retried invoke gets the same answer and runs nothing again.
    const again = await post(server, invoke);
    expect(again.body).toEqual(r.body);
  });

  it('submits a card form with its inputs as fields (the profile form)', async () => {
    const conv = 'a:conv-ida';
    expect((await post(server, teamsActivity(connector, { user: 'ida', text: 'my profile' }))).status).toBe(200);
    await connector.waitFor(() => connector.sent(conv).length > 0);
    const card = cardOf(connector.sent(conv).at(-1)!);
    expect(JSON.stringify(card)).toMatch(/"type":"Input.ChoiceSet","id":"country"/);
    const save = cardActions(card).find((a) => a.verb === 'profile.save')!;
    const invoke = teamsActivity(connector, {
      user: 'ida',
      type: 'invoke',
      name: 'adaptiveCard/action',
      text: undefined,
      replyToId: 'm-profile',
      // Teams merges the inputs' values into the action's data.
      value: { action: { type: 'Action.Execute', verb: save.verb, data: { ...save.data, country: 'AT', sector: 'food', language: 'auto' } } },
    });
    expect((await post(server, invoke)).status).toBe(200);
    const before = connector.sent(conv).length;
    expect((await post(server, teamsActivity(connector, { user: 'ida', text: 'my profile' }))).status).toBe(200);
    await connector.waitFor(() => connector.sent(conv).length > before);
    expect(cardText(cardOf(connector.sent(conv).at(-1)!))).toMatch(/Country: Austria[\s\S]*Sector: Food/);
  });

  it('takes an Action.Submit from an older client as the same action', async () => {
    const conv = 'a:conv-fay';
    expect((await post(server, teamsActivity(connector, { user: 'fay', text: 'What goes into an export plan?' }))).status).toBe(200);
    const withMore = () => connector.sent(conv).find((c) => cardActions(cardOf(c)).some((a) => a.verb === 'answers.more'));
    await connector.waitFor(() => withMore() !== undefined);
    const answer = withMore()!;
    const more = cardActions(cardOf(answer)).find((a) => a.verb === 'answers.more')!;
    const updatesBefore = connector.updates().length;
    const sentBefore = connector.sent(conv).length;
    const submit = teamsActivity(connector, { user: 'fay', text: undefined, value: more.data, replyToId: 'm-source' });
    expect((await post(server, submit)).status).toBe(200);
    // "more" says the next page, as Action.Execute would (the answer's own follow-up question may still arrive).
    await connector.waitFor(() => connector.sent(conv).slice(sentBefore).some((c) => /\(more\)/.test(cardText(cardOf(c)))));
    expect(connector.updates().length).toBe(updatesBefore);
  });

  it('refreshes a shared card for everyone in a channel, not only for the person who clicked', async () => {
    const conv = '19:team-channel@thread.tacv2';
    const mention = { type: 'mention', text: '<at>Advisor</at>', mentioned: { id: '28:bot', name: 'Advisor' } };
    expect((await post(server, teamsActivity(connector, { user: 'hal', conversationType: 'channel', conversationId: conv, text: '<at>Advisor</at> forget me', entities: [mention] }))).status).toBe(200);
    await connector.waitFor(() => connector.sent(conv).length > 0);
    const ask = connector.sent(conv).at(-1)!;
    const confirm = cardActions(cardOf(ask)).find((a) => a.verb === 'privacy.confirm')!;
    const updatesBefore = connector.updates().length;
    const invoke = teamsActivity(connector, {
      user: 'hal',
      conversationType: 'channel',
      conversationId: conv,
      type: 'invoke',
      name: 'adaptiveCard/action',
      text: undefined,
      replyToId: 'm-shared-card',
      value: { action: { type: 'Action.Execute', verb: confirm.verb, data: confirm.data } },
    });
    const r = await post(server, invoke);
    expect(r.body?.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(r.body!.value as { body: Record<string, unknown>[] })).toMatch(/You confirmed the deletion/);
    await connector.waitFor(() => connector.updates().length > updatesBefore);
    expect(connector.updates().at(-1)).toMatchObject({ activityId: 'm-shared-card', conversation: conv });
  });

  it('answers bad input with a clear status, never a 500: malformed, unknown types, huge texts, forged card data, other bots', async () => {
    expect((await post(server, { hello: 'world' })).status).toBe(400);
    // Without an id a retried delivery could not be recognised: refused rather than guessed.
    const noId = teamsActivity(connector, { user: 'gus', text: 'hello' });
    delete noId.id;
    expect(await post(server, noId)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/id: a message or invoke needs its id/) } });
    expect((await post(server, { ...teamsActivity(connector, { user: 'gus' }), serviceUrl: 'not a url' })).status).toBe(400);
    expect((await post(server, teamsActivity(connector, { user: 'gus', type: 'somethingNew' }))).status).toBe(200);
    expect((await post(server, teamsActivity(connector, { user: 'gus', type: 'messageUpdate', text: 'edited' }))).status).toBe(200);
    expect((await post(server, teamsActivity(connector, { user: 'gus', text: 'x'.repeat(1_100_000) }))).status).toBe(413);
    const forged = await post(server, teamsActivity(connector, { user: 'gus', type: 'invoke', name: 'adaptiveCard/action', text: undefined, value: { action: { type: 'Action.Execute', data: { nonsense: true } } } }));
    expect(forged.status).toBe(200);
    expect(forged.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    const before = connector.calls.length;
    const fromBot = teamsActivity(connector, { user: 'otherbot', text: 'hello' });
    (fromBot.from as Record<string, unknown>).role = 'bot';
    expect((await post(server, fromBot)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.calls.slice(before).filter((c) => c.conversation === 'a:conv-otherbot')).toEqual([]);
    expect(server.output()).not.toMatch(/"level":50[^\n]*Teams activity failed/);
  });

  it('produces only cards that validate against the Adaptive Cards 1.5 schema', () => {
    const all = [...cards, ...connector.calls.filter((c) => Array.isArray(c.body.attachments)).map(cardOf)];
    expect(all.length).toBeGreaterThan(8);
    for (const card of all) expect(cardProblems(card)).toEqual([]);
  });
});

describe('Teams channel with an app id', () => {
  const { dir, cleanup } = tempDir();
  const connector = new FakeConnector();
  let server: StartedServer;
  beforeAll(async () => {
    await connector.start();
    server = await startServer({ DATA_DIR: dir, MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: 'tenant-1' });
  });
  afterAll(async () => {
    await server?.stop();
    await connector.stop();
    cleanup();
  });

  it('refuses a request without a token, and one with a forged token, with 401; nothing reaches the core', async () => {
    const activity = teamsActivity(connector, { user: 'mallory', text: 'forget me' });
    expect((await post(server, activity)).status).toBe(401);
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'forged', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ iss: 'https://api.botframework.com', aud: '00000000-0000-0000-0000-000000000001', exp: Math.floor(Date.now() / 1000) + 600, serviceurl: connector.url })).toString('base64url');
    expect((await post(server, activity, { authorization: `Bearer ${header}.${claims}.c2lnbmF0dXJl` })).status).toBe(401);
    expect((await post(server, activity, { authorization: 'Basic abc' })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.calls).toEqual([]);
  });
});

describe('Teams endpoint on a reachable HOST without an app id', () => {
  const { dir, cleanup } = tempDir();
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer({ DATA_DIR: dir, HOST: '0.0.0.0' });
  });
  afterAll(async () => {
    await server?.stop();
    cleanup();
  });

  it('refuses every activity with 401 and says why at start', async () => {
    const url = server.url.replace('0.0.0.0', '127.0.0.1');
    const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message' }) });
    expect(res.status).toBe(401);
    expect(server.output()).toMatch(/Teams\s+refusing .*\/api\/messages with 401: HOST 0\.0\.0\.0 is not loopback/);
  });
});
