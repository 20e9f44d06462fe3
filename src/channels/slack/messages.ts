/** What the Slack adapter itself shows: the App Home's header and introduction. */
import { defineMessages } from '../../core/i18n.js';

export const slackMessages = defineMessages({
  en: {
    homeTitle: 'SME internationalisation advisor',
    homeIntro: 'Ask me in a DM, mention me in a channel, or use `/advisor ask <question>`. `/advisor 5 whys` starts a 5-Whys analysis; `/advisor profile` sets your country and sector.',
  },
});
