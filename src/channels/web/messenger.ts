/**
 * The web chat's Messenger and Directory. A web conversation is one visitor's own chat, so messages sent outside a
 * turn (a job's reminder, an updated poll card) go to that visitor's outbox in the store; the page reads it when it
 * loads and every few seconds while it is open, continuing after the last entry it has seen.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { directConversation, messageJson } from '../../core/collect.js';
import type { Address, UserAddress } from '../../core/event.js';
import type { Message, MessageRef } from '../../core/message.js';
import type { Directory, Messenger } from '../../core/ports.js';
import { defineCollection } from '../../store/collections.js';
import { webTurns } from './turns.js';
import { recordKey, type Store } from '../../store/store.js';

/** Undelivered outbox entries are kept a week; the page catches up when the visitor comes back within it. */
const OUTBOX_DAYS = 7;

const OutboxEntry = z.object({ kind: z.enum(['reply', 'update', 'delete']), id: z.string(), message: z.record(z.string(), z.unknown()).optional() });
/** Keyed by visitor and a time-ordered entry id; one file per visitor in the embedded store. */
export const outbox = defineCollection('web_outbox', OutboxEntry, { split: 'owner', segments: 1 });

const visitorOf = (conversation: string) => /^web:(.+)$/.exec(conversation)?.[1];

export class WebMessenger implements Messenger, Directory {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  private async push(conversation: string, entry: z.infer<typeof OutboxEntry>): Promise<void> {
    const visitor = visitorOf(conversation);
    if (!visitor) throw new Error(`not a web conversation: ${conversation}`);
    const now = this.clock();
    // Time first, so the key order is the delivery order; a random tail keeps keys of one millisecond apart.
    const key = recordKey(visitor, `${now.getTime().toString().padStart(15, '0')}-${crypto.randomUUID().slice(0, 8)}`);
    await outbox.put(this.store, key, entry, { expiresAt: new Date(now.getTime() + OUTBOX_DAYS * 86_400_000) });
  }

  async post(to: Address, message: Message): Promise<MessageRef> {
    const id = `m-${crypto.randomUUID()}`;
    const { id: _id, ...json } = messageJson(message, id);
    await this.push(to.conversation, { kind: 'reply', id, message: { ...json } });
    return { channel: 'web', conversation: to.conversation, id };
  }

  async update(ref: MessageRef, message: Message): Promise<void> {
    const { id: _id, ...json } = messageJson(message, ref.id);
    await this.push(ref.conversation, { kind: 'update', id: ref.id, message: { ...json } });
  }

  async delete(ref: MessageRef): Promise<void> {
    await this.push(ref.conversation, { kind: 'delete', id: ref.id });
  }

  async direct(user: UserAddress): Promise<Address> {
    return directConversation('web', user.user);
  }

  /** "Forget me" on the web: the outbox and the kept answers of the visitor's messages (they quote what was said). */
  async forget(user: UserAddress): Promise<void> {
    await outbox.deleteByPrefix(this.store, `${recordKey(user.user)}:`);
    await webTurns.deleteByPrefix(this.store, `${recordKey(user.user)}:`);
  }

  async members(conversation: Address): Promise<UserAddress[]> {
    const visitor = visitorOf(conversation.conversation);
    return visitor ? [{ channel: 'web', user: visitor }] : [];
  }

  async timeZone(): Promise<string | undefined> {
    return undefined;
  }

  /** A visitor's outbox after `after` (an entry key), oldest first, and the key to continue from. */
  async read(visitor: string, after: string | undefined): Promise<{ entries: z.infer<typeof OutboxEntry>[]; next?: string }> {
    const prefix = `${recordKey(visitor)}:`;
    // A position in someone else's outbox (a page that had another identity before) means "from the start".
    const from = after?.startsWith(prefix) ? after : undefined;
    const page = await outbox.list(this.store, prefix, { limit: 100, after: from });
    return { entries: page.records.map((r) => r.value), next: page.records.at(-1)?.key ?? from };
  }
}
