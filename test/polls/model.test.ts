/** The pure rules of polls: what a press, a typed vote or a withdrawal does to a vote and the tally. */
import { describe, expect, it } from 'vitest';
import { applyVote, emptyTally, resultsOf, typedOptions, type Poll, type Tally, type Vote, type VoteOp } from '../../src/advisor/polls/model.js';
import { makeDraft } from '../../src/advisor/polls/parse.js';
import { durationMinutes, parseMoment } from '../../src/common/moments.js';
import { AdvisorError } from '../../src/core/errors.js';

const NOW = new Date('2026-12-01T09:00:00Z');
function poll(over: Partial<Poll> = {}): Poll {
  return {
    v: 1, id: 'abcdef', kind: 'single', question: 'Which fair?', options: ['Hannover Messe', 'MWC', 'IFA'], anonymous: false, results: 'live',
    timeZone: 'Europe/Berlin', lang: 'en', address: { channel: 'cli', conversation: 'C1' }, createdAt: NOW.toISOString(), edition: 1, messages: [], ...over,
  };
}

/** Applies ops in order for one member; returns the final vote and tally, and the outcomes. */
function run(p: Poll, ops: VoteOp[], start?: { tally?: Tally; vote?: Vote }) {
  let tally = start?.tally ?? emptyTally(p);
  let vote = start?.vote;
  const outcomes: string[] = [];
  for (const op of ops) {
    const r = applyVote(p, tally, vote, op, { now: NOW });
    if (!r.ok) {
      outcomes.push(`refused:${r.refusal}`);
      continue;
    }
    outcomes.push(r.outcome);
    tally = r.tally;
    vote = r.vote;
  }
  return { tally, vote, outcomes };
}

