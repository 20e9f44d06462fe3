/** `ports.messenger` and `ports.directory`: route each call by the address's channel to the adapter that registered. */
import { AdvisorError } from './errors.js';
import type { Address, Channel, UserAddress } from './event.js';
import type { Message, MessageRef } from './message.js';
import type { ChannelPorts, Directory, Messenger } from './ports.js';

export class ChannelRouter implements Messenger, Directory {
  private readonly byChannel = new Map<Channel, ChannelPorts>();

  /** An adapter offers its Messenger and Directory; a later registration for the same channel replaces it. */
  register(ports: ChannelPorts): void {
    this.byChannel.set(ports.channel, ports);
  }

  private of(channel: Channel): ChannelPorts {
    const ports = this.byChannel.get(channel);
    if (!ports) throw new AdvisorError('UNAVAILABLE', `The ${channel} channel is not running in this advisor.`);
    return ports;
  }

  post(to: Address, message: Message, options?: { privateTo?: UserAddress }): Promise<MessageRef | undefined> {
    return this.of(to.channel).messenger.post(to, message, options);
  }
  update(ref: MessageRef, message: Message): Promise<void> {
    return this.of(ref.channel).messenger.update(ref, message);
  }
  delete(ref: MessageRef): Promise<void> {
    return this.of(ref.channel).messenger.delete(ref);
  }
  direct(user: UserAddress): Promise<Address> {
    return this.of(user.channel).messenger.direct(user);
  }
  async forget(user: UserAddress): Promise<void> {
    await this.byChannel.get(user.channel)?.messenger.forget?.(user);
  }
  members(conversation: Address): Promise<UserAddress[]> {
    return this.of(conversation.channel).directory.members(conversation);
  }
  timeZone(user: UserAddress): Promise<string | undefined> {
    return this.of(user.channel).directory.timeZone(user);
  }
}
