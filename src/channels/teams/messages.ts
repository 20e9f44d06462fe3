/** What the Teams adapter itself says: that it cannot reach someone yet, and a card action it could not take. */
import { defineMessages } from '../../core/i18n.js';

export const teamsMessages = defineMessages({
  en: {
    cannotReach: 'I cannot reach this person yet: they need to open a chat with the advisor, or the app must be installed for them.',
    notTaken: 'I could not take that just now. Nothing was changed; please try again in a moment.',
    done: 'Done.',
  },
  de: {
    cannotReach: 'Diese Person kann ich noch nicht erreichen: Sie muss einen Chat mit dem Berater öffnen, oder die App muss für sie installiert werden.',
    notTaken: 'Das konnte ich gerade nicht annehmen. Es wurde nichts geändert; bitte versuchen Sie es gleich noch einmal.',
    done: 'Erledigt.',
  },
  sv: {
    cannotReach: 'Jag kan inte nå den här personen ännu: hen behöver öppna en chatt med rådgivaren, eller så måste appen installeras för hen.',
    notTaken: 'Det kunde jag inte ta emot just nu. Ingenting har ändrats; försök igen om en liten stund.',
    done: 'Klart.',
  },
});
