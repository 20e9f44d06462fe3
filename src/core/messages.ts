/** The core's own strings: bad events, unknown buttons, command usage, errors. */
import type { Lang } from '../common/lang.js';
import { defineMessages } from './i18n.js';

export const coreMessages = defineMessages({
  en: {
    unreadable: (where: string, problem: string) => `Sorry, I could not read that message: ${where}: ${problem}.`,
    tooLong: (length: string, max: string) =>
      `That message is ${length} characters long. Please keep it under ${max} characters: a sentence or two is enough. Nothing was changed.`,
    empty: "I didn't get any text. Ask me a question about going international, or type **help**.",
    unknownButton: (id: string) => `I do not recognise that button (${id}). It may come from an older message; type **help** to see what I can do.`,
    badCommand: (problem: string, usage: string | undefined) => `I could not read that command: ${problem}.${usage ? `\nUsage: ${usage}` : ''}`,
    unknownOption: (flag: string) => `there is no option --${flag}`,
    needsValue: (flag: string) => `--${flag} needs a value`,
    argumentsDoNotFit: 'what follows the command does not fit it',
    translatedFrom: (from: Lang) => `(translated from ${{ en: 'English', de: 'German', sv: 'Swedish' }[from]})`,
    storeUnavailable: 'I could not save that; nothing was changed. Please try again in a moment.',
    otherLanguage: 'Sorry, I only understand English, German and Swedish (Deutsch, svenska). Please ask your question in one of them.',
    retrying: 'I could not finish that just now (a storage or connection problem on my side). I will try again by myself in a moment: no need to send it again.',
    gaveUp: 'I am sorry: I still could not finish your last message after several tries. Please send it again later; if it keeps happening, tell the people who run this advisor.',
    unexpected: 'Sorry, something went wrong on my side and I could not finish that. Please try again; if it keeps happening, tell the people who run this advisor.',
  },
  de: {
    unreadable: (where: string, problem: string) => `Entschuldigung, diese Nachricht konnte ich nicht lesen: ${where}: ${problem}.`,
    tooLong: (length: string, max: string) =>
      `Ihre Nachricht ist ${length} Zeichen lang. Bitte bleiben Sie unter ${max} Zeichen, ein oder zwei Sätze genügen. Es wurde nichts geändert.`,
    empty: 'Ich habe keinen Text erhalten. Stellen Sie mir eine Frage zur Internationalisierung, oder schreiben Sie **Hilfe**.',
    unknownButton: (id: string) => `Diese Schaltfläche kenne ich nicht (${id}). Vielleicht stammt sie aus einer älteren Nachricht; schreiben Sie **Hilfe**, um zu sehen, was ich kann.`,
    badCommand: (problem: string, usage: string | undefined) => `Diesen Befehl konnte ich nicht lesen: ${problem}.${usage ? `\nVerwendung: ${usage}` : ''}`,
    unknownOption: (flag: string) => `die Option --${flag} gibt es nicht`,
    needsValue: (flag: string) => `--${flag} braucht einen Wert`,
    argumentsDoNotFit: 'die Angaben nach dem Befehl passen nicht dazu',
    translatedFrom: (from: Lang) => `(aus dem ${{ en: 'Englischen', de: 'Deutschen', sv: 'Schwedischen' }[from]} übersetzt)`,
    storeUnavailable: 'Das konnte ich nicht speichern; es wurde nichts geändert. Bitte versuchen Sie es gleich noch einmal.',
    otherLanguage: 'Leider verstehe ich nur Deutsch, Englisch und Schwedisch. Bitte stellen Sie Ihre Frage in einer dieser Sprachen.',
    retrying: 'Das konnte ich gerade nicht abschließen (ein Speicher- oder Verbindungsproblem auf meiner Seite). Ich versuche es gleich selbst noch einmal, Sie müssen nichts erneut senden.',
    gaveUp: 'Es tut mir leid: Ihre letzte Nachricht konnte ich auch nach mehreren Versuchen nicht bearbeiten. Bitte senden Sie sie später noch einmal; wenn das wieder vorkommt, wenden Sie sich an das Team, das diesen Berater betreibt.',
    unexpected: 'Entschuldigung, auf meiner Seite ist etwas schiefgegangen, und ich konnte das nicht abschließen. Bitte versuchen Sie es noch einmal; wenn das wieder vorkommt, wenden Sie sich an das Team, das diesen Berater betreibt.',
  },
  sv: {
    unreadable: (where: string, problem: string) => `Tyvärr kunde jag inte läsa meddelandet: ${where}: ${problem}.`,
    tooLong: (length: string, max: string) =>
      `Meddelandet är ${length} tecken långt. Håll det under ${max} tecken, en eller två meningar räcker. Ingenting har ändrats.`,
    empty: 'Jag fick ingen text. Ställ en fråga om att gå ut internationellt, eller skriv **hjälp**.',
    unknownButton: (id: string) => `Jag känner inte igen den knappen (${id}). Den kommer kanske från ett äldre meddelande; skriv **hjälp** för att se vad jag kan göra.`,
    badCommand: (problem: string, usage: string | undefined) => `Jag kunde inte tolka kommandot: ${problem}.${usage ? `\nAnvändning: ${usage}` : ''}`,
    unknownOption: (flag: string) => `alternativet --${flag} finns inte`,
    needsValue: (flag: string) => `--${flag} behöver ett värde`,
    argumentsDoNotFit: 'det som följer efter kommandot passar inte',
    translatedFrom: (from: Lang) => `(översatt från ${{ en: 'engelska', de: 'tyska', sv: 'svenska' }[from]})`,
    storeUnavailable: 'Jag kunde inte spara det; ingenting har ändrats. Försök igen om en liten stund.',
    otherLanguage: 'Tyvärr förstår jag bara svenska, engelska och tyska. Ställ gärna din fråga på något av dem.',
    retrying: 'Jag kunde inte slutföra det just nu (ett lagrings- eller anslutningsproblem hos mig). Jag försöker igen själv om en stund, du behöver inte skicka det igen.',
    gaveUp: 'Tyvärr kunde jag fortfarande inte slutföra ditt senaste meddelande efter flera försök. Skicka det igen senare; om det fortsätter, hör av dig till dem som driver rådgivaren.',
    unexpected: 'Tyvärr gick något fel hos mig och jag kunde inte slutföra det. Försök igen; om det fortsätter, hör av dig till dem som driver rådgivaren.',
  },
});
