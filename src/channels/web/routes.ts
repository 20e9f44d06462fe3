/**
 * The local web chat: a static page, the JSON endpoint that forwards to the core, and the visitor's outbox. The user id
 * comes from the signed session cookie (identity.ts), never from the request, so a visitor only ever reaches their own
 * data; a message id makes a retried post answer once (turns.ts); guard.ts holds the headers and the rate limits.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { issueText } from '../../common/jsonl.js';
import type { Logger } from '../../common/logger.js';
import type { Lang } from '../../common/lang.js';
import { CollectingOutput, directConversation } from '../../core/collect.js';
import { HTTP_STATUS } from '../../core/errors.js';
import { ActionSchema } from '../../core/event.js';
import type { Advisor } from '../../core/pipeline.js';
import type { Store } from '../../store/store.js';
import { DEFAULT_LIMITS, bearerToken, refuseCrossSite, securityHeaders, webChatLimiters, type WebChatLimits } from './guard.js';
import { WebIdentity, sameSecret, type Visitor } from './identity.js';
import type { WebMessenger } from './messenger.js';
import { requestLang, webMessages } from './messages.js';
import { TurnAnswerSchema, claimTurn, type TurnAnswer } from './turns.js';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

/** A message id from the page: one per message, the same again on a retry. */
const MessageId = z
  .string()
  .min(1, 'id must not be empty')
  .max(100, 'id is at most 100 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'id may only contain letters, digits and . _ : -');

const ChatRequest = z.strictObject({
  /** Accepted and ignored: pages from before the session cookie send their own user id; the cookie decides. */
  user: z.unknown().optional(),
  id: MessageId.optional(),
  text: z.string().max(100_000).optional(),
  action: ActionSchema.optional(),
  locale: z.string().max(35).optional(),
  /** The id of the message whose button or form was used. */
  source: z.string().min(1).max(200).optional(),
});
/** Not strict: a `user` that older pages send is ignored like any other unknown parameter. */
const OutboxQuery = z.object({ after: z.string().max(400, 'after is at most 400 characters').optional() });
const PageQuery = z.object({ token: z.string().max(1000, 'the token is at most 1000 characters').optional() });

export interface WebChatDeps {
  advisor: Advisor;
  messenger: WebMessenger;
  newId: () => string;
  /** Holds the cookie key and the answers of recent messages. */
  store: Store;
  log?: Logger;
}

export interface WebChatOptions {
  /** WEB_CHAT_ACCESS_TOKEN: when set, the page and the API are only for visitors who showed it. */
  accessToken?: string;
  /** Rate limits (tests set small ones); the rest keep DEFAULT_LIMITS. */
  limits?: Partial<WebChatLimits>;
}

/** What the API middlewares found out about a request, for the handler after them. */
interface ApiRequest {
  deps: WebChatDeps;
  visitor: Visitor;
}

const page = (lang: Lang, title: string, text: string) =>
  `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`;
const tokenNeeded = (lang: Lang) => page(lang, webMessages(lang).tokenNeededTitle, webMessages(lang).tokenNeeded);
const tokenWrong = (lang: Lang) => page(lang, webMessages(lang).tokenWrongTitle, webMessages(lang).tokenWrong);

/** Routes: GET / (page, assets), POST /api/chat and GET /api/outbox. */
export function webChatRouter(current: () => WebChatDeps | undefined, options: WebChatOptions = {}): Router {
  const { accessToken } = options;
  const router = express.Router();
  const identity = new WebIdentity(accessToken);
  const api = new WeakMap<Request, ApiRequest>();
  const apiRequest = (req: Request): ApiRequest => {
    const found = api.get(req);
    if (!found) throw new Error('web chat API handler reached without its visitor');
    return found;
  };
  const limits = webChatLimiters({ ...DEFAULT_LIMITS, ...options.limits }, (req) => apiRequest(req).visitor.user);

  router.use(securityHeaders);

  // The page sets the session cookie (when the store is loaded; otherwise the first API request does), and with an
  // access token it is where `?token=` admits the session, then redirects so the token leaves the address bar.
  router.get(['/', '/index.html'], async (req, res) => {
    const deps = current();
    const query = PageQuery.safeParse(req.query);
    if (!query.success) return void res.status(400).type('text/plain').send(`${issueText(query.error, 'query')}\n`);
    if (accessToken === undefined) {
      if (deps) await identity.identify(deps.store, req, res);
      return void res.sendFile(path.join(PUBLIC_DIR, 'index.html'));
    }
    res.setHeader('Cache-Control', 'no-store');
    if (!deps) return void res.status(503).setHeader('Retry-After', '1').type('text/plain').send(`${webMessages(requestLang(req)).startingPage}\n`);
    const { token } = query.data;
    if (token !== undefined) {
      if (!sameSecret(token, accessToken)) return void res.status(401).type('html').send(tokenWrong(requestLang(req)));
      await identity.identify(deps.store, req, res, { admit: true });
      return void res.redirect(303, '/');
    }
    const visitor = await identity.identify(deps.store, req, res);
    if (!visitor.admitted) return void res.status(401).type('html').send(tokenNeeded(requestLang(req)));
    res.sendFile(path.join(PUBLIC_DIR, 'index.html'));
  });
  // The page's script and style are the same for everyone (nothing in them is private), so they are not gated.
  router.use(express.static(PUBLIC_DIR, { index: false }));

  const starting = (req: Request, res: Response) => res.status(503).setHeader('Retry-After', '1').json({ error: webMessages(requestLang(req)).starting });
  // Finds the visitor (a fresh one, with its cookie, when the request has no valid cookie) and checks the access token.
  const visitorOnly: RequestHandler = async (req, res, next) => {
    const deps = current();
    if (!deps) return void starting(req, res);
    const visitor = await identity.identify(deps.store, req, res);
    if (accessToken !== undefined) {
      const bearer = bearerToken(req);
      const allowed = bearer !== undefined ? sameSecret(bearer, accessToken) : visitor.admitted;
      if (!allowed) return void res.status(401).setHeader('WWW-Authenticate', 'Bearer').json({ error: webMessages(requestLang(req)).apiTokenNeeded });
    }
    api.set(req, { deps, visitor });
    next();
  };

  // Address limits first (before any store work or body parsing), session limits once the visitor is known.
  router.post(
    '/api/chat',
    refuseCrossSite,
    limits.chatPerAddress,
    visitorOnly,
    limits.chatPerSession,
    express.json({ limit: '128kb', strict: true, type: () => true }),
    async (req, res) => {
      const { deps, visitor } = apiRequest(req);
      const parsed = ChatRequest.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: issueText(parsed.error, 'body') });
      const body = parsed.data;
      if ((body.text === undefined) === (body.action === undefined)) return void res.status(400).json({ error: 'give exactly one of "text" or "action"' });
      const run = () => runTurn(deps, visitor.user, body);
      if (body.id === undefined) return void send(res, await run());
      const claim = await claimTurn(deps.store, visitor.user, body.id);
      if (claim.kind === 'replay') return void send(res, claim.answer);
      if (claim.kind === 'pending') {
        return void res
          .status(409)
          .setHeader('Retry-After', '1')
          .json({ error: webMessages(requestLang(req)).inProgress, code: 'IN_PROGRESS' });
      }
      let answer: TurnAnswer;
      try {
        answer = await run();
      } catch (e) {
        await claim.abandon().catch(() => undefined);
        throw e;
      }
      // The visitor gets the answer even if it could not be kept; a retry of this id then waits out the marker.
      await claim.finish(answer).catch((err: unknown) => deps.log?.error({ err }, 'web chat: could not keep a turn answer'));
      send(res, answer);
    },
  );

  router.get('/api/outbox', refuseCrossSite, limits.outboxPerAddress, visitorOnly, limits.outboxPerSession, async (req, res) => {
    const { deps, visitor } = apiRequest(req);
    const parsed = OutboxQuery.safeParse(req.query);
    if (!parsed.success) return void res.status(400).json({ error: issueText(parsed.error, 'query') });
    res.json(await deps.messenger.read(visitor.user, parsed.data.after));
  });
  return router;
}

