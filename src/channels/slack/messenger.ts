/**
 * Messenger and Directory for Slack, over the Web API: messages outside a turn (posts, updates, deletes, ephemerals,
 * file uploads), direct conversations, members and time zones. OAuth installs have one token per workspace, so every
 * call first asks `clientFor(team)` for that workspace's client; single-workspace mode ignores the team.
 *
 * Bot scopes each call needs (the manifest is not changed here: the features that use a call add its scope):
 * - chat.postMessage, chat.postEphemeral, chat.update, chat.delete: chat:write
 * - conversations.open: im:write
 * - conversations.members: channels:read, groups:read, im:read, mpim:read (by the conversation's type)
 * - users.info: users:read
 * - files.getUploadURLExternal, files.completeUploadExternal (filesUploadV2): files:write
 *
 * Failures are never swallowed: each surfaces as a SlackApiError naming the method and Slack's error code.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import type { Address, Channel, UserAddress } from '../../core/event.js';
import type { Attachment, Message, MessageRef } from '../../core/message.js';
import type { Directory, Messenger } from '../../core/ports.js';
import { attachmentsToUpload, renderMessage, type RenderOptions } from './render.js';
import { UnreachableError } from '../../core/errors.js';
import { slackMessages } from './messages.js';

/** Time zones change rarely; an hour keeps reminders for a whole channel to one users.info call per member. */
const TZ_TTL_MS = 3600_000;
/** Bounds the cache: the oldest entries go first once it is full. */
const TZ_CACHE_MAX = 10_000;
/** Slack's recommended page size for cursor pagination. */
const MEMBERS_PAGE = 200;

/** The metadata event type of the advisor's replies (see findTagged). */
const REPLY_EVENT_TYPE = 'advisor_reply';
const TaggedMessages = z.object({
  messages: z
    .array(z.object({ ts: z.string(), metadata: z.object({ event_type: z.string(), event_payload: z.object({ delivery: z.string().optional() }).loose().optional() }).optional() }).loose())
    .default([]),
});

/** A failed Web API call: `code` is Slack's error (channel_not_found, missing_scope, …) or the client's own. */
export class SlackApiError extends Error {
  /** Set when the message was posted but a later step (the file upload) failed, so the caller can still track it. */
  posted?: MessageRef;

  constructor(
    readonly method: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`Slack ${method} failed: ${code}`, options);
    this.name = 'SlackApiError';
  }
}

/** conversations.open errors that trying again will not mend: the user cannot get a DM from the app. */
const UNREACHABLE_CODES = new Set(['cannot_dm_bot', 'user_not_found', 'user_disabled', 'account_inactive', 'user_not_visible', 'restricted_action']);

const PlatformError = z.object({ data: z.object({ error: z.string() }) });
const CodedError = z.object({ code: z.string() });

/** Slack's error code from what the WebClient threw: platform errors carry it in data.error, transport errors in code. */
function codeOf(err: unknown): string {
  const platform = PlatformError.safeParse(err);
  if (platform.success) return platform.data.data.error;
  const coded = CodedError.safeParse(err);
  if (coded.success) return coded.data.code;
  return err instanceof Error ? err.message : String(err);
}

async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new SlackApiError(method, codeOf(err), { cause: err });
  }
}

function assertSlack(channel: Channel): void {
  // ports.messenger routes by channel; anything else reaching here is a wiring bug, not a Slack failure.
  if (channel !== 'slack') throw new Error(`SlackMessenger cannot reach the ${channel} channel`);
}

/** Node's Buffer over the same bytes: filesUploadV2 only treats a Buffer as file content. */
const toBuffer = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

export interface SlackMessengerOptions {
  /** The workspace's client (OAuth installs); single-workspace mode returns its one client for any team. */
  clientFor: (team?: string) => Promise<WebClient>;
  logger: Pick<Logger, 'debug' | 'warn'>;
  /** Labels the renderer needs in the users' language. */
  render?: RenderOptions;
  /** Milliseconds since the epoch; injected so tests can age the time-zone cache. */
  now?: () => number;
}

