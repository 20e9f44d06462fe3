/** SlackMessenger with the real WebClient against the loopback fake Web API: wire format, pagination, uploads, errors. */
import { webApi } from '@slack/bolt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Address, UserAddress } from '../../src/core/event.js';
import type { MessageRef } from '../../src/core/message.js';
import { SlackApiError, SlackMessenger } from '../../src/channels/slack/messenger.js';
import { SlackTurnOutput } from '../../src/channels/slack/output.js';
import { FakeSlackApi } from '../helpers/fake-slack.js';

describe('SlackMessenger', () => {
  const fake = new FakeSlackApi();
  const logger = pino({ level: 'silent' });
  let clock = Date.parse('2025-03-01T09:00:00Z');
  let messenger: SlackMessenger;
  const channel: Address = { channel: 'slack', team: 'T1', conversation: 'C1', thread: '1700000000.000100' };
  const user = (id: string, team = 'T1'): UserAddress => ({ channel: 'slack', team, user: id });

  beforeAll(async () => {
    await fake.start();
    // One token per workspace, as OAuth installs have; the test checks each call went out with its team's token.
    const clients = new Map(['T1', 'T2'].map((t) => [t, new webApi.WebClient(`xoxb-${t}`, { slackApiUrl: fake.url, retryConfig: { retries: 0 } })]));
    messenger = new SlackMessenger({ clientFor: async (team) => clients.get(team ?? 'T1')!, logger, now: () => clock });
  });
  afterAll(() => fake.stop());

  it('posts to a thread with unfurling off, updates and deletes the message', async () => {
    const since = fake.calls.length;
    const ref = await messenger.post(channel, { text: '**Poll** <!channel>', buttons: [{ label: 'Vote', action: { id: 'polls.vote', value: 'p1' } }] });
    const [post] = fake.of('chat.postMessage', since);
    expect(post!.args).toMatchObject({ channel: 'C1', thread_ts: channel.thread, unfurl_links: 'false', unfurl_media: 'false', text: 'Poll &lt;!channel&gt;' });
    expect(post!.token).toBe('xoxb-T1');
    expect(JSON.stringify(post!.args.blocks)).toContain('polls.vote#0');
    expect(ref).toEqual({ channel: 'slack', team: 'T1', conversation: 'C1', thread: channel.thread, id: expect.stringMatching(/^\d+\.\d+$/) });

    await messenger.update(ref!, { text: 'Closed' });
    expect(fake.of('chat.update', since)[0]!.args).toMatchObject({ channel: 'C1', ts: ref!.id, text: 'Closed' });
    await messenger.delete(ref!);
    expect(fake.of('chat.delete', since)[0]!.args).toMatchObject({ channel: 'C1', ts: ref!.id });
  });

  it('posts privately as an ephemeral, which cannot be referenced later, and uploads none of its files', async () => {
    const since = fake.calls.length;
    const warn = vi.spyOn(logger, 'warn');
    const png = { name: 'chart.png', mimeType: 'image/png', data: new Uint8Array(10) };
    const ref = await messenger.post({ ...channel, team: 'T2' }, { text: 'Your vote: A', attachments: [png] }, { privateTo: user('U5', 'T2') });
    expect(ref).toBeUndefined();
    const [ephemeral] = fake.of('chat.postEphemeral', since);
    expect(ephemeral!.args).toMatchObject({ channel: 'C1', user: 'U5', thread_ts: channel.thread, text: 'Your vote: A' });
    expect(ephemeral!.token).toBe('xoxb-T2');
    expect(fake.of('chat.postMessage', since)).toEqual([]);
    expect(fake.of('files.getUploadURLExternal', since)).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
  });

  it('opens the direct conversation with a user', async () => {
    expect(await messenger.direct(user('U7'))).toEqual({ channel: 'slack', team: 'T1', conversation: 'D-U7' });
    expect(fake.of('conversations.open').at(-1)!.args).toMatchObject({ users: 'U7' });
  });

  it('lists the members of a conversation over every page', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => `U${String(i).padStart(4, '0')}`);
    fake.members.set('C-big', ids);
    const since = fake.calls.length;
    const members = await messenger.members({ channel: 'slack', team: 'T1', conversation: 'C-big' });
    expect(members.map((m) => m.user)).toEqual(ids);
    expect(members[0]).toEqual({ channel: 'slack', team: 'T1', user: 'U0000' });
    const pages = fake.of('conversations.members', since);
    expect(pages.map((p) => [p.args.limit, p.args.cursor])).toEqual([['200', undefined], ['200', 'offset:200'], ['200', 'offset:400']]);
  });

  it('looks up time zones, caches them for an hour, and knows no zone for an unknown user', async () => {
    fake.timeZones.set('U1', 'Europe/Berlin');
    const since = fake.calls.length;
    expect(await messenger.timeZone(user('U1'))).toBe('Europe/Berlin');
    expect(await messenger.timeZone(user('U1'))).toBe('Europe/Berlin');
    expect(fake.of('users.info', since)).toHaveLength(1);
    fake.timeZones.set('U1', 'Europe/Stockholm');
    clock += 3600_001;
    expect(await messenger.timeZone(user('U1'))).toBe('Europe/Stockholm');
    expect(fake.of('users.info', since)).toHaveLength(2);
    expect(await messenger.timeZone(user('U-nobody'))).toBeUndefined();
  });

  it('uploads a PNG attachment to the same thread after the message, with its byte count', async () => {
    const bytes = new Uint8Array(4321);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const since = fake.calls.length;
    const ref = await messenger.post(channel, { text: 'Results', attachments: [{ name: 'results.png', mimeType: 'image/png', data: bytes, alt: 'Bar chart' }] });
    const methods = fake.calls.slice(since).map((c) => c.method);
    expect(methods).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'file_upload', 'files.completeUploadExternal']);
    expect(fake.of('files.getUploadURLExternal', since)[0]!.args).toMatchObject({ filename: 'results.png', length: '4321', alt_text: 'Bar chart' });
    expect(fake.uploads.at(-1)).toMatchObject({ filename: 'results.png', length: 4321, size: 4321 });
    expect(fake.of('files.completeUploadExternal', since)[0]!.args).toMatchObject({ channel_id: 'C1', thread_ts: channel.thread });
    expect(ref?.conversation).toBe('C1');
    // The PNG is not in the blocks; a short CSV would be.
    expect(JSON.stringify(fake.of('chat.postMessage', since)[0]!.args.blocks)).not.toContain('results.png');
  });

  it('surfaces every failure with the method and Slack error code', async () => {
    const fail = async (method: string, run: () => Promise<unknown>) => {
      fake.errors.set(method, 'channel_not_found');
      try {
        return await run().then(
          () => undefined,
          (e: unknown) => e,
        );
      } finally {
        fake.errors.delete(method);
      }
    };
    const ref: MessageRef = { channel: 'slack', team: 'T1', conversation: 'C-gone', id: '1.1' };
    for (const [method, run] of [
      ['chat.postMessage', () => messenger.post(channel, { text: 'x' })],
      ['chat.update', () => messenger.update(ref, { text: 'x' })],
      ['chat.delete', () => messenger.delete(ref)],
      ['conversations.open', () => messenger.direct(user('U1'))],
      ['conversations.members', () => messenger.members(channel)],
      ['users.info', () => messenger.timeZone(user('U-fresh'))],
    ] as const) {
      const err = await fail(method, run);
      expect(err).toBeInstanceOf(SlackApiError);
      expect(err).toMatchObject({ method, code: 'channel_not_found', message: `Slack ${method} failed: channel_not_found` });
    }
    await expect(messenger.members({ channel: 'slack', conversation: 'C-unknown' })).rejects.toThrow(/channel_not_found/);
    await expect(messenger.post({ channel: 'teams', conversation: 'x' }, { text: 'x' })).rejects.toThrow(/teams/);

    // A failed upload after a successful post still hands back where the message is.
    const err = await fail('files.completeUploadExternal', () =>
      messenger.post(channel, { text: 'x', attachments: [{ name: 'a.png', mimeType: 'image/png', data: new Uint8Array(3) }] }),
    );
    expect(err).toMatchObject({ method: 'files.uploadV2', code: 'channel_not_found', posted: { conversation: 'C1', id: expect.any(String) } });
  });

  it('lets a turn post a message whose file upload fails (no files:write scope): the message stands, no error', async () => {
    fake.errors.set('files.getUploadURLExternal', 'missing_scope');
    try {
      const since = fake.calls.length;
      const client = new webApi.WebClient('xoxb-T1', { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
      const warn = vi.spyOn(logger, 'warn');
      const out = new SlackTurnOutput(client, messenger, { team: 'T1', channel: 'C1', user: 'U1', private: false }, logger, 5_000);
      const ref = await out.say({ text: 'Your chart', attachments: [{ name: 'chart.png', mimeType: 'image/png', data: new Uint8Array(64) }] });
      expect(ref).toMatchObject({ channel: 'slack', conversation: 'C1' });
      expect(fake.of('chat.postMessage', since)).toHaveLength(1);
      expect(warn).toHaveBeenCalledWith({ code: 'missing_scope' }, expect.stringMatching(/upload failed/));
    } finally {
      fake.errors.delete('files.getUploadURLExternal');
    }
  });
});
