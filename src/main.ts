/** `npm start`: the advisor server with the local web chat, and Slack/Teams when their credentials are set. */
import { createAdvisorApp } from './app.js';
import { loadConfig, loadDotEnv } from './config.js';
import { createLogger } from './logger.js';
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
  let app;
  try {
    app = await createAdvisorApp(config, logger);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  const running = await listen(createHttpApp(app, logger), config.PORT, config.HOST).catch((e: Error) => {
    console.error(`Cannot listen on ${config.HOST}:${config.PORT}: ${e.message}`);
    process.exit(1);
  });
  const base = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${running.port}`;
  const channels = [
    `web chat    on  ${base}/`,
    `Slack       ${config.slackEnabled ? 'on' : 'off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)'}`,
    `Teams       ${config.teamsEnabled ? 'on' : 'off (set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD)'}`,
  ];
  // The banner goes to stderr so that stdout stays pure JSON logs.
  console.error(`SME internationalisation advisor listening on ${base}\n  ${channels.join('\n  ')}\n  data in ${config.DATA_DIR}`);
  logger.info({ port: running.port, slack: config.slackEnabled, teams: config.teamsEnabled }, 'advisor started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await running.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
