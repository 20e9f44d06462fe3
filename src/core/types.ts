/** The platform-neutral message model: what every channel adapter translates to and from. */
import { z } from 'zod';

export const CHANNELS = ['web', 'cli', 'slack', 'teams'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Upper bound on text a user may send in one message; longer input gets a polite refusal, not a crash. */
export const MAX_TEXT_LENGTH = 4000;
/** Upper bound on an action value (button payload). */
export const MAX_ACTION_VALUE_LENGTH = 2000;

export const ActionSchema = z.strictObject({
  id: z.string().min(1, 'action.id must not be empty').max(100, 'action.id is at most 100 characters'),
  value: z.string().max(MAX_ACTION_VALUE_LENGTH, `action.value is at most ${MAX_ACTION_VALUE_LENGTH} characters`).default(''),
});
export type Action = z.infer<typeof ActionSchema>;

const Identifier = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

/** One thing a user did: sent text, or clicked a button / picked a choice. */
export const InboundEventSchema = z
  .strictObject({
    channel: z.enum(CHANNELS),
    /** Stable user id on that channel (Slack user id, Teams AAD id, web/CLI name). */
    user: Identifier,
    /** Conversation (DM, channel) and optional thread; dialogue state is kept per channel+conversation+thread+user. */
    conversation: Identifier,
    thread: Identifier.optional(),
    /** Workspace/tenant, so the same user id on two Slack workspaces never shares state. */
    team: Identifier.optional(),
    locale: z.string().max(35).optional(),
    text: z.string().optional(),
    action: ActionSchema.optional(),
    /** True when the message was a direct message to the bot (not a channel mention). */
    direct: z.boolean().default(true),
  })
  .refine((e) => e.text !== undefined || e.action !== undefined, 'an event has either text or an action');
export type InboundEvent = z.input<typeof InboundEventSchema>;
export type ParsedEvent = z.output<typeof InboundEventSchema>;

export interface ReplyButton {
  label: string;
  action: Action;
  /** Visual hint; adapters map it to their own styles. */
  style?: 'primary' | 'danger';
}

export interface ReplyLink {
  label: string;
  url: string;
}

/** Room for richer content; adapters that cannot render it fall back to text. */
export interface ReplyCard {
  title: string;
  fields?: { label: string; value: string }[];
}

export interface ReplyImage {
  url: string;
  alt: string;
}

/**
 * One message from the advisor. `text` uses light markdown only: **bold**, _italic_, `• ` bullets and line breaks.
 * User-supplied text inside it has already been neutralised (see text.ts).
 */
export interface Reply {
  text: string;
  buttons?: ReplyButton[];
  links?: ReplyLink[];
  /** A short citation line ("Source: …"), shown small by adapters that can. */
  context?: string;
  card?: ReplyCard;
  image?: ReplyImage;
  /** "channel" when the user asked to share this reply with everyone in the conversation (e.g. a 5-Whys summary). */
  audience?: 'user' | 'channel';
  /** A document to download or upload (e.g. a Markdown export). */
  file?: { name: string; mimeType: string; content: string };
}

/** What the core returns for one inbound event. */
export interface TurnResult {
  replies: Reply[];
}
