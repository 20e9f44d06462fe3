/**
 * A whole survey through `advisor chat --jsonl` on the real lowdb files: a facilitator and five participants (one
 * finishing, one going back to change an answer, one resuming after a process restart, one stopping halfway, one
 * never starting); reminders with the CLI's clock (none at night, in working hours only to those not finished,
 * never twice, across a restart); closing at the deadline; exports; forget me.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlChat, allText, button, type LineJson, type ReplyJson } from '../helpers/jsonl.js';
import { tempDir } from '../helpers/tmp.js';

const ENV = { ADVISOR_FACILITATORS: 'fac', ADVISOR_DEFAULT_TIMEZONE: 'Europe/Brussels' };
const lineOf = (out: LineJson): Exclude<LineJson, { error: string }> => {
  if ('error' in out) throw new Error(out.error);
  return out;
};
const to = (replies: ReplyJson[], user: string) => replies.filter((r) => r.to?.user === user);
const reminders = (replies: ReplyJson[]) => replies.filter((r) => /^Reminder:/.test(r.text)).map((r) => r.to?.user).sort();

describe('a survey through chat --jsonl', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('runs with five participants, reminders in working hours only, across restarts', async () => {
    let chat = new JsonlChat({ DATA_DIR: dir, ...ENV });
    lineOf(await chat.send({ clock: '2026-12-07T08:00:00Z' }));
    const created = await chat.say('fac', 'survey new "Export readiness 2026" --template custom --audience ann, bo, cy, dan, eve --closes 2026-12-11T16:00 --remind 12h, last-day');
    expect(allText(created)).toMatch(/is ready as a draft/);
    await chat.say('fac', 'survey question add "How ready is your company to export?" --rating 1-5');
    await chat.say('fac', 'survey question add "Which support would help most?" --choice "Trade fairs" "Export credit" "Mentoring"');
    await chat.say('fac', 'survey question add "Which markets do you target?" --multi "Nordics" "DACH" "Benelux" --optional');
    expect(allText(await chat.say('fac', 'survey question add "What holds you back?" --text'))).toMatch(/Added question 7/);
    // Bad input: an answer before the survey is open, a results request by a participant.
    expect(allText(await chat.say('ann', 'survey results'))).toMatch(/Survey results are for the facilitator/);

    const opened = await chat.say('fac', 'survey open');
    expect(allText(opened)).toMatch(/invitations are going out to 5 members/);
    for (const u of ['ann', 'bo', 'cy', 'dan', 'eve']) expect(to(opened, u)[0]?.text).toMatch(/Export readiness 2026\*\*\nfac invites you[\s\S]*about \d+ minutes[\s\S]*anonymous/);
    const start = button(to(opened, 'ann'), 'surveys.start');

    // ann finishes.
    expect(allText(await chat.press('ann', start))).toMatch(/Question 1 of 7[\s\S]*In which country/);
    expect(allText(await chat.say('ann', 'Sweden'))).toMatch(/Which sector/);
    expect(allText(await chat.say('ann', 'ict'))).toMatch(/How many people/);
    expect(allText(await chat.say('ann', '2'))).toMatch(/How ready is your company/);
    expect(allText(await chat.say('ann', '9'))).toMatch(/outside the scale/);
    expect(allText(await chat.say('ann', '4'))).toMatch(/Which support would help most/);
    expect(allText(await chat.say('ann', 'export credit'))).toMatch(/Which markets/);
    expect(allText(await chat.say('ann', '1 2'))).toMatch(/What holds you back/);
    expect(allText(await chat.say('ann', 'Finding distributors'))).toMatch(/Thank you, you have finished/);

    // bo goes back to change an answer.
    await chat.press('bo', start);
    for (const answer of ['Germany', 'machinery', '1', '3']) await chat.say('bo', answer);
    expect(allText(await chat.say('bo', '1'))).toMatch(/Which markets/);
    expect(allText(await chat.say('bo', 'back'))).toMatch(/Which support[\s\S]*Your answer so far: Trade fairs/);
    expect(allText(await chat.say('bo', '3'))).toMatch(/Which markets/);
    await chat.say('bo', 'skip');
    expect(allText(await chat.say('bo', 'Certification costs'))).toMatch(/Thank you/);

    // cy starts, the process dies, cy continues in the next one.
    await chat.press('cy', start);
    for (const answer of ['Sweden', 'ict']) await chat.say('cy', answer);
    expect(allText(await chat.say('cy', '2'))).toMatch(/How ready/);
    // dan stops halfway.
    await chat.press('dan', start);
    await chat.say('dan', 'Germany');
    expect(allText(await chat.say('dan', 'stop'))).toMatch(/Paused/);
    // The facilitator's status: completion only.
    expect(allText(await chat.say('fac', 'survey status'))).toMatch(/Invited 5 · started 4 · finished 2 \(40 %\)[\s\S]*Not finished yet: cy, dan, eve/);
    await chat.kill();

    chat = new JsonlChat({ DATA_DIR: dir, ...ENV });
    lineOf(await chat.send({ clock: '2026-12-07T12:00:00Z' }));
    expect(allText(await chat.say('cy', 'continue survey'))).toMatch(/Question 4 of 7[\s\S]*How ready/);
    for (const answer of ['5', '1', 'skip']) await chat.say('cy', answer);
    expect(allText(await chat.say('cy', 'Long payment terms'))).toMatch(/Thank you/);

    // The first reminder falls due at 21:00 in Brussels: nothing goes out at night.
    const night = lineOf(await chat.send({ clock: '2026-12-07T20:00:05Z' }));
    expect(reminders(night.replies)).toEqual([]);
    await chat.kill();

    // Another restart; at 09:00 the next morning only those who have not finished are reminded, once.
    chat = new JsonlChat({ DATA_DIR: dir, ...ENV });
    const morning = lineOf(await chat.send({ clock: '2026-12-08T08:00:30Z' }));
    expect(reminders(morning.replies)).toEqual(['dan', 'eve']);
    expect(to(morning.replies, 'dan')[0]?.text).toMatch(/continue where you stopped/);
    expect(reminders(lineOf(await chat.send({ clock: '2026-12-08T10:00:00Z' })).replies)).toEqual([]);
    // The last day's reminder: from 09:00 on the closing day.
    expect(reminders(lineOf(await chat.send({ clock: '2026-12-11T07:59:00Z' })).replies)).toEqual([]);
    expect(reminders(lineOf(await chat.send({ clock: '2026-12-11T08:00:30Z' })).replies)).toEqual(['dan', 'eve']);

    // Closing at the deadline: the results go to the facilitator.
    const closed = lineOf(await chat.send({ clock: '2026-12-11T15:00:30Z' }));
    const results = to(closed.replies, 'fac').find((r) => /Results: Export readiness 2026/.test(r.text))!;
    expect(results.text).toMatch(/Response rate: 3 of 5 finished \(60 %\)/);
    expect(results.text).toMatch(/1 participant started without finishing/);
    expect(results.text).toMatch(/How ready is your company to export\?: mean 4[.,]0 \(3 answers\)/);
    expect(results.text).toMatch(/Which support would help most\?: Trade fairs 1 · Export credit 1 · Mentoring 1/);
    expect(results.text).toMatch(/“Finding distributors”/);
    expect(results.text).not.toMatch(/\bann\b|\bbo\b|\bcy\b/);
    expect(results.attachments?.find((a) => a.mimeType === 'image/png')).toBeTruthy();
    expect(allText(await chat.say('dan', 'continue survey'))).toMatch(/no survey to continue/);

    // Exports: one row per finished response, no participant ids.
    const csv = (await chat.say('fac', 'survey export csv')).flatMap((r) => r.attachments ?? []).find((a) => a.name.endsWith('-responses.csv'))!;
    const rows = csv.content!.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^response,country,sector,company size,q4: How ready/);
    expect(csv.content).not.toMatch(/\b(ann|bo|cy|dan|eve)\b/);
    expect(csv.content).toMatch(/"?Certification costs"?/);
    const json = (await chat.say('fac', 'survey export json')).flatMap((r) => r.attachments ?? []).find((a) => a.name.endsWith('.json'))!;
    const parsed = JSON.parse(Buffer.from(json.base64, 'base64').toString('utf8')) as { results: { finished: number; invited: number } };
    expect(parsed.results).toMatchObject({ finished: 3, invited: 5 });

    // Forget me: ann's answers leave the results; she still counts as invited.
    await chat.say('ann', 'forget me');
    await chat.say('ann', 'yes');
    expect(allText(await chat.say('fac', 'survey results'))).toMatch(/Response rate: 2 of 5 finished \(40 %\)/);
    expect(await chat.close()).toBe(0);
  });
});
