/**
 * The Slack channel: a Bolt app that translates Slack events, the slash command, button clicks and modal submissions
 * into the core's InboundEvent, and says the core's messages through SlackTurnOutput. It decides nothing itself:
 * `/advisor <text>` goes to the core's command parser like typed text.
 */
import crypto from 'node:crypto';
import { App, ExpressReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger, type ReceiverEvent } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import type { ChannelRouter } from '../../core/channels.js';
import type { InboundEvent } from '../../core/event.js';
import type { InboxStore } from '../../core/inbox.js';
import type { InboxWorker } from '../../core/inbox-worker.js';
import type { Advisor } from '../../core/pipeline.js';
import { recordKey, type Store } from '../../store/store.js';
import { StoreInstallationStore } from './installation-store.js';
import { slackMessages } from './messages.js';
import { SlackMessenger } from './messenger.js';
import { SlackTargetSchema, SlackTurnOutput, type SlackTarget } from './output.js';
import { actionFromBlockActions, actionFromViewSubmission, fromSlackText, renderMessage } from './render.js';

/**
 * The scopes the app uses, and no more: mentions, DMs to the bot, posting and updating (poll messages), the slash
 * command, opening a DM (exports, results for a poll's creator), uploading files (poll charts and CSV exports), and
 * users.info for a user's time zone (closing times typed without an offset).
 */
export const SLACK_SCOPES = ['app_mentions:read', 'channels:read', 'chat:write', 'commands', 'files:write', 'groups:read', 'im:history', 'im:write', 'users:read'];
const MAX_CLOCK_SKEW_S = 5 * 60;
/** Web API calls (and response_url posts) give up after this long, so that a hung Slack never holds a turn. */
export const DEFAULT_API_TIMEOUT_MS = 10_000;
/** The WebClient's message when it has waited out a 429's Retry-After and asks its retry loop to go again. */
const RATE_LIMITED = 'A rate limit was exceeded';
/**
 * The client retries only rate-limited calls (Slack refused them, so repeating is safe; the client already waited the
 * Retry-After). Nothing else: a timed-out chat.postMessage may have been posted, and repeating it blindly would double
 * it. The inbox runs a failed turn again with backoff instead, skipping the replies it knows were delivered.
 */
const RATE_LIMITS_ONLY: NonNullable<WebClientOptions['retryConfig']> = Object.assign(
  { retries: 3, factor: 1, minTimeout: 0, maxTimeout: 0 },
  // p-retry's hook (the WebClient's retry loop): throwing ends the retries with that error.
  { onFailedAttempt: (error: Error) => {
    if (!error.message.startsWith(RATE_LIMITED)) throw error;
  } },
);

