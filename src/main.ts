/** `npm start`: the advisor server with the local web chat, and Slack/Teams when their credentials are set. */
import type { AdvisorApp } from './app.js';
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
  let app: AdvisorApp | undefined;
  // Listen first so that liveness is answered at once; readiness and the channels wait for the data to load.
  const running = await listen(createHttpApp(() => app, logger), config.PORT, config.HOST).catch((e: Error) => {
    console.error(`Cannot listen on ${config.HOST}:${config.PORT}: ${e.message}`);
    process.exit(1);
  });
  const base = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${running.port}`;
  // The banner goes to stderr so that stdout stays pure JSON logs.
  console.error(`SME internationalisation advisor listening on ${base} (loading the dataset and the intent matcher…)`);
  try {
    // Imported here, not at the top: the dataset, the matcher and their libraries load after the port is bound.
    const { createAdvisorApp } = await import('./app.js');
    app = await createAdvisorApp(config, logger);
  } catch (e) {
    // Invalid data, a corrupt store or a locked DATA_DIR: say what and where, and do not serve half an advisor.
    console.error((e as Error).message);
    process.exit(1);
  }
  const loaded = app;
  const channels = [
    `web chat    on  ${base}/`,
    `Slack       ${config.slackEnabled ? 'credentials set, but this build has no Slack channel yet' : 'off'}`,
    `Teams       ${config.teamsEnabled ? 'credentials set, but this build has no Teams channel yet' : 'off'}`,
  ];
  console.error(`Ready.\n  ${channels.join('\n  ')}\n  data in ${config.DATA_DIR}`);
  logger.info({ port: running.port, slack: config.slackEnabled, teams: config.teamsEnabled }, 'advisor started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await running.close();
    await loaded.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
