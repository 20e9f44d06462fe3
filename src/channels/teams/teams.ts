/**
 * The Teams channel: botbuilder's CloudAdapter at POST /api/messages, translating activities into the core's
 * InboundEvent and the core's messages into Adaptive Cards. It decides nothing itself.
 *
 * - Every request is authenticated as the Bot Framework does (a JWT from the Bot Connector) when MICROSOFT_APP_ID is
 *   set: without a valid token, or when the token cannot be checked at all, 401, and nothing reaches the core. Without
 *   an app id it runs unauthenticated, for local development on a loopback HOST only (the composition root refuses
 *   anything else).
 * - A message is written to the durable inbox before it is acknowledged; its turn runs from there and answers through
 *   the stored conversation reference. A retried delivery (same activity id) is accepted once.
 * - A card action (Action.Execute, the `adaptiveCard/action` invoke) must be answered in the response: its turn runs
 *   inside the request and the refreshed card is the invoke response. A retried invoke gets the same answer.
 *
 * botbuilder is archived by Microsoft (support ended 2025-12-31); its successor, the Teams SDK, needs Node 22. Only
 * src/channels/teams/ imports botbuilder, so moving is a rewrite of this folder.
 */
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext, type Activity, type InvokeResponse } from 'botbuilder';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import type { ChannelRouter } from '../../core/channels.js';
import { MAX_TEXT_LENGTH, type InboundEvent } from '../../core/event.js';
import { localeLang } from '../../core/i18n.js';
import type { InboxStore } from '../../core/inbox.js';
import type { InboxWorker } from '../../core/inbox-worker.js';
import type { Advisor } from '../../core/pipeline.js';
import { recordKey, type Store } from '../../store/store.js';
import type { FileLinks } from '../files/files.js';
import { teamsMessages } from './messages.js';
import { InvokeTurnOutput, TeamsMessenger, TeamsTargetSchema, TeamsTurnOutput, referenceOf, type TeamsSender } from './messenger.js';
import { isGreeted, markGreeted, remember, teamsInvokes } from './references.js';
import { CARD_CONTENT_TYPE, actionFromCardData } from './render.js';

export interface TeamsConfig {
  MICROSOFT_APP_ID?: string;
  MICROSOFT_APP_PASSWORD?: string;
  MICROSOFT_APP_TENANT_ID?: string;
  MICROSOFT_APP_TYPE: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  TEAMS_API_TIMEOUT_MS?: number;
}

export interface TeamsChannelDeps {
  config: TeamsConfig;
  advisor: Advisor;
  store: Store;
  channels: ChannelRouter;
  inbox: InboxStore;
  worker: InboxWorker;
  files?: FileLinks;
  logger: Logger;
}

export interface TeamsChannel {
  router: Router;
  adapter: CloudAdapter;
  /** False when running without credentials (local development). */
  authenticated: boolean;
}

/** The Bot Framework fields the channel reads; everything else passes through to botbuilder untouched. */
const Account = z.object({ id: z.string().min(1).max(500), name: z.string().max(500).optional(), role: z.string().max(50).optional(), aadObjectId: z.string().max(100).optional() }).passthrough();
const ActivitySchema = z
  .object({
    type: z.string().min(1).max(100),
    id: z.string().max(500).optional(),
    channelId: z.string().min(1).max(50),
    serviceUrl: z.string().url().max(2000),
    from: Account,
    recipient: Account,
    conversation: z.object({ id: z.string().min(1).max(500), conversationType: z.string().max(50).optional(), tenantId: z.string().max(100).optional(), isGroup: z.boolean().optional() }).passthrough(),
    text: z.string().optional(),
    name: z.string().max(200).optional(),
    replyToId: z.string().max(500).optional(),
    locale: z.string().max(35).optional(),
    localTimezone: z.string().max(100).optional(),
  })
  .passthrough();

const INVOKE_ANSWER_HOURS = 1;

type AuthResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * CloudAdapter with the authentication done before (so that a failure to check a token is a 401, never a 500) and
 * the activity validated first: its processActivity runs the turn for an already authenticated request.
 */
