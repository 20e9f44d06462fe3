/** What a handler gets for one turn: the event, who and where, the reply language, the clock, the ports, and output. */
import type { Lang } from '../common/lang.js';
import { recordKey, ownedKey } from '../store/store.js';
import type { AnyDialog } from './dialog.js';
import { DeliveryError, type ErrorCode } from './errors.js';
import type { Address, ParsedEvent, UserAddress } from './event.js';
import type { Feature } from './feature.js';
import type { Audience, Message, MessageRef, TurnOutput } from './message.js';
import type { Ports } from './ports.js';

/** The key every record a user owns starts with: channel, team and user id (three key segments). */
export function userKeyOf(user: UserAddress): string {
  return recordKey(user.channel, user.team ?? '-', user.user);
}

export interface TurnServices {
  features: readonly Feature[];
  beginDialog(ctx: TurnContext, dialog: AnyDialog, options: unknown): Promise<void>;
  endDialog(ctx: TurnContext, id: string): Promise<void>;
  handleText(ctx: TurnContext, text: string): Promise<void>;
}

export class TurnContext {
  readonly user: UserAddress;
  readonly userKey: string;
  readonly address: Address;
  /** The record key of this user's session in this conversation and thread. */
  readonly sessionKey: string;
  /** The language replies are written in; the router sets it from the message once it knows. */
  lang: Lang;

  constructor(
    readonly event: ParsedEvent,
    readonly now: Date,
    lang: Lang,
    readonly ports: Ports,
    private readonly out: TurnOutput,
    private readonly services: TurnServices,
  ) {
    this.lang = lang;
    this.user = { channel: event.channel, team: event.team, user: event.user };
    this.userKey = userKeyOf(this.user);
    this.address = { channel: event.channel, team: event.team, conversation: event.conversation, thread: event.thread };
    this.sessionKey = ownedKey(this.userKey, event.conversation, event.thread ?? '-');
  }

  /** Every feature, for help and "forget me", which speak for all of them. */
  get features(): readonly Feature[] {
    return this.services.features;
  }

  /** Says a message in this turn; private ones only the acting user sees. */
  say(message: Message, options: { audience?: Audience } = {}): Promise<MessageRef | undefined> {
    return this.out.say(message, options).catch((cause: unknown) => {
      throw cause instanceof DeliveryError ? cause : new DeliveryError(cause);
    });
  }

  /** Replaces the message whose button or form was used (a poll card after a vote). */
  replaceSource(message: Message): Promise<void> {
    return this.out.replaceSource(message).catch((cause: unknown) => {
      throw cause instanceof DeliveryError ? cause : new DeliveryError(cause);
    });
  }

  /** Tells the channel that the turn failed (HTTP channels answer with a status). */
  failed(code: ErrorCode | 'UNEXPECTED', message: string): void {
    this.out.failed?.(code, message);
  }

  /** Starts a dialogue in this session, closing an open one (with its notice). */
  beginDialog<O>(dialog: AnyDialog<O>, options: O): Promise<void> {
    return this.services.beginDialog(this, dialog, options);
  }

  /**
   * Ends this session's open dialogue if it is `id` (a dialogue whose state lives in a feature's own records, such as
   * a survey, ends when those records say so).
   */
  endDialog(id: string): Promise<void> {
    return this.services.endDialog(this, id);
  }

  /** Routes `text` as if the user had typed it, in this turn (an example-question button, "ask <question>"). */
  handleText(text: string): Promise<void> {
    return this.services.handleText(this, text);
  }
}
