/** The one HTTP server: health and readiness, the local web chat, file links, and the Slack (when configured) and Teams endpoints. */
import type http from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { AdvisorApp } from './app.js';
import type { WebChatLimits } from './channels/web/guard.js';
import { webChatRouter } from './channels/web/routes.js';
import { fileLinksRouter } from './channels/files/files.js';
import type { Logger } from './common/logger.js';
import { coreMessages } from './core/messages.js';
import { StoreError } from './store/store.js';
import { loadConfig, type Config } from './config.js';

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

export interface HttpAppOptions {
  /** WEB_CHAT (mount the web chat or not) and WEB_CHAT_ACCESS_TOKEN (who may use it). */
  config: Pick<Config, 'WEB_CHAT' | 'WEB_CHAT_ACCESS_TOKEN'>;
  /** The web chat's rate limits; tests set small ones, a deployment keeps the defaults. */
  webChatLimits?: Partial<WebChatLimits>;
}

/**
 * Builds the express application. `current` returns the advisor once it is loaded: the server listens (and /healthz
 * answers) while the dataset and the matcher load; /readyz and the chat answer 503 until then. A caller that passes no
 * options gets the web chat settings from the environment, so WEB_CHAT=off or an access token is never ignored.
 */
export function createHttpApp(
  current: () => AdvisorApp | undefined,
  logger: Logger,
  channels: () => Router[] = () => [],
  options: HttpAppOptions = { config: loadConfig() },
): express.Express {
  const web = express();
  web.disable('x-powered-by');
  web.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  web.get('/readyz', async (_req, res) => {
    const app = current();
    if (!app) return void res.status(503).json({ status: 'starting' });
    try {
      await app.store.ping();
      res.json({ status: 'ready' });
    } catch (e) {
      res.status(503).json({ status: 'unavailable', error: (e as Error).message });
    }
  });
  // Channel endpoints (Slack's /slack/events…) are mounted once the advisor is loaded; until then platforms get a 503
  // and retry, rather than a 404 that would look like a misconfiguration.
  const channelRoutes: RequestHandler = (req, res, next) => {
    const routers = channels();
    if (!current() && (req.path.startsWith('/slack/') || req.path === '/api/messages')) return void res.status(503).setHeader('Retry-After', '1').json({ error: 'starting' });
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) return next(err);
      const r = routers[i++];
      if (!r) return next();
      r(req, res, step);
    };
    step();
  };
  web.use(channelRoutes);
  // Download links of files sent where the platform cannot take an upload (Teams cards): GET /files/<token>.
  web.use(fileLinksRouter(() => current()?.store, logger));
  web.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  // WEB_CHAT=off: the page and its API are not mounted at all, so they answer 404 like any unknown path.
  if (options.config.WEB_CHAT === 'on') {
    web.use(
      webChatRouter(
        () => {
          const app = current();
          return app && { advisor: app.advisor, messenger: app.web, newId: app.ports.newId, store: app.store, log: app.ports.log };
        },
        { accessToken: options.config.WEB_CHAT_ACCESS_TOKEN, limits: options.webChatLimits },
      ),
    );
  }
  web.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Body-parser errors (malformed JSON, too large) become clear 4xx answers; anything else is logged, never leaked.
  const onError: ErrorRequestHandler = (err: { status?: number; type?: string; message?: string }, _req, res, _next) => {
    if (err.type === 'entity.too.large') return void res.status(413).json({ error: 'request body too large' });
    if (err.type === 'entity.parse.failed') return void res.status(400).json({ error: 'request body is not valid JSON' });
    if (err.status && err.status >= 400 && err.status < 500) return void res.status(err.status).json({ error: err.message ?? 'bad request' });
    // The store could not write (disk full, read-only, lock lost): the write was taken back, and the user hears so.
    if (err instanceof StoreError) {
      logger.error({ err: { code: err.code, message: err.message } }, 'request failed: store');
      return void res.status(503).setHeader('Retry-After', '5').json({ error: coreMessages('en').storeUnavailable, code: 'UNAVAILABLE' });
    }
    logger.error({ err }, 'request failed');
    res.status(500).json({ error: 'internal error; the request was not completed' });
  };
  web.use(onError);
  return web;
}

/** Starts listening; resolves when the port is bound. */
export function listen(web: express.Express, port: number, host: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = web.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        server,
        port: bound,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