describe('poll rules', () => {
  it('single choice: a press sets the vote, the same press changes nothing, another moves it, withdraw removes it', () => {
    const r = run(poll(), [
      { kind: 'press', option: 0, set: 'most' },
      { kind: 'press', option: 0, set: 'most' },
      { kind: 'press', option: 2, set: 'most' },
    ]);
    expect(r.outcomes).toEqual(['chosen', 'same', 'moved']);
    expect(r.tally).toMatchObject({ voters: 1, most: [0, 0, 1], changes: 2 });
    const w = run(poll(), [{ kind: 'withdraw' }], { tally: r.tally, vote: r.vote });
    expect(w.outcomes).toEqual(['withdrawn']);
    expect(w.tally).toMatchObject({ voters: 0, most: [0, 0, 0] });
    expect(w.vote).toBeUndefined();
  });

  it('multiple choice toggles an option per press', () => {
    const r = run(poll({ kind: 'multi' }), [
      { kind: 'press', option: 0, set: 'most' },
      { kind: 'press', option: 1, set: 'most' },
      { kind: 'press', option: 0, set: 'most' },
    ]);
    expect(r.outcomes).toEqual(['added', 'added', 'removed']);
    expect(r.tally).toMatchObject({ voters: 1, most: [0, 1, 0] });
  });

  it('dot voting: every press places a dot, several on one option, none beyond the budget; a dot can be taken back', () => {
    const p = poll({ kind: 'dots', dots: 3, least: true, threshold: 2 });
    const r = run(p, [
      { kind: 'press', option: 1, set: 'most' },
      { kind: 'press', option: 1, set: 'most' },
      { kind: 'press', option: 2, set: 'most' },
      { kind: 'press', option: 0, set: 'most' },
      { kind: 'take', option: 0, set: 'most' },
      { kind: 'take', option: 2, set: 'most' },
      { kind: 'press', option: 0, set: 'least' },
    ]);
    expect(r.outcomes).toEqual(['placed', 'placed', 'placed', 'budget', 'nothing_to_take', 'taken', 'placed']);
    expect(r.vote).toMatchObject({ most: [0, 2, 0], least: [1, 0, 0] });
    expect(r.tally).toMatchObject({ voters: 1, most: [0, 2, 0], least: [1, 0, 0] });
    const results = resultsOf(p, r.tally);
    expect(results.mostImportant.map((x) => x.label)).toEqual(['MWC']);
    expect(results.leastImportant).toEqual([]);
    expect(results.most[1]).toMatchObject({ count: 2, percent: 100 });
  });

  it('a typed list replaces the vote; it is refused when out of range or over the budget', () => {
    const p = poll({ kind: 'dots', dots: 3 });
    expect(run(p, [{ kind: 'set', most: [0, 0, 2] }]).tally.most).toEqual([2, 0, 1]);
    expect(run(p, [{ kind: 'set', most: [0, 0, 2, 1] }]).outcomes).toEqual(['refused:too_many']);
    expect(run(p, [{ kind: 'set', most: [3] }]).outcomes).toEqual(['refused:option']);
    expect(run(poll(), [{ kind: 'set', most: [0, 1] }]).outcomes).toEqual(['refused:too_many']);
    expect(run(poll({ kind: 'multi' }), [{ kind: 'set', most: [0, 2] }]).tally.most).toEqual([1, 0, 1]);
    expect(run(poll(), [{ kind: 'press', option: 0, set: 'least' }]).outcomes).toEqual(['refused:no_least']);
  });

  it('refuses votes on a closed poll, after its closing time, and from a button of an earlier wording', () => {
    const p = poll({ closesAt: '2026-12-01T10:00:00Z' });
    const tally = emptyTally(p);
    expect(applyVote(p, { ...tally, closedAt: NOW.toISOString() }, undefined, { kind: 'press', option: 0, set: 'most' }, { now: NOW })).toEqual({ ok: false, refusal: 'closed' });
    expect(applyVote(p, tally, undefined, { kind: 'press', option: 0, set: 'most' }, { now: new Date('2026-12-01T10:00:00Z') })).toEqual({ ok: false, refusal: 'closed' });
    expect(applyVote(p, tally, undefined, { kind: 'press', option: 0, set: 'most' }, { now: NOW, edition: 2 })).toEqual({ ok: false, refusal: 'outdated' });
    expect(applyVote(p, undefined, undefined, { kind: 'press', option: 0, set: 'most' }, { now: NOW })).toEqual({ ok: false, refusal: 'unknown' });
  });

  it('applies a redelivered press once, and a second deliberate press again', () => {
    const p = poll({ kind: 'dots', dots: 5 });
    let tally = emptyTally(p);
    let vote: Vote | undefined;
    for (const event of ['e1', 'e1', 'e2', 'e1', 'e2']) {
      const r = applyVote(p, tally, vote, { kind: 'press', option: 0, set: 'most' }, { now: NOW, event });
      if (!r.ok) throw new Error(r.refusal);
      tally = r.tally;
      vote = r.vote;
    }
    expect(tally.most[0]).toBe(2);
  });

  it('keeps the tally equal to the sum of the votes over any sequence of actions by many members', () => {
    const p = poll({ kind: 'dots', dots: 3, least: true, options: ['A', 'B', 'C', 'D'] });
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let tally = emptyTally(p);
    const votes = new Map<number, Vote | undefined>();
    for (let i = 0; i < 3000; i++) {
      const member = rnd(25);
      const kind = rnd(10);
      const op: VoteOp =
        kind < 5 ? { kind: 'press', option: rnd(4), set: rnd(3) === 0 ? 'least' : 'most' } : kind < 8 ? { kind: 'take', option: rnd(4), set: 'most' } : kind < 9 ? { kind: 'set', most: [rnd(4), rnd(4)] } : { kind: 'withdraw' };
      const r = applyVote(p, tally, votes.get(member), op, { now: NOW });
      if (!r.ok) continue;
      tally = r.tally;
      votes.set(member, r.vote);
    }
    const all = [...votes.values()].filter((v): v is Vote => v !== undefined);
    expect(tally.voters).toBe(all.length);
    expect(tally.most).toEqual([0, 1, 2, 3].map((i) => all.reduce((s, v) => s + v.most[i]!, 0)));
    expect(tally.least).toEqual([0, 1, 2, 3].map((i) => all.reduce((s, v) => s + v.least[i]!, 0)));
    for (const v of all) expect(v.most.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
  });

  it('reads typed option numbers and closing times', () => {
    expect(typedOptions(['1', '1,3'])).toEqual([0, 0, 2]);
    expect(typedOptions(['one'])).toBeUndefined();
    expect(durationMinutes('2h')).toBe(120);
    expect(durationMinutes('3 dagar')).toBe(4320);
    expect(durationMinutes('90m')).toBe(90);
    // Without an offset, in the creator's zone (Berlin is UTC+1 in December); with one, as given.
    expect(parseMoment('2026-12-04T17:00', 'Europe/Berlin', NOW)?.toISOString()).toBe('2026-12-04T16:00:00.000Z');
    expect(parseMoment('2026-12-04 17:00', 'Europe/Stockholm', NOW)?.toISOString()).toBe('2026-12-04T16:00:00.000Z');
    expect(parseMoment('2026-12-04T17:00+00:00', 'Europe/Berlin', NOW)?.toISOString()).toBe('2026-12-04T17:00:00.000Z');
    expect(parseMoment('next friday', 'Europe/Berlin', NOW)).toBeUndefined();
  });

  it('checks a draft: option count, empty question, duplicates, times in the past, flags of the wrong kind', () => {
    const env = { lang: 'en' as const, zone: 'Europe/Berlin', now: NOW };
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof AdvisorError ? e.userMessage : String(e);
      }
      return 'accepted';
    };
    expect(refusal(() => makeDraft('single', 'Q?', ['only one'], {}, env))).toMatch(/2 to 10 options; you gave 1/);
    expect(refusal(() => makeDraft('single', 'Q?', Array.from({ length: 11 }, (_, i) => `o${i}`), {}, env))).toMatch(/you gave 11/);
    expect(refusal(() => makeDraft('single', '  ', ['a', 'b'], {}, env))).toMatch(/question is empty/);
    expect(refusal(() => makeDraft('single', 'Q?', ['a', 'A'], {}, env))).toMatch(/appears twice/);
    expect(refusal(() => makeDraft('single', 'Q?', ['a', 'b'], { closes: '2026-11-30T10:00' }, env))).toMatch(/already passed/);
    expect(refusal(() => makeDraft('single', 'Q?', ['a', 'b'], { closes: 'soonish' }, env))).toMatch(/could not read the closing time “soonish”.*Europe\/Berlin/);
    expect(refusal(() => makeDraft('single', 'Q?', ['a', 'b'], { remind: '1h' }, env))).toMatch(/needs a closing time/);
    expect(refusal(() => makeDraft('single', 'Q?', ['a', 'b'], { dots: '3' }, env))).toMatch(/belong to a dot vote/);
    expect(refusal(() => makeDraft('dots', 'Q?', ['a', 'b'], { dots: '0' }, env))).toMatch(/--dots is a whole number from 1 to 20/);
    expect(makeDraft('dots', 'Q?', ['a', 'b'], {}, env)).toMatchObject({ kind: 'dots', dots: 3, threshold: 5, least: false, results: 'live', anonymous: false });
  });
});
