/** Polls and surveys are announced but not built yet: their commands and intents say so (removed when they land). */
import { command, defineFeature, type Handler } from '../../core/feature.js';
import { defineMessages } from '../../core/i18n.js';

const m = defineMessages({
  en: {
    notYet: (what: 'poll' | 'survey') =>
      `${what === 'poll' ? 'Polls for cluster members' : 'Barrier surveys over direct messages'} are not available in this version of the advisor yet. Meanwhile I can answer questions about going international and run a 5-Whys analysis with you.`,
  },
  de: {
    notYet: (what: 'poll' | 'survey') =>
      `${what === 'poll' ? 'Umfragen unter Clustermitgliedern' : 'Befragungen zu Hemmnissen per Direktnachricht'} gibt es in dieser Version des Beraters noch nicht. Bis dahin beantworte ich gern Ihre Fragen zur Internationalisierung und gehe mit Ihnen eine 5-Warum-Analyse durch.`,
  },
  sv: {
    notYet: (what: 'poll' | 'survey') =>
      `${what === 'poll' ? 'Omröstningar för klustermedlemmar' : 'Enkäter om hinder via direktmeddelanden'} finns inte i den här versionen av rådgivaren ännu. Under tiden kan jag svara på frågor om att gå ut internationellt och göra en 5 varför-analys tillsammans med dig.`,
  },
});
const UPCOMING = 'upcoming';
const notYet =
  (what: 'poll' | 'survey'): Handler<unknown> =>
  async (ctx) =>
    void (await ctx.say({ text: m(ctx.lang).notYet(what) }));

export const upcoming = defineFeature({
  id: UPCOMING,
  commands: [
    // The bare words only (`/advisor poll`): a question that starts with "survey" still goes to the matcher.
    command(UPCOMING, { id: 'upcoming.poll', words: { en: ['poll', 'new poll'], de: ['umfrage'], sv: ['omröstning'] }, run: notYet('poll') }),
    command(UPCOMING, { id: 'upcoming.survey', words: { en: ['survey', 'new survey'], de: ['befragung'], sv: ['enkät'] }, run: notYet('survey') }),
  ],
  intents: { create_poll: notYet('poll'), create_survey: notYet('survey') },
});
