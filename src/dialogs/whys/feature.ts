/**
 * The 5-Whys feature: the dialogue (machine.ts), its typed commands (stop, back, restart, root cause, save, share;
 * export belongs to the analyses feature), its buttons, and the intent "help me find the root cause".
 */
import { z } from 'zod';
import { EXPORT_COMMAND } from '../../advisor/analyses/feature.js';
import { analysesMessages } from '../../advisor/analyses/messages.js';
import { exportMessage, renderSummary, saveAnalysis } from '../../advisor/analyses/model.js';
import { readProfile } from '../../advisor/profile/model.js';
import type { Lang } from '../../common/lang.js';
import { pickedNumber, type CommandArgs } from '../../core/commands.js';
import type { TurnContext } from '../../core/context.js';
import { defineDialog, type DialogContext, type DialogInput, type DialogStep } from '../../core/dialog.js';
import { CHANNELS } from '../../core/event.js';
import { command, defineFeature, wordsIn as words, type Handler } from '../../core/feature.js';
import type { JobHandler } from '../../core/ports.js';
import { sessions } from '../../core/session.js';
import { quoteUserText } from '../../core/text.js';
import type { JsonValue } from '../../store/store.js';
import type { Message } from '../../core/message.js';
import { tr } from '../../knowledge/localize.js';
import { MAX_WHYS, WHYS_ACTIONS, WHYS_VERSION, WhysStateSchema, conclude, controls, startWhys, whysTurn, type WhysOutcome, type WhysStart, type WhysState } from './machine.js';
import { whysMessages as m } from './messages.js';

const WHYS = 'whys';
const say = (text: string): Message => ({ text });
const waiting = (o: WhysOutcome): DialogStep<WhysState> => ({ status: 'waiting', state: o.state, messages: o.replies });
const stay = (state: WhysState, text: string): DialogStep<WhysState> => ({ status: 'waiting', state, messages: [say(text)] });

const VERBS = ['stop', 'back', 'restart', 'root', 'save', 'export', 'share'] as const;
type Verb = (typeof VERBS)[number];
/** Buttons and typed commands share their ids: `whys.<verb>` (typed "export" belongs to the analyses feature). */
const verbOf = (id: string): Verb | undefined => VERBS.find((v) => `${WHYS}.${v}` === id);

/** A navigation or summary command, typed or clicked. */
function verb(state: WhysState, v: Verb, ctx: DialogContext): DialogStep<WhysState> {
  const t = m(state.lang);
  switch (v) {
    case 'stop':
      return { status: 'cancelled', messages: [say(state.step === 'summary' ? t.closed : t.stopped)] };
    case 'back':
      return waiting(whysTurn(state, { kind: 'back' }, ctx));
    case 'restart':
      return waiting(whysTurn(state, { kind: 'restart' }, ctx));
    case 'root':
      return state.step === 'summary' ? stay(state, t.alreadyFinished) : waiting(whysTurn(state, { kind: 'root_cause' }, ctx));
    default: {
      if (state.step !== 'summary') return stay(state, t.notFinished);
      const analysis = conclude(state, ctx);
      const k = ctx.ports.knowledge;
      if (v === 'save') {
        const save = async (c: TurnContext) => {
          await saveAnalysis(c.ports.store, c.userKey, analysis);
          await c.say(say(analysesMessages(c.lang).saved));
        };
        return { status: 'waiting', state, effects: [save] };
      }
      if (v === 'export') return { status: 'waiting', state, messages: [exportMessage(analysis, k, state.lang)] };
      return { status: 'waiting', state, effects: [async (c) => void (await c.say(renderSummary(analysis, k, c.lang), { audience: 'conversation' }))] };
    }
  }
}

