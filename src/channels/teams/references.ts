/**
 * What the Teams channel keeps to reach people later (proactive messages, updates of earlier cards): a conversation
 * reference per conversation the bot has seen, and per user their 1:1 conversation and time zone. Kept in our own
 * shape, not botbuilder's, so that a move to the Teams SDK keeps the records.
 */
import { z } from 'zod';
import { defineCollection } from '../../store/collections.js';
import { recordKey, type Store } from '../../store/store.js';

export const ConversationRefSchema = z.object({
  /** Bot Framework channel id ("msteams"; "emulator", "webchat" in development). */
  channelId: z.string().min(1).max(50),
  serviceUrl: z.string().url(),
  conversationId: z.string().min(1).max(500),
  conversationType: z.enum(['personal', 'groupChat', 'channel']).optional(),
  tenantId: z.string().max(100).optional(),
  botId: z.string().min(1).max(500),
  botName: z.string().max(500).optional(),
});
export type ConversationRef = z.infer<typeof ConversationRefSchema>;

const ConversationRecord = z.object({
  ref: ConversationRefSchema,
  /** The greeting on installation or when the bot is added was said (once per conversation). */
  greeted: z.boolean().default(false),
  updatedAt: z.string(),
});

const UserRecord = z.object({
  /** The user's 1:1 conversation with the bot, once they have opened it (or the app was installed for them). */
  personal: ConversationRefSchema.optional(),
  /** IANA time zone from the activity (localTimezone), when the client sent it. */
  timeZone: z.string().max(100).optional(),
  aadObjectId: z.string().max(100).optional(),
  /** When Teams last refused to create a 1:1 chat with them (the app is not installed for them). */
  refusedAt: z.string().optional(),
  updatedAt: z.string(),
});

/**
 * How the bot reaches a tenant: its Bot Connector endpoint and the bot's id there. Enough to create a 1:1 chat with
 * a member of a team the app is installed in, who has never written to the bot (a survey's invitation).
 */
export const TenantRefSchema = ConversationRefSchema.pick({ channelId: true, serviceUrl: true, botId: true, botName: true });
export type TenantRef = z.infer<typeof TenantRefSchema>;
const TenantRecord = z.object({ via: TenantRefSchema, updatedAt: z.string() });

/** Keyed by tenant and conversation id. */
export const teamsConversations = defineCollection('teams_conversations', ConversationRecord, { split: 'hash', buckets: 16 });
/** Keyed by tenant and user id: one file per user. */
export const teamsUsers = defineCollection('teams_users', UserRecord, { split: 'owner', segments: 2 });

/** Keyed by tenant: one small record each, rewritten only when a conversation of the tenant is new or changed. */
export const teamsTenants = defineCollection('teams_tenants', TenantRecord, { split: 'single' });

/** A card action answered once: a retried invoke (same activity id) gets the same response body. */
export const teamsInvokes = defineCollection('teams_invokes', z.object({ body: z.unknown() }), { split: 'hash', buckets: 16 });

export const conversationKey = (tenant: string | undefined, conversation: string) => recordKey(tenant ?? '-', conversation);
export const userKey = (tenant: string | undefined, user: string) => recordKey(tenant ?? '-', user);
export const tenantKey = (tenant: string | undefined) => tenant ?? '-';

/** Remembers how to reach the conversation's tenant, unless that is what is remembered already. */
export async function rememberTenant(store: Store, ref: ConversationRef, now: Date): Promise<void> {
  const via: TenantRef = TenantRefSchema.parse(ref);
  const key = tenantKey(ref.tenantId);
  if (JSON.stringify((await teamsTenants.get(store, key))?.via) === JSON.stringify(via)) return;
  await teamsTenants.update(store, key, () => ({ via, updatedAt: now.toISOString() }));
}

const sameRef = (a: ConversationRef | undefined, b: ConversationRef) => a !== undefined && JSON.stringify(a) === JSON.stringify(b);

/**
 * Remembers the conversation, and for a 1:1 chat the user's way back and their time zone. Most activities change
 * nothing (the same conversation, the same user): then nothing is written, which keeps the acknowledgement fast.
 */
export async function remember(store: Store, ref: ConversationRef, user: { id: string; aadObjectId?: string; timeZone?: string } | undefined, now: Date): Promise<void> {
  const at = now.toISOString();
  const conversation = conversationKey(ref.tenantId, ref.conversationId);
  if (!sameRef((await teamsConversations.get(store, conversation))?.ref, ref)) {
    await teamsConversations.update(store, conversation, (current) => ({ greeted: false, ...current, ref, updatedAt: at }));
    await rememberTenant(store, ref, now);
  }
  if (!user) return;
  const key = userKey(ref.tenantId, user.id);
  const known = await teamsUsers.get(store, key);
  const unchanged =
    known !== undefined &&
    (ref.conversationType !== 'personal' || sameRef(known.personal, ref)) &&
    (!user.timeZone || known.timeZone === user.timeZone) &&
    (!user.aadObjectId || known.aadObjectId === user.aadObjectId);
  if (unchanged) return;
  await teamsUsers.update(store, key, (current) => ({
    ...current,
    ...(ref.conversationType === 'personal' ? { personal: ref } : {}),
    ...(user.timeZone ? { timeZone: user.timeZone } : {}),
    ...(user.aadObjectId ? { aadObjectId: user.aadObjectId } : {}),
    updatedAt: at,
  }));
}

/** Whether the greeting was said in this conversation. */
export async function isGreeted(store: Store, ref: ConversationRef): Promise<boolean> {
  return Boolean((await teamsConversations.get(store, conversationKey(ref.tenantId, ref.conversationId)))?.greeted);
}

/** Marks the conversation greeted; true when it was not before. */
export async function markGreeted(store: Store, ref: ConversationRef, now: Date): Promise<boolean> {
  let first = false;
  await teamsConversations.update(store, conversationKey(ref.tenantId, ref.conversationId), (current) => {
    first = !current?.greeted;
    return { ref: current?.ref ?? ref, greeted: true, updatedAt: now.toISOString() };
  });
  return first;
}
