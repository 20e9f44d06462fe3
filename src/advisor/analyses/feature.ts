/** Saved 5-Whys analyses: "my analyses", "export N", the export buttons; only the owner ever sees them. */
import { z } from 'zod';
import type { CommandArgs } from '../../core/commands.js';
import { userKeyOf, type TurnContext } from '../../core/context.js';
import { command, defineFeature } from '../../core/feature.js';
import type { Message } from '../../core/message.js';
import type { Ports } from '../../core/ports.js';
import { formatDate } from '../../core/format.js';
import { quoteUserText } from '../../core/text.js';
import type { Lang } from '../../common/lang.js';
import { ownerPrefix } from '../../store/store.js';
import { analysesMessages as m } from './messages.js';
import { allAnalyses, analyses, exportMessage, recentAnalyses } from './model.js';

const ANALYSES = 'analyses';

/** `export` alone (the open summary), or `export 3` (the third of "my analyses"). */
export const ExportArgs = z
  .object({ args: z.array(z.string().regex(/^#?\d{1,2}$/, 'give the number of an analysis from **my analyses**, e.g. export 1')).max(1) })
  .transform((a: Pick<CommandArgs, 'args'>) => ({ index: a.args[0] ? Number(a.args[0].replace('#', '')) : undefined }));
export const EXPORT_COMMAND = 'analyses.export';

async function listMessage(ports: Ports, userKey: string, lang: Lang): Promise<Message> {
  const t = m(lang);
  const list = await recentAnalyses(ports.store, userKey);
  if (list.length === 0) return { text: t.none };
  const lines = list.map((a, i) => t.listLine(i + 1, formatDate(a.createdAt, lang), quoteUserText(a.problem, 80), quoteUserText(a.rootCause, 80))).join('\n');
  return {
    text: t.list(list.length, lines),
    buttons: list.slice(0, 5).map((a, i) => ({ label: t.exportButton(i + 1), action: { id: 'analyses.export', value: a.id } })),
  };
}

async function exportNumber(ctx: TurnContext, index: number | undefined): Promise<void> {
  const t = m(ctx.lang);
  if (index === undefined) return void (await ctx.say({ text: t.noOpenAnalysis }));
  const a = (await recentAnalyses(ctx.ports.store, ctx.userKey))[index - 1];
  await ctx.say(a ? exportMessage(a, ctx.ports.knowledge, ctx.lang) : { text: t.noNumber(index) });
}

export const analysesFeature = defineFeature({
  id: ANALYSES,
  collections: [analyses],
  commands: [
    command(ANALYSES, {
      id: 'analyses.list',
      words: { en: ['my analyses', 'my analysis', 'analyses', 'show my analyses'], de: ['meine analysen', 'analysen'], sv: ['mina analyser', 'analyser'] },
      interrupts: true,
      run: async (ctx) => void (await ctx.say(await listMessage(ctx.ports, ctx.userKey, ctx.lang))),
    }),
    command(ANALYSES, {
      id: EXPORT_COMMAND,
      words: { en: ['export', 'export as markdown', 'markdown'], de: ['exportieren'], sv: ['exportera'] },
      args: ExportArgs,
      usage: (lang) => m(lang).usage,
      run: (ctx, a) => exportNumber(ctx, a.index),
    }),
  ],
  actions: {
    export: async (ctx, a) => {
      const found = (await allAnalyses(ctx.ports.store, ctx.userKey)).find((x) => x.id === a.value);
      await ctx.say(found ? exportMessage(found, ctx.ports.knowledge, ctx.lang) : { text: m(ctx.lang).notYours });
    },
  },
  legacyActions: { 'analysis.export': 'export' },
  forget: async (user, ports, lang) => m(lang).forgot(await analyses.deleteByPrefix(ports.store, ownerPrefix(userKeyOf(user)))),
  help: (lang) => m(lang).help,
  home: async (user, ports, lang) => [await listMessage(ports, userKeyOf(user), lang)],
});
