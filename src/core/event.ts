/** What a user did, as every channel adapter hands it to the core: validated with zod at the boundary. */
import { z } from 'zod';

export const CHANNELS = ['web', 'cli', 'slack', 'teams'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Upper bound on text a user may send in one message; longer input gets a polite refusal, not a crash. */
export const MAX_TEXT_LENGTH = 4000;
/** Upper bound on an action value (button payload). */
export const MAX_ACTION_VALUE_LENGTH = 2000;

const Identifier = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

export const ActionSchema = z.strictObject({
  id: z.string().min(1, 'action.id must not be empty').max(100, 'action.id is at most 100 characters'),
  value: z.string().max(MAX_ACTION_VALUE_LENGTH, `action.value is at most ${MAX_ACTION_VALUE_LENGTH} characters`).default(''),
  /** Answers of a form or choice input: field id → value(s). */
  fields: z
    .record(z.string().max(100), z.union([z.string().max(MAX_TEXT_LENGTH), z.array(z.string().max(500)).max(100)]))
    .optional(),
});

export const MessageRefSchema = z.strictObject({
  channel: z.enum(CHANNELS),
  team: Identifier.optional(),
  conversation: Identifier,
  thread: Identifier.optional(),
  id: Identifier,
});

/** One thing a user did: sent text, or clicked a button / submitted a form. */
export const InboundEventSchema = z
  .strictObject({
    channel: z.enum(CHANNELS),
    /**
     * The inbound delivery's id, unique per channel (a Slack event id, a web chat message id): a turn re-run after a
     * crash or a client's retry is recognised by it and applied once.
     */
    id: Identifier.optional(),
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
    /** The message whose button or form was used, when the platform says. */
    source: MessageRefSchema.optional(),
    /** Replies default to the acting user only (slash commands, clicks in private messages). */
    private: z.boolean().default(false),
  })
  .refine((e) => e.text !== undefined || e.action !== undefined, 'an event has either text or an action');
export type InboundEvent = z.input<typeof InboundEventSchema>;
export type ParsedEvent = z.output<typeof InboundEventSchema>;
export type ActionEvent = z.output<typeof ActionSchema>;

/** A conversation on a channel (where to post). */
export interface Address {
  channel: Channel;
  team?: string;
  conversation: string;
  thread?: string;
}

/** A user on a channel. */
export interface UserAddress {
  channel: Channel;
  team?: string;
  user: string;
}

/**
 * True when two addresses name the same conversation. A Teams channel thread's id is the channel's id plus
 * `;messageid=<root>`, and a card posted at the channel's root is answered from its thread: both are one conversation.
 */
export function sameConversation(a: Pick<Address, 'channel' | 'team' | 'conversation'>, b: Pick<Address, 'channel' | 'team' | 'conversation'>): boolean {
  const base = (id: string) => id.split(';messageid=')[0];
  return a.channel === b.channel && (a.team ?? '') === (b.team ?? '') && base(a.conversation) === base(b.conversation);
}
