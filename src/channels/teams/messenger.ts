/**
 * The Messenger and Directory ports on Teams, and the TurnOutput of a turn run from the inbox: everything goes out
 * through the stored conversation reference (continueConversationAsync), so it works after a restart too. Only this
 * folder imports botbuilder.
 */
import type { TurnContext} from 'botbuilder';
import { TeamsInfo, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import { AdvisorError, UnreachableError } from '../../core/errors.js';
import { MessageRefSchema, type Address, type UserAddress } from '../../core/event.js';
import type { Message, MessageRef, SayOptions, TurnOutput } from '../../core/message.js';
import type { Directory, Member, Messenger } from '../../core/ports.js';
import type { Store } from '../../store/store.js';
import type { FileLinks } from '../files/files.js';
import { teamsMessages } from './messages.js';
import { ConversationRefSchema, conversationKey, remember, rememberTenant, teamsConversations, teamsTenants, teamsUsers, tenantKey, userKey, type ConversationRef } from './references.js';
import { cardAttachment, renderCard, summaryText, type AdaptiveCard, type FileLink } from './render.js';

/** No audience: botbuilder then uses the configured cloud's (public or government); its parameter type says string. */
const CONFIGURED_AUDIENCE = undefined as unknown as string;
/** How long Teams' refusal to create someone's 1:1 chat is believed before it is asked again. */
const REFUSAL_KEPT_MS = 24 * 3600_000;
/** Members are read in pages of this size (TeamsInfo's maximum is 500). */
const MEMBER_PAGE = 200;

/** botbuilder's reference from ours. */
export function toBotReference(ref: ConversationRef): Partial<ConversationReference> {
  return {
    channelId: ref.channelId,
    serviceUrl: ref.serviceUrl,
    conversation: { id: ref.conversationId, conversationType: ref.conversationType ?? 'personal', tenantId: ref.tenantId, isGroup: ref.conversationType !== 'personal', name: '' },
    bot: { id: ref.botId, name: ref.botName ?? '' },
  };
}

/** Ours from an inbound activity. */
export function referenceOf(activity: Partial<Activity>): ConversationRef {
  const conversation = activity.conversation!;
  const tenant = conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  const type = conversation.conversationType;
  return ConversationRefSchema.parse({
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    conversationId: conversation.id,
    conversationType: type === 'personal' || type === 'groupChat' || type === 'channel' ? type : conversation.isGroup ? 'groupChat' : 'personal',
    tenantId: tenant,
    botId: activity.recipient!.id,
    botName: activity.recipient?.name || undefined,
  });
}

export interface TeamsSender {
  adapter: CloudAdapter;
  /** The bot's app id ('' when running without credentials for local development). */
  appId: string;
  files?: FileLinks;
  logger: Logger;
  /** A Bot Connector call that has not answered after this long fails the send (the inbox then retries the turn). */
  timeoutMs: number;
}

/** Thrown when the Bot Connector does not answer in time; the call may still land, so the turn is retried, not repeated blindly. */
export class ConnectorTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectorTimeout(`the Bot Connector did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The message as an Adaptive Card, its attachments as download links. */
async function cardFor(sender: TeamsSender, message: Message): Promise<AdaptiveCard> {
  const files: FileLink[] = [];
  for (const a of message.attachments ?? []) {
    const link = sender.files ? await sender.files.link(a) : undefined;
    if (link) files.push(link);
    else sender.logger.warn({ file: a.mimeType }, 'a file could not be linked (no PUBLIC_URL, or too large)');
  }
  return renderCard(message, files);
}

/** The message as a Bot Framework activity: always an Adaptive Card. */
async function activityFor(sender: TeamsSender, message: Message): Promise<Partial<Activity>> {
  // No `text` beside the card (Teams would show it above the card, twice); the summary is what notifications show.
  return { type: 'message', summary: summaryText(message), attachments: [cardAttachment(await cardFor(sender, message))] };
}

/** Runs `logic` in a proactive turn in the conversation. */
async function inConversation<T>(sender: TeamsSender, ref: ConversationRef, logic: (ctx: TurnContext) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await withTimeout(
    sender.adapter.continueConversationAsync(sender.appId, toBotReference(ref), async (ctx) => {
      result = await logic(ctx);
    }),
    sender.timeoutMs,
  );
  return result as T;
}

export class TeamsMessenger implements Messenger, Directory {
  constructor(
    private readonly sender: TeamsSender,
    private readonly store: Store,
  ) {}

  private async reference(address: { team?: string; conversation: string }): Promise<ConversationRef> {
    const record = await teamsConversations.get(this.store, conversationKey(address.team, address.conversation));
    if (!record) throw new AdvisorError('UNAVAILABLE', teamsMessages('en').cannotReach);
    return record.ref;
  }

  /** Sends in the conversation; a reply's reference names its activity id, so the card can be updated later. */
  async send(ref: ConversationRef, message: Message): Promise<MessageRef> {
    const activity = await activityFor(this.sender, message);
    const sent = await inConversation(this.sender, ref, (ctx) => ctx.sendActivity(activity));
    return { channel: 'teams', team: ref.tenantId, conversation: ref.conversationId, id: sent?.id ?? 'unknown' };
  }

  async post(to: Address, message: Message, options?: { privateTo?: UserAddress }): Promise<MessageRef | undefined> {
    // Teams has no message only one member of a shared conversation sees: a private one goes to the 1:1 chat.
    const target = options?.privateTo ? await this.direct(options.privateTo) : to;
    return this.send(await this.reference(target), message);
  }

  async update(ref: MessageRef, message: Message): Promise<void> {
    await this.updateCard(ref, await cardFor(this.sender, message));
  }

  /** Replaces the card of an earlier message with one rendered already (an invoke's refreshed card). */
  async updateCard(ref: MessageRef, card: AdaptiveCard): Promise<void> {
    const conversation = await this.reference(ref);
    await inConversation(this.sender, conversation, (ctx) => ctx.updateActivity({ type: 'message', attachments: [cardAttachment(card)], id: ref.id }));
  }

  /**
   * Where a private reply to `user` goes from a shared conversation: their 1:1 chat (with `create`, one is created if
   * they have none); undefined when they cannot be reached privately (it is then said where they are, rather than not
   * at all).
   */
  async privateAddress(ref: ConversationRef, user: string, options: { create: boolean }): Promise<Address | undefined> {
    if (ref.conversationType === 'personal') return undefined;
    const address = { channel: 'teams' as const, team: ref.tenantId, user };
    if (options.create) return this.direct(address).catch(() => undefined);
    const personal = (await teamsUsers.get(this.store, userKey(ref.tenantId, user)))?.personal;
    return personal ? { channel: 'teams', team: ref.tenantId, conversation: personal.conversationId } : undefined;
  }

  async delete(ref: MessageRef): Promise<void> {
    const conversation = await this.reference(ref);
    await inConversation(this.sender, conversation, (ctx) => ctx.deleteActivity(ref.id));
  }

  /**
   * The user's 1:1 chat: the one they opened, else one created now (POST /v3/conversations), which Teams allows for a
   * member of a team the app is installed in. Unreachable when the tenant is unknown or Teams refuses (403, 404).
   */
  async direct(user: UserAddress): Promise<Address> {
    const record = await teamsUsers.get(this.store, userKey(user.team, user.user));
    const personal = record?.personal ?? (await this.openPersonal(user, record?.refusedAt));
    return { channel: 'teams', team: user.team, conversation: personal.conversationId };
  }

  private async openPersonal(user: UserAddress, refusedAt: string | undefined): Promise<ConversationRef> {
    const now = new Date();
    // A refusal stands for a while: every private reply to them would otherwise wait for another refused call.
    if (refusedAt && now.getTime() - Date.parse(refusedAt) < REFUSAL_KEPT_MS) throw new UnreachableError(teamsMessages('en').cannotReach);
    const tenant = await teamsTenants.get(this.store, tenantKey(user.team));
    if (!tenant) throw new UnreachableError(teamsMessages('en').cannotReach);
    const { via } = tenant;
    const parameters = { isGroup: false, bot: { id: via.botId, name: via.botName ?? '' }, members: [{ id: user.user, name: '' }], tenantId: user.team, channelData: { tenant: { id: user.team } } };
    let created: string | undefined;
    try {
      await withTimeout(
        this.sender.adapter.createConversationAsync(this.sender.appId, via.channelId, via.serviceUrl, CONFIGURED_AUDIENCE, parameters, async (ctx) => {
          created = ctx.activity.conversation?.id;
        }),
        this.sender.timeoutMs,
      );
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      // The user is not in a team the app is installed in, or has blocked the bot: asking again soon will not help.
      if (status === 403 || status === 404) {
        const at = now.toISOString();
        await teamsUsers.update(this.store, userKey(user.team, user.user), (current) => ({ ...current, refusedAt: at, updatedAt: current?.updatedAt ?? at }));
        throw new UnreachableError(teamsMessages('en').cannotReach);
      }
      throw error;
    }
    if (!created) throw new UnreachableError(teamsMessages('en').cannotReach);
    const ref = ConversationRefSchema.parse({ ...via, conversationId: created, conversationType: 'personal', tenantId: user.team });
    // Recorded as an opened chat is: the conversation and the user's way back.
    await remember(this.store, ref, { id: user.user }, now);
    return ref;
  }

  async forget(user: UserAddress): Promise<void> {
    await teamsUsers.delete(this.store, userKey(user.team, user.user));
  }

  async members(conversation: Address): Promise<Member[]> {
    const ref = await this.reference(conversation);
    // The members may be written to later (a survey's invitations): the tenant's way in must be known by then.
    await rememberTenant(this.store, ref, new Date());
    return inConversation(this.sender, ref, async (ctx) => {
      const out: Member[] = [];
      let token: string | undefined;
      do {
        const page = await TeamsInfo.getPagedMembers(ctx, MEMBER_PAGE, token);
        for (const m of page.members) out.push({ channel: 'teams', team: ref.tenantId, user: m.id, ...(m.name ? { name: m.name } : {}) });
        token = page.continuationToken || undefined;
      } while (token);
      return out;
    });
  }

  async timeZone(user: UserAddress): Promise<string | undefined> {
    return (await teamsUsers.get(this.store, userKey(user.team, user.user)))?.timeZone;
  }
}

/** Where a turn run from the inbox answers, as stored with the delivery (plain JSON). */
export const TeamsTargetSchema = z.object({
  ref: ConversationRefSchema,
  user: z.string().min(1),
  /** The card whose action this turn answers (Action.Submit from an older client): replaced in place. */
  source: MessageRefSchema.optional(),
});
export type TeamsTarget = z.infer<typeof TeamsTargetSchema>;

/** The replies of one turn run from the inbox: proactive sends into the conversation, private ones to the 1:1 chat. */
export class TeamsTurnOutput implements TurnOutput {
  constructor(
    private readonly messenger: TeamsMessenger,
    private readonly target: TeamsTarget,
  ) {}

  async say(message: Message, options: SayOptions = {}): Promise<MessageRef | undefined> {
    const t = this.target;
    const to = options.audience === 'private' ? await this.messenger.privateAddress(t.ref, t.user, { create: true }) : undefined;
    return to ? this.messenger.post(to, message) : this.messenger.send(t.ref, message);
  }

  async replaceSource(message: Message): Promise<void> {
    if (this.target.source) await this.messenger.update(this.target.source, message);
    else await this.say(message);
  }
}

/**
 * The replies of a card action answered inside its invoke: the refreshed card goes into the invoke response, other
 * messages into the conversation right away (the request is still open).
 */
export class InvokeTurnOutput implements TurnOutput {
  /** The source card, replaced: for everyone (the shared message is updated too). */
  card?: AdaptiveCard;
  /** A private reply without a 1:1 chat to go to: shown to the one who clicked only, as the invoke's card. */
  privateCard?: AdaptiveCard;
  /** The turn failed or was refused: the invoke answers with a notice, and the answer is not kept for retries. */
  failure?: string;

  constructor(
    private readonly ctx: TurnContext,
    private readonly sender: TeamsSender,
    private readonly messenger: TeamsMessenger,
    private readonly ref: ConversationRef,
    private readonly user: string,
  ) {}

  async say(message: Message, options: SayOptions = {}): Promise<MessageRef | undefined> {
    // Private messages in a shared conversation go to the user's 1:1 chat if they have one (creating one would keep
    // the click waiting on another Bot Connector call; the invoke's card below is private too).
    const to = options.audience === 'private' ? await this.messenger.privateAddress(this.ref, this.user, { create: false }) : undefined;
    if (to) return this.messenger.post(to, message);
    // A click is private (a vote in an anonymous poll): without a 1:1 chat its reply becomes the invoke's card, which
    // Teams shows to the user who clicked only, never a message everyone in the conversation reads.
    if (options.audience === 'private' && this.ref.conversationType !== 'personal') {
      this.privateCard = await cardFor(this.sender, message);
      return undefined;
    }
    const activity = await activityFor(this.sender, message);
    const sent = await withTimeout(this.ctx.sendActivity(activity), this.sender.timeoutMs);
    return { channel: 'teams', team: this.ref.tenantId, conversation: this.ref.conversationId, id: sent?.id ?? 'unknown' };
  }

  async replaceSource(message: Message): Promise<void> {
    this.card = await cardFor(this.sender, message);
  }

  failed(_code: string, message: string): void {
    this.failure = message;
  }
}
