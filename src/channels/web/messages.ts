/** What the web chat's server says itself (rate limits, access token, starting), in the browser's language. */
import type { Request } from 'express';
import { LANGS, type Lang } from '../../common/lang.js';
import { defineMessages } from '../../core/i18n.js';

export const webMessages = defineMessages({
  en: {
    window: (ms: number) => (ms === 60_000 ? 'a minute' : `${Math.ceil(ms / 1000)} seconds`),
    chatPerAddress: (limit: number, window: string) => `Too many messages from your network address (at most ${limit} in ${window}); wait ${window} and try again.`,
    chatPerSession: (limit: number, window: string) => `You are sending messages faster than the advisor takes them (at most ${limit} in ${window}); wait ${window} and try again.`,
    outboxPerAddress: (limit: number, window: string) => `Too many checks for new messages from your network address (at most ${limit} in ${window}); wait ${window} and try again.`,
    outboxPerSession: (limit: number, window: string) => `The page checked for new messages too often (at most ${limit} in ${window}); wait ${window} and try again.`,
    crossSite: 'the web chat API only answers its own page, not requests from other sites',
    starting: 'the advisor is still starting; try again in a moment',
    startingPage: 'The advisor is still starting; reload the page in a moment.',
    inProgress: 'this message is still being answered; ask again in a moment to get its answer',
    tokenNeededTitle: 'Access token needed',
    tokenNeeded: 'This web chat is only open to people who have its access link (it ends in <code>/?token=…</code>). Open the link you were given, or ask whoever runs this advisor for it.',
    tokenWrongTitle: 'Access token not accepted',
    tokenWrong: 'The access token in this link is not the right one. Check the link you were given, or ask whoever runs this advisor for a new one.',
    apiTokenNeeded: 'this web chat needs its access token: open the chat through its access link (…/?token=…) first, or send the header "Authorization: Bearer <token>"',
  },
  de: {
    window: (ms: number) => (ms === 60_000 ? 'einer Minute' : `${Math.ceil(ms / 1000)} Sekunden`),
    chatPerAddress: (limit: number, window: string) => `Zu viele Nachrichten von Ihrer Netzwerkadresse (höchstens ${limit} in ${window}); bitte warten Sie kurz und versuchen Sie es dann erneut.`,
    chatPerSession: (limit: number, window: string) => `Sie senden Nachrichten schneller, als der Berater sie annimmt (höchstens ${limit} in ${window}); bitte warten Sie kurz und versuchen Sie es dann erneut.`,
    outboxPerAddress: (limit: number, window: string) => `Zu viele Abfragen nach neuen Nachrichten von Ihrer Netzwerkadresse (höchstens ${limit} in ${window}); bitte warten Sie kurz.`,
    outboxPerSession: (limit: number, window: string) => `Die Seite hat zu oft nach neuen Nachrichten gefragt (höchstens ${limit} in ${window}); bitte warten Sie kurz.`,
    crossSite: 'die Schnittstelle des Web-Chats antwortet nur seiner eigenen Seite, nicht Anfragen anderer Websites',
    starting: 'der Berater startet noch; bitte versuchen Sie es gleich noch einmal',
    startingPage: 'Der Berater startet noch; laden Sie die Seite gleich neu.',
    inProgress: 'diese Nachricht wird noch beantwortet; fragen Sie gleich noch einmal, um die Antwort zu erhalten',
    tokenNeededTitle: 'Zugangsschlüssel erforderlich',
    tokenNeeded: 'Dieser Web-Chat steht nur Personen mit dem Zugangslink offen (er endet auf <code>/?token=…</code>). Öffnen Sie den Link, den Sie erhalten haben, oder fragen Sie den Betreiber dieses Beraters danach.',
    tokenWrongTitle: 'Zugangsschlüssel nicht akzeptiert',
    tokenWrong: 'Der Zugangsschlüssel in diesem Link stimmt nicht. Prüfen Sie den Link, den Sie erhalten haben, oder bitten Sie den Betreiber dieses Beraters um einen neuen.',
    apiTokenNeeded: 'dieser Web-Chat braucht seinen Zugangsschlüssel: Öffnen Sie den Chat zuerst über seinen Zugangslink (…/?token=…), oder senden Sie den Header "Authorization: Bearer <token>"',
  },
  sv: {
    window: (ms: number) => (ms === 60_000 ? 'en minut' : `${Math.ceil(ms / 1000)} sekunder`),
    chatPerAddress: (limit: number, window: string) => `För många meddelanden från din nätverksadress (högst ${limit} på ${window}); vänta en stund och försök igen.`,
    chatPerSession: (limit: number, window: string) => `Du skickar meddelanden snabbare än rådgivaren hinner ta emot dem (högst ${limit} på ${window}); vänta en stund och försök igen.`,
    outboxPerAddress: (limit: number, window: string) => `För många kontroller av nya meddelanden från din nätverksadress (högst ${limit} på ${window}); vänta en stund.`,
    outboxPerSession: (limit: number, window: string) => `Sidan har frågat efter nya meddelanden för ofta (högst ${limit} på ${window}); vänta en stund.`,
    crossSite: 'webbchattens gränssnitt svarar bara sin egen sida, inte förfrågningar från andra webbplatser',
    starting: 'rådgivaren startar fortfarande; försök igen om en stund',
    startingPage: 'Rådgivaren startar fortfarande; ladda om sidan om en stund.',
    inProgress: 'det här meddelandet besvaras fortfarande; fråga igen om en stund för att få svaret',
    tokenNeededTitle: 'Åtkomstnyckel krävs',
    tokenNeeded: 'Den här webbchatten är bara öppen för den som har dess åtkomstlänk (den slutar på <code>/?token=…</code>). Öppna länken du fick, eller be den som driver rådgivaren om den.',
    tokenWrongTitle: 'Åtkomstnyckeln godtogs inte',
    tokenWrong: 'Åtkomstnyckeln i länken stämmer inte. Kontrollera länken du fick, eller be den som driver rådgivaren om en ny.',
    apiTokenNeeded: 'den här webbchatten kräver sin åtkomstnyckel: öppna chatten via dess åtkomstlänk (…/?token=…) först, eller skicka headern "Authorization: Bearer <token>"',
  },
});

/** The browser's preferred language among ours (Accept-Language), English when it names none of them. */
export function requestLang(req: Request): Lang {
  const picked = req.acceptsLanguages(...LANGS);
  return typeof picked === 'string' ? (LANGS.find((l) => l === picked.slice(0, 2)) ?? 'en') : 'en';
}
