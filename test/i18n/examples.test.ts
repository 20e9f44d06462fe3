/**
 * What the German and Swedish replies offer as examples works when the user does it: the profile phrases they show
 * (typed exactly as shown) are understood and saved, and the help's example questions are answered on their topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '../../src/common/lang.js';
import { countryName } from '../../src/common/countries.js';
import type { Topic } from '../../src/common/topics.js';
import { answersMessages } from '../../src/advisor/answers/messages.js';
import { helpMessages } from '../../src/advisor/help/messages.js';
import { profileMessages } from '../../src/advisor/profile/messages.js';
import type { Sector } from '../../src/advisor/profile/model.js';
import { TestAdvisor } from '../helpers/advisor.js';

const LOCALES: Record<Lang, string> = { en: 'en-GB', de: 'de-DE', sv: 'sv-SE' };
/** What the profile phrases of each language name. */
const SHOWN: Record<Lang, { country: string; sector: Sector }> = {
  en: { country: 'SE', sector: 'automotive' },
  de: { country: 'DE', sector: 'machinery' },
  sv: { country: 'SE', sector: 'machinery' },
};
/** The topic of each help example, in the order of the catalog's `examples`. */
const EXAMPLE_TOPICS: Topic[] = ['certification', 'financing', 'markets'];

const italics = (text: string): string[] => [...text.matchAll(/(^|[\s(])_(.+?)_(?=[\s).,:;!?]|$)/gm)].map((m) => m[2]!);

describe.each(['en', 'de', 'sv'] as const)('examples offered in %s', (lang) => {
  let t: TestAdvisor;
  beforeAll(async () => {
    t = await TestAdvisor.start();
  });
  afterAll(() => t.close());
  const p = profileMessages(lang);

  it('saves the country and the sector from the phrases the profile help shows', async () => {
    const [countryPhrase, sectorPhrase, ...rest] = italics(p.help);
    expect(rest).toEqual([]);
    const user = t.as(`profile-${lang}`);
    const country = countryName(SHOWN[lang].country, lang);
    (await user.send(countryPhrase!, { locale: LOCALES[lang] })).expectReply(new RegExp(escapeRegExp(p.savedCountry(country, true, true))));
    (await user.send(sectorPhrase!, { locale: LOCALES[lang] })).expectReply(new RegExp(escapeRegExp(p.savedSector(p.sectors[SHOWN[lang].sector]))));
    // The other replies show the same phrases.
    for (const text of [p.askCountry, p.unknownCountry('x'), p.profile(undefined, undefined)]) expect(italics(text)[0]).toBe(countryPhrase);
    for (const text of [p.askSector, p.profile(undefined, undefined)]) expect(italics(text).at(-1)).toBe(sectorPhrase);
  });

  it('answers each example question of the help on its topic, in the same language', async () => {
    const user = t.as(`help-${lang}`);
    const help = await user.send(lang === 'en' ? 'help' : lang === 'de' ? 'Hilfe' : 'hjälp', { locale: LOCALES[lang] });
    const examples = helpMessages(lang).examples;
    for (const [i, question] of examples.entries()) {
      const answer = await user.press(help.button(new RegExp(`^${escapeRegExp(question)}$`)));
      // A guide answers under its title, with the topic in the context line; without a guide the topic heads it.
      const topic = answersMessages(lang).topics[EXAMPLE_TOPICS[i]!];
      const reply = answer.replies[0]!;
      expect(reply.context?.startsWith(`${topic} · `) || reply.text.split('\n')[0] === `**${topic}**`, `${question}: ${reply.text.slice(0, 80)} / ${reply.context}`).toBe(true);
    }
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
