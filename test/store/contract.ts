/**
 * The Store contract: what every backend (lowdb files, PostgreSQL) must do, run against each of them. A backend's
 * test supplies `open`, which returns a fresh, empty store whose clock the contract can move.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CollectionSpec } from '../../src/store/collections.js';
import { StoreError, listAll, ownedKey, recordKey, type Store } from '../../src/store/store.js';

export interface StoreHarness {
  store: Store;
  /** Closes the store and opens it again on the same data (for a memory backend: the same store). */
  reopen: () => Promise<Store>;
  /** The store's clock, and a way to move it forward. */
  now: () => Date;
  advance: (ms: number) => void;
  /** Closes the latest store and removes its data. */
  dispose: () => Promise<void>;
}

/** Collections the contract uses; a backend with layouts must open its store with them. */
export const CONTRACT_COLLECTIONS: readonly CollectionSpec[] = [
  { name: 'records', layout: { split: 'single' } },
  { name: 'owned', layout: { split: 'owner', segments: 3 } },
  { name: 'votes', layout: { split: 'owner', segments: 1 } },
  { name: 'tallies', layout: { split: 'single' } },
  { name: 'hashed', layout: { split: 'hash', buckets: 8 } },
  { name: 'logged', layout: { split: 'log' } },
];

const codeOf = (e: unknown): string | undefined => (e instanceof StoreError ? e.code : undefined);

async function keysOf(store: Store, collection: string, prefix: string, limit: number): Promise<string[]> {
  const keys: string[] = [];
  let after: string | undefined;
  for (let pages = 0; ; pages++) {
    const page = await store.list(collection, prefix, { limit, after });
    expect(page.records.length).toBeLessThanOrEqual(Math.min(limit, 1000));
    keys.push(...page.records.map((r) => r.key));
    if (!page.next) return keys;
    expect(page.records.length).toBe(Math.min(limit, 1000));
    expect(page.next).toBe(page.records.at(-1)!.key);
    after = page.next;
    if (pages > 10_000) throw new Error('list never ends');
  }
}

