/** What the Slack adapter itself shows: the App Home's header and introduction, and a command it could not accept. */
import { defineMessages } from '../../core/i18n.js';

export const slackMessages = defineMessages({
  en: {
    homeTitle: 'SME internationalisation advisor',
    notAccepted: 'I could not take that command just now (the advisor is busy or cannot save). Nothing was changed; please try again in a moment.',
    homeIntro: 'Ask me in a DM, mention me in a channel, or use `/advisor ask <question>`. `/advisor 5 whys` starts a 5-Whys analysis; `/advisor profile` sets your country and sector.',
  },
  de: {
    homeTitle: 'Internationalisierungsberater für KMU',
    notAccepted: 'Diesen Befehl konnte ich gerade nicht annehmen (der Berater ist ausgelastet oder kann nicht speichern). Es wurde nichts geändert; bitte versuchen Sie es gleich noch einmal.',
    homeIntro: 'Fragen Sie mich in einer Direktnachricht, erwähnen Sie mich in einem Kanal, oder nutzen Sie `/advisor frage <Ihre Frage>`. `/advisor 5 warum` startet eine 5-Warum-Analyse; mit `/advisor profil` legen Sie Land und Branche fest.',
  },
  sv: {
    homeTitle: 'Internationaliseringsrådgivare för små och medelstora företag',
    notAccepted: 'Jag kunde inte ta emot kommandot just nu (rådgivaren är upptagen eller kan inte spara). Ingenting har ändrats; försök igen om en liten stund.',
    homeIntro: 'Fråga mig i ett direktmeddelande, nämn mig i en kanal eller använd `/advisor fråga <din fråga>`. `/advisor 5 varför` startar en 5 varför-analys; med `/advisor min profil` anger du land och bransch.',
  },
});
