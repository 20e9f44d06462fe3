/**
 * Secrets the server makes for itself when the environment gives none (the web chat's cookie key, the poll voters'
 * HMAC key): 32 random bytes, created once with putIfAbsent and read back, so that whichever instance wrote first,
 * every instance and every restart uses the same key.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { defineCollection } from '../store/collections.js';
import type { Store } from '../store/store.js';

const SecretRecord = z.strictObject({
  value: z.string().regex(/^[A-Za-z0-9_-]{43,}$/, 'a base64url key of at least 32 bytes'),
  createdAt: z.iso.datetime(),
});
/** A handful of records, one file. */
export const secrets = defineCollection('secrets', SecretRecord);

/**
 * The stored secret `name`, made on first use. `consequence` says what deleting a broken record costs (it goes into
 * the error, for the operator).
 */
export async function storedSecret(store: Store, name: string, consequence: string): Promise<Buffer> {
  await secrets.putIfAbsent(store, name, { value: crypto.randomBytes(32).toString('base64url'), createdAt: new Date().toISOString() });
  const stored = await secrets.get(store, name);
  if (!stored) throw new Error(`the secret "${name}" (collection "secrets") is not a valid key; delete that record to make a new one (${consequence})`);
  return Buffer.from(stored.value, 'base64url');
}

const ANONYMITY_SECRET_NAME = 'poll-voter-key';
const anonymityKeys = new WeakMap<object, Promise<Buffer>>();

/**
 * The key of the keyed hashes that stand for members where a record must not name them (an anonymous vote, a survey
 * response): ADVISOR_VOTE_SECRET, else one kept in the store (read once per store and process).
 */
function anonymityKey(ports: { store: Store; settings: { voteSecret?: string } }): Promise<Buffer> {
  if (ports.settings.voteSecret) return Promise.resolve(Buffer.from(ports.settings.voteSecret, 'utf8'));
  let key = anonymityKeys.get(ports.store);
  if (!key) {
    key = storedSecret(ports.store, ANONYMITY_SECRET_NAME, 'members of open anonymous polls could then vote again, and survey participants would start over');
    anonymityKeys.set(ports.store, key);
    key.catch(() => anonymityKeys.delete(ports.store));
  }
  return key;
}

/** A member's id within `scope` (a poll, a survey), as a keyed hash: records keyed by it name nobody. */
export async function keyedId(ports: { store: Store; settings: { voteSecret?: string } }, scope: string, userKey: string): Promise<string> {
  return crypto.createHmac('sha256', await anonymityKey(ports)).update(`${scope}\n${userKey}`).digest('base64url').slice(0, 32);
}
