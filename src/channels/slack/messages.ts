/** What the Slack adapter itself shows: the App Home's header and introduction, and a command it could not accept. */
import { defineMessages } from '../../core/i18n.js';

export const slackMessages = defineMessages({
  en: {
    homeTitle: 'SME internationalisation advisor',
    notAccepted: 'I could not take that command just now (the advisor is busy or cannot save). Nothing was changed; please try again in a moment.',
    homeIntro: 'Ask me in a DM, mention me in a channel, or use `/advisor ask <question>`. `/advisor 5 whys` starts a 5-Whys analysis; `/advisor profile` sets your country and sector.',
  },
});
