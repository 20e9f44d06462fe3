/**
 * The Slack channel: a Bolt app that translates Slack events, the slash command, button clicks and modal submissions
 * into the core's InboundEvent, and says the core's messages through SlackTurnOutput. It decides nothing itself:
 * `/advisor <text>` goes to the core's command parser like typed text.
 */
import { App, ExpressReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import type { ChannelRouter } from '../../core/channels.js';
import type { InboundEvent } from '../../core/event.js';
import type { Advisor } from '../../core/pipeline.js';
import type { Store } from '../../store/store.js';
import { StoreInstallationStore } from './installation-store.js';
import { slackMessages } from './messages.js';
import { SlackMessenger } from './messenger.js';
import { SlackTurnOutput, type SlackTarget } from './output.js';
import { actionFromBlockActions, actionFromViewSubmission, fromSlackText, renderMessage } from './render.js';
import { TurnQueue } from './turn-queue.js';

/** The scopes the app uses, and no more: mentions, DMs to the bot, posting, and the slash command. */
export const SLACK_SCOPES = ['app_mentions:read', 'chat:write', 'commands', 'im:history'];
/**
 * Turns in progress at once: enough to overlap their waits on store writes and Web API calls. 16 since the store
 * writes small files with no group-commit delay (32 answered no more and left less room for acknowledgements).
 */
const TURN_CONCURRENCY = 16;
/** Retried deliveries are remembered this long; Slack retries three times within about five minutes. */
const DEDUPE_TTL_MS = 3600_000;
/** Bolt rejects signatures older than five minutes; a replayed interaction within them is caught by its trigger id. */
const REPLAY_WINDOW_MS = 10 * 60_000;
const MAX_CLOCK_SKEW_S = 5 * 60;

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

/** Builds the Bolt app for the configured mode (HTTP, Socket Mode, or OAuth distribution). */
export function createSlackChannel(deps: { config: SlackConfig; advisor: Advisor; store: Store; channels: ChannelRouter; logger: Logger }): SlackChannel {
  const { config, advisor, store, logger } = deps;
  const clientOptions = config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {};
  const oauth = Boolean(config.SLACK_CLIENT_ID && config.SLACK_CLIENT_SECRET && config.SLACK_STATE_SECRET);
  const installations = new StoreInstallationStore(store);
  let receiver: ExpressReceiver | undefined;
  let app: App;
  if (config.SLACK_APP_TOKEN && !oauth) {
    app = new App({ token: config.SLACK_BOT_TOKEN, appToken: config.SLACK_APP_TOKEN, socketMode: true, clientOptions, convoStore: false, logger: boltLogger(logger) });
  } else {
    receiver = new ExpressReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET!,
      endpoints: '/slack/events',
      // Acknowledge at once and work after the ack: Slack wants an answer within 3 seconds.
      processBeforeResponse: false,
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
    app = new App({ receiver, clientOptions, convoStore: false, logger: boltLogger(logger), ...(oauth ? {} : { token: config.SLACK_BOT_TOKEN }) });
  }

  // Work outside a turn (jobs, other conversations) needs a client per workspace in OAuth mode.
  const clients = new Map<string, WebClient>();
  const clientFor = async (team?: string): Promise<WebClient> => {
    if (!oauth) return app.client;
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

  // A retried delivery (X-Slack-Retry-Num, same event_id) is processed once, even across instances sharing a store.
  app.use(async ({ body, next, ack }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      const fresh = await store.putIfAbsent('slack_deliveries', eventId, Date.now(), { expiresAt: new Date(Date.now() + DEDUPE_TTL_MS) });
      if (!fresh) {
        logger.debug({ eventId }, 'duplicate Slack event ignored');
        return;
      }
    }
    // Slash commands, clicks and form submissions carry no event id, but a trigger id unique to that one action: a
    // replayed copy of the signed request (within Bolt's five minutes) is acknowledged and dropped.
    const triggerId = (body as { trigger_id?: unknown }).trigger_id;
    if (typeof eventId !== 'string' && typeof triggerId === 'string') {
      const fresh = await store.putIfAbsent('slack_deliveries', `trigger:${triggerId}`, Date.now(), { expiresAt: new Date(Date.now() + REPLAY_WINDOW_MS) });
      if (!fresh) {
        logger.warn({ kind: (body as { type?: unknown }).type ?? 'command' }, 'replayed Slack request ignored');
        if (ack) await ack();
        return;
      }
    }
    await next();
  });

  // Turns run from a queue after the acknowledgement, a few at a time, yielding to the event loop between turns, so
  // that under a burst new requests are still verified and acknowledged within Slack's 3 seconds. The core keeps the
  // turns of one session in order, and each turn says its messages itself, so replies keep that order too.
  const turns = new TurnQueue(TURN_CONCURRENCY, logger);
  const run = (client: WebClient, event: InboundEvent, target: SlackTarget): void => {
    turns.push(() => advisor.handle(event, new SlackTurnOutput(client, messenger, target, logger)));
  };

  app.event('message', async ({ event, client, context }) => {
    // Only plain user messages in the bot's DMs; edits, joins and every bot (including this one) are ignored.
    if (event.channel_type !== 'im' || event.subtype !== undefined || 'bot_id' in event) return;
    const team = context.teamId ?? event.team;
    const text = fromSlackText(event.text ?? '', context.botUserId);
    run(client, { channel: 'slack', team, user: event.user, conversation: event.channel, thread: event.thread_ts, text }, { team, channel: event.channel, user: event.user, thread: event.thread_ts, private: false });
  });

  app.event('app_mention', async ({ event, client, context }) => {
    if (event.bot_id || !event.user) return;
    const team = context.teamId ?? event.team;
    const thread = event.thread_ts ?? event.ts;
    const text = fromSlackText(event.text, context.botUserId);
    run(client, { channel: 'slack', team, user: event.user, conversation: event.channel, thread, text }, { team, channel: event.channel, user: event.user, thread, private: false });
  });

  app.command('/advisor', async ({ command, ack, client, context, respond }) => {
    await ack();
    const team = context.teamId ?? command.team_id;
    const text = fromSlackText(command.text) || 'help';
    run(
      client,
      { channel: 'slack', team, user: command.user_id, conversation: command.channel_id, text, private: true },
      { team, channel: command.channel_id, user: command.user_id, private: true, respond, triggerId: command.trigger_id },
    );
  });

  app.action(/.*/, async ({ ack, body, client, context, respond }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const action = actionFromBlockActions(body);
    // A radio button or checkbox changed before Submit: nothing to do until the form is submitted.
    if (!action) return;
    const team = context.teamId ?? body.team?.id;
    const channel = body.channel?.id ?? body.user.id;
    const container = body.container as { is_ephemeral?: boolean; thread_ts?: string; message_ts?: string };
    const thread = body.message?.thread_ts ?? container.thread_ts;
    const ephemeral = Boolean(container.is_ephemeral);
    const ts = body.message?.ts ?? container.message_ts;
    const source = !ephemeral && ts ? { channel: 'slack' as const, team, conversation: channel, thread, id: ts } : undefined;
    run(
      client,
      { channel: 'slack', team, user: body.user.id, conversation: channel, thread, action, source, private: ephemeral },
      // Buttons in a private reply answer privately through that reply's response_url.
      { team, channel, user: body.user.id, thread, private: ephemeral, respond: ephemeral ? respond : undefined, triggerId: body.trigger_id, source },
    );
  });

  app.view(/^form:/, async ({ ack, view, body, client, context }) => {
    const action = actionFromViewSubmission(view);
    await ack();
    if (!action) return;
    const meta = ModalMeta.safeParse(JSON.parse(view.private_metadata || '{}'));
    const team = context.teamId ?? body.team?.id;
    const conversation = meta.success ? meta.data.channel : body.user.id;
    // The confirmation goes to the user's DM with the app (posting to a user id), which works wherever the modal came from.
    run(client, { channel: 'slack', team, user: body.user.id, conversation, thread: meta.success ? meta.data.thread : undefined, action }, { team, channel: body.user.id, user: body.user.id, private: false });
  });

  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home') return;
    const messages = await advisor.home({ channel: 'slack', team: context.teamId, user: event.user });
    // The home view has no message to take a language from; the language issue adds the user's locale.
    const t = slackMessages('en');
    const blocks: KnownBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: t.homeTitle } },
      { type: 'section', text: { type: 'mrkdwn', text: t.homeIntro } },
      { type: 'divider' },
      // Forms need a message or modal to submit from; the home view shows the facts only.
      ...messages.flatMap((m) => renderMessage({ ...m, input: undefined }).blocks),
    ];
    await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: blocks.slice(0, 100) } });
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });

  return {
    router: receiver ? withTimestampGuard(receiver.router as Router) : undefined,
    app,
    async start() {
      if (config.SLACK_APP_TOKEN && !receiver) await app.start();
    },
    async stop() {
      // Acknowledged events are answered before the process ends.
      await turns.drained();
      if (config.SLACK_APP_TOKEN && !receiver) await app.stop();
    },
  };
}
