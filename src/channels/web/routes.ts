/** The local web chat: a static page, the JSON endpoint that forwards to the core, and the visitor's outbox. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { z } from 'zod';
import { issueText } from '../../common/jsonl.js';
import { CollectingOutput, directConversation } from '../../core/collect.js';
import { HTTP_STATUS } from '../../core/errors.js';
import { ActionSchema } from '../../core/event.js';
import type { Advisor } from '../../core/pipeline.js';
import type { WebMessenger } from './messenger.js';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

const User = z.string().min(1, 'user must not be empty').max(200);
const ChatRequest = z.strictObject({
  user: User,
  text: z.string().max(100_000).optional(),
  action: ActionSchema.optional(),
  locale: z.string().max(35).optional(),
  /** The id of the message whose button or form was used. */
  source: z.string().min(1).max(200).optional(),
});
const OutboxQuery = z.object({ user: User, after: z.string().max(400).optional() });

export interface WebChatDeps {
  advisor: Advisor;
  messenger: WebMessenger;
  newId: () => string;
}


/** Routes: GET / (page, assets), POST /api/chat and GET /api/outbox. */
export function webChatRouter(current: () => WebChatDeps | undefined): Router {
  const router = express.Router();
  router.use(
    express.static(PUBLIC_DIR, {
      index: 'index.html',
      setHeaders: (res) => {
        res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'");
        res.setHeader('X-Content-Type-Options', 'nosniff');
      },
    }),
  );
  const starting = (res: express.Response) => res.status(503).setHeader('Retry-After', '1').json({ error: 'the advisor is still starting; try again in a moment' });
  router.post('/api/chat', express.json({ limit: '128kb', strict: true, type: () => true }), async (req, res, next) => {
    const deps = current();
    if (!deps) return void starting(res);
    const parsed = ChatRequest.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: issueText(parsed.error, 'body') });
    const body = parsed.data;
    if ((body.text === undefined) === (body.action === undefined)) return void res.status(400).json({ error: 'give exactly one of "text" or "action"' });
    const { conversation } = directConversation('web', body.user);
    const source = body.source ? { channel: 'web' as const, conversation, id: body.source } : undefined;
    try {
      const out = new CollectingOutput({ channel: 'web', conversation, source }, deps.newId);
      await deps.advisor.handle({ channel: 'web', user: body.user, conversation, locale: body.locale, text: body.text, action: body.action, source }, out);
      // A refused or failed turn still carries its explanation in `replies`; the status says what kind of failure.
      if (out.error) res.status(out.error.code === 'UNEXPECTED' ? 500 : HTTP_STATUS[out.error.code]).json({ error: out.error.message, code: out.error.code, ...out.result() });
      else res.json(out.result());
    } catch (e) {
      next(e);
    }
  });
  router.get('/api/outbox', async (req, res, next) => {
    const deps = current();
    if (!deps) return void starting(res);
    const parsed = OutboxQuery.safeParse(req.query);
    if (!parsed.success) return void res.status(400).json({ error: issueText(parsed.error, 'body') });
    try {
      res.json(await deps.messenger.read(parsed.data.user, parsed.data.after));
    } catch (e) {
      next(e);
    }
  });
  return router;
}
