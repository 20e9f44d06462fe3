/**
 * Short ids people type (`poll close k7qm2x`): six characters, a letter first, no look-alikes (l, 1, o, 0, i). An id
 * made for a delivery is derived from its delivery id, so a turn run again after a crash finds what its first run
 * made instead of making a second one, and never takes an id that something else holds.
 */
import crypto from 'node:crypto';

export const SHORT_ID = /^[a-hj-km-np-z][a-hj-km-np-z2-9]{5}$/;
const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A short id from bytes (a hash of the delivery id, or random ones). */
export function shortIdFrom(bytes: Uint8Array): string {
  let id = '';
  for (let i = 0; i < 6; i++) {
    const alphabet = i === 0 ? ID_ALPHABET.slice(0, 23) : ID_ALPHABET;
    id += alphabet[bytes[i]! % alphabet.length];
  }
  return id;
}

/**
 * The first id for `origin` (a delivery id; undefined: random) that is free, or that this very delivery took on an
 * earlier run. `holder` says who holds an id: nobody, this delivery, or another. Undefined after 20 taken ids.
 */
export async function shortIdFor(scope: string, origin: string | undefined, holder: (id: string) => Promise<'free' | 'mine' | 'other'>): Promise<{ id: string; mine: boolean } | undefined> {
  for (let attempt = 0; attempt <= 20; attempt++) {
    const id = shortIdFrom(origin ? crypto.createHash('sha256').update(`${scope}\n${origin}\n${attempt}`).digest() : crypto.randomBytes(32));
    const held = await holder(id);
    if (held !== 'other') return { id, mine: held === 'mine' };
  }
  return undefined;
}
