import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlChat, allText } from '../helpers/jsonl.js';
import { tempDir } from '../helpers/tmp.js';

describe('advisor chat --jsonl', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('answers exactly one JSON object per input line, in order, and goes on after bad lines', async () => {
    const chat = new JsonlChat({ DATA_DIR: dir });
    const hello = await chat.send({ user: 'alice', text: 'hello' });
    expect('replies' in hello && hello.replies[0]!.text).toMatch(/internationalisation advisor/i);
    expect(await chat.sendRaw('this is not json')).toEqual({ error: expect.stringMatching(/not valid JSON/) });
    expect(await chat.sendRaw('\u0000\u0001\u00ff\ufffd')).toEqual({ error: expect.stringMatching(/not valid JSON/) });
    expect(await chat.send({ text: 'no user' })).toEqual({ error: expect.stringMatching(/user/) });
    expect(await chat.send({ user: 'alice' })).toEqual({ error: expect.stringMatching(/exactly one of "text" or "action"/) });
    expect(await chat.send({ user: 'alice', text: 'hi', action: { id: 'x', value: '' } })).toEqual({ error: expect.stringMatching(/exactly one/) });
    expect(await chat.send({ user: 'alice', text: 'hi', unknown: 1 })).toEqual({ error: expect.stringMatching(/unknown|unrecognized/i) });
    expect(await chat.sendRaw('[]')).toEqual({ error: expect.stringMatching(/invalid input/) });
    const huge = await chat.send({ user: 'alice', text: 'x'.repeat(1_000_000) });
    expect('replies' in huge && huge.replies[0]!.text).toMatch(/1,000,000 characters/);
    const empty = await chat.send({ user: 'alice', text: '   ' });
    expect('replies' in empty && empty.replies[0]!.text).toMatch(/didn't get any text/);
    // Buttons come back as {label, action:{id,value}} and links as {label,url}.
    const answer = await chat.say('alice', 'Which trade fair abroad suits a first export, and how do we prepare our stand?');
    const withButtons = answer.find((r) => r.buttons?.length);
    expect(withButtons!.buttons![0]).toEqual({ label: expect.any(String), action: { id: expect.any(String), value: expect.any(String) } });
    expect(answer[0]!.links![0]).toEqual({ label: expect.any(String), url: expect.stringMatching(/^https:\/\//) });
    expect(await chat.close()).toBe(0);
    expect(chat.stderr.join('')).not.toContain('Which trade fair');
  });

  it('continues a conversation in a second process with the same DATA_DIR', async () => {
    const first = new JsonlChat({ DATA_DIR: dir });
    const start = await first.say('bob', '5 whys');
    expect(allText(start)).toMatch(/describe the problem/i);
    const why1 = await first.say('bob', 'We cannot find distributors in Germany');
    expect(allText(why1)).toMatch(/Why 1 of 5/);
    expect(await first.close()).toBe(0);

    const second = new JsonlChat({ DATA_DIR: dir });
    const why2 = await second.say('bob', 'Because nobody knows our brand there');
    expect(allText(why2)).toMatch(/Why 2 of 5/);
    expect(allText(why2)).toContain('Because nobody knows our brand there');
    expect(await second.close()).toBe(0);
  });
});
