/**
 * Files for channels that cannot upload them (Teams cards): each attachment is kept for a short while behind a
 * signed, unguessable link served by the advisor itself at GET /files/<token>. The token is 32 random bytes; the
 * request log never shows it; an expired or unknown token answers 404.
 */
import crypto from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import type { Attachment } from '../../core/message.js';
import { defineCollection } from '../../store/collections.js';
import type { Store } from '../../store/store.js';

/** How long a download link works. */
export const FILE_LINK_MINUTES = 60;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Files larger than this are not kept (a chart or an export is far smaller). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

const StoredFile = z.object({
  name: z.string().min(1).max(200),
  mimeType: z.string().min(1).max(100),
  data: z.string(),
  alt: z.string().max(2000).optional(),
});
export const fileLinks = defineCollection('file_links', StoredFile, { split: 'hash', buckets: 16 });

export interface FileLinkResult {
  name: string;
  url: string;
  mimeType: string;
  alt?: string;
}

export class FileLinks {
  constructor(
    private readonly store: Store,
    /** The public base URL the platform's clients reach the advisor at (PUBLIC_URL). */
    private readonly baseUrl: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Keeps the file and returns its download link (valid FILE_LINK_MINUTES). */
  async link(file: Attachment): Promise<FileLinkResult | undefined> {
    if (file.data.byteLength > MAX_FILE_BYTES) return undefined;
    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock().getTime() + FILE_LINK_MINUTES * 60_000);
    await fileLinks.put(this.store, token, { name: file.name.slice(0, 200), mimeType: file.mimeType, data: Buffer.from(file.data).toString('base64'), ...(file.alt ? { alt: file.alt.slice(0, 2000) } : {}) }, { expiresAt });
    return { name: file.name, url: `${this.baseUrl.replace(/\/+$/, '')}/files/${token}`, mimeType: file.mimeType, alt: file.alt };
  }
}

/** GET /files/<token>: the file, as often as asked while the link is valid (a user may open it twice). */
export function fileLinksRouter(store: () => Store | undefined, logger: Logger): Router {
  const router = express.Router();
  router.get('/files/:token', async (req, res, next) => {
    try {
      const s = store();
      if (!s) return void res.status(503).setHeader('Retry-After', '1').json({ error: 'starting' });
      const token = req.params.token;
      const file = TOKEN.test(token) ? await fileLinks.get(s, token) : undefined;
      if (!file) {
        logger.info({ component: 'files' }, 'unknown or expired file link');
        return void res.status(404).json({ error: 'this link has expired or does not exist' });
      }
      const safeName = file.name.replace(/[^\p{L}\p{N}._ -]+/gu, '_');
      // Text files (CSV, Markdown) are UTF-8: said, so that umlauts and å ä ö come out right.
      res.setHeader('Content-Type', /^text\/|^application\/(?:json|csv)/.test(file.mimeType) && !/charset=/i.test(file.mimeType) ? `${file.mimeType}; charset=utf-8` : file.mimeType);
      res.setHeader('Content-Disposition', `${file.mimeType.startsWith('image/') ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(safeName)}`);
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.send(Buffer.from(file.data, 'base64'));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