/** Registers the contract's tests for one backend. `durable: false` skips what needs data to survive a reopen. */
export function storeContract(name: string, open: () => Promise<StoreHarness>, options: { durable?: boolean } = {}): void {
  const durable = options.durable ?? true;
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let s: Store;
    beforeEach(async () => {
      h = await open();
      s = h.store;
    });
    afterEach(async () => h.dispose());

    it('gets, puts, replaces, and deletes single records', async () => {
      expect(await s.get('records', 'a')).toBeUndefined();
      await s.put('records', 'a', { n: 1, tags: ['x'], nested: { ok: true, none: null } });
      expect(await s.get('records', 'a')).toEqual({ n: 1, tags: ['x'], nested: { ok: true, none: null } });
      await s.put('records', 'a', 'replaced');
      expect(await s.get('records', 'a')).toBe('replaced');
      expect(await s.delete('records', 'a')).toBe(true);
      expect(await s.delete('records', 'a')).toBe(false);
      expect(await s.get('records', 'a')).toBeUndefined();
      expect(await s.get('never_used', 'a')).toBeUndefined();
    });

    it('putIfAbsent creates only a free key', async () => {
      expect(await s.putIfAbsent('records', 'e1', 1)).toBe(true);
      expect(await s.putIfAbsent('records', 'e1', 2)).toBe(false);
      expect(await s.get('records', 'e1')).toBe(1);
    });

    it('update creates, changes and deletes, and resolves with the stored value', async () => {
      expect(await s.update('records', 'c', (n) => (typeof n === 'number' ? n : 0) + 5)).toBe(5);
      expect(await s.update('records', 'c', (n) => (n as number) * 2)).toBe(10);
      expect(await s.get('records', 'c')).toBe(10);
      expect(await s.update('records', 'c', () => undefined)).toBeUndefined();
      expect(await s.get('records', 'c')).toBeUndefined();
      expect(await s.update('records', 'absent', () => undefined)).toBeUndefined();
    });

    it('increment counts atomically, also with many concurrent calls', async () => {
      expect(await s.increment('records', 'n')).toBe(1);
      expect(await s.increment('records', 'n', 4)).toBe(5);
      const results = await Promise.all(Array.from({ length: 200 }, () => s.increment('records', 'votes')));
      expect(new Set(results).size).toBe(200);
      expect(await s.get('records', 'votes')).toBe(200);
    });

    it('lists by prefix in key order and deletes by prefix, in one partition and across partitions', async () => {
      for (const c of ['records', 'owned', 'hashed', 'logged']) {
        const alice = recordKey('web', 't', 'alice');
        const keys = [ownedKey(alice, 'a2'), ownedKey(alice, 'a1'), ownedKey(recordKey('web', 't', 'alicia'), 'x'), 'other'];
        await Promise.all(keys.map((k, i) => s.put(c, k, i)));
        expect((await s.list(c, `${alice}:`)).records.map((r) => r.key)).toEqual([ownedKey(alice, 'a1'), ownedKey(alice, 'a2')]);
        expect((await s.list(c, recordKey('web', 't', 'ali'))).records).toHaveLength(3);
        expect((await s.list(c, '')).records.map((r) => r.key)).toEqual([...keys].sort());
        expect((await s.list(c, `${alice}:`)).records[0]!.value).toBe(1);
        expect(await s.deleteByPrefix(c, `${alice}:`)).toBe(2);
        expect(await s.deleteByPrefix(c, `${alice}:`)).toBe(0);
        expect((await s.list(c, '')).records.map((r) => r.key)).toEqual([keys[2]!, keys[3]!].sort());
      }
    });

    it('keeps non-ASCII, astral, % and : in key parts, and sorts keys by UTF-16 code unit', async () => {
      const parts = ['zürich', 'Åre', '日本', '😀', '\uFFFD', 'a%3Ab', 'a:b', '%', 'A', 'z', '\u{10FFFF}', 'e\u0301'];
      const keys = parts.map((p) => ownedKey(recordKey('slack', 'T1', 'ü:😀'), p));
      for (const c of ['records', 'owned']) {
        await Promise.all(keys.map((k, i) => s.put(c, k, { i, text: parts[i]! })));
        for (const [i, k] of keys.entries()) expect(await s.get(c, k)).toEqual({ i, text: parts[i] });
        const listed = (await s.list(c, '')).records.map((r) => r.key);
        // Plain JS comparison is UTF-16 order: '😀' (U+D83D…) sorts before U+FFFD although its code point is larger.
        expect(listed).toEqual([...keys].sort());
        expect(listed.indexOf(keys[3]!)).toBeLessThan(listed.indexOf(keys[4]!));
        expect(new Set(listed).size).toBe(keys.length);
      }
      expect(recordKey('a:b', 'c')).not.toBe(recordKey('a', 'b:c'));
    });

    it('pages with a cursor cover every record exactly once, past 1 000, with limit 1, 7 and 1000', async () => {
      // 2 500 records over 25 owners, so that a listing of everything spans partitions.
      const keys = Array.from({ length: 2500 }, (_, i) => ownedKey(recordKey('web', 'team', `u${i % 25}`), `r${String(i).padStart(4, '0')}`));
      await Promise.all(keys.map((k, i) => s.put('owned', k, i)));
      const sorted = [...keys].sort();
      for (const limit of [1, 7, 1000]) expect(await keysOf(s, 'owned', '', limit)).toEqual(sorted);
      const first = await s.list('owned', '');
      expect(first.records).toHaveLength(100);
      expect((await s.list('owned', '', { limit: 5000 })).records).toHaveLength(1000);
      const owner = `${recordKey('web', 'team', 'u3')}:`;
      expect(await keysOf(s, 'owned', owner, 7)).toEqual(sorted.filter((k) => k.startsWith(owner)));
      const all: string[] = [];
      for await (const r of listAll(s, 'owned', '')) all.push(r.key);
      expect(all).toEqual(sorted);
      const after = sorted[1234]!;
      expect((await s.list('owned', '', { after, limit: 2 })).records.map((r) => r.key)).toEqual([sorted[1235], sorted[1236]]);
    });

    it('an expired record reads as absent everywhere', async () => {
      const inMs = (ms: number): { expiresAt: Date } => ({ expiresAt: new Date(h.now().getTime() + ms) });
      await s.put('records', 'dedupe:1', true, inMs(60_000));
      await s.put('records', 'dedupe:2', true);
      expect(await s.get('records', 'dedupe:1')).toBe(true);
      // A listing says when a record expires (an export keeps it), and nothing for one that never does.
      expect((await s.list('records', 'dedupe:')).records).toEqual([
        { key: 'dedupe:1', value: true, expiresAt: new Date(h.now().getTime() + 60_000) },
        { key: 'dedupe:2', value: true },
      ]);
      expect(await s.putIfAbsent('records', 'dedupe:1', false)).toBe(false);
      h.advance(60_000);
      expect(await s.get('records', 'dedupe:1')).toBeUndefined();
      expect((await s.list('records', 'dedupe:')).records.map((r) => r.key)).toEqual(['dedupe:2']);
      expect(await s.delete('records', 'dedupe:1')).toBe(false);
      expect(await s.update('records', 'dedupe:1', (v) => (v === undefined ? 'fresh' : 'stale'))).toBe('fresh');
      await s.put('records', 'dedupe:3', true, inMs(1000));
      h.advance(1000);
      expect(await s.deleteByPrefix('records', 'dedupe:')).toBe(2);
      await s.put('records', 'free', 1, inMs(1000));
      await s.put('records', 'count', 7, inMs(1000));
      await s.updateMany([{ collection: 'records', key: 'many' }], () => ['old']);
      await s.put('records', 'many', 'old', inMs(1000));
      h.advance(1000);
      expect(await s.putIfAbsent('records', 'free', 2)).toBe(true);
      expect(await s.get('records', 'free')).toBe(2);
      expect(await s.increment('records', 'count')).toBe(1);
      expect(await s.updateMany([{ collection: 'records', key: 'many' }], ([v]) => [v ?? 'new'])).toEqual(['new']);
    });

    it("update keeps a record's expiry unless it sets a new one", async () => {
      const inMs = (ms: number): { expiresAt: Date } => ({ expiresAt: new Date(h.now().getTime() + ms) });
      await s.put('records', 'kept', 1, inMs(10_000));
      await s.put('records', 'moved', 1, inMs(10_000));
      await s.put('records', 'plain', 1, inMs(10_000));
      await s.update('records', 'kept', () => 2);
      await s.update('records', 'moved', () => 2, inMs(60_000));
      await s.updateMany([{ collection: 'records', key: 'kept' }], ([v]) => [(v as number) + 1]);
      await s.increment('records', 'kept');
      await s.put('records', 'plain', 2);
      h.advance(20_000);
      expect(await s.get('records', 'kept')).toBeUndefined();
      expect(await s.get('records', 'moved')).toBe(2);
      expect(await s.get('records', 'plain')).toBe(2);
    });

    it('updateMany changes several records atomically, or none when the change throws', async () => {
      await s.put('votes', recordKey('p1', 'alice'), 'yes');
      await s.put('tallies', 'p1', { yes: 1 });
      const refs = [{ collection: 'votes', key: recordKey('p1', 'alice') }, { collection: 'tallies', key: 'p1' }, { collection: 'votes', key: recordKey('p2', 'bob') }];
      await expect(s.updateMany(refs, () => { throw new Error('boom'); })).rejects.toThrow('boom');
      expect(await s.get('tallies', 'p1')).toEqual({ yes: 1 });
      const result = await s.updateMany(refs, ([vote, tally, absent]) => {
        expect([vote, tally, absent]).toEqual(['yes', { yes: 1 }, undefined]);
        return [undefined, { yes: 0 }, 'no'];
      });
      expect(result).toEqual([undefined, { yes: 0 }, 'no']);
      expect(await s.get('votes', recordKey('p1', 'alice'))).toBeUndefined();
      expect(await s.get('votes', recordKey('p2', 'bob'))).toBe('no');
      expect(await s.updateMany([], () => [])).toEqual([]);
    });

    it('updateMany rejects a duplicated ref and a change that returns the wrong number of values', async () => {
      const ref = { collection: 'records', key: 'x' };
      expect(codeOf(await s.updateMany([ref, { ...ref }], () => [1, 2]).catch((e: unknown) => e))).toBe('STORE_BAD_REQUEST');
      expect(codeOf(await s.updateMany([ref], () => [1, 2]).catch((e: unknown) => e))).toBe('STORE_BAD_REQUEST');
      expect(await s.get('records', 'x')).toBeUndefined();
    });

    it('200 concurrent vote-and-tally updateManys give a consistent tally', async () => {
      const vote = (poll: string, voter: string, choice: string): Promise<unknown> =>
        s.updateMany([{ collection: 'votes', key: recordKey(poll, voter) }, { collection: 'tallies', key: poll }], ([old, tally]) => {
          const counts = { ...((tally ?? {}) as Record<string, number>) };
          if (typeof old === 'string') counts[old] = (counts[old] ?? 1) - 1;
          counts[choice] = (counts[choice] ?? 0) + 1;
          return [choice, counts];
        });
      // 150 voters, some of whom change their vote.
      await Promise.all(Array.from({ length: 200 }, (_, i) => vote('poll', `v${i % 150}`, i % 3 === 0 ? 'yes' : 'no')));
      const check = async (store: Store): Promise<void> => {
        const votes = await keysOf(store, 'votes', `${recordKey('poll')}:`, 1000);
        expect(votes).toHaveLength(150);
        const tally = (await store.get('tallies', 'poll')) as Record<string, number>;
        const counted: Record<string, number> = {};
        for (const key of votes) {
          const choice = (await store.get('votes', key)) as string;
          counted[choice] = (counted[choice] ?? 0) + 1;
        }
        expect(tally).toEqual(counted);
      };
      await check(s);
      if (durable) await check(await h.reopen());
    });

    it('hands out copies and keeps its own: mutating arguments or results changes nothing stored', async () => {
      const value: { tags: string[] } = { tags: ['a'] };
      const put = s.put('records', 'u', value);
      value.tags.push('mutated-after-put');
      await put;
      const got = (await s.get('records', 'u')) as { tags: string[] };
      got.tags.push('b');
      const listed = (await s.list('records', 'u')).records[0]!.value as { tags: string[] };
      listed.tags.push('c');
      await s.update('records', 'u', (cur) => {
        (cur as { tags: string[] }).tags.push('seen');
        return cur;
      });
      const many = await s.updateMany([{ collection: 'records', key: 'u' }], ([cur]) => [cur]);
      (many[0] as { tags: string[] }).tags.push('d');
      expect(await s.get('records', 'u')).toEqual({ tags: ['a', 'seen'] });
    });

    it.runIf(durable)('keeps every kind of write across a reopen', async () => {
      await s.put('records', 'p', { country: 'SE' });
      await s.put('owned', ownedKey(recordKey('web', 't', 'ümlaut'), '😀'), [1, 2]);
      await s.put('hashed', 'h1', 'x');
      await s.put('logged', 'l1', { a: 1 });
      await s.put('logged', 'l2', 2, { sync: true });
      await s.update('logged', 'l1', () => ({ a: 2 }));
      await s.put('logged', 'l3', 3);
      await s.delete('logged', 'l3');
      await s.increment('records', 'n', 3);
      await s.updateMany([{ collection: 'votes', key: recordKey('p', 'v') }, { collection: 'tallies', key: 'p' }], () => ['yes', { yes: 1 }]);
      await s.put('records', 'gone', 1);
      await s.delete('records', 'gone');
      await s.put('records', 'exp', 1, { expiresAt: new Date(h.now().getTime() + 5_000) });
      const again = await h.reopen();
      expect(await again.get('records', 'p')).toEqual({ country: 'SE' });
      expect(await again.get('owned', ownedKey(recordKey('web', 't', 'ümlaut'), '😀'))).toEqual([1, 2]);
      expect(await again.get('hashed', 'h1')).toBe('x');
      expect([await again.get('logged', 'l1'), await again.get('logged', 'l2'), await again.get('logged', 'l3')]).toEqual([{ a: 2 }, 2, undefined]);
      expect(await again.get('records', 'n')).toBe(3);
      expect(await again.get('votes', recordKey('p', 'v'))).toBe('yes');
      expect(await again.get('tallies', 'p')).toEqual({ yes: 1 });
      expect(await again.get('records', 'gone')).toBeUndefined();
      expect(await again.get('records', 'exp')).toBe(1);
      h.advance(6_000);
      expect(await again.get('records', 'exp')).toBeUndefined();
    });

    it('acknowledges writes in the order they were made', async () => {
      const order: number[] = [];
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 60; i++) {
        const key = i % 2 === 0 ? `k${i}` : ownedKey(recordKey('web', 't', `u${i % 5}`), `k${i}`);
        writes.push(s.put(i % 2 === 0 ? 'records' : 'owned', key, i).then(() => void order.push(i)));
        if (i % 7 === 0) await new Promise((r) => setTimeout(r, 3));
      }
      await Promise.all(writes);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    });

    it('rejects bad requests with STORE_BAD_REQUEST and refuses work once closed', async () => {
      expect(codeOf(await s.list('records', '', { limit: 0 }).catch((e: unknown) => e))).toBe('STORE_BAD_REQUEST');
      expect(codeOf(await s.put('records', 'k', 1, { expiresAt: new Date(Number.NaN) }).catch((e: unknown) => e))).toBe('STORE_BAD_REQUEST');
      await s.ping();
      await s.put('records', 'k', 1);
      await s.close();
      expect(codeOf(await s.get('records', 'k').catch((e: unknown) => e))).toBe('STORE_CLOSED');
      expect(codeOf(await s.ping().catch((e: unknown) => e))).toBe('STORE_CLOSED');
    });
  });
}
