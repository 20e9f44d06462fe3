/**
 * The peer of bench:teams: a bare botbuilder bot (CloudAdapter, no credentials) that echoes every message inside the
 * request, on the same express and Node as the advisor. What the Bot Framework costs with nothing else to do.
 */
import express from 'express';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const app = express();
app.post('/api/messages', express.json({ limit: '1mb' }), (req, res) => {
  void adapter.process(req, res, async (ctx) => {
    if (ctx.activity.type === 'message') await ctx.sendActivity(`echo: ${ctx.activity.text ?? ''}`);
    else if (ctx.activity.type === 'invoke') await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'ok' } } });
  });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.error('bare teams listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
