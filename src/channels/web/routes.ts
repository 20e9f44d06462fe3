/** The local web chat: a static page and one JSON endpoint that forwards to the core. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Advisor } from '../../core/advisor.js';
import { ActionSchema } from '../../core/types.js';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

const ChatRequest = z.strictObject({
  user: z.string().min(1, 'user must not be empty').max(200),
  text: z.string().max(100_000).optional(),
  action: ActionSchema.optional(),
  locale: z.string().max(35).optional(),
});

/** Routes: GET / (page, assets) and POST /api/chat. */
export function webChatRouter(current: () => Advisor | undefined): Router {
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
  router.post('/api/chat', express.json({ limit: '128kb', strict: true, type: () => true }), async (req, res, next) => {
    const advisor = current();
    if (!advisor) {
      res.status(503).setHeader('Retry-After', '1').json({ error: 'the advisor is still starting; try again in a moment' });
      return;
    }
    const parsed = ChatRequest.safeParse(req.body);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      res.status(400).json({ error: `${i.path.join('.') || 'body'}: ${i.message}` });
      return;
    }
    const body = parsed.data;
    if ((body.text === undefined) === (body.action === undefined)) {
      res.status(400).json({ error: 'give exactly one of "text" or "action"' });
      return;
    }
    try {
      const result = await advisor.handle({ channel: 'web', user: body.user, conversation: `web:${body.user}`, locale: body.locale, text: body.text, action: body.action });
      res.json(result);
    } catch (e) {
      next(e);
    }
  });
  return router;
}
