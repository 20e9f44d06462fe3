/** What the saved-analyses feature says, and the words of an analysis summary and its Markdown export. */
import { defineMessages } from '../../core/i18n.js';

export const analysesMessages = defineMessages({
  en: {
    summaryTitle: '**Your 5-Whys analysis**',
    problem: (p: string) => `**Problem:** ${p}`,
    whyLine: (n: number, answer: string) => `Why ${n}: ${answer}`,
    rootCause: (r: string) => `**Root cause:** ${r}`,
    closestRootCause: (r: string) => `_Closest root cause in the focus-group data:_ ${r}`,
    whatHelps: '**What helps**',
    whoCanHelp: (country: string | undefined) => `**Who can help${country ? ` (${country} and EU-wide)` : ' (EU-wide)'}**`,
    actors: { sme: 'your company', cluster: 'your cluster', government: 'government', consultant: 'a consultant' },
    whoActs: (list: string) => ` _(who acts: ${list})_`,
    sources: (list: string) => `Sources: ${list}`,
    md: {
      title: (date: string) => `# 5-Whys analysis (${date})`,
      problem: (p: string) => `**Problem:** ${p}`,
      why: (n: number, w: string) => `${n}. Why? ${w}`,
      rootCause: (r: string) => `**Root cause:** ${r}`,
      whatHelps: '## What helps',
      source: (s: string) => `(source: ${s})`,
      whoCanHelp: '## Who can help',
      sources: '## Sources',
    },
    exportIntro: (md: string) => `Here is your analysis as Markdown:\n\`\`\`\n${md}\n\`\`\``,
    saved: 'Saved. Type **my analyses** to see your saved analyses.',
    none: 'You have no saved analyses yet. Type **5 whys** to start one; save it at the end.',
    list: (count: number, lines: string) => `**Your saved analyses** (${count})\n${lines}\nType e.g. **export 1** to get one as Markdown.`,
    listLine: (n: number, date: string, problem: string, root: string) => `${n}. ${date}: ${problem} → root cause: ${root}`,
    exportButton: (n: number) => `Export ${n}`,
    noNumber: (n: number) => `There is no analysis number ${n}. Type **my analyses** to see the list.`,
    notYours: 'I cannot find that analysis among yours.',
    forgot: (n: number) => `${n} saved analys${n === 1 ? 'is' : 'es'}`,
    noOpenAnalysis: 'There is no open 5-Whys analysis right now. Type **5 whys** to start one, or ask me a question.',
    help: 'Saved analyses: **my analyses**, **export 1**.',
    usage: '**export** (after a 5-Whys summary) or **export** _number_ (from **my analyses**)',
  },
});
