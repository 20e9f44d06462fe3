/** What the 5-Whys dialogue says. */
import { defineMessages } from '../../core/i18n.js';

export const whysMessages = defineMessages({
  en: {
    intro:
      "Let's find the root cause together with the **5 Whys**, the method the GIVE focus group used in Sofia.\n" +
      'First, describe the problem in one sentence, e.g. _"We cannot find distributors in Germany"_.\n' +
      'You can type **stop** at any time.',
    problemNoted: 'Problem noted.',
    wentBack: 'Went back one step.',
    wentBackToProblem: 'Went back. Describe the problem in one sentence.',
    nothingToGoBack: 'This is the first step; there is nothing to go back to. Describe the problem in one sentence, or type **stop**.',
    problemFirst: 'First describe the problem in one sentence.',
    answerOneFirst: 'Answer at least one "Why?" first, so there is a cause to stop at.',
    nothingToPick: 'There is nothing to pick at this step.',
    pickRange: (n: number) => `Please pick a number between 1 and ${n}, or type your own answer.`,
    noSuggestions: 'There are no suggestions to pick at this step; type your answer.',
    finished: 'The analysis is finished. Type **save**, **export** or **share**, **back** to change the last answer, or ask me something new.',
    why: (n: number, max: number, last: string) => `**Why ${n} of ${max}:** why is that the case: “${last}”?`,
    picks: (list: string) => `Type your own answer, or pick a cause other SMEs found:\n${list}`,
    typeAnswer: 'Type your answer in a sentence.',
    navigationLater: 'Type **root cause** if this is it, **back** to change your last answer, **restart** or **stop**.',
    navigationFirst: 'Type **back**, **restart** or **stop** at any time.',
    buttons: { root: "That's the root cause", back: 'Back', restart: 'Restart', stop: 'Stop', save: 'Save', export: 'Export as Markdown', share: 'Share to channel' },
    start: 'Start a 5-Whys analysis',
    findRootCause: 'Find the root cause (5 Whys)',
    stopped: 'Stopped the analysis. Nothing was saved.',
    closed: 'Closed the analysis.',
    alreadyFinished: 'The analysis is already finished. Type **save**, **export** or **share**.',
    notFinished: 'The analysis is not finished yet. Answer the next "Why?", or type **root cause** to finish here.',
    noOpenAnalysis: 'There is no open 5-Whys analysis right now. Type **5 whys** to start one, or ask me a question.',
    stale: 'That button belongs to an analysis that is no longer open (or is not yours). Type **5 whys** to start a new one.',
    unknownBarrier: 'I do not know that barrier any more. Type **5 whys** to start an analysis with your own words.',
    replaced: 'I closed your previous, unfinished analysis and started a new one.',
    expired: 'Your unfinished 5-Whys analysis was closed after a long time without activity. Type **5 whys** to start a new one.',
    outdated: 'The 5-Whys dialogue was updated since you started your analysis, so I closed it. Type **5 whys** to start again.',
    reminder: (n: number, max: number, last: string, hoursLeft: number) =>
      `Your 5-Whys analysis is still open at **Why ${n} of ${max}**: “${last}”. Answer here to continue; otherwise it closes in about ${hoursLeft} hour${hoursLeft === 1 ? '' : 's'}.`,
    reminderProblem: (hoursLeft: number) => `Your 5-Whys analysis is waiting for the problem statement. Describe it in one sentence to continue; otherwise it closes in about ${hoursLeft} hour${hoursLeft === 1 ? '' : 's'}.`,
    help: "Stuck? Type **5 whys** and I'll guide you to the root cause.",
    usage: '**5 whys** [your problem in one sentence]',
  },
});
