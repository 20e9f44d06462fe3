/** What the answers feature says. */
import type { Topic } from '../../common/topics.js';
import { defineMessages } from '../../core/i18n.js';

export const answersMessages = defineMessages({
  en: {
    topics: {
      markets: 'Foreign markets',
      trade_rules: 'Customs and trade rules',
      certification: 'Certification and standards',
      financing: 'Financing',
      clusters: 'Clusters and networks',
      skills: 'Skills',
      digital_marketing: 'Digital marketing',
      strategy: 'Internationalisation strategy',
    } satisfies Record<Topic, string>,
    more: '(more)',
    blocks: '_What often blocks SMEs here:_',
    helps: '_What helps:_',
    whoCanHelp: (where: string) => `_Who can help ${where}:_`,
    inCountry: (country: string) => `in ${country}`,
    euWide: 'EU-wide',
    worthKnowing: (title: string, text: string) => `_Worth knowing:_ ${title}: ${text}`,
    sources: (list: string) => `Sources: ${list}`,
    moreButton: 'More',
    rootCauseButton: 'Find the root cause (5 Whys)',
    nothingOn: (topic: string) => `I have nothing on ${topic} for that yet. Try other words, or type **help**.`,
    nothingMore: 'There is nothing to show more of yet. Ask me a question first.',
    everything: 'That was everything I have on this. Ask another question, or type **5 whys** to dig into a problem.',
    clarify: (a: string, b: string) => `Do you mean **${a}** (1) or **${b}** (2)? Type 1 or 2, or pick one.`,
    choiceGone: 'That choice is no longer open. Please ask your question again.',
    askUsage: '**ask** _your question_',
    help: 'Ask me, in English, German or Swedish, about: foreign markets, customs and trade rules, certification (CE, ISO…), financing, clusters and networks, skills, digital marketing, and strategy. **more** shows the rest of an answer.',
  },
});
