/**
 * The CLI's Messenger and Directory. What is sent outside the current turn (to another user or conversation, or by a
 * job) is kept until the CLI writes its next output line, as entries of its `replies` with `to`, and updates as
 * `updates`. The members of a conversation are the users who have written in it during this run.
 */
import crypto from 'node:crypto';
import { directConversation, messageJson, type TurnResult } from '../../core/collect.js';
import type { Address, UserAddress } from '../../core/event.js';
import type { Message, MessageRef } from '../../core/message.js';
import type { Directory, Messenger } from '../../core/ports.js';

export class CliMessenger implements Messenger, Directory {
  private pending: Required<TurnResult> = { replies: [], updates: [] };
  private readonly seen = new Map<string, Set<string>>();

  /** Remembers that `user` wrote in `conversation`. */
  saw(conversation: string, user: string): void {
    let users = this.seen.get(conversation);
    if (!users) this.seen.set(conversation, (users = new Set()));
    users.add(user);
  }

  /** What was sent since the last call. */
  take(): TurnResult {
    const out = this.pending;
    this.pending = { replies: [], updates: [] };
    return out.updates.length ? out : { replies: out.replies };
  }

  async post(to: Address, message: Message, options?: { privateTo?: UserAddress }): Promise<MessageRef> {
    const id = `m-${crypto.randomUUID()}`;
    const user = options?.privateTo?.user ?? /^dm:(.+)$/.exec(to.conversation)?.[1];
    const json = messageJson(message, id, options?.privateTo ? 'private' : undefined);
    this.pending.replies.push({ ...json, to: { ...(user ? { user } : {}), conversation: to.conversation } });
    return { channel: 'cli', conversation: to.conversation, thread: to.thread, id };
  }

  async update(ref: MessageRef, message: Message): Promise<void> {
    const { id: _id, ...json } = messageJson(message, ref.id);
    this.pending.updates.push({ id: ref.id, message: json });
  }

  async delete(ref: MessageRef): Promise<void> {
    this.pending.updates.push({ id: ref.id, deleted: true });
  }

  async direct(user: UserAddress): Promise<Address> {
    return directConversation('cli', user.user);
  }

  async members(conversation: Address): Promise<UserAddress[]> {
    const dm = /^dm:(.+)$/.exec(conversation.conversation)?.[1];
    const users = new Set([...(this.seen.get(conversation.conversation) ?? []), ...(dm ? [dm] : [])]);
    return [...users].sort().map((user) => ({ channel: 'cli', user }));
  }

  async timeZone(): Promise<string | undefined> {
    return undefined;
  }
}
