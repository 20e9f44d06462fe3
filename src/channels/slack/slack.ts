/**
 * The Slack channel: a Bolt app that translates Slack events, commands, button clicks and modal submissions into the
 * core's InboundEvent, and the core's replies into Block Kit. It decides nothing itself.
 */
import { App, ExpressReceiver, LogLevel, type Logger as BoltLogger, type RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { KnownBlock, View } from '@slack/types';
import type { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { SECTORS, type Advisor } from '../../core/advisor.js';
import type { InboundEvent, Reply } from '../../core/types.js';
import { countryName } from '../../dialogs/whys.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/store.js';
import { decodeActionId, fromSlackText, renderReply } from './blocks.js';
import { StoreInstallationStore } from './installation-store.js';

/** The scopes the app uses, and no more: mentions, DMs to the bot, posting, and the slash command. */
export const SLACK_SCOPES = ['app_mentions:read', 'chat:write', 'commands', 'im:history'];
export const PROFILE_MODAL = 'profile_modal';
/** Turns in progress at once: enough to overlap their waits on store writes and Web API calls. */
const TURN_CONCURRENCY = 32;

/** A FIFO of turn jobs run with bounded concurrency; jobs start in arrival order (the core keeps per-user order). */
class TurnQueue {
  private readonly jobs: (() => Promise<void>)[] = [];
  private running = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly logger: Logger,
  ) {}

  push(job: () => Promise<void>): void {
    this.jobs.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.jobs.length > 0) {
      const job = this.jobs.shift()!;
      this.running++;
      void job()
        .catch((err: unknown) => this.logger.error({ err }, 'Slack turn failed'))
        .then(() => new Promise((resolve) => setImmediate(resolve)))
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.jobs.length === 0) this.idle.splice(0).forEach((r) => r());
        });
    }
  }

  /** Resolves when every queued turn has finished. */
  drained(): Promise<void> {
    if (this.running === 0 && this.jobs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}

/** Retried deliveries are remembered this long; Slack retries three times within about five minutes. */
const DEDUPE_TTL_MS = 3600_000;

export interface SlackChannel {
  /** Express router for /slack/events (and /slack/install, /slack/oauth_redirect in OAuth mode); absent in Socket Mode. */
  router?: Router;
  app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Target {
  channel: string;
  user: string;
  thread?: string;
  /** Reply only to the user (slash commands and buttons in ephemeral messages). */
  ephemeral: boolean;
  /**
   * The request's response_url, for private replies: it works in channels the app is not a member of, where
   * chat.postEphemeral would fail.
   */
  respond?: RespondFn;
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

const ProfileSubmission = z.object({
  country: z.object({ value: z.object({ selected_option: z.object({ value: z.string().regex(/^[A-Z]{2}$/) }).nullable() }) }),
  sector: z.object({ value: z.object({ selected_option: z.object({ value: z.enum(SECTORS) }).nullable() }) }),
});

/** Sends the core's replies: to the thread or DM, privately when the request was private, to everyone when shared. */
async function deliver(client: WebClient, target: Target, replies: Reply[]): Promise<void> {
  for (const reply of replies) {
    const { text, blocks } = renderReply(reply);
    const base = { channel: target.channel, text, blocks, ...(target.thread ? { thread_ts: target.thread } : {}) };
    if (target.respond) {
      await target.respond({ text, blocks, response_type: reply.audience === 'channel' ? 'in_channel' : 'ephemeral', replace_original: false });
    } else if (target.ephemeral && reply.audience !== 'channel') await client.chat.postEphemeral({ ...base, user: target.user });
    else await client.chat.postMessage({ ...base, unfurl_links: false, unfurl_media: false });
  }
}

function profileModal(channel: string, countries: string[]): View {
  const option = (value: string, label: string) => ({ text: { type: 'plain_text' as const, text: label }, value });
  return {
    type: 'modal',
    callback_id: PROFILE_MODAL,
    private_metadata: JSON.stringify({ channel }),
    title: { type: 'plain_text', text: 'Your profile' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: 'country',
        label: { type: 'plain_text', text: 'Country of your company' },
        element: { type: 'static_select', action_id: 'value', options: countries.map((c) => option(c, countryName(c))) },
      },
      {
        type: 'input',
        block_id: 'sector',
        optional: true,
        label: { type: 'plain_text', text: 'Sector' },
        element: { type: 'static_select', action_id: 'value', options: SECTORS.map((s) => option(s, s.replace('_', ' '))) },
      },
    ],
  };
}

/** Builds the Bolt app for the configured mode (HTTP, Socket Mode, or OAuth distribution). */
export function createSlackChannel(deps: { config: Config; advisor: Advisor; store: Store; logger: Logger; countries: string[] }): SlackChannel {
  const { config, advisor, store, logger } = deps;
  const clientOptions = config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {};
  const oauth = Boolean(config.SLACK_CLIENT_ID && config.SLACK_CLIENT_SECRET && config.SLACK_STATE_SECRET);
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
            installationStore: new StoreInstallationStore(store),
            installerOptions: { installPath: '/slack/install', redirectUriPath: '/slack/oauth_redirect', clientOptions },
          }
        : {}),
    });
    // convoStore off: dialogue state lives in the advisor's store, not in Bolt's per-process memory.
    app = new App({ receiver, clientOptions, convoStore: false, logger: boltLogger(logger), ...(oauth ? {} : { token: config.SLACK_BOT_TOKEN }) });
  }

  // A retried delivery (X-Slack-Retry-Num, same event_id) is processed once, even across instances sharing a store.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      const fresh = await store.putIfAbsent('processed_events', eventId, Date.now());
      if (!fresh) {
        logger.debug({ eventId }, 'duplicate Slack event ignored');
        return;
      }
    }
    await next();
  });

  // Turns run from a queue after the acknowledgement, a few at a time, yielding to the event loop between turns, so
  // that under a burst new requests are still verified and acknowledged within Slack's 3 seconds.
  const turns = new TurnQueue(TURN_CONCURRENCY, logger);
  // Replies to one user in one conversation are posted in the order of the turns (the core orders the turns).
  const deliveries = new Map<string, Promise<void>>();
  const run = (client: WebClient, event: InboundEvent, target: Target): void => {
    const key = JSON.stringify([event.team, event.conversation, event.thread, event.user]);
    turns.push(async () => {
      const result = await advisor.handle(event);
      const mine = (deliveries.get(key) ?? Promise.resolve()).then(() => deliver(client, target, result.replies));
      const settled = mine.catch(() => undefined);
      deliveries.set(key, settled);
      void settled.then(() => deliveries.get(key) === settled && deliveries.delete(key));
      await mine;
    });
  };

  app.event('message', async ({ event, client, context }) => {
    // Only plain user messages in the bot's DMs; edits, joins and every bot (including this one) are ignored.
    if (event.channel_type !== 'im' || event.subtype !== undefined || 'bot_id' in event) return;
    const text = fromSlackText(event.text ?? '', context.botUserId);
    run(
      client,
      { channel: 'slack', team: context.teamId ?? event.team, user: event.user, conversation: event.channel, thread: event.thread_ts, text, direct: true },
      { channel: event.channel, user: event.user, thread: event.thread_ts, ephemeral: false },
    );
  });

  app.event('app_mention', async ({ event, client, context }) => {
    if (event.bot_id || !event.user) return;
    const thread = event.thread_ts ?? event.ts;
    run(
      client,
      { channel: 'slack', team: context.teamId ?? event.team, user: event.user, conversation: event.channel, thread, text: fromSlackText(event.text, context.botUserId), direct: false },
      { channel: event.channel, user: event.user, thread, ephemeral: false },
    );
  });

  app.command('/advisor', async ({ command, ack, client, context, respond }) => {
    await ack();
    const [sub = 'help', ...rest] = command.text.trim().split(/\s+/);
    const args = fromSlackText(rest.join(' '));
    const target: Target = { channel: command.channel_id, user: command.user_id, ephemeral: true, respond };
    const base = { channel: 'slack' as const, team: context.teamId ?? command.team_id, user: command.user_id, conversation: command.channel_id, direct: false };
    const texts: Record<string, string> = { help: 'help', whys: args ? `5 whys: ${args}` : '5 whys', poll: 'create a poll', survey: 'create a survey', 'forget-me': 'forget me', analyses: 'my analyses' };
    if (sub === 'profile') {
      await client.views.open({ trigger_id: command.trigger_id, view: profileModal(command.channel_id, deps.countries) });
      return;
    }
    const text = sub === 'ask' ? args : (texts[sub.toLowerCase()] ?? fromSlackText(command.text));
    if (!text) {
      await deliver(client, target, [{ text: 'Usage: `/advisor ask <question>`, `/advisor whys`, `/advisor profile`, `/advisor analyses`, `/advisor forget-me`, `/advisor help`' }]);
      return;
    }
    run(client, { ...base, text }, target);
  });

  app.action(/.*/, async ({ ack, body, action, client, context, respond }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    const channel = body.channel?.id ?? body.user.id;
    const container = body.container as { is_ephemeral?: boolean; thread_ts?: string };
    const thread = body.message?.thread_ts ?? container.thread_ts;
    run(
      client,
      {
        channel: 'slack',
        team: context.teamId ?? body.team?.id,
        user: body.user.id,
        conversation: channel,
        thread,
        action: { id: decodeActionId(action.action_id), value: action.value ?? '' },
        direct: channel.startsWith('D'),
      },
      // Buttons in a private reply answer privately through that reply's response_url.
      { channel, user: body.user.id, thread, ephemeral: Boolean(container.is_ephemeral), respond: container.is_ephemeral ? respond : undefined },
    );
  });

  app.view(PROFILE_MODAL, async ({ ack, view, body, client, context }) => {
    const parsed = ProfileSubmission.safeParse(view.state.values);
    const country = parsed.success ? parsed.data.country.value.selected_option?.value : undefined;
    if (!parsed.success || !country) {
      await ack({ response_action: 'errors', errors: { country: 'Please choose the country of your company.' } });
      return;
    }
    await ack();
    const meta = z.object({ channel: z.string() }).safeParse(JSON.parse(view.private_metadata || '{}'));
    const base = { channel: 'slack' as const, team: context.teamId ?? body.team?.id, user: body.user.id, conversation: meta.success ? meta.data.channel : body.user.id };
    // The confirmation goes to the user's DM with the app (posting to a user id), which works wherever the modal came from.
    const target: Target = { channel: body.user.id, user: body.user.id, ephemeral: false };
    run(client, { ...base, action: { id: 'profile.country', value: country } }, target);
    const sector = parsed.data.sector.value.selected_option?.value;
    if (sector) run(client, { ...base, action: { id: 'profile.sector', value: sector } }, target);
  });

  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home') return;
    const replies = await advisor.overview({ channel: 'slack', team: context.teamId, user: event.user });
    const blocks: KnownBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: 'SME internationalisation advisor' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Ask me in a DM, mention me in a channel, or use `/advisor ask <question>`. `/advisor whys` starts a 5-Whys analysis; `/advisor profile` sets your country and sector.' } },
      { type: 'divider' },
      ...replies.flatMap((r) => renderReply(r).blocks),
    ];
    await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: blocks.slice(0, 100) } });
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });

  let pruner: NodeJS.Timeout | undefined;
  return {
    router: receiver?.router as Router | undefined,
    app,
    async start() {
      if (config.SLACK_APP_TOKEN && !receiver) await app.start();
      // Remembered event ids only need to outlive Slack's retries.
      pruner = setInterval(() => {
        void (async () => {
          const old = (await store.list<number>('processed_events', '', 10_000)).filter((r) => Date.now() - r.value > DEDUPE_TTL_MS);
          for (const r of old) await store.delete('processed_events', r.key);
        })().catch((e: unknown) => logger.warn({ err: e }, 'pruning Slack event ids failed'));
      }, 10 * 60_000);
      pruner.unref();
    },
    async stop() {
      if (pruner) clearInterval(pruner);
      // Acknowledged events are answered before the process ends.
      await turns.drained();
      if (config.SLACK_APP_TOKEN && !receiver) await app.stop();
    },
  };
}
