/** Help and greeting, built from every feature's help line; the polite refusal of questions out of scope. */
import type { Lang } from '../../common/lang.js';
import type { TurnContext } from '../../core/context.js';
import { command, defineFeature } from '../../core/feature.js';
import type { Message } from '../../core/message.js';
import { helpMessages as m } from './messages.js';

const HELP = 'help';

/** The help text: the introduction, then one line per feature, in feature order. */
function helpMessage(ctx: TurnContext, lang: Lang): Message {
  const t = m(lang);
  const lines = ctx.features.map((f) => f.help?.(lang)).filter((x): x is string => Boolean(x));
  return {
    text: [t.intro, ...lines].join('\n'),
    buttons: [...t.examples.map((q) => ({ label: q, action: { id: 'answers.ask', value: q } })), { label: t.startWhys, action: { id: 'whys.start', value: '' } }],
  };
}

const showHelp = async (ctx: TurnContext) => void (await ctx.say(helpMessage(ctx, ctx.lang)));

export const help = defineFeature({
  id: HELP,
  commands: [
    command(HELP, {
      id: 'help.show',
      words: { en: ['help', '/help', '?', 'commands'], de: ['hilfe', 'befehle'], sv: ['hjälp', 'hjalp', 'kommandon'] },
      interrupts: true,
      run: showHelp,
    }),
  ],
  intents: {
    greeting: showHelp,
    help: showHelp,
    out_of_scope: async (ctx) => {
      const t = m(ctx.lang);
      await ctx.say({ text: t.outOfScope, buttons: t.examples.slice(0, 2).map((q) => ({ label: q, action: { id: 'answers.ask', value: q } })) });
    },
  },
});
