/** What the help feature says: the greeting and help text, and the polite refusal of out-of-scope questions. */
import { defineMessages } from '../../core/i18n.js';

export const helpMessages = defineMessages({
  en: {
    intro:
      "Hi! I'm the **SME internationalisation advisor**. I answer from a curated, cited dataset (the GIVE focus group, EU and Swedish studies) and point you to support agencies in your country.",
    examples: ['Do we need CE marking to sell machines in Norway?', 'Which grants help us attend a trade fair abroad?', 'How do we find a distributor in Germany?'],
    startWhys: 'Start a 5-Whys analysis',
    outOfScope:
      'Sorry, that is outside what I can help with. I advise small and medium-sized companies on going international: markets, customs and trade rules, certification, financing, clusters, skills, digital marketing and strategy. Type **help** for examples.',
  },
});