export class SlackMessenger implements Messenger, Directory {
  private readonly zones = new Map<string, { tz: string | undefined; until: number }>();
  private readonly now: () => number;

  constructor(private readonly options: SlackMessengerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Posts a message (ephemeral with `privateTo`, then undefined: ephemerals cannot be updated) and uploads its files.
   * `tag` goes into the message's metadata, so that findTagged() can tell later whether it was posted.
   */
  async post(to: Address, message: Message, options: { privateTo?: UserAddress; tag?: string } = {}): Promise<MessageRef | undefined> {
    assertSlack(to.channel);
    const client = await this.options.clientFor(to.team);
    const { text, blocks } = renderMessage(message, this.options.render);
    const thread = to.thread ? { thread_ts: to.thread } : {};
    const files = attachmentsToUpload(message);
    const { privateTo } = options;
    if (privateTo) {
      await call('chat.postEphemeral', () => client.chat.postEphemeral({ channel: to.conversation, user: privateTo.user, text, blocks, ...thread }));
      // A shared file would be visible to everyone in the conversation, which an ephemeral promises not to be.
      if (files.length) this.options.logger.warn({ files: files.length }, 'files of an ephemeral Slack message are not uploaded');
      return undefined;
    }
    const posted = await call('chat.postMessage', () =>
      client.chat.postMessage({
        channel: to.conversation,
        text,
        blocks,
        ...thread,
        unfurl_links: false,
        unfurl_media: false,
        ...(options.tag ? { metadata: { event_type: REPLY_EVENT_TYPE, event_payload: { delivery: options.tag } } } : {}),
      }),
    );
    if (!posted.ts) throw new SlackApiError('chat.postMessage', 'missing_ts');
    // Posting to a user id lands in the DM; update, delete and uploads need that DM's channel id.
    const conversation = posted.channel ?? to.conversation;
    const ref: MessageRef = { channel: 'slack', ...(to.team ? { team: to.team } : {}), conversation, ...(to.thread ? { thread: to.thread } : {}), id: posted.ts };
    try {
      await this.upload(client, conversation, to.thread, files);
    } catch (err) {
      if (err instanceof SlackApiError) err.posted = ref;
      throw err;
    }
    return ref;
  }

  /**
   * The app's message carrying `tag` in its metadata, posted to `to` since `since`; undefined when there is none or
   * the app may not read the conversation's history (it then cannot know, and the caller posts).
   * Reads conversations.history (or .replies in a thread): im:history covers DMs, the advisor's main conversation.
   */
  async findTagged(to: Address, tag: string, since: Date): Promise<MessageRef | undefined> {
    assertSlack(to.channel);
    const client = await this.options.clientFor(to.team);
    const oldest = (since.getTime() / 1000 - 1).toFixed(6);
    try {
      const page = to.thread
        ? await call('conversations.replies', () => client.conversations.replies({ channel: to.conversation, ts: to.thread!, oldest, include_all_metadata: true, limit: 200 }))
        : await call('conversations.history', () => client.conversations.history({ channel: to.conversation, oldest, include_all_metadata: true, limit: 200 }));
      const found = TaggedMessages.parse(page).messages.find((m) => m.metadata?.event_type === REPLY_EVENT_TYPE && m.metadata.event_payload?.delivery === tag);
      return found ? { channel: 'slack', ...(to.team ? { team: to.team } : {}), conversation: to.conversation, ...(to.thread ? { thread: to.thread } : {}), id: found.ts } : undefined;
    } catch (err) {
      this.options.logger.debug({ err: { message: (err as Error).message } }, 'could not look for an earlier copy of a reply; posting it');
      return undefined;
    }
  }

  /** Replaces a message's text and blocks; files stay as first uploaded (Slack cannot attach files to an edit). */
  async update(ref: MessageRef, message: Message): Promise<void> {
    assertSlack(ref.channel);
    const client = await this.options.clientFor(ref.team);
    const { text, blocks } = renderMessage(message, this.options.render);
    if (attachmentsToUpload(message).length) this.options.logger.debug({ ts: ref.id }, 'files are not re-uploaded on a Slack update');
    await call('chat.update', () => client.chat.update({ channel: ref.conversation, ts: ref.id, text, blocks }));
  }

  /** Deletes a message the app posted. */
  async delete(ref: MessageRef): Promise<void> {
    assertSlack(ref.channel);
    const client = await this.options.clientFor(ref.team);
    await call('chat.delete', () => client.chat.delete({ channel: ref.conversation, ts: ref.id }));
  }

  /** The app's DM with a user (conversations.open is idempotent: the same D… channel every time). */
  async direct(user: UserAddress): Promise<Address> {
    assertSlack(user.channel);
    const client = await this.options.clientFor(user.team);
    const opened = await call('conversations.open', () => client.conversations.open({ users: user.user })).catch((err: unknown) => {
      if (err instanceof SlackApiError && UNREACHABLE_CODES.has(err.code)) throw new UnreachableError(slackMessages('en').cannotReach, { cause: err });
      throw err;
    });
    const id = opened.channel?.id;
    if (!id) throw new SlackApiError('conversations.open', 'missing_channel');
    return { channel: 'slack', ...(user.team ? { team: user.team } : {}), conversation: id };
  }

  /**
   * Every member of a conversation, all pages. Slack lists bots (this app included) and deactivated users too; telling
   * them apart needs users.info per member, so callers that must skip them filter with what they know.
   */
  async members(conversation: Address): Promise<UserAddress[]> {
    assertSlack(conversation.channel);
    const client = await this.options.clientFor(conversation.team);
    const team = conversation.team ? { team: conversation.team } : {};
    const users: UserAddress[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await call('conversations.members', () =>
        client.conversations.members({ channel: conversation.conversation, limit: MEMBERS_PAGE, ...(cursor ? { cursor } : {}) }),
      );
      for (const user of page.members ?? []) users.push({ channel: 'slack', ...team, user });
      // Slack ends with an empty next_cursor; a cursor seen before would loop forever.
      cursor = page.response_metadata?.next_cursor || undefined;
      if (cursor && seen.has(cursor)) break;
      if (cursor) seen.add(cursor);
    } while (cursor);
    return users;
  }

  /** The user's IANA time zone from users.info, cached for an hour; undefined for a user Slack does not know. */
  async timeZone(user: UserAddress): Promise<string | undefined> {
    assertSlack(user.channel);
    const key = `${user.team ?? ''}:${user.user}`;
    const hit = this.zones.get(key);
    if (hit && hit.until > this.now()) return hit.tz;
    const client = await this.options.clientFor(user.team);
    let tz: string | undefined;
    try {
      tz = (await client.users.info({ user: user.user })).user?.tz || undefined;
    } catch (err) {
      const code = codeOf(err);
      if (code !== 'user_not_found') throw new SlackApiError('users.info', code, { cause: err });
    }
    this.zones.delete(key);
    if (this.zones.size >= TZ_CACHE_MAX) this.zones.delete(this.zones.keys().next().value!);
    this.zones.set(key, { tz, until: this.now() + TZ_TTL_MS });
    return tz;
  }

  private async upload(client: WebClient, channel: string, thread: string | undefined, files: Attachment[]): Promise<void> {
    if (!files.length) return;
    await call('files.uploadV2', () =>
      client.filesUploadV2({
        channel_id: channel,
        ...(thread ? { thread_ts: thread } : {}),
        file_uploads: files.map((a) => ({ file: toBuffer(a.data), filename: a.name, title: a.name, ...(a.alt ? { alt_text: a.alt } : {}) })),
      }),
    );
  }
}
