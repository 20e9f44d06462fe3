/**
 * The JSON contract of the web chat and `chat --jsonl`: a turn's messages collected as `{ replies, updates }`.
 * Compatible with earlier clients (`text`, `buttons`, `links`, `context`, `file`, `audience: "channel"`), plus an
 * `id` per reply, `audience: "private"`, `updates` of earlier messages by id, `to` for messages sent elsewhere, and
 * `attachments` with their bytes in base64.
 */
import type { ErrorCode } from './errors.js';
import type { Address, Channel, ParsedEvent } from './event.js';
import { isTextType, momentsAsText, type Audience, type Button, type Message, type MessageRef, type TurnOutput } from './message.js';

export interface AttachmentJson {
  name: string;
  mimeType: string;
  base64: string;
  /** The text itself, for text files. */
  content?: string;
  /** Alternative text of an image. */
  alt?: string;
}

export interface ReplyJson extends Omit<Message, 'attachments' | 'buttons'> {
  id: string;
  buttons?: Button[];
  audience?: 'channel' | 'private';
  /** The first text attachment, as earlier clients read it. */
  file?: { name: string; mimeType: string; content: string };
  attachments?: AttachmentJson[];
  /** Where a message sent outside this conversation went; `user` for a direct conversation or a private message. */
  to?: { user?: string; conversation: string };
}

export interface UpdateJson {
  id: string;
  message?: Omit<ReplyJson, 'id'>;
  deleted?: true;
}

export interface TurnResult {
  replies: ReplyJson[];
  updates?: UpdateJson[];
}

/** A message in the JSON contract. */
export function messageJson(message: Message, id: string, audience?: Audience): ReplyJson {
  const { attachments, ...rest } = message;
  // Clients of the JSON contract get each moment as the text of its fallback, which names its time zone.
  const json: ReplyJson = { id, ...rest, text: momentsAsText(rest.text), ...(rest.facts ? { facts: rest.facts.map((f) => ({ ...f, value: momentsAsText(f.value) })) } : {}) };
  if (audience === 'conversation') json.audience = 'channel';
  if (audience === 'private') json.audience = 'private';
  if (attachments?.length) {
    json.attachments = attachments.map((a) => {
      const text = isTextType(a.mimeType) ? new TextDecoder().decode(a.data) : undefined;
      return { name: a.name, mimeType: a.mimeType, base64: Buffer.from(a.data).toString('base64'), ...(text !== undefined ? { content: text } : {}), ...(a.alt ? { alt: a.alt } : {}) };
    });
    const firstText = json.attachments.find((a) => a.content !== undefined);
    if (firstText) json.file = { name: firstText.name, mimeType: firstText.mimeType, content: firstText.content! };
  }
  return json;
}

/** Collects one turn's output for a JSON answer. Message ids come from `newId`, so they stay unique across runs. */
export class CollectingOutput implements TurnOutput {
  readonly replies: ReplyJson[] = [];
  readonly updates: UpdateJson[] = [];
  /** Set when the turn failed; HTTP channels answer with its status. */
  error: { code: ErrorCode | 'UNEXPECTED'; message: string } | undefined;

  constructor(
    private readonly event: Pick<ParsedEvent, 'channel' | 'team' | 'conversation' | 'thread' | 'source'> & { private?: boolean },
    private readonly newId: () => string,
  ) {}

  async say(message: Message, options: { audience?: Audience } = {}): Promise<MessageRef> {
    const id = `m-${this.newId()}`;
    const audience = options.audience ?? (this.event.private ? 'private' : undefined);
    this.replies.push(messageJson(message, id, audience));
    return { channel: this.event.channel, team: this.event.team, conversation: this.event.conversation, thread: this.event.thread, id };
  }

  async replaceSource(message: Message): Promise<void> {
    const source = this.event.source;
    if (!source) return void (await this.say(message));
    const { id: _drop, ...json } = messageJson(message, source.id);
    this.updates.push({ id: source.id, message: json });
  }

  failed(code: ErrorCode | 'UNEXPECTED', message: string): void {
    this.error = { code, message };
  }

  /** The turn's answer; `extra` adds what the Messenger sent meanwhile. */
  result(extra?: TurnResult): TurnResult {
    const replies = [...this.replies, ...(extra?.replies ?? [])];
    const updates = [...this.updates, ...(extra?.updates ?? [])];
    return updates.length ? { replies, updates } : { replies };
  }
}

/** The conversation of a CLI or web user's direct chat with the advisor. */
export function directConversation(channel: Channel, user: string): Address {
  return { channel, conversation: channel === 'web' ? `web:${user}` : `dm:${user}` };
}