function step(state: WhysState, input: DialogInput, ctx: DialogContext): DialogStep<WhysState> {
  const t = m(state.lang);
  if (input.kind === 'action') {
    const { id, value } = input.action;
    if (id === WHYS_ACTIONS.start) return { status: 'pass' };
    const [dialogId = '', rootCauseId = ''] = value.split('|');
    if (dialogId !== state.id) return stay(state, t.stale);
    if (id === WHYS_ACTIONS.pick) return waiting(whysTurn(state, { kind: 'pick', rootCauseId }, ctx));
    const v = verbOf(id);
    return v ? verb(state, v, ctx) : stay(state, t.stale);
  }
  const c = input.command;
  const typed = c && verbOf(c.id);
  if (typed) return verb(state, typed, ctx);
  if (c?.id === EXPORT_COMMAND && (c.input as { index?: number }).index === undefined) return verb(state, 'export', ctx);
  // Another feature's command (more, export 2, …) runs as usual and leaves the analysis open.
  if (c) return { status: 'pass' };
  if (state.step === 'summary') return { status: 'pass', close: true };
  const pick = pickedNumber(input.text);
  if (pick !== undefined && state.step === 'why' && state.picks.length > 0) return waiting(whysTurn(state, { kind: 'pick_number', index: pick }, ctx));
  return waiting(whysTurn(state, { kind: 'text', text: input.text }, ctx));
}

/** When to remind: before the dialogue closes, with time left to answer (20 h of the default 24 h). */
function remindAfterHours(idleHours: number): number {
  return idleHours - Math.min(4, idleHours / 4);
}

const AddressJson = z.object({ channel: z.enum(CHANNELS), team: z.string().optional(), conversation: z.string(), thread: z.string().optional() });
const RemindPayload = z.object({
  sessionKey: z.string(),
  dialogId: z.string(),
  updatedAt: z.string(),
  conversation: AddressJson,
  user: z.object({ channel: z.enum(CHANNELS), team: z.string().optional(), user: z.string() }),
});
type RemindPayload = z.infer<typeof RemindPayload>;

/** Keeps one pending reminder per session: replaced at every step, cancelled when the analysis ends. */
function withReminder(result: DialogStep<WhysState>): DialogStep<WhysState> {
  if (result.status === 'pass') return result;
  const state = result.status === 'waiting' && result.state.step !== 'summary' ? result.state : undefined;
  const sync = async (ctx: TurnContext) => {
    const key = `whys.remind:${ctx.sessionKey}`;
    if (!state) return void (await ctx.ports.scheduler.cancel(key));
    const payload: RemindPayload = { sessionKey: ctx.sessionKey, dialogId: state.id, updatedAt: state.updatedAt, conversation: ctx.address, user: ctx.user };
    const runAt = new Date(ctx.now.getTime() + remindAfterHours(ctx.ports.settings.dialogIdleHours) * 3600_000);
    // The JSON round trip drops absent optional fields (team, thread): job payloads are JSON.
    await ctx.ports.scheduler.schedule({ name: 'whys.remind', key, runAt, payload: JSON.parse(JSON.stringify(RemindPayload.parse(payload))) as JsonValue });
  };
  return { ...result, effects: [...(result.effects ?? []), sync] };
}

/** The reminder job: idempotent, it says nothing unless the very same step of the analysis is still waiting. */
const remind: JobHandler = async (raw, { ports }) => {
  const p = RemindPayload.safeParse(raw);
  if (!p.success) return void ports.log.warn({ job: 'whys.remind' }, 'dropped a reminder with an unreadable payload');
  const open = sessions.parse(await ports.store.get(sessions.name, p.data.sessionKey))?.dialog;
  const state = open?.id === WHYS ? WhysStateSchema.safeParse(open.state) : undefined;
  if (!state?.success || state.data.id !== p.data.dialogId || state.data.updatedAt !== p.data.updatedAt || state.data.step === 'summary') return;
  const t = m(state.data.lang);
  const hoursLeft = Math.max(1, Math.round(ports.settings.dialogIdleHours - remindAfterHours(ports.settings.dialogIdleHours)));
  const last = state.data.chain.at(-1)?.answer ?? state.data.problem ?? '';
  const text = state.data.step === 'problem' ? t.reminderProblem(hoursLeft) : t.reminder(state.data.chain.length + 1, MAX_WHYS, quoteUserText(last, 200), hoursLeft);
  await ports.messenger.post(p.data.conversation, { text, buttons: controls(state.data) }, { privateTo: p.data.user });
};

