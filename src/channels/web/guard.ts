/**
 * What stands in front of the web chat: security headers on every response, rate limits per session and per address,
 * and the refusal of API requests a browser marks as sent by another site.
 *
 * The headers are written by hand rather than with helmet: the chat needs exactly these five, with its own policy, and
 * helmet's defaults (a different CSP, cross-origin isolation headers) would have to be switched off one by one.
 */
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { requestLang, webMessages } from './messages.js';

/** Only this server's own scripts, styles and API; no framing, no <base>, forms post here only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
};

/**
 * The session cookie is SameSite=Lax, so another site's requests do not carry it; browsers also say where a request
 * comes from (Sec-Fetch-Site), and a request another site started is refused outright. Clients that are not browsers
 * send no such header and pass.
 */
export const refuseCrossSite: RequestHandler = (req, res, next) => {
  const site = req.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return void res.status(403).json({ error: webMessages(requestLang(req)).crossSite });
  next();
};

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  return header === undefined ? undefined : (/^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '');
}

/** How many requests a session (cookie) and an address (req.ip) may make per window; the address limit catches
 * clients that drop their cookie to get a fresh session each time. */
export interface WebChatLimits {
  windowMs: number;
  chatPerSession: number;
  chatPerAddress: number;
  /** The page polls its outbox every five seconds per open tab. */
  outboxPerSession: number;
  outboxPerAddress: number;
}

export const DEFAULT_LIMITS: WebChatLimits = { windowMs: 60_000, chatPerSession: 30, chatPerAddress: 120, outboxPerSession: 60, outboxPerAddress: 300 };


/**
 * One limiter: counted in this process's memory (a second instance counts its own), with the standard RateLimit and
 * RateLimit-Policy headers (IETF draft 8, which names each policy so the session and address limits can both be
 * reported) and Retry-After on a 429.
 */
type LimitMessage = 'chatPerAddress' | 'chatPerSession' | 'outboxPerAddress' | 'outboxPerSession';

function limiter(name: string, limit: number, windowMs: number, message: LimitMessage, sessionOf?: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: name,
    // Without a session key the default counts per address (IPv6 addresses by their /56 network).
    ...(sessionOf ? { keyGenerator: (req: Request) => sessionOf(req) } : {}),
    handler: (req, res) => {
      const t = webMessages(requestLang(req));
      res.status(429).json({ error: t[message](limit, t.window(windowMs)) });
    },
  });
}

export interface WebChatLimiters {
  chatPerAddress: RequestHandler;
  chatPerSession: RequestHandler;
  outboxPerAddress: RequestHandler;
  outboxPerSession: RequestHandler;
}

/** The limiters of one router; `sessionOf` gives the visitor id an earlier middleware found for the request. */
export function webChatLimiters(limits: WebChatLimits, sessionOf: (req: Request) => string): WebChatLimiters {
  const w = limits.windowMs;
  return {
    chatPerAddress: limiter('chat-address', limits.chatPerAddress, w, 'chatPerAddress'),
    chatPerSession: limiter('chat-session', limits.chatPerSession, w, 'chatPerSession', sessionOf),
    outboxPerAddress: limiter('outbox-address', limits.outboxPerAddress, w, 'outboxPerAddress'),
    outboxPerSession: limiter('outbox-session', limits.outboxPerSession, w, 'outboxPerSession', sessionOf),
  };
}
