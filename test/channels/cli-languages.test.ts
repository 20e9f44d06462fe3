/**
 * The same conversations in English, German and Swedish through the real `chat --jsonl` process: an out-of-scope refusal, a
 * question answered from the dataset, a whole 5-Whys run, the profile and "forget me". Every reply must be in the
 * language of the conversation.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '../../src/common/lang.js';
import { loadDataset } from '../../src/knowledge/dataset.js';
import { Matcher } from '../../src/nlu/matcher.js';
import { JsonlChat, type ReplyJson } from '../helpers/jsonl.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

interface Script {
  lang: Lang;
  whys: string;
  problem: string;
  why1: string;
  root: string;
  save: string;
  profile: string;
  country: string;
  forget: string;
  yes: string;
  vague: string;
  question: string;
}

const SCRIPTS: Script[] = [
  {
    lang: 'en',
    whys: '5 whys',
    problem: 'We cannot find distributors in Germany',
    why1: 'Because nobody there knows our brand',
    root: 'root cause',
    save: 'save',
    profile: 'my profile',
    country: 'our country is Sweden',
    forget: 'forget me',
    yes: 'yes',
    vague: 'What will the weather be like tomorrow?',
    question: 'Which grants can pay for our stand at a trade fair abroad?',
  },
  {
    lang: 'de',
    whys: '5 warum',
    problem: 'Wir finden in Deutschland keine Vertriebspartner',
    why1: 'Weil dort niemand unsere Marke kennt',
    root: 'grundursache',
    save: 'speichern',
    profile: 'mein profil',
    country: 'unser Land ist Schweden',
    forget: 'vergiss mich',
    yes: 'ja',
    vague: 'Wie wird das Wetter morgen?',
    question: 'Welche Fördermittel gibt es für unseren Messestand im Ausland?',
  },
  {
    lang: 'sv',
    whys: '5 varför',
    problem: 'Vi hittar inga återförsäljare i Tyskland',
    why1: 'För att ingen där känner till vårt varumärke',
    root: 'grundorsak',
    save: 'spara',
    profile: 'min profil',
    country: 'vårt land är Sverige',
    forget: 'glöm mig',
    yes: 'ja',
    vague: 'Hur blir vädret i morgon?',
    question: 'Vilka bidrag finns för vår monter på en mässa utomlands?',
  },
];

describe('conversations in three languages (chat --jsonl)', () => {
  let matcher: Matcher;
  const { dir, cleanup } = tempDir();
  let chat: JsonlChat;
  /** Proper names (agencies, as they call themselves) are taken out of a reply before its language is read. */
  let names: string[] = [];
  beforeAll(() => {
    matcher = new Matcher({ intentsDir: path.join(ROOT, 'intents'), cacheDir: path.join(ROOT, 'node_modules/.cache/sme-advisor') });
    names = loadDataset(path.join(ROOT, 'data'))
      .agencies.map((a) => a.name)
      // Longest first, so that a name containing another is removed whole.
      .sort((a, b) => b.length - a.length);
    chat = new JsonlChat({ DATA_DIR: dir });
  }, 60_000);
  afterAll(async () => {
    await chat.close();
    cleanup();
  });

  /** Every reply's own words (Markdown, quoted user text and names removed) read as `lang`. */
  function expectLanguage(replies: ReplyJson[], lang: Lang, step: string): void {
    for (const r of replies) {
      let own = r.text;
      for (const t of names) if (own.includes(t)) own = own.split(t).join(' ');
      own = own
        .replace(/“[^”]*”|„[^“]*“|"[^"]*"|”[^”]*”/g, ' ')
        .replace(/[*_`#>]/g, ' ')
        .replace(/https?:\/\/\S+/g, ' ');
      if ((own.match(/\p{L}+/gu) ?? []).length < 4) continue;
      expect({ step, text: r.text, lang: matcher.language(own) }).toEqual({ step, text: r.text, lang });
    }
  }

  for (const s of SCRIPTS) {
    it(`runs a 5-Whys analysis, the profile and forget me in ${s.lang}`, async () => {
      const user = `user-${s.lang}`;
      const say = async (text: string, step: string) => {
        // No locale: the language comes from the messages and then from the conversation.
        const replies = await chat.say(user, text);
        expectLanguage(replies, s.lang, step);
        return replies;
      };
      await say(s.vague, 'refusal of an out-of-scope question');
      const answer = await say(s.question, 'an answer from the dataset');
      // A guide's answer, or first the question where the company is (when the guide's body depends on it).
      expect(answer[0]!.text.split('\n').length > 3 || answer.some((r) => r.buttons?.some((b) => b.action.id === 'answers.home'))).toBe(true);
      await say(s.whys, 'start');
      await say(s.problem, 'problem');
      await say(s.why1, 'why 1');
      await say(s.root, 'root cause');
      await say(s.save, 'save');
      await say(s.country, 'country');
      await say(s.profile, 'profile');
      await say(s.forget, 'forget me');
      const done = await say(s.yes, 'confirm');
      expect(done.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
