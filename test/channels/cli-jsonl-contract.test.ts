/**
 * The additions to the `chat --jsonl` contract, through the real CLI process: an id per reply, private replies,
 * updates of earlier messages, messages sent elsewhere (`to`), attachments in base64, and `{"clock"}` lines that run
 * the jobs due by then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlChat, allText, button, type LineJson, type ReplyJson } from '../helpers/jsonl.js';
import { tempDir } from '../helpers/tmp.js';

const replies = (line: LineJson): ReplyJson[] => {
  if ('error' in line) throw new Error(line.error);
  return line.replies;
};

describe('chat --jsonl contract additions', () => {
  const { dir, cleanup } = tempDir();
  let chat: JsonlChat;
  beforeAll(() => {
    chat = new JsonlChat({ DATA_DIR: dir });
  });
  afterAll(async () => {
    await chat.close();
    cleanup();
  });

  it('gives every reply an id, marks private replies, and sends files in base64 with their text', async () => {
    const hello = await chat.say('ida', 'hello');
    expect(hello[0]!.id).toMatch(/^m-/);
    const bad = await chat.say('ida', 'export abc');
    expect(bad).toEqual([expect.objectContaining({ audience: 'private', text: expect.stringMatching(/could not read that command/) })]);
    await chat.say('ida', '5 whys');
    await chat.say('ida', 'We cannot find distributors in Germany');
    await chat.say('ida', 'Because nobody knows our brand there');
    const summary = await chat.say('ida', 'root cause');
    expect(allText(summary)).toMatch(/Your 5-Whys analysis/);
    const exported = await chat.say('ida', 'export');
    const file = exported[0]!.attachments![0]!;
    expect(file).toMatchObject({ name: expect.stringMatching(/^5-whys-.*\.md$/), mimeType: 'text/markdown' });
    expect(Buffer.from(file.base64, 'base64').toString('utf8')).toBe(file.content);
    expect(exported[0]!.file!.content).toBe(file.content);
    const ids = [...hello, ...bad, ...summary, ...exported].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists the message a pressed button replaced under updates, by its id', async () => {
    const ask = await chat.say('upd', 'forget me');
    const question = ask.find((r) => r.buttons?.length)!;
    const line = await chat.send({ user: 'upd', action: button(ask, 'privacy.cancel'), source: question.id });
    if ('error' in line) throw new Error(line.error);
    expect(line.updates).toEqual([{ id: question.id, message: expect.objectContaining({ text: expect.stringMatching(/keep your data/) }) }]);
    expect(allText(line.replies)).toMatch(/Nothing was deleted/);
  });

  it('moves the clock with {"clock"} lines and returns what due jobs sent, with "to"', async () => {
    const t0 = Date.now();
    const at = (hours: number) => new Date(t0 + hours * 3600_000).toISOString();
    expect(replies(await chat.send({ clock: at(1) }))).toEqual([]);
    await chat.say('rem', '5 whys', { conversation: 'team-room' });
    const why = await chat.say('rem', 'Our exports to Finland stall', { conversation: 'team-room' });
    expect(allText(why)).toMatch(/Why 1 of 5/);
    // The reminder is due 20 hours after the last step (DIALOG_IDLE_HOURS 24), not before.
    expect(replies(await chat.send({ clock: at(15) }))).toEqual([]);
    const due = replies(await chat.send({ clock: at(23) }));
    expect(due).toEqual([expect.objectContaining({ audience: 'private', to: { user: 'rem', conversation: 'team-room' }, text: expect.stringMatching(/still open at \*\*Why 1 of 5\*\*/) })]);
    expect(replies(await chat.send({ clock: at(30) }))).toEqual([]);
    expect(await chat.send({ clock: at(2) })).toEqual({ error: expect.stringMatching(/cannot go back/) });
    expect(await chat.send({ clock: 'tomorrow' })).toEqual({ error: expect.stringMatching(/ISO 8601/) });
  });
});
