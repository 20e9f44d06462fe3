/** What the Slack adapter itself shows: the App Home's header and introduction, and a command it could not accept. */
import { defineMessages } from '../../core/i18n.js';

export const slackMessages = defineMessages({
  en: {
    cannotReach: 'Slack does not let the advisor send this person a direct message (a deactivated account, a bot or a restricted guest).',
    homeTitle: 'SME internationalisation advisor',
    notAccepted: 'I could not take that command just now (the advisor is busy or cannot save). Nothing was changed; please try again in a moment.',
    homeIntro: 'Ask me in a DM, mention me in a channel, or use `/advisor ask <question>`. `/advisor 5 whys` starts a 5-Whys analysis; `/advisor profile` sets your country and sector.',
  },
  de: {
    cannotReach: 'Slack lässt den Berater dieser Person keine Direktnachricht schicken (ein deaktiviertes Konto, ein Bot oder ein eingeschränkter Gast).',
    homeTitle: 'Internationalisierungsberater für KMU',
    notAccepted: 'Diesen Befehl konnte ich gerade nicht annehmen (der Berater ist ausgelastet oder kann nicht speichern). Es wurde nichts geändert; bitte versuchen Sie es gleich noch einmal.',
    homeIntro: 'Fragen Sie mich in einer Direktnachricht, erwähnen Sie mich in einem Kanal, oder nutzen Sie `/advisor frage <Ihre Frage>`. `/advisor 5 warum` startet eine 5-Warum-Analyse; mit `/advisor profil` legen Sie Land und Branche fest.',
  },
  sv: {
    cannotReach: 'Slack låter inte rådgivaren skicka ett direktmeddelande till den här personen (ett avaktiverat konto, en bot eller en begränsad gäst).',
    homeTitle: 'Internationaliseringsrådgivare för små och medelstora företag',
    notAccepted: 'Jag kunde inte ta emot kommandot just nu (rådgivaren är upptagen eller kan inte spara). Ingenting har ändrats; försök igen om en liten stund.',
    homeIntro: 'Fråga mig i ett direktmeddelande, nämn mig i en kanal eller använd `/advisor fråga <din fråga>`. `/advisor 5 varför` startar en 5 varför-analys; med `/advisor min profil` anger du land och bransch.',
  },
});