export const whysDialog = defineDialog<WhysState, WhysStart>({
  id: WHYS,
  version: WHYS_VERSION,
  state: WhysStateSchema,
  start: (options, ctx) => withReminder(waiting(startWhys({ ...options, id: ctx.ports.newId() }, ctx))),
  step: (state, input, ctx) => withReminder(step(state, input, ctx)),
  expired: (lang) => say(m(lang).expired),
  outdated: (lang) => say(m(lang).outdated),
  replaced: (state, lang) => (state.step === 'summary' ? undefined : say(m(lang).replaced)),
});

/** Starts an analysis with the user's country from the profile. */
export async function beginWhys(ctx: TurnContext, options: Omit<WhysStart, 'country' | 'lang'> & { lang?: Lang }): Promise<void> {
  const profile = await readProfile(ctx.ports.store, ctx.userKey, ctx.now);
  await ctx.beginDialog(whysDialog, { ...options, lang: options.lang ?? ctx.lang, country: profile.country });
}

/** "5 whys: our sales in Norway stall" states the problem at once; three words at least, or it is not one. */
function problemOf(text: string): string | undefined {
  const statement = text.replace(/^.*?(5|five|fünf|fem)[\s-]*(whys?|warums?|varför)\s*[:,-]?\s*/i, '').trim();
  return statement !== text && statement.split(/\s+/).length >= 3 ? statement : undefined;
}

const Problem = z.object({ rest: z.string() }).transform((a: Pick<CommandArgs, 'rest'>) => a.rest.trim());
const noOpen: Handler<unknown> = async (ctx) => void (await ctx.say(say(m(ctx.lang).noOpenAnalysis)));

export const whys = defineFeature({
  id: WHYS,
  dialogs: [whysDialog],
  commands: [
    command(WHYS, {
      id: 'whys.start',
      words: words(['5 whys', 'five whys', 'whys', '5-whys'], ['5 warum', 'fünf warum', '5-warum'], ['5 varför', 'fem varför', '5-varför']),
      args: Problem,
      usage: (lang) => m(lang).usage,
      run: (ctx, problem) => beginWhys(ctx, { problem: problem.split(/\s+/).length >= 3 ? problem : undefined }),
    }),
    command(WHYS, { id: 'whys.stop', words: words(['stop', 'cancel', 'quit', 'exit'], ['stopp', 'abbrechen', 'beenden'], ['avbryt', 'sluta', 'avsluta']), run: noOpen }),
    command(WHYS, { id: 'whys.back', words: words(['back', 'go back', 'undo'], ['zurück', 'zuruck', 'zurueck'], ['tillbaka', 'gå tillbaka']), run: noOpen }),
    command(WHYS, { id: 'whys.restart', words: words(['restart', 'start over', 'start again'], ['neu starten', 'neustart', 'von vorne'], ['börja om', 'borja om', 'starta om']), run: noOpen }),
    command(WHYS, {
      id: 'whys.root',
      words: words(
        ["that's the root cause", 'this is the root cause', 'root cause', 'that is the root cause', 'thats the root cause'],
        ['das ist die ursache', 'das ist die grundursache', 'grundursache'],
        ['det är grundorsaken', 'det ar grundorsaken', 'grundorsak', 'rotorsak', 'det är rotorsaken'],
      ),
      run: noOpen,
    }),
    command(WHYS, { id: 'whys.save', words: words(['save', 'save it', 'save analysis'], ['speichern'], ['spara']), run: noOpen }),
    command(WHYS, { id: 'whys.share', words: words(['share', 'share to channel', 'share to the channel'], ['teilen', 'im kanal teilen'], ['dela', 'dela i kanalen']), run: noOpen }),
  ],
  intents: {
    start_whys: (ctx, c) => beginWhys(ctx, { problem: problemOf(c.text), lang: c.lang }),
  },
  actions: {
    start: async (ctx, a) => {
      const barrier = a.value ? ctx.ports.knowledge.barrierById.get(a.value) : undefined;
      if (a.value && !barrier) return void (await ctx.say(say(m(ctx.lang).unknownBarrier)));
      await beginWhys(ctx, { problem: barrier && tr(barrier, 'text', ctx.lang), barrierId: barrier?.id, lang: ctx.lang });
    },
    // Buttons of a dialogue that is no longer open in this session.
    '*': async (ctx) => void (await ctx.say(say(m(ctx.lang).stale))),
  },
  jobs: { remind },
  help: (lang) => m(lang).help,
});
