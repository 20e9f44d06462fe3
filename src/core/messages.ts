/** The core's own strings: bad events, unknown buttons, command usage, errors. */
import { defineMessages } from './i18n.js';

export const coreMessages = defineMessages({
  en: {
    unreadable: (where: string, problem: string) => `Sorry, I could not read that message: ${where}: ${problem}.`,
    tooLong: (length: string, max: string) =>
      `That message is ${length} characters long. Please keep it under ${max} characters: a sentence or two is enough. Nothing was changed.`,
    empty: "I didn't get any text. Ask me a question about going international, or type **help**.",
    unknownButton: (id: string) => `I do not recognise that button (${id}). It may come from an older message; type **help** to see what I can do.`,
    badCommand: (problem: string, usage: string | undefined) => `I could not read that command: ${problem}.${usage ? `\nUsage: ${usage}` : ''}`,
    storeUnavailable: 'I could not save that; nothing was changed. Please try again in a moment.',
    retrying: 'I could not finish that just now (a storage or connection problem on my side). I will try again by myself in a moment: no need to send it again.',
    gaveUp: 'I am sorry: I still could not finish your last message after several tries. Please send it again later; if it keeps happening, tell the people who run this advisor.',
    unexpected: 'Sorry, something went wrong on my side and I could not finish that. Please try again; if it keeps happening, tell the people who run this advisor.',
  },
});
