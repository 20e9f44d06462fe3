/** `npm start`: the advisor server with the local web chat, and Slack/Teams when their credentials are set. */
import type { Router } from 'express';
import type { AdvisorApp } from './app.js';
import { isLoopbackHost, loadConfig, loadDotEnv } from './config.js';
import { FileLinks } from './channels/files/files.js';
import { createLogger } from './common/logger.js';
import { webChatExposure } from './channels/web/exposure.js';
import { createHttpApp, listen } from './server.js';

async function main(): Promise<void> {
  await loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  const logger = createLogger(config.LOG_LEVEL);
  let app: AdvisorApp | undefined = undefined;
  const routers: Router[] = [];
  // Listen first so that liveness is answered at once; readiness and the channels wait for the data to load.
  const running = await listen(createHttpApp(() => app, logger, () => routers, { config }), config.PORT, config.HOST).catch((e: Error) => {
    console.error(`Cannot listen on ${config.HOST}:${config.PORT}: ${e.message}`);
    process.exit(1);
  });
  const base = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${running.port}`;
  // The banner goes to stderr so that stdout stays pure JSON logs.
  console.error(`SME internationalisation advisor listening on ${base} (loading the dataset and the intent matcher…)`);
  let loaded: AdvisorApp;
  try {
    // Imported here, not at the top: the dataset, the matcher and their libraries load after the port is bound.
    const { createAdvisorApp } = await import('./app.js');
    loaded = await createAdvisorApp(config, logger);
  } catch (e) {
    // Invalid data, a corrupt store or a locked DATA_DIR: say what and where, and do not serve half an advisor.
    console.error((e as Error).message);
    process.exit(1);
  }
  let slack: { start(): Promise<void>; stop(): Promise<void> } | undefined;
  if (config.slackEnabled) {
    const { createSlackChannel } = await import('./channels/slack/slack.js');
    const channel = createSlackChannel({ config, advisor: loaded.advisor, store: loaded.store, channels: loaded.channels, inbox: loaded.inbox, worker: loaded.worker, logger });
    if (channel.router) routers.push(channel.router);
    slack = channel;
  }
  // Teams: /api/messages is always mounted. With an app id every request is authenticated; without one it runs
  // unauthenticated for local development, and only where nobody else can reach it.
  const { createTeamsChannel, refuseUnauthenticated } = await import('./channels/teams/teams.js');
  const teamsOpen = !config.teamsEnabled && isLoopbackHost(config.HOST);
  if (config.teamsEnabled || teamsOpen) {
    const files = config.PUBLIC_URL ? new FileLinks(loaded.store, config.PUBLIC_URL, loaded.ports.clock) : undefined;
    routers.push(createTeamsChannel({ config, advisor: loaded.advisor, store: loaded.store, channels: loaded.channels, inbox: loaded.inbox, worker: loaded.worker, files, logger }).router);
  } else routers.push(refuseUnauthenticated());
  // Scheduled jobs (poll closing, reminders): the store is the record of what is due, polled every second. The embedded
  // store is this process's alone (its lock says so), so leases a crashed process left behind can go at once.
  // Only a store no other process uses proves that a lease left behind belongs to a process that is gone.
  if (loaded.store.exclusive) await loaded.scheduler.recoverLeases();
  loaded.scheduler.start((job) => loaded.advisor.runJob(job), { intervalMs: 1000 });
  // Deliveries the previous process acknowledged and did not finish (a crash, a kill, a deadline at shutdown), queued
  // before any new one so that each conversation keeps its order.
  await loaded.worker.recover();
  // Ready only now: /readyz, the web chat and the Slack endpoint answer 503 until every channel is mounted.
  app = loaded;
  await slack?.start();
  const oauth = Boolean(config.SLACK_CLIENT_ID && config.SLACK_CLIENT_SECRET && config.SLACK_STATE_SECRET);
  const slackMode = config.SLACK_APP_TOKEN && !oauth ? 'on (Socket Mode)' : `on at ${base}/slack/events${oauth ? `, install at ${base}/slack/install` : ''}`;
  const channels = [
    ...webChatExposure(config, base),
    `Slack       ${config.slackEnabled ? slackMode : 'off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)'}`,
    `Teams       ${
      config.teamsEnabled
        ? `on at ${base}/api/messages (Bot Framework tokens checked; app ${config.MICROSOFT_APP_TYPE})`
        : teamsOpen
          ? `UNAUTHENTICATED at ${base}/api/messages: for local development only (set MICROSOFT_APP_ID to require Bot Framework tokens)`
          : `refusing ${base}/api/messages with 401: HOST ${config.HOST} is not loopback and MICROSOFT_APP_ID is not set`
    }`,
  ];
  console.error(`Ready.\n  ${channels.join('\n  ')}\n  data in ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : config.DATA_DIR}`);
  if (teamsOpen) logger.warn({ component: 'teams' }, 'Teams endpoint runs WITHOUT authentication (no MICROSOFT_APP_ID): local development only');
  logger.info({ port: running.port, slack: config.slackEnabled, teams: config.teamsEnabled ? 'authenticated' : teamsOpen ? 'unauthenticated (loopback)' : 'refused' }, 'advisor started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // No new work: the listener closes (platforms retry elsewhere or later), the worker starts no new turn. Turns in
    // progress get the deadline to finish; what is left stays pending in the inbox and the next start finishes it.
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: config.SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed; exiting with work handed back to the inbox');
      process.exit(0);
    }, config.SHUTDOWN_DEADLINE_MS + 2_000);
    deadline.unref();
    // Stops accepting connections; requests in progress (an inbox write before an acknowledgement) complete.
    running.server.close();
    const unfinished = await loaded.worker.stop(config.SHUTDOWN_DEADLINE_MS);
    if (unfinished > 0) logger.warn({ unfinished }, 'turns still running at the deadline stay in the inbox for the next start');
    await slack?.stop().catch((err: unknown) => logger.warn({ err }, 'Slack did not stop cleanly'));
    await loaded.close().catch((err: unknown) => logger.error({ err }, 'could not close the store cleanly'));
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
