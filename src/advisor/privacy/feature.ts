/**
 * "Forget me": a confirmation dialogue, then every feature's forget() and the user's open dialogues, everywhere.
 * Yes and no are understood in every language, whatever the reply language.
 */
import { z } from 'zod';
import { LANGS } from '../../common/lang.js';
import type { TurnContext } from '../../core/context.js';
import { defineDialog } from '../../core/dialog.js';
import { command, defineFeature } from '../../core/feature.js';
import { sessions } from '../../core/session.js';
import { ownerPrefix } from '../../store/store.js';
import { privacyMessages as m } from './messages.js';

const PRIVACY = 'privacy';
const ANY_LANG_YES = new Set(LANGS.flatMap((l) => m(l).yes).concat(['ja', 'jo', 'japp', 'genau', 'bestätigen', 'javisst', 'absolut']));
const ANY_LANG_NO = new Set(LANGS.flatMap((l) => m(l).no).concat(['nein', 'nej', 'nä', 'inte']));

/** Deletes what every feature holds about the user, then the user's sessions; says what went. */
async function forgetEverything(ctx: TurnContext): Promise<void> {
  const t = m(ctx.lang);
  const phrases: string[] = [];
  for (const f of ctx.features) {
    const phrase = await f.forget?.(ctx.user, ctx.ports, ctx.lang);
    if (phrase) phrases.push(phrase);
  }
  phrases.push(t.dialogues(await sessions.deleteByPrefix(ctx.ports.store, ownerPrefix(ctx.userKey))));
  await ctx.ports.messenger.forget?.(ctx.user);
  const list = phrases.length > 1 ? `${phrases.slice(0, -1).join(', ')} ${t.and} ${phrases.at(-1)}` : phrases[0]!;
  await ctx.say({ text: t.done(list) });
}

const Pending = z.object({ at: z.string() });
const confirmDialog = defineDialog<z.infer<typeof Pending>, undefined>({
  id: 'privacy.confirm',
  version: 1,
  state: Pending,
  closeOnInterrupt: true,
  start: (_o, ctx) => {
    const t = m(ctx.lang);
    return {
      status: 'waiting',
      state: { at: ctx.now.toISOString() },
      messages: [
        {
          text: t.confirm,
          buttons: [
            { label: t.yesButton, action: { id: 'privacy.confirm', value: '' }, style: 'danger' },
            { label: t.noButton, action: { id: 'privacy.cancel', value: '' } },
          ],
        },
      ],
    };
  },
  step: (_s, input, ctx) => {
    const word = input.kind === 'text' ? input.text.toLowerCase().replace(/[.!]+$/, '').trim() : undefined;
    const id = input.kind === 'action' ? input.action.id : undefined;
    const t = m(ctx.lang);
    // A clicked answer replaces the question, so its buttons cannot be pressed again.
    const settle = (note: string) => (id ? [async (c: TurnContext) => c.replaceSource({ text: `${t.confirm}\n${note}` })] : []);
    if (id === 'privacy.confirm' || (word && ANY_LANG_YES.has(word))) return { status: 'complete', effects: [...settle(t.confirmedNote), forgetEverything] };
    if (id === 'privacy.cancel' || (word && ANY_LANG_NO.has(word))) return { status: 'cancelled', effects: [...settle(t.keptNote), async (c: TurnContext) => void (await c.say({ text: t.kept }))] };
    return { status: 'pass', close: input.kind === 'text' };
  },
});

const nothingPending = async (ctx: TurnContext) => void (await ctx.say({ text: m(ctx.lang).nothingPending }));

export const privacy = defineFeature({
  id: PRIVACY,
  dialogs: [confirmDialog],
  commands: [
    command(PRIVACY, {
      id: 'privacy.forget',
      words: {
        en: ['forget me', 'forget-me', 'delete my data', 'delete me', 'erase my data'],
        de: ['vergiss mich', 'lösche meine daten', 'losche meine daten'],
        sv: ['glöm mig', 'glom mig', 'radera mina data', 'radera min data'],
      },
      interrupts: true,
      run: (ctx) => ctx.beginDialog(confirmDialog, undefined),
    }),
  ],
  actions: { confirm: nothingPending, cancel: nothingPending },
  legacyActions: { 'forget.confirm': 'confirm', 'forget.cancel': 'cancel' },
  help: (lang) => m(lang).help,
});
