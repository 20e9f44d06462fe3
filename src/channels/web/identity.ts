/**
 * Who is who in the web chat. The server, not the page, names each browser: a `web-<uuid>` id in a signed, HttpOnly
 * cookie, so a visitor can only read, export and delete their own data. The signing key is a secret made once and kept
 * in the store, so a restart or a second instance on the same store signs and checks with the same key.
 */
import crypto from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, Response } from 'express';
import { storedSecret } from '../../core/secrets.js';
import type { Store } from '../../store/store.js';

export const SESSION_COOKIE = 'advisor_session';
/** A year: the cookie is the visitor's only handle on their profile and analyses (as the page's stored id was before). */
const COOKIE_MAX_AGE_SECONDS = 365 * 86_400;
export const COOKIE_KEY_NAME = 'web-cookie-key';

const VISITOR_ID = /^web-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** An admission mark: the first 22 base64url characters (132 bits) of an HMAC. */
const ADMISSION_TAG = /^[A-Za-z0-9_-]{22}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

export interface Visitor {
  /** The visitor's user id on the web channel, `web-<uuid>`. */
  user: string;
  /** The visitor has shown the access token (always false when none is configured). */
  admitted: boolean;
}

const hmac = (key: Buffer, ...parts: string[]): string => crypto.createHmac('sha256', key).update(parts.join('\n')).digest('base64url');

/** Equality of two strings in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so not even the length of the expected value leaks.
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** The cookie key: made once and kept in the store (see core/secrets.ts). */
const loadKey = (store: Store): Promise<Buffer> => storedSecret(store, COOKIE_KEY_NAME, 'every visitor then gets a new identity');

/** Issues and checks the web chat's session cookie. */
export class WebIdentity {
  private readonly keys = new WeakMap<Store, Promise<Buffer>>();

  /** `accessToken`: WEB_CHAT_ACCESS_TOKEN; a cookie marked as admitted under another token is not admitted. */
  constructor(private readonly accessToken: string | undefined) {}

  /** The store's signing key, read once and kept; a failed read is tried again by the next request. */
  key(store: Store): Promise<Buffer> {
    let key = this.keys.get(store);
    if (!key) {
      key = loadKey(store);
      this.keys.set(store, key);
      key.catch(() => this.keys.delete(store));
    }
    return key;
  }

  /**
   * The visitor this request's cookie names. A missing, tampered or otherwise invalid cookie gets a fresh id, and the
   * response sets its cookie; `admit` marks the session as having shown the access token.
   */
  async identify(store: Store, req: Request, res: Response, options: { admit?: boolean } = {}): Promise<Visitor> {
    const key = await this.key(store);
    const raw = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    const known = raw === undefined ? undefined : this.verify(key, raw);
    const expectedTag = this.accessToken === undefined ? undefined : this.admissionTag(key, this.accessToken);
    const wasAdmitted = known !== undefined && expectedTag !== undefined && known.tag !== '' && sameSecret(known.tag, expectedTag);
    const admitted = wasAdmitted || (options.admit === true && expectedTag !== undefined);
    const user = known?.user ?? `web-${crypto.randomUUID()}`;
    if (!known || admitted !== wasAdmitted) {
      const tag = admitted && expectedTag !== undefined ? expectedTag : '';
      res.append(
        'Set-Cookie',
        serializeCookie(SESSION_COOKIE, this.sign(key, user, tag), { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, maxAge: COOKIE_MAX_AGE_SECONDS }),
      );
    }
    return { user, admitted };
  }

  /** The cookie value: `<user>.<admission tag or empty>.<HMAC-SHA256 of both>`. */
  private sign(key: Buffer, user: string, tag: string): string {
    return `${user}.${tag}.${hmac(key, 'advisor-session/v1', user, tag)}`;
  }

  private verify(key: Buffer, value: string): { user: string; tag: string } | undefined {
    const parts = value.split('.');
    if (parts.length !== 3) return undefined;
    const [user, tag, signature] = parts as [string, string, string];
    if (!VISITOR_ID.test(user) || (tag !== '' && !ADMISSION_TAG.test(tag)) || !SIGNATURE.test(signature)) return undefined;
    const expected = Buffer.from(hmac(key, 'advisor-session/v1', user, tag));
    return crypto.timingSafeEqual(expected, Buffer.from(signature)) ? { user, tag } : undefined;
  }

  /** Bound to the token, so a new WEB_CHAT_ACCESS_TOKEN turns away every session admitted with the old one. */
  private admissionTag(key: Buffer, token: string): string {
    return hmac(key, 'web-chat-admission/v1', token).slice(0, 22);
  }
}
