/**
 * One answer per message. The page sends an id with each message and the same id again when it retries after a
 * network error, so a post whose answer was lost (a reset connection) is answered from the stored result instead of
 * running the turn, and saying its replies, twice. Results are kept per visitor and message id for an hour.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { defineCollection } from '../../store/collections.js';
import { recordKey, type Store } from '../../store/store.js';

const TURN_RECORD_MS = 60 * 60_000;
/**
 * A turn takes a second or two; a marker still pending after this long was left by a process that stopped mid-turn,
 * and a retry may run the turn rather than wait for the marker to expire.
 */
const ABANDONED_AFTER_MS = 2 * 60_000;

export const TurnAnswerSchema = z.strictObject({
  status: z.number().int().min(100).max(599),
  body: z.record(z.string(), z.json()),
});
/** A finished turn's HTTP answer, as the first request got it. */
export type TurnAnswer = z.infer<typeof TurnAnswerSchema>;

const TurnRecord = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('pending'), claim: z.string(), startedAt: z.number(), process: z.string().optional() }),
  TurnAnswerSchema.extend({ state: z.literal('done') }),
]);
type TurnRecord = z.infer<typeof TurnRecord>;

/** Keyed by recordKey(visitor, message id); one file per visitor, like the outbox. */
export const webTurns = defineCollection('web_turns', TurnRecord, { split: 'owner', segments: 1 });

export type TurnClaim =
  /** This request runs the turn, then `finish`es it (or `abandon`s it when it threw, so a retry can run it). */
  | { kind: 'run'; finish(answer: TurnAnswer): Promise<void>; abandon(): Promise<void> }
  /** The turn ran before: answer as it did then. */
  | { kind: 'replay'; answer: TurnAnswer }
  /** Another request with this id is running the turn now. */
  | { kind: 'pending' };

/** This process, in the markers it leaves: with a store no other process uses, another's marker is a dead one's. */
const PROCESS_ID = crypto.randomUUID();

/** Claims the turn of `(user, messageId)`: a pending marker is put only if none is there, so one request wins. */
export async function claimTurn(store: Store, user: string, messageId: string, now = Date.now()): Promise<TurnClaim> {
  const key = recordKey(user, messageId);
  const expiresAt = () => new Date(Date.now() + TURN_RECORD_MS);
  const mine: TurnRecord = { state: 'pending', claim: crypto.randomUUID(), startedAt: now, process: PROCESS_ID };
  // Left by a process that stopped mid-turn: after a while in any case, at once when the store is this process's alone
  // (a restart right after a crash must not keep the page waiting for the marker to age).
  const abandoned = (c: Extract<TurnRecord, { state: 'pending' }>) => now - c.startedAt > ABANDONED_AFTER_MS || (store.exclusive === true && c.process !== PROCESS_ID);
  let won = await webTurns.putIfAbsent(store, key, mine, { expiresAt: expiresAt() });
  let current: TurnRecord | undefined = mine;
  if (!won) {
    // Taken: replay a result, wait for a live turn, or take over a marker a stopped process left behind. The change is
    // pure (it only compares with `now`), so two retries cannot both take over.
    current = await webTurns.update(store, key, (c) => (c === undefined || (c.state === 'pending' && abandoned(c)) ? mine : c), {
      expiresAt: expiresAt(),
    });
    won = current?.state === 'pending' && current.claim === mine.claim;
  }
  if (won) {
    return {
      kind: 'run',
      // A finished turn's answer is kept whatever it said (a refusal, an apology): the turn ran, and runs only once.
      finish: (answer) => webTurns.put(store, key, { state: 'done', ...answer }, { expiresAt: expiresAt() }),
      abandon: async () => {
        await webTurns.delete(store, key);
      },
    };
  }
  if (current?.state === 'done') return { kind: 'replay', answer: { status: current.status, body: current.body } };
  return { kind: 'pending' };
}