class AuthenticatedAdapter extends CloudAdapter {
  run(auth: AuthResult, activity: Activity, logic: (ctx: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/** Thrown when a message cannot be put in the inbox: answered 500, so the Bot Connector delivers it again. */
class NotAccepted extends Error {}

export function createTeamsChannel(deps: TeamsChannelDeps): TeamsChannel {
  const { config, advisor, store, inbox, worker, logger } = deps;
  const appId = config.MICROSOFT_APP_ID ?? '';
  const authenticated = Boolean(config.MICROSOFT_APP_ID);
  const auth = new ConfigurationBotFrameworkAuthentication(
    authenticated ? { MicrosoftAppId: appId, MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD, MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID, MicrosoftAppType: config.MICROSOFT_APP_TYPE } : {},
  );
  const adapter = new AuthenticatedAdapter(auth);
  const sender: TeamsSender = { adapter, appId, files: deps.files, logger, timeoutMs: config.TEAMS_API_TIMEOUT_MS ?? 10_000 };
  const messenger = new TeamsMessenger(sender, store);
  deps.channels.register({ channel: 'teams', messenger, directory: messenger });
  worker.register('teams', { output: async (raw) => new TeamsTurnOutput(messenger, TeamsTargetSchema.parse(raw)) });

  const accept = async (key: string, event: InboundEvent, target: z.input<typeof TeamsTargetSchema>): Promise<void> => {
    if (worker.full) throw new NotAccepted('the inbox is full or the server is stopping');
    const order = recordKey('teams', event.team ?? '-', event.user, event.conversation);
    try {
      const accepted = await inbox.accept({ key, channel: 'teams', order, event: { ...event, id: key }, target: TeamsTargetSchema.parse(target) });
      if (accepted) return worker.enqueue(accepted);
      const pending = await inbox.pending(key);
      if (pending) worker.enqueue({ key, order: pending.order, seq: pending.seq });
      else logger.debug({ key }, 'repeated Teams delivery ignored');
    } catch (err) {
      throw new NotAccepted((err as Error).message);
    }
  };

  /**
   * A message goes into the inbox and nothing else happens in the request: it needs no botbuilder turn (its reply
   * goes out later through the conversation reference), which keeps the acknowledgement as cheap as the inbox write.
   */
  const acceptMessage = async (a: Activity, base: Omit<InboundEvent, 'text' | 'action'>, key: string, ref: ReturnType<typeof referenceOf>): Promise<void> => {
    const user = a.from.id;
    const team = ref.tenantId;
    const submitted = a.value !== undefined ? actionFromCardData(a.value) : undefined;
    if (submitted) {
      // Action.Submit from a client without Action.Execute: the same action; the card it came from is its source.
      const source = a.replyToId ? { channel: 'teams' as const, team, conversation: ref.conversationId, id: a.replyToId } : undefined;
      return accept(key, { ...base, action: submitted, source }, { ref, user, source });
    }
    // In a channel or group chat the bot hears messages that @mention it: the mention is not part of the question.
    const text = (TurnContext.removeRecipientMention(a) ?? a.text ?? '').trim().slice(0, MAX_TEXT_LENGTH + 1);
    if (!text) return;
    return accept(key, { ...base, text }, { ref, user });
  };

  /** What an activity carries for the core: who, where, and its inbox key. */
  const context = async (a: Activity) => {
    const ref = referenceOf(a);
    const base = { channel: 'teams' as const, team: ref.tenantId, user: a.from.id, conversation: ref.conversationId, locale: a.locale };
    // The time zone comes as localTimezone, or in the clientInfo entity older clients send.
    const clientInfo = (a.entities ?? []).find((e) => e.type === 'clientInfo') as { timezone?: unknown } | undefined;
    const timeZone = a.localTimezone ?? (typeof clientInfo?.timezone === 'string' ? clientInfo.timezone.slice(0, 100) : undefined);
    await remember(store, ref, { id: a.from.id, aadObjectId: a.from.aadObjectId, timeZone }, advisor.ports.clock());
    return { ref, base, key: `teams:${recordKey(ref.tenantId ?? '-', ref.conversationId, a.id ?? '-')}` };
  };

  /** A botbuilder turn for what is not a message (messages are accepted before any turn is built, in the route). */
  const logic = async (ctx: TurnContext): Promise<void> => {
    const a = ctx.activity;
    // Other bots (and this one's own echoes) never start a turn.
    if (a.from.role === 'bot') return;
    const { ref, base, key } = await context(a);
    const team = ref.tenantId;
    const user = a.from.id;
    switch (a.type) {
      case ActivityTypes.Invoke: {
        if (a.name !== 'adaptiveCard/action') return void (await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: {} } }));
        const body = await answerInvoke(ctx, key, base, ref);
        return void (await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } }));
      }
      case ActivityTypes.ConversationUpdate:
      case ActivityTypes.InstallationUpdate: {
        const added = a.type === ActivityTypes.InstallationUpdate ? a.action === 'add' || a.action === 'add-upgrade' : (a.membersAdded ?? []).some((m) => m.id === a.recipient.id);
        // Greeted once per conversation, with what the advisor can do (its help), through the inbox like any turn.
        // The inbox key makes a repeated update one greeting; marked only once the greeting is accepted.
        if (added && !(await isGreeted(store, ref))) {
          await accept(`teams:greet:${recordKey(team ?? '-', ref.conversationId)}`, { ...base, text: 'help' }, { ref, user });
          await markGreeted(store, ref, advisor.ports.clock());
        }
        return;
      }
      default:
        // Edits, deletes, reactions, typing: nothing for the advisor.
        return;
    }
  };

  /** A retried invoke that arrives while the first is still running waits for its answer instead of running again. */
  const inFlight = new Map<string, Promise<unknown>>();

  /** Runs a card action's turn inside the request; the body of the invoke response. */
  const answerInvoke = async (ctx: TurnContext, key: string, base: Omit<InboundEvent, 'text' | 'action'>, ref: ReturnType<typeof referenceOf>): Promise<unknown> => {
    const earlier = await teamsInvokes.get(store, key);
    if (earlier) return earlier.body;
    const running = inFlight.get(key);
    if (running) return running;
    const work = runInvoke(ctx, key, base, ref);
    inFlight.set(key, work);
    try {
      return await work;
    } finally {
      inFlight.delete(key);
    }
  };

  const runInvoke = async (ctx: TurnContext, key: string, base: Omit<InboundEvent, 'text' | 'action'>, ref: ReturnType<typeof referenceOf>): Promise<unknown> => {
    const value = ctx.activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined;
    const action = actionFromCardData(value?.action?.data ?? {}, typeof value?.action?.verb === 'string' ? value.action.verb : undefined);
    // A card action has no words to take a language from: the client's locale, else the deployment's default.
    const lang = localeLang(ctx.activity.locale) ?? advisor.defaultLanguage;
    const notice = (text: string) => ({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text });
    if (!action) {
      logger.info({ component: 'teams' }, 'card action with data that is not ours: ignored');
      return notice(teamsMessages(lang).notTaken);
    }
    const source = ctx.activity.replyToId ? { channel: 'teams' as const, team: ref.tenantId, conversation: ref.conversationId, id: ctx.activity.replyToId } : undefined;
    const out = new InvokeTurnOutput(ctx, sender, messenger, ref, base.user);
    await advisor.handle({ ...base, id: key, action, source }, out);
    // A refusal or failure was said to the user already; the invoke shows it too, and is not kept: a retry runs again.
    if (out.failure) return notice(out.failure.replace(/\*\*/g, '').slice(0, 500));
    if (out.card && source && ref.conversationType !== 'personal') {
      // Teams shows an invoke's card to the person who clicked only: the shared message is updated for everyone else.
      await messenger.updateCard(source, out.card).catch((err: unknown) => logger.warn({ err }, 'could not update the shared card'));
    }
    const shown = out.privateCard ?? out.card;
    const body = shown ? { statusCode: 200, type: CARD_CONTENT_TYPE, value: shown } : notice(teamsMessages(lang).done);
    // A private answer (a vote) is not kept: a retried invoke runs again, and the feature recognises the delivery.
    if (!out.privateCard) await teamsInvokes.put(store, key, { body }, { expiresAt: new Date(advisor.ports.clock().getTime() + INVOKE_ANSWER_HOURS * 3600_000) });
    return body;
  };

  const router = express.Router();
  router.post('/api/messages', express.json({ limit: '1mb' }), async (req, res) => {
    const parsed = ActivitySchema.refine((a) => a.id !== undefined || (a.type !== 'message' && a.type !== 'invoke'), { path: ['id'], message: 'a message or invoke needs its id' }).safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      logger.info({ component: 'teams', path: issue?.path.join('.') }, 'malformed activity refused');
      return void res.status(400).json({ error: `invalid activity: ${issue?.path.join('.') || '(body)'}: ${issue?.message}` });
    }
    const activity = parsed.data as unknown as Activity;
    let authResult: AuthResult;
    try {
      // Also when the token cannot be checked at all (the signing keys cannot be fetched): 401, never 500.
      authResult = await auth.authenticateRequest(activity, req.header('authorization') ?? '');
    } catch (err) {
      logger.warn({ component: 'teams', reason: (err as Error).message.slice(0, 200) }, 'request without a valid Bot Framework token refused');
      return void res.status(401).json({ error: 'unauthorized' });
    }
    try {
      if (activity.type === ActivityTypes.Message) {
        if (activity.from.role !== 'bot') {
          try {
            const { ref, base, key } = await context(activity);
            await acceptMessage(activity, base, key, ref);
          } catch (err) {
            // Not in the inbox (the store failed, or the activity does not fit): 500, so the Bot Connector delivers it again.
            throw err instanceof NotAccepted ? err : new NotAccepted((err as Error).message);
          }
        }
        return void res.status(200).end();
      }
      const invoke = await adapter.run(authResult, activity, logic);
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (err) {
      if (err instanceof NotAccepted) {
        logger.error({ component: 'teams', reason: err.message }, 'could not accept a Teams activity; the Bot Connector will deliver it again');
        return void res.status(500).json({ error: 'not accepted; deliver again' });
      }
      // A failure in a turn was already answered to the user by the core; the request itself succeeded.
      logger.error({ err }, 'Teams activity failed');
      res.status(200).end();
    }
  });
  return { router, adapter, authenticated };
}

/**
 * /api/messages on a HOST others can reach without MICROSOFT_APP_ID: nothing can be authenticated, so every request is
 * refused rather than run unauthenticated.
 */
export function refuseUnauthenticated(): Router {
  const router = express.Router();
  router.post('/api/messages', (_req, res) => {
    res.status(401).json({ error: 'this advisor has no MICROSOFT_APP_ID: set it to receive Teams activities' });
  });
  return router;
}
