/**
 * The neutral message model: what features say, and what every channel adapter renders (Block Kit, Adaptive Cards,
 * HTML, terminal text, JSON lines). `text` uses light markdown only: **bold**, _italic_, `• ` bullets, line breaks.
 * User-supplied text inside it has already been neutralised with quoteUserText.
 */
import type { ErrorCode } from './errors.js';
import type { Channel } from './event.js';

export interface Action {
  /** `<feature>.<verb>`, e.g. "polls.vote"; the feature that owns the prefix handles it. */
  id: string;
  value: string;
}

export interface Button {
  label: string;
  action: Action;
  /** Visual hint; adapters map it to their own styles. */
  style?: 'primary' | 'danger';
}

export interface Link {
  label: string;
  url: string;
}

export interface Option {
  value: string;
  label: string;
}

/** One field of a form. */
export type Field = { id: string; label: string; optional?: boolean; initial?: string } & (
  | { type: 'text'; multiline?: boolean; max?: number }
  | { type: 'number'; min: number; max: number }
  | { type: 'select'; options: Option[]; multiple?: boolean }
  | { type: 'datetime' }
);

/**
 * Something to fill in, submitted as one action whose `fields` carry the answers: a choice (single, multiple, or a
 * budget of dots to spread, several on one option allowed) or a form.
 */
export type Input =
  | { kind: 'choice'; action: string; options: Option[]; multiple?: boolean; budget?: number; submit?: string }
  | { kind: 'form'; action: string; title: string; submit: string; fields: Field[] };

export interface Fact {
  label: string;
  value: string;
}

/** One bar of a result: `value` of `of` (a vote count of all votes), with an optional note ("most important"). */
export interface Bar {
  label: string;
  value: number;
  of: number;
  note?: string;
}

/** A file that travels with a message (CSV export, PNG chart, Markdown analysis). */
export interface Attachment {
  name: string;
  mimeType: string;
  data: Uint8Array;
  /** Alternative text for images. */
  alt?: string;
  /** A download (an export): sent as a file even where a short text could be shown inline. */
  asFile?: boolean;
}

export interface Message {
  text: string;
  buttons?: Button[];
  input?: Input;
  facts?: Fact[];
  bars?: Bar[];
  links?: Link[];
  /** A short citation line ("Sources: …"), shown small by adapters that can. */
  context?: string;
  attachments?: Attachment[];
}

/**
 * Who sees a message said in a turn: `conversation` (everyone in it, e.g. a shared 5-Whys summary or a poll card) or
 * `private` (only the acting user, e.g. "your vote"). Without one, the event's default applies: private for slash
 * commands and clicks in private messages, the conversation otherwise.
 */
export type Audience = 'conversation' | 'private';

/** Where a message lives, so that it can be updated or deleted later. */
export interface MessageRef {
  channel: Channel;
  team?: string;
  conversation: string;
  thread?: string;
  /** Slack ts, Teams activity id, web/CLI message id. */
  id: string;
}

/** Where one turn's messages go. Each adapter implements it for the request it is answering. */
/**
 * Which reply of which inbound delivery a message is, unique across re-runs of its turn. A channel that can find a
 * posted message by it (Slack's message metadata) tags its posts and, when the turn runs again, looks before posting:
 * a reply that went out just before a crash or a timeout is then not posted twice.
 */
export interface DeliveryTag {
  tag: string;
  /** True on a re-run, when the reply may already be out. */
  rerun: boolean;
  /** When the delivery was accepted: nothing older can be this reply. */
  since: Date;
}

export interface SayOptions {
  audience?: Audience;
  delivery?: DeliveryTag;
}

export interface TurnOutput {
  /** Delivered now, in order; resolves with a reference when the platform lets it be updated later. */
  say(message: Message, options?: SayOptions): Promise<MessageRef | undefined>;
  /** Replaces the message whose button or form was used; says it as a new message when there is none. */
  replaceSource(message: Message): Promise<void>;
  /** Told when the turn failed (after its apology was said), so HTTP channels can answer with a status. */
  failed?(code: ErrorCode | 'UNEXPECTED', message: string): void;
}

/** Encodes text as the bytes of a text attachment. */
export function textAttachment(name: string, mimeType: string, text: string): Attachment {
  return { name, mimeType, data: new TextEncoder().encode(text) };
}

/** True for MIME types whose bytes are UTF-8 text (CSV, Markdown, JSON). */
export function isTextType(mimeType: string): boolean {
  return /^text\/|^application\/(json|csv)/.test(mimeType);
}

/**
 * A moment inside message text that each reader sees in their own time zone where the channel can show it so (Slack's
 * `<!date>` token, Adaptive Cards' DATE and TIME functions); other channels show `fallback`, which names its zone.
 * User text cannot forge one: quoteUserText replaces the brackets.
 */
export function momentMark(at: Date, fallback: string): string {
  return `⟦${Math.floor(at.getTime() / 1000)}|${fallback.replace(/[⟦⟧|]/g, ' ')}⟧`;
}

const MOMENT = /⟦(\d{1,12})\|([^⟦⟧|]*)⟧/g;

/** Text with each moment mark replaced by what `render` makes of its time and fallback. */
export function renderMoments(text: string, render: (at: Date, fallback: string) => string): string {
  return text.replace(MOMENT, (_m, seconds: string, fallback: string) => render(new Date(Number(seconds) * 1000), fallback));
}

/**
 * A member named inside message text, which a channel that can shows as a mention without a ping (Slack's `<@U…>`
 * in a conversation the member is not in); other channels show `fallback`. Only ids the platforms use (letters,
 * digits, `._:-`) make a mark; user text cannot forge one (quoteUserText replaces the brackets).
 */
export function userMark(user: string, fallback: string): string {
  const clean = fallback.replace(/[⟦⟧|]/g, ' ');
  return /^[A-Za-z0-9._:-]{1,100}$/.test(user) ? `⟦@${user}|${clean}⟧` : clean;
}

const USER_MARK = /⟦@([A-Za-z0-9._:-]{1,100})\|([^⟦⟧|]*)⟧/g;

/** Text with each user mark replaced by what `render` makes of the user id and fallback. */
export function renderUserMarks(text: string, render: (user: string, fallback: string) => string): string {
  return text.replace(USER_MARK, (_m, user: string, fallback: string) => render(user, fallback));
}

/** Text with each moment and each user mark as its fallback (terminals, JSON clients, notifications). */
export const momentsAsText = (text: string): string => renderUserMarks(renderMoments(text, (_at, fallback) => fallback), (_user, fallback) => fallback);