function send(res: Response, answer: TurnAnswer): void {
  res.status(answer.status).json(answer.body);
}

/** Runs one turn for the cookie's user and gives the HTTP answer: the replies, and for a failed turn its status. */
async function runTurn(deps: WebChatDeps, user: string, body: z.infer<typeof ChatRequest>): Promise<TurnAnswer> {
  const { conversation } = directConversation('web', user);
  const source = body.source ? { channel: 'web' as const, conversation, id: body.source } : undefined;
  const out = new CollectingOutput({ channel: 'web', conversation, source }, deps.newId);
  await deps.advisor.handle(
    { channel: 'web', id: body.id === undefined ? undefined : `web:${body.id}`, user, conversation, locale: body.locale, text: body.text, action: body.action, source },
    out,
  );
  // A refused or failed turn still carries its explanation in `replies`; the status says what kind of failure.
  const answer = out.error
    ? { status: out.error.code === 'UNEXPECTED' ? 500 : HTTP_STATUS[out.error.code], body: { error: out.error.message, code: out.error.code, ...out.result() } }
    : { status: 200, body: out.result() };
  // Through JSON first, as res.json would send it (absent fields dropped), so a replay is byte for byte the same.
  return TurnAnswerSchema.parse(JSON.parse(JSON.stringify(answer)));
}
