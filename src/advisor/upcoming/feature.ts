/** Surveys are announced but not built yet: their command and intent say so (removed when they land). */
import { command, defineFeature, type Handler } from '../../core/feature.js';
import { defineMessages } from '../../core/i18n.js';

const m = defineMessages({
  en: {
    notYet: () =>
      `Barrier surveys over direct messages are not available in this version of the advisor yet. Meanwhile I can answer questions about going international and run a 5-Whys analysis with you.`,
  },
  de: {
    notYet: () =>
      `Befragungen zu Hemmnissen per Direktnachricht gibt es in dieser Version des Beraters noch nicht. Bis dahin beantworte ich gern Ihre Fragen zur Internationalisierung und gehe mit Ihnen eine 5-Warum-Analyse durch.`,
  },
  sv: {
    notYet: () =>
      `Enkäter om hinder via direktmeddelanden finns inte i den här versionen av rådgivaren ännu. Under tiden kan jag svara på frågor om att gå ut internationellt och göra en 5 varför-analys tillsammans med dig.`,
  },
});
const UPCOMING = 'upcoming';
const notYet: Handler<unknown> = async (ctx) => void (await ctx.say({ text: m(ctx.lang).notYet() }));

export const upcoming = defineFeature({
  id: UPCOMING,
  commands: [
    // The bare words only (`/advisor survey`): a question that starts with "survey" still goes to the matcher.
    command(UPCOMING, { id: 'upcoming.survey', words: { en: ['survey', 'new survey'], de: ['befragung'], sv: ['enkät'] }, run: notYet }),
  ],
  intents: { create_survey: notYet },
});
