/** The peer of bench:slack: a bare Bolt app that only acknowledges and echoes, on the same fake Web API. */
import { App, LogLevel } from '@slack/bolt';

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: LogLevel.ERROR,
});
app.message(async ({ message, say }) => {
  if (message.subtype === undefined) await say(`echo: ${message.text ?? ''}`);
});
await app.start(Number(process.env.PORT));
console.error(`bare bolt listening on http://127.0.0.1:${process.env.PORT}`);
