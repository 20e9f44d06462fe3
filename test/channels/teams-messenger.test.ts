/**
 * Proactive messages, members and time zones on Teams: the Messenger and Directory ports with the real CloudAdapter
 * (no credentials, local development), sending to a fake Bot Connector through stored conversation references. And
 * the signed, expiring download links that carry files into cards.
 */
import express from 'express';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_LINK_MINUTES, FileLinks, fileLinksRouter } from '../../src/channels/files/files.js';
import { ConnectorTimeout, TeamsMessenger } from '../../src/channels/teams/messenger.js';
import { remember } from '../../src/channels/teams/references.js';
import { createLogger } from '../../src/common/logger.js';
import { AdvisorError } from '../../src/core/errors.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { teamsConversations, teamsInvokes, teamsTenants, teamsUsers } from '../../src/channels/teams/references.js';
import { fileLinks } from '../../src/channels/files/files.js';
import { cardProblems } from '../helpers/cards.js';
import { FakeConnector, cardOf, cardText } from '../helpers/fake-connector.js';
import { FakeClock } from '../helpers/advisor.js';

describe('Teams Messenger and Directory', () => {
  const connector = new FakeConnector();
  const clock = new FakeClock();
  const store = LowdbStore.memory({ collections: [teamsConversations, teamsUsers, teamsTenants, teamsInvokes, fileLinks], clock: clock.now });
  const logger = createLogger('silent');
  let messenger: TeamsMessenger;
  let files: FileLinks;
  beforeAll(async () => {
    await connector.start();
    files = new FileLinks(store, 'https://advisor.example.org', clock.now);
    messenger = new TeamsMessenger({ adapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})), appId: '', files, logger, timeoutMs: 2000 }, store);
    const ref = (id: string, conversationType: 'personal' | 'channel') => ({ channelId: 'msteams', serviceUrl: connector.url, conversationId: id, conversationType, tenantId: 't1', botId: '28:bot' });
    await remember(store, ref('a:ann-1on1', 'personal'), { id: '29:ann', timeZone: 'Europe/Berlin' }, clock.now());
    await remember(store, ref('19:channel', 'channel'), { id: '29:ann' }, clock.now());
  });
  afterAll(() => connector.stop());

  it('posts a card proactively into a stored conversation, updates it in place and deletes it', async () => {
    const ref = await messenger.post({ channel: 'teams', team: 't1', conversation: '19:channel' }, { text: '**Poll**\nWhich barrier matters most?', buttons: [{ label: 'Vote', action: { id: 'polls.vote', value: 'a' } }] });
    expect(ref).toMatchObject({ channel: 'teams', team: 't1', conversation: '19:channel' });
    const sent = connector.sent('19:channel').at(-1)!;
    expect(cardText(cardOf(sent))).toMatch(/^Poll\nWhich barrier matters most\?/);
    expect(cardProblems(cardOf(sent))).toEqual([]);
    await messenger.update(ref!, { text: '**Poll** (closed)\n3 votes' });
    const update = connector.updates().at(-1)!;
    expect(update.activityId).toBe(ref!.id);
    expect(cardText(cardOf(update))).toMatch(/closed/);
    await messenger.delete(ref!);
    expect(connector.calls.at(-1)).toMatchObject({ method: 'DELETE', conversation: '19:channel', activityId: ref!.id });
  });

  it('sends a private message to the user\'s 1:1 chat, and says honestly when someone cannot be reached yet', async () => {
    await messenger.post({ channel: 'teams', team: 't1', conversation: '19:channel' }, { text: 'Your vote: A' }, { privateTo: { channel: 'teams', team: 't1', user: '29:ann' } });
    expect(cardText(cardOf(connector.sent('a:ann-1on1').at(-1)!))).toBe('Your vote: A');
    expect(await messenger.direct({ channel: 'teams', team: 't1', user: '29:ann' })).toEqual({ channel: 'teams', team: 't1', conversation: 'a:ann-1on1' });
    expect(connector.calls.some((c) => c.path === '/v3/conversations')).toBe(false);
    // Teams refuses a 1:1 chat with a member the app is not installed for (403); a tenant never seen is not tried.
    connector.unreachable.add('29:not-installed');
    const refused = messenger.direct({ channel: 'teams', team: 't1', user: '29:not-installed' });
    await expect(refused).rejects.toBeInstanceOf(AdvisorError);
    await expect(refused).rejects.toThrow(/cannot reach this person yet: they need to open a chat with the advisor, or the app must be installed for them/);
    // The refusal stands for a day: asking again does not call Teams again.
    const asked = connector.calls.filter((c) => c.path === '/v3/conversations').length;
    await expect(messenger.direct({ channel: 'teams', team: 't1', user: '29:not-installed' })).rejects.toBeInstanceOf(AdvisorError);
    expect(connector.calls.filter((c) => c.path === '/v3/conversations')).toHaveLength(asked);
    const calls = connector.calls.length;
    await expect(messenger.direct({ channel: 'teams', team: 't-unknown', user: '29:ann' })).rejects.toThrow(/cannot reach this person yet/);
    expect(connector.calls.length).toBe(calls);
  });

  it('creates the 1:1 chat of a team member who never wrote to the bot, once, and sends there', async () => {
    const address = await messenger.direct({ channel: 'teams', team: 't1', user: '29:cy' });
    expect(address).toEqual({ channel: 'teams', team: 't1', conversation: 'a:conv-cy' });
    const created = connector.calls.filter((c) => c.path === '/v3/conversations');
    expect(created.at(-1)!.body).toMatchObject({ isGroup: false, bot: { id: '28:bot' }, members: [{ id: '29:cy' }], tenantId: 't1', channelData: { tenant: { id: 't1' } } });
    await messenger.post(address, { text: 'You are invited' });
    expect(cardText(cardOf(connector.sent('a:conv-cy').at(-1)!))).toBe('You are invited');
    expect(await messenger.direct({ channel: 'teams', team: 't1', user: '29:cy' })).toEqual(address);
    expect(connector.calls.filter((c) => c.path === '/v3/conversations')).toHaveLength(created.length);
  });

  it('reads every member (paged) with their name, and the time zone the client sent', async () => {
    connector.members = [{ id: '29:ann', name: 'Ann' }, { id: '29:bob', name: 'Bob' }];
    expect(await messenger.members({ channel: 'teams', team: 't1', conversation: '19:channel' })).toEqual([
      { channel: 'teams', team: 't1', user: '29:ann', name: 'Ann' },
      { channel: 'teams', team: 't1', user: '29:bob', name: 'Bob' },
    ]);
    expect(connector.calls.some((c) => c.path.endsWith('/pagedmembers'))).toBe(true);
    expect(await messenger.timeZone({ channel: 'teams', team: 't1', user: '29:ann' })).toBe('Europe/Berlin');
    expect(await messenger.timeZone({ channel: 'teams', team: 't1', user: '29:bob' })).toBeUndefined();
    await messenger.forget({ channel: 'teams', team: 't1', user: '29:ann' });
    expect(await messenger.timeZone({ channel: 'teams', team: 't1', user: '29:ann' })).toBeUndefined();
  });

  it('gives up on a Bot Connector that does not answer, so the inbox can retry the turn', async () => {
    connector.hang = true;
    const started = Date.now();
    try {
      await expect(messenger.post({ channel: 'teams', team: 't1', conversation: '19:channel' }, { text: 'hello' })).rejects.toBeInstanceOf(ConnectorTimeout);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      connector.hang = false;
    }
  });

  it('carries files as signed links that expire, a chart as an image with its alt text', async () => {
    await messenger.post(
      { channel: 'teams', team: 't1', conversation: '19:channel' },
      { text: 'Results', attachments: [{ name: 'results.csv', mimeType: 'text/csv', data: new TextEncoder().encode('a,b\n1,2\n') }, { name: 'chart.png', mimeType: 'image/png', data: new Uint8Array([137, 80, 78, 71]), alt: 'Bar chart: A 3, B 1' }] },
    );
    const card = cardOf(connector.sent('19:channel').at(-1)!);
    expect(cardProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    const links = [...json.matchAll(/https:\/\/advisor\.example\.org\/files\/([A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    expect(new Set(links).size).toBe(2);
    const csvToken = /"title":"results\.csv","url":"https:\/\/advisor\.example\.org\/files\/([A-Za-z0-9_-]{43})"/.exec(json)![1]!;
    expect(json).toMatch(/"type":"Image","url":"https:\/\/advisor\.example\.org\/files\/[^"]+","altText":"Bar chart: A 3, B 1"/);
    const web = express();
    web.use(fileLinksRouter(() => store, logger));
    const server = web.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const csv = await fetch(`${base}/files/${csvToken}`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename\*=UTF-8''results\.csv/);
      expect(csv.headers.get('cache-control')).toBe('private, no-store');
      expect(await csv.text()).toBe('a,b\n1,2\n');
      expect((await fetch(`${base}/files/not-a-token`)).status).toBe(404);
      expect((await fetch(`${base}/files/${'A'.repeat(43)}`)).status).toBe(404);
      clock.advance({ minutes: FILE_LINK_MINUTES + 1 });
      expect((await fetch(`${base}/files/${csvToken}`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
