/**
 * Scripted conversations through `chat --jsonl`: the advisor's answers, clarifying questions, the 5-Whys dialogue,
 * restarts, several users in one channel, and "forget me".
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency, Solution } from '../../src/knowledge/schema.js';
import { JsonlChat, allText, button, type ReplyJson } from '../helpers/jsonl.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

const readAll = <T>(kind: string): T[] =>
  fs.readdirSync(path.join(ROOT, 'data', kind)).flatMap((f) => JSON.parse(fs.readFileSync(path.join(ROOT, 'data', kind, f), 'utf8')) as T[]);
const agencies = readAll<Agency>('agencies');
const solutions = readAll<Solution>('solutions');
const agencyByUrl = new Map(agencies.map((a) => [a.url, a]));

const QUESTIONS: Record<string, string> = {
  markets: 'How do we find a reliable distributor for our products in a new export market?',
  trade_rules: 'What customs duties and rules of origin apply when we export our parts outside the EU?',
  certification: 'Do we need CE marking to sell our machines abroad?',
  financing: 'Which grants or loans can finance our first export project?',
  clusters: 'How can a cluster or the Enterprise Europe Network help us find partners abroad?',
  skills: 'Our team lacks foreign language skills and international experience, what training helps?',
  digital_marketing: 'How do we make our website and social media visible to foreign customers?',
  strategy: 'How do we write an internationalisation strategy and export plan for our company?',
};

function links(replies: ReplyJson[]) {
  return replies.flatMap((r) => r.links ?? []);
}

describe('scripted conversations through chat --jsonl', () => {
  const { dir, cleanup } = tempDir();
  let chat: JsonlChat;
  beforeAll(() => {
    chat = new JsonlChat({ DATA_DIR: dir });
  });
  afterAll(async () => {
    await chat.close();
    cleanup();
  });

  it('answers every domain topic with a guide first, an agency link for the profile country, and the date checked', async () => {
    expect(allText(await chat.say('sme-se', 'my country is Sweden'))).toMatch(/Saved: your company is in \*\*Sweden\*\*/);
    for (const [topic, question] of Object.entries(QUESTIONS)) {
      const replies = await chat.say('sme-se', question);
      const answer = replies[0]!;
      expect(answer.text, topic).toMatch(/^\*\*[^*]+\*\*\n/);
      expect(answer.text, topic).toMatch(/What to do:/);
      expect(answer.context, topic).toMatch(/ · Facts checked on \d+ \w+ 20\d\d/);
      // The guide's official pages come first; of the agencies linked, every one is Swedish or EU-wide.
      const shown = links(replies).map((l) => agencyByUrl.get(l.url)).filter((a) => a !== undefined);
      expect(shown.length, topic).toBeGreaterThan(0);
      expect(shown.every((a) => a && (a.scope === 'SE' || a.scope === 'EU')), topic).toBe(true);
      const swedishForTopic = agencies.some((a) => a.scope === 'SE' && (a.topics as string[]).includes(topic));
      if (swedishForTopic) expect(shown.some((a) => a!.scope === 'SE'), `${topic}: a Swedish agency`).toBe(true);
    }
  });

  it('takes a home country stated in the question over the profile, and "more" shows the rest', async () => {
    expect(allText(await chat.say('sme-moving', 'my country is Sweden'))).toMatch(/Sweden/);
    const replies = await chat.say('sme-moving', 'We are a German company: which grants help us exhibit at a trade fair abroad?');
    const scopes = links(replies).flatMap((l) => agencyByUrl.get(l.url)?.scope ?? []);
    expect(scopes).toContain('DE');
    expect(scopes).not.toContain('SE');
    expect(allText(replies)).toMatch(/Noted: your company is in \*\*Germany\*\*/);
    const more = await chat.press('sme-moving', button(replies, 'answers.more'));
    expect(more[0]!.text).not.toBe(replies[0]!.text);
    const typedMore = await chat.say('sme-moving', 'more');
    expect(typedMore[0]!.text).not.toBe(more[0]!.text);
    expect(typedMore[0]!.text).toMatch(/^\*\*|everything I have/);
  });

  it('gives different solutions for ISO 9001 for car makers and for CE marking', async () => {
    const iso = (await chat.say('sme-se', 'We supply car makers, do we need ISO 9001 or IATF 16949 certification?'))[0]!.text;
    const ce = (await chat.say('sme-se', 'Do we need CE marking for our product?'))[0]!.text;
    expect(iso).toMatch(/ISO 9001/);
    expect(ce).toMatch(/CE marking/);
    expect(iso).not.toBe(ce);
  });

  it('asks for the country once when an answer would use it, and stores the choice', async () => {
    const first = await chat.say('newbie', QUESTIONS.financing!);
    expect(allText(first)).toMatch(/Which country is your company based in/);
    await chat.press('newbie', { id: 'profile.country', value: 'AT' });
    const again = await chat.say('newbie', QUESTIONS.markets!);
    expect(allText(again)).not.toMatch(/Which country/);
    expect(allText(await chat.say('newbie', 'my profile'))).toMatch(/Country: Austria/);
  });

  it('says politely what it can do when a question is out of scope, and greets with the capabilities', async () => {
    expect(allText(await chat.say('visitor', 'what is the best pizza recipe?'))).toMatch(/outside what I can help with/);
    expect(allText(await chat.say('visitor', 'hi!'))).toMatch(/foreign markets, customs and trade rules, certification/);
    // A Swedish greeting is greeted in Swedish.
    expect(allText(await chat.say('besökare', 'hej!'))).toMatch(/utländska marknader, tull och handelsregler, certifiering/);
    expect(allText(await chat.say('visitor', 'help'))).toMatch(/5 whys/);
  });

  it('asks which topic was meant when two are close, by button or typed number', async () => {
    const question = 'grants for trade fairs';
    const replies = await chat.say('clarify', question);
    const text = allText(replies);
    if (/Do you mean/.test(text)) {
      const typed = await chat.say('clarify', '2');
      expect(typed[0]!.text).toMatch(/What to do:|From the research:|often blocks/);
      const again = await chat.say('clarify', question);
      const picked = await chat.press('clarify', button(again, 'answers.clarify'));
      expect(picked[0]!.text).toMatch(/What to do:|From the research:|often blocks/);
    } else {
      // The matcher was confident, or a guide settled the topic; the answer must then be a real one (after the
      // country, when the guide's body depends on it).
      const answered = /Which country is your company based in/.test(text) ? allText(await chat.press('clarify', button(replies, 'answers.home'))) : text;
      expect(answered).toMatch(/What to do:/);
    }
  });

  it('walks the full 5-Whys path to a summary, saves it, lists it and exports it as Markdown', async () => {
    expect(allText(await chat.say('whys-user', 'I want to do a 5 whys analysis'))).toMatch(/describe the problem/i);
    let r = await chat.say('whys-user', 'We fail to get certified for the German market');
    expect(allText(r)).toMatch(/Why 1 of 5/);
    const answers = [
      'Because we do not know which certificates apply',
      'Because nobody in the team has done certification before',
      'Because there are no consultants for certification in our region',
      'Because consultancy is expensive for small firms',
      'Because we never budgeted for certification',
    ];
    for (const [i, a] of answers.entries()) {
      r = await chat.say('whys-user', a);
      if (i < 4) expect(allText(r)).toMatch(new RegExp(`Why ${i + 2} of 5`));
    }
    const summary = allText(r);
    expect(summary).toMatch(/Your 5-Whys analysis/);
    expect(summary).toContain('We fail to get certified for the German market');
    for (const a of answers) expect(summary).toContain(a);
    expect(summary).toMatch(/\*\*Root cause:\*\* Because we never budgeted for certification/);
    expect(summary).toMatch(/What helps/);
    expect(links(r).length).toBeGreaterThan(0);
    expect(allText(await chat.press('whys-user', button(r, 'whys.save')))).toMatch(/Saved/);
    const list = await chat.say('whys-user', 'my analyses');
    expect(allText(list)).toMatch(/Your saved analyses\*\* \(1\)/);
    const exported = await chat.press('whys-user', button(list, 'analyses.export'));
    expect(exported[0]!.file!.content).toMatch(/^# 5-Whys analysis/);
    const typed = await chat.say('whys-user', 'export 1');
    expect(typed[0]!.file!.content).toBe(exported[0]!.file!.content);
    expect(allText(await chat.say('whys-user', 'export 7'))).toMatch(/no analysis number 7/);
    expect(exported[0]!.file!.content).toContain('Because we never budgeted for certification');
    expect(allText(await chat.say('someone-else', 'my analyses'))).toMatch(/no saved analyses/);
    // Another user cannot export it with the same button value.
    expect(allText(await chat.press('someone-else', button(list, 'analyses.export')))).toMatch(/cannot find that analysis/);
  });

  it('supports back, restart, stop and "that\'s the root cause" at any step, by typing', async () => {
    await chat.say('nav', '5 whys');
    await chat.say('nav', 'Our export sales to Norway stall');
    let r = await chat.say('nav', 'Because our prices are too high');
    expect(allText(r)).toMatch(/Why 2 of 5/);
    r = await chat.say('nav', 'back');
    expect(allText(r)).toMatch(/Went back one step[\s\S]*Why 1 of 5/);
    r = await chat.say('nav', 'Because transport costs are high');
    expect(allText(r)).toMatch(/Why 2 of 5[\s\S]*transport costs are high/);
    r = await chat.say('nav', "that's the root cause");
    expect(allText(r)).toMatch(/\*\*Root cause:\*\* Because transport costs are high/);
    expect(allText(r)).not.toContain('prices are too high');
    r = await chat.say('nav', 'restart');
    expect(allText(r)).toMatch(/describe the problem/i);
    r = await chat.say('nav', 'stop');
    expect(allText(r)).toMatch(/Stopped the analysis/);
    expect(allText(await chat.say('nav', 'back'))).toMatch(/no open 5-Whys analysis/);
  });

  it('offers root causes from the dataset as quick picks, pickable by number', async () => {
    await chat.say('picker', '5 whys');
    const r = await chat.say('picker', 'We lack knowledge about certification requirements');
    const picks = r.flatMap((x) => x.buttons ?? []).filter((b) => b.action.id === 'whys.pick');
    expect(picks.length).toBeGreaterThan(0);
    const next = await chat.say('picker', '1');
    expect(allText(next)).toMatch(/Why 2 of 5/);
    expect(allText(next)).toContain(picks[0]!.label.replace(/^1\. /, '').replace(/…$/, ''));
  });

  it("ends an analysis of a focus-group barrier with that barrier's solutions from the dataset", async () => {
    const barrierId = 'give-critical-certification-knowledge';
    const expected = solutions.filter((s) => s.barriers.includes(barrierId)).map((s) => s.text);
    expect(expected.length).toBeGreaterThan(0);
    let r = await chat.press('focus', { id: 'whys.start', value: barrierId });
    expect(allText(r)).toMatch(/Why 1 of 5[\s\S]*Lack of knowledge about certification/);
    r = await chat.say('focus', 'Because we have no access to information on certification');
    r = await chat.say('focus', 'root cause');
    const text = allText(r);
    expect(text).toMatch(/Your 5-Whys analysis/);
    expect(expected.some((s) => text.includes(s))).toBe(true);
  });

  it('keeps two users in one channel in their own dialogues', async () => {
    const ch = { conversation: 'C-shared' };
    await chat.say('ann', '5 whys', ch);
    await chat.say('ben', '5 whys', ch);
    const a1 = await chat.say('ann', 'Ann problem: no distributors in France', ch);
    const b1 = await chat.say('ben', 'Ben problem: customs paperwork takes too long', ch);
    expect(allText(a1)).toContain('Ann problem');
    expect(allText(b1)).toContain('Ben problem');
    const a2 = await chat.say('ann', 'Because we have no contacts there', ch);
    expect(allText(a2)).toMatch(/Why 2 of 5[\s\S]*no contacts there/);
    // Ben presses Ann's button: refused, and Ann's dialogue is untouched.
    const annRoot = button(a2, 'whys.root');
    expect(allText(await chat.press('ben', annRoot, ch))).toMatch(/no longer open \(or is not yours\)/);
    const b2 = await chat.say('ben', 'Because we lack an EORI number', ch);
    expect(allText(b2)).toMatch(/Why 2 of 5[\s\S]*EORI/);
    const a3 = await chat.press('ann', annRoot, ch);
    expect(allText(a3)).toMatch(/Root cause:\*\* Because we have no contacts there/);
  });

  it('answers bad input inside a dialogue clearly and loses nothing', async () => {
    await chat.say('bad', '5 whys');
    await chat.say('bad', 'Our problem is slow export growth');
    const long = await chat.say('bad', 'z'.repeat(20_000));
    expect(allText(long)).toMatch(/20,000 characters/);
    const empty = await chat.say('bad', '');
    expect(allText(empty)).toMatch(/didn't get any text/);
    const mention = await chat.say('bad', '<!channel> @here *bold* <@U123> [x](https://evil.example)');
    const text = allText(mention);
    expect(text).toMatch(/Why 2 of 5/);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
    expect(text).not.toMatch(/@here\b/);
    expect(text).not.toContain('](https://evil');
    expect(allText(await chat.press('bad', { id: 'whys.back', value: 'not-a-dialogue' }))).toMatch(/no longer open/);
    expect(allText(await chat.press('bad', { id: 'whys.pick', value: 'garbage' }))).toMatch(/no longer open/);
    const next = await chat.say('bad', 'Because of something');
    expect(allText(next)).toMatch(/Why 3 of 5/);
  });

  it('deletes everything about a user on "forget me" after confirmation, and says what it deleted', async () => {
    await chat.say('leaver', 'my country is Ireland');
    await chat.say('leaver', '5 whys');
    await chat.say('leaver', 'We cannot finance a trade fair');
    await chat.say('leaver', 'root cause');
    await chat.say('leaver', 'Because banks do not lend to us');
    const done = await chat.say('leaver', 'root cause');
    await chat.press('leaver', button(done, 'whys.save'));
    const ask = await chat.say('leaver', 'forget me');
    expect(allText(ask)).toMatch(/cannot be undone/);
    expect(allText(await chat.say('leaver', 'no'))).toMatch(/Nothing was deleted/);
    await chat.say('leaver', 'forget me');
    const gone = await chat.say('leaver', 'yes');
    expect(allText(gone)).toMatch(/deleted your profile, 1 saved analysis and 0 open dialogues/);
    expect(allText(await chat.say('leaver', 'my profile'))).toMatch(/Country: not set/);
    expect(allText(await chat.say('leaver', 'my analyses'))).toMatch(/no saved analyses/);
  });
});

describe('a 5-Whys dialogue survives a killed process', () => {
  const { dir, cleanup } = tempDir();
  afterAll(() => cleanup());

  it('continues at the same step after the process is killed and restarted', async () => {
    const first = new JsonlChat({ DATA_DIR: dir });
    await first.say('carol', '5 whys');
    await first.say('carol', 'Our webshop gets no foreign orders');
    const r = await first.say('carol', 'Because the site is only in Swedish');
    expect(allText(r)).toMatch(/Why 2 of 5/);
    await first.kill();
    const second = new JsonlChat({ DATA_DIR: dir });
    const next = await second.say('carol', 'Because translation was never budgeted');
    expect(allText(next)).toMatch(/Why 3 of 5[\s\S]*never budgeted/);
    expect(await second.close()).toBe(0);
  });
});
