/**
 * Polls through `advisor chat --jsonl` on the real lowdb files: single, multiple, anonymous and dot-vote polls end to
 * end, the poll message updated in place (`updates`), and the closing job run by a second process after a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlChat, allText, type LineJson, type ReplyJson } from '../helpers/jsonl.js';
import { tempDir } from '../helpers/tmp.js';

const ENV = { ADVISOR_MANAGERS: 'mgr' };
const lineOf = (out: LineJson): Exclude<LineJson, { error: string }> => {
  if ('error' in out) throw new Error(out.error);
  return out;
};
const pollCard = (replies: ReplyJson[]) => replies.find((r) => r.buttons?.some((b) => b.action.id === 'polls.vote'))!;
const optionOf = (card: ReplyJson, label: RegExp) => card.buttons!.find((b) => b.action.id === 'polls.vote' && label.test(b.label))!.action;

describe('polls through chat --jsonl', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('runs single, multiple, anonymous and dot-vote polls, updating the poll message in place', async () => {
    const chat = new JsonlChat({ DATA_DIR: dir, ...ENV });
    const conv = { conversation: 'cluster' };
    const created = lineOf(await chat.send({ user: 'mgr', text: 'poll "Which fair?" "Hannover Messe" "MWC" "IFA"', ...conv }));
    const card = pollCard(created.replies);
    expect(card.to).toEqual({ conversation: 'cluster' });
    expect(allText(created.replies)).toMatch(/Your poll \*\*[a-z2-9]{6}\*\* is posted/);
    const vote = lineOf(await chat.send({ user: 'ann', action: optionOf(card, /MWC/), source: card.id, ...conv }));
    expect(vote.replies[0]).toMatchObject({ audience: 'private', text: expect.stringMatching(/Your vote: \*\*MWC\*\*/) });
    expect(vote.updates?.find((u) => u.id === card.id)?.message?.text).toMatch(/1 member has voted\.\n1\. Hannover Messe: 0 votes \(0 %\)\n2\. MWC: 1 vote \(100 %\)/);
    // Typed, where there are no buttons; within the second, the update waits for the render job.
    const typed = lineOf(await chat.send({ user: 'bo', text: 'vote 1', ...conv }));
    expect(allText(typed.replies)).toMatch(/Your vote: \*\*Hannover Messe\*\*/);
    const later = lineOf(await chat.send({ clock: new Date(Date.now() + 5_000).toISOString() }));
    expect(later.updates?.find((u) => u.id === card.id)?.message?.text ?? lineOf(typed).updates?.find((u) => u.id === card.id)?.message?.text).toMatch(/2 members have voted/);

    // Multiple choice, anonymous.
    const multi = pollCard(lineOf(await chat.send({ user: 'mgr', text: 'poll "Which trainings?" "Pricing" "Customs" "Incoterms" --multi --anonymous', conversation: 'c2' })).replies);
    expect(multi.text).toMatch(/Multiple choice[\s\S]*Anonymous/);
    await chat.send({ user: 'ann', action: optionOf(multi, /Pricing/), source: multi.id, conversation: 'c2' });
    expect(allText(lineOf(await chat.send({ user: 'ann', action: optionOf(multi, /Customs/), source: multi.id, conversation: 'c2' })).replies)).toMatch(/Your choices: Pricing, Customs/);
    await chat.send({ user: 'bo', text: 'vote 1 3', conversation: 'c2' });
    const closed = lineOf(await chat.send({ user: 'mgr', text: 'poll close', conversation: 'c2' }));
    const results = closed.replies.find((r) => /Closed: Which trainings/.test(r.text))!;
    expect(results.text).toMatch(/2 members have voted\.\n1\. Pricing: 2 votes \(100 %\)\n2\. Customs: 1 vote \(50 %\)\n3\. Incoterms: 1 vote \(50 %\)/);
    expect(results.attachments?.[0]).toMatchObject({ mimeType: 'image/png' });
    expect(closed.updates?.find((u) => u.id === multi.id)?.message?.text).toMatch(/Closed: Which trainings/);

    // Dot vote with the threshold.
    const dots = pollCard(lineOf(await chat.send({ user: 'mgr', text: 'poll dots "Which barriers first?" "Finance" "Skills" "Contacts" --threshold 3', conversation: 'c3' })).replies);
    for (let i = 0; i < 3; i++) await chat.send({ user: 'ann', action: optionOf(dots, /Finance/), source: dots.id, conversation: 'c3' });
    expect(allText(lineOf(await chat.send({ user: 'ann', action: optionOf(dots, /Skills/), source: dots.id, conversation: 'c3' })).replies)).toMatch(/You have placed all 3 dots/);
    await chat.send({ user: 'bo', text: 'dots 2 3 3', conversation: 'c3' });
    const export_ = lineOf(await chat.send({ user: 'mgr', text: 'poll export', conversation: 'c3' }));
    const file = export_.replies.flatMap((r) => r.attachments ?? []).find((a) => a.name.endsWith('-votes.csv'))!;
    expect([...Buffer.from(file.base64, 'base64').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(file.content).toMatch(/^voter,Finance,Skills,Contacts,voted at\r\n/);
    expect(file.content).toMatch(/\r\nann,3,0,0,/);
    const end = lineOf(await chat.send({ user: 'mgr', text: 'poll close', conversation: 'c3' }));
    expect(allText(end.replies)).toMatch(/\*\*Most important\*\* \(3 or more dots\): Finance \(3\)/);
    expect(await chat.close()).toBe(0);
  });

  it('closes a poll at its time from the files, in a process started after the one that created it', async () => {
    const first = new JsonlChat({ DATA_DIR: dir, ...ENV });
    lineOf(await first.send({ clock: '2026-12-08T09:00:00Z' }));
    const card = pollCard(lineOf(await first.send({ user: 'mgr', text: 'poll "Which fair?" "Hannover Messe" "MWC" --closes 2026-12-08T17:00', conversation: 'cluster' })).replies);
    expect(card.text).toMatch(/Closes Tue 8 Dec 2026, 17:00 \(Europe\/Brussels\)/);
    await first.send({ user: 'ann', action: optionOf(card, /Hannover/), source: card.id, conversation: 'cluster' });
    await first.kill();
    expect(fs.readdirSync(path.join(dir, 'store')).sort()).toEqual(expect.arrayContaining(['polls', 'poll_tallies', 'poll_votes', 'jobs']));

    const second = new JsonlChat({ DATA_DIR: dir, ...ENV });
    const before = lineOf(await second.send({ clock: '2026-12-08T15:00:00Z' }));
    expect(before.replies).toEqual([]);
    const due = lineOf(await second.send({ clock: '2026-12-08T16:00:01Z' }));
    const closed = due.replies.find((r) => /Closed: Which fair/.test(r.text))!;
    expect(closed.to).toEqual({ conversation: 'cluster' });
    expect(closed.text).toMatch(/1 member has voted\.\n1\. Hannover Messe: 1 vote \(100 %\)/);
    expect(due.updates?.find((u) => u.id === card.id)?.message?.text).toMatch(/Closed: Which fair/);
    // Runs once: a later clock line sends nothing more, and a vote is refused.
    expect(lineOf(await second.send({ clock: '2026-12-08T18:00:00Z' })).replies).toEqual([]);
    expect(allText(lineOf(await second.send({ user: 'bo', text: 'vote 2', conversation: 'cluster' })).replies)).toMatch(/This poll is closed/);
    expect(await second.close()).toBe(0);
  });
});
