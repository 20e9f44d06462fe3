/**
 * The peer of bench:slack: a bare Bolt app that only acknowledges and echoes, on the same fake Web API, with the same
 * receiver as the advisor (ExpressReceiver, acknowledging before processing) so that only the advisor's work differs.
 */
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';

const receiver = new ExpressReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET!, endpoints: '/slack/events', processBeforeResponse: false, logLevel: LogLevel.ERROR });
const app = new App({ receiver, token: process.env.SLACK_BOT_TOKEN, clientOptions: { slackApiUrl: process.env.SLACK_API_URL }, logLevel: LogLevel.ERROR, convoStore: false });
app.message(async ({ message, say }) => {
  if (message.subtype === undefined) await say(`echo: ${message.text ?? ''}`);
});
await app.start(Number(process.env.PORT));
console.error(`bare bolt listening on http://127.0.0.1:${process.env.PORT}`);
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