export interface SlackChannel {
  /** Express router for /slack/events (and /slack/install, /slack/oauth_redirect in OAuth mode); absent in Socket Mode. */
  router?: Router;
  app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

const ModalMeta = z.object({ channel: z.string().min(1), thread: z.string().optional() });

/** The settings the Slack channel reads (validated by the composition root's config schema). */
export interface SlackConfig {
  SLACK_BOT_TOKEN?: string;
  SLACK_SIGNING_SECRET?: string;
  SLACK_APP_TOKEN?: string;
  SLACK_API_URL?: string;
  SLACK_CLIENT_ID?: string;
  SLACK_CLIENT_SECRET?: string;
  SLACK_STATE_SECRET?: string;
  SLACK_API_TIMEOUT_MS?: number;
}

/**
 * Bolt refuses signatures more than five minutes old, but not ones from the future, which a recorded request signed
 * with a forged clock could be: those get the same 401 before they reach Bolt.
 */
function withTimestampGuard(inner: Router): Router {
  const guard = express.Router();
  guard.use('/slack/events', (req, res, next) => {
    const sent = Number(req.header('x-slack-request-timestamp'));
    if (Number.isFinite(sent) && sent > Date.now() / 1000 + MAX_CLOCK_SKEW_S) return void res.status(401).send('request timestamp is in the future');
    next();
  });
  guard.use(inner);
  return guard;
}

/**
 * Socket Mode acknowledges through the socket when ack() is called, and Bolt calls it for events before any
 * listener runs. Holding the ack until the listeners are done (they only write the delivery to the inbox) makes
 * Socket Mode acknowledge what is on disk, as processBeforeResponse does over HTTP; a delivery whose write failed
 * is not acknowledged, and Slack sends it again.
 */
function acknowledgeAfterListeners(receiver: SocketModeReceiver): void {
  const init = receiver.init.bind(receiver);
  receiver.init = (app: App) => {
    const processEvent = async (event: ReceiverEvent): Promise<void> => {
      let stored: { response?: unknown } | undefined;
      await app.processEvent({ ...event, ack: async (response?: unknown) => void (stored = { response }) });
      if (stored) await event.ack(stored.response);
    };
    init(new Proxy(app, { get: (target, property, self) => (property === 'processEvent' ? processEvent : Reflect.get(target, property, self)) }));
  };
}

/** The inbox key of a Slack delivery: its event id, or the trigger id of a command, click or submission. */
function deliveryKey(body: Record<string, unknown>): string {
  if (typeof body.event_id === 'string') return `slack:${body.event_id}`;
  if (typeof body.trigger_id === 'string') return `slack:trigger:${body.trigger_id}`;
  // Nothing unique in the payload: the signed body itself identifies a replayed copy.
  return `slack:body:${crypto.createHash('sha256').update(JSON.stringify(body)).digest('base64url')}`;
}

/**
 * Bolt's own single-token authorization calls auth.test once at start and keeps its promise: when that one call fails
 * (Slack slow or down while the advisor starts), the rejection crashes the process, and every later event would fail
 * with it. This one asks on the first event, keeps only a success, and asks again after a failure (the event then
 * fails, and Slack delivers it again).
 */
function singleWorkspaceAuth(client: WebClient, token: string): { client: WebClient; authorize: () => Promise<{ botToken: string; botId?: string; botUserId?: string; teamId?: string }> } {
  let known: Promise<{ botToken: string; botId?: string; botUserId?: string; teamId?: string }> | undefined;
  return {
    client,
    authorize: async () => {
      known ??= client.auth.test({ token }).then((r) => ({ botToken: token, botId: r.bot_id, botUserId: r.user_id, teamId: r.team_id }));
      const pending = known;
      try {
        return await pending;
      } catch (err) {
        if (known === pending) known = undefined;
        throw err;
      }
    },
  };
}

export interface SlackChannelDeps {
  config: SlackConfig;
  advisor: Advisor;
  store: Store;
  channels: ChannelRouter;
  inbox: InboxStore;
  worker: InboxWorker;
  logger: Logger;
}

/** Builds the Bolt app for the configured mode (HTTP, Socket Mode, or OAuth distribution). */
export function createSlackChannel(deps: SlackChannelDeps): SlackChannel {
  const { config, advisor, store, logger, inbox, worker } = deps;
  const timeoutMs = config.SLACK_API_TIMEOUT_MS ?? DEFAULT_API_TIMEOUT_MS;
  const clientOptions: WebClientOptions = { timeout: timeoutMs, retryConfig: RATE_LIMITS_ONLY, ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}) };
  const oauth = Boolean(config.SLACK_CLIENT_ID && config.SLACK_CLIENT_SECRET && config.SLACK_STATE_SECRET);
  const installations = new StoreInstallationStore(store);
  const singleWorkspace = singleWorkspaceAuth(new WebClient(config.SLACK_BOT_TOKEN, clientOptions), config.SLACK_BOT_TOKEN ?? '');
  let receiver: ExpressReceiver | undefined;
  let app: App;
  if (config.SLACK_APP_TOKEN && !oauth) {
    const socket = new SocketModeReceiver({ appToken: config.SLACK_APP_TOKEN, logger: boltLogger(logger), installerOptions: { clientOptions } });
    acknowledgeAfterListeners(socket);
    app = new App({ authorize: singleWorkspace.authorize, receiver: socket, clientOptions, convoStore: false, logger: boltLogger(logger) });
  } else {
    receiver = new ExpressReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET!,
      endpoints: '/slack/events',
      // The response waits for the listeners, which only write the delivery to the inbox (fsynced, grouped with
      // concurrent requests): what Slack sees acknowledged is on disk. The turn runs after, from the inbox.
      processBeforeResponse: true,
      logger: boltLogger(logger),
      ...(oauth
        ? {
            clientId: config.SLACK_CLIENT_ID,
            clientSecret: config.SLACK_CLIENT_SECRET,
            stateSecret: config.SLACK_STATE_SECRET,
            scopes: SLACK_SCOPES,
            installationStore: installations,
            installerOptions: { installPath: '/slack/install', redirectUriPath: '/slack/oauth_redirect', clientOptions },
          }
        : {}),
    });
    // convoStore off: dialogue state lives in the advisor's store, not in Bolt's per-process memory.
    app = new App({ receiver, clientOptions, convoStore: false, logger: boltLogger(logger), ...(oauth ? {} : { authorize: singleWorkspace.authorize }) });
  }

  // Work outside a request (inbox turns, jobs, other conversations) needs a client per workspace in OAuth mode.
  const clients = new Map<string, WebClient>();
  const clientFor = async (team?: string): Promise<WebClient> => {
    if (!oauth) return singleWorkspace.client;
    if (!team) throw new Error('a distributed Slack app needs the workspace of the conversation');
    let client = clients.get(team);
    if (!client) {
      const installation = await installations.fetchInstallation({ teamId: team, isEnterpriseInstall: false, enterpriseId: undefined });
      clients.set(team, (client = new WebClient(installation.bot?.token, clientOptions)));
    }
    return client;
  };
  const messenger = new SlackMessenger({ clientFor, logger });
  deps.channels.register({ channel: 'slack', messenger, directory: messenger });
  worker.register('slack', {
    output: async (raw) => {
      const target = SlackTargetSchema.parse(raw);
      return new SlackTurnOutput(await clientFor(target.team), messenger, target, logger, timeoutMs);
    },
  });

  /**
   * Writes a delivery to the inbox before it is acknowledged (the listener's return sends the HTTP response); a
   * redelivery or replay of one already accepted is acknowledged and dropped. Throws when it cannot be accepted, so
   * Slack gets an error and delivers it again.
   */
  const accept = async (body: Record<string, unknown>, event: InboundEvent, target: SlackTarget): Promise<void> => {
    if (worker.full) throw new Error('the inbox is full or the server is stopping; Slack will deliver this again');
    const order = recordKey('slack', event.team ?? '-', event.user, event.conversation, event.thread ?? '-');
    const key = deliveryKey(body);
    const accepted = await inbox.accept({ key, channel: 'slack', order, event: { ...event, id: key }, target: SlackTargetSchema.parse(target) });
    if (accepted) return worker.enqueue(accepted);
    logger.debug({ key }, 'repeated Slack delivery ignored');
    // Accepted earlier and still pending (its turn waits for a retry): make sure this process runs it.
    const pending = await inbox.pending(key);
    if (pending) worker.enqueue({ key, order: pending.order, seq: pending.seq });
  };

  app.event('message', async ({ event, body, context }) => {
    // Only plain user messages in the bot's DMs; edits, joins and every bot (including this one) are ignored.
    if (event.channel_type !== 'im' || event.subtype !== undefined || 'bot_id' in event) return;
    const team = context.teamId ?? event.team;
    const text = fromSlackText(event.text ?? '', context.botUserId);
    await accept(body, { channel: 'slack', team, user: event.user, conversation: event.channel, thread: event.thread_ts, text }, { team, channel: event.channel, user: event.user, thread: event.thread_ts, private: false });
  });

  app.event('app_mention', async ({ event, body, context }) => {
    if (event.bot_id || !event.user) return;
    const team = context.teamId ?? event.team;
    const thread = event.thread_ts ?? event.ts;
    const text = fromSlackText(event.text, context.botUserId);
    await accept(body, { channel: 'slack', team, user: event.user, conversation: event.channel, thread, text }, { team, channel: event.channel, user: event.user, thread, private: false });
  });

  app.command('/advisor', async ({ command, ack, body, context }) => {
    const team = context.teamId ?? command.team_id;
    const text = fromSlackText(command.text) || 'help';
    try {
      await accept(
        body,
        { channel: 'slack', team, user: command.user_id, conversation: command.channel_id, text, private: true },
        { team, channel: command.channel_id, user: command.user_id, private: true, responseUrl: command.response_url, triggerId: command.trigger_id },
      );
      await ack();
    } catch (err) {
      // The user typed it and waits: say so in the acknowledgement itself rather than Slack's bare failure notice.
      logger.error({ err }, 'could not accept a slash command');
      await ack({ response_type: 'ephemeral', text: slackMessages(advisor.ports.matcher.language(text, advisor.defaultLanguage)).notAccepted });
    }
  });

  app.action(/.*/, async ({ ack, body, context }) => {
    if (body.type !== 'block_actions') return void (await ack());
    const action = actionFromBlockActions(body);
    // A radio button or checkbox changed before Submit: nothing to do until the form is submitted.
    if (!action) return void (await ack());
    const team = context.teamId ?? body.team?.id;
    const channel = body.channel?.id ?? body.user.id;
    const container = body.container as { is_ephemeral?: boolean; thread_ts?: string; message_ts?: string };
    const thread = body.message?.thread_ts ?? container.thread_ts;
    const ephemeral = Boolean(container.is_ephemeral);
    const ts = body.message?.ts ?? container.message_ts;
    const source = !ephemeral && ts ? { channel: 'slack' as const, team, conversation: channel, thread, id: ts } : undefined;
    await accept(
      body as unknown as Record<string, unknown>,
      { channel: 'slack', team, user: body.user.id, conversation: channel, thread, action, source, private: ephemeral },
      // Buttons in a private reply answer privately through that reply's response_url.
      { team, channel, user: body.user.id, thread, private: ephemeral, responseUrl: ephemeral ? body.response_url : undefined, triggerId: body.trigger_id, source },
    );
    await ack();
  });

  app.view(/^form:/, async ({ ack, view, body, context }) => {
    const action = actionFromViewSubmission(view);
    if (!action) return void (await ack());
    const meta = ModalMeta.safeParse(JSON.parse(view.private_metadata || '{}'));
    const team = context.teamId ?? body.team?.id;
    const conversation = meta.success ? meta.data.channel : body.user.id;
    // The confirmation goes to the user's DM with the app (posting to a user id), which works wherever the modal came from.
    await accept(
      body as unknown as Record<string, unknown>,
      { channel: 'slack', team, user: body.user.id, conversation, thread: meta.success ? meta.data.thread : undefined, action },
      { team, channel: body.user.id, user: body.user.id, private: false },
    );
    await ack();
  });

  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home') return;
    // Not a turn and safe to lose (it is published again the next time the tab opens): after the acknowledgement.
    const publish = async (): Promise<void> => {
      const user = { channel: 'slack' as const, team: context.teamId, user: event.user };
      // The home view has no message to take a language from: the user's chosen one, else the deployment's default.
      const lang = (await advisor.registry.preferredLanguage(user, advisor.ports)) ?? advisor.defaultLanguage;
      const messages = await advisor.home(user, lang);
      const t = slackMessages(lang);
      const blocks: KnownBlock[] = [
        { type: 'header', text: { type: 'plain_text', text: t.homeTitle } },
        { type: 'section', text: { type: 'mrkdwn', text: t.homeIntro } },
        { type: 'divider' },
        // Forms need a message or modal to submit from; the home view shows the facts only.
        ...messages.flatMap((m) => renderMessage({ ...m, input: undefined }).blocks),
      ];
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: blocks.slice(0, 100) } });
    };
    setImmediate(() => void publish().catch((err: unknown) => logger.warn({ err }, 'could not publish the App Home')));
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
    // Rethrown so the receiver answers 500 (or Socket Mode does not acknowledge): Slack delivers the event again.
    throw error;
  });

  return {
    router: receiver ? withTimestampGuard(receiver.router as Router) : undefined,
    app,
    async start() {
      if (config.SLACK_APP_TOKEN && !receiver) await app.start();
    },
    async stop() {
      if (config.SLACK_APP_TOKEN && !receiver) await app.stop();
    },
  };
}
