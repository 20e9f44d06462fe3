/**
 * The platform-neutral advisor. One entry point, `handle`, takes an inbound event and returns neutral replies.
 * A turn is one pipeline: validate → normalise → interrupts (help, stop, forget me, profile) → the active dialogue →
 * understand (language, intent, entities) → route → save state. All state lives in the Store.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Knowledge } from '../knowledge/dataset.js';
import type { RetrievalIndex } from '../knowledge/retrieval.js';
import { TOPICS, type Topic } from '../knowledge/schema.js';
import type { Entity } from '../nlu/entities.js';
import type { Matcher } from '../nlu/matcher.js';
import { isDomainIntent } from '../nlu/intents.js';
import { LANGS, type Lang } from '../nlu/text.js';
import {
  AnalysisSchema,
  WHYS_ACTIONS,
  WHYS_VERSION,
  WhysStateSchema,
  analysisMarkdown,
  conclude,
  countryName,
  renderSummary,
  startWhys,
  whysTurn,
  type Analysis,
  type WhysContext,
  type WhysInput,
  type WhysOutcome,
  type WhysState,
} from '../dialogs/whys.js';
import { ownedKey, ownerPrefix, recordKey, type JsonValue, type Store } from '../store/store.js';
import { ANSWER_ACTIONS, TOPIC_LABELS, composeAnswer } from './answers.js';
import { parseCommand, type Command } from './commands.js';
import { normaliseInput, quoteUserText } from './text.js';
import { InboundEventSchema, MAX_TEXT_LENGTH, type InboundEvent, type ParsedEvent, type Reply, type ReplyButton, type TurnResult } from './types.js';

export const SECTORS = ['automotive', 'ict', 'green_tech', 'food', 'medtech', 'machinery', 'textiles', 'construction', 'chemicals', 'logistics', 'other'] as const;
const SECTOR_LABELS: Record<(typeof SECTORS)[number], string> = {
  automotive: 'Automotive',
  ict: 'ICT / software',
  green_tech: 'Green technologies',
  food: 'Food and drink',
  medtech: 'Medtech',
  machinery: 'Machinery',
  textiles: 'Textiles',
  construction: 'Construction',
  chemicals: 'Chemicals and plastics',
  logistics: 'Logistics',
  other: 'Other',
};
/** Countries offered as one-click choices: those with national agencies in the dataset. */
const COUNTRY_CHOICES = ['SE', 'DE', 'AT', 'BE', 'NL', 'FR', 'IE', 'RO', 'BG', 'RS'];

export const ProfileSchema = z.object({
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  sector: z.enum(SECTORS).optional(),
  askedCountry: z.boolean().default(false),
  askedSector: z.boolean().default(false),
  updatedAt: z.string(),
});
export type Profile = z.infer<typeof ProfileSchema>;

const EntityJson = z.object({ type: z.enum(['country', 'certification', 'sector']), value: z.string(), text: z.string() });
const SessionSchema = z.object({
  version: z.literal(1),
  updatedAt: z.string(),
  whys: WhysStateSchema.optional(),
  pending: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('clarify'), question: z.string(), options: z.array(z.enum(TOPICS)).min(2), lang: z.enum(LANGS), at: z.string() }),
      z.object({ kind: z.literal('forget'), at: z.string() }),
    ])
    .optional(),
  lastAnswer: z
    .object({
      question: z.string(),
      topic: z.enum(TOPICS),
      lang: z.enum(LANGS),
      country: z.string().optional(),
      entities: z.array(EntityJson),
      page: z.number().int().min(0),
    })
    .optional(),
});
type Session = z.infer<typeof SessionSchema>;

/** Work that needs the store beyond the session record; run after the session is saved. */
type Effect =
  | { kind: 'profile'; patch: Partial<Profile> }
  | { kind: 'clear_profile' }
  | { kind: 'save_analysis'; analysis: Analysis }
  | { kind: 'list_analyses' }
  | { kind: 'export_analysis'; id: string }
  | { kind: 'export_listed'; index: number }
  | { kind: 'forget' };

interface Turn {
  session: Session;
  replies: Reply[];
  effects: Effect[];
}

export interface AdvisorDeps {
  store: Store;
  matcher: Matcher;
  knowledge: Knowledge;
  retrieval: RetrievalIndex;
  logger?: Logger;
  /** Injected so tests can move time (dialogue expiry). */
  clock?: () => Date;
  dialogIdleHours?: number;
  /** Language assumed for short messages when the client sends no locale. */
  defaultLang?: Lang;
  newId?: () => string;
}

export class Advisor {
  private readonly clock: () => Date;
  private readonly idleMs: number;
  private readonly newId: () => string;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: AdvisorDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.idleMs = (deps.dialogIdleHours ?? 24) * 3600_000;
    this.newId = deps.newId ?? (() => crypto.randomUUID());
  }

  /** Handles one inbound event and returns the replies. Never throws for bad input: it answers it. */
  async handle(input: InboundEvent): Promise<TurnResult> {
    const parsed = InboundEventSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { replies: [{ text: `Sorry, I could not read that message: ${issue.path.join('.') || 'event'}: ${issue.message}.` }] };
    }
    const event = parsed.data;
    if (event.text !== undefined && event.action === undefined) {
      const length = event.text.length;
      if (length > MAX_TEXT_LENGTH) {
        return { replies: [{ text: `That message is ${length.toLocaleString('en')} characters long. Please keep it under ${MAX_TEXT_LENGTH.toLocaleString('en')} characters: a sentence or two is enough. Nothing was changed.` }] };
      }
      if (normaliseInput(event.text) === '') {
        return { replies: [{ text: "I didn't get any text. Ask me a question about going international, or type **help**." }] };
      }
    }
    const userKey = recordKey(event.channel, event.team ?? '-', event.user);
    const sessionKey = ownedKey(userKey, event.conversation, event.thread ?? '-');
    return this.inOrder(sessionKey, () => this.turn(event, userKey, sessionKey));
  }

  /**
   * Turns of one user in one conversation run one after another, in arrival order: a user who types three answers
   * quickly must see them applied in that order. Different users and conversations run concurrently.
   */
  private inOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  private async turn(event: ParsedEvent, userKey: string, sessionKey: string): Promise<TurnResult> {
    const started = performance.now();
    const profile = await this.profile(userKey);
    let turn: Turn | undefined;
    await this.deps.store.update<JsonValue>('dialogs', sessionKey, (stored) => {
      turn = this.step(this.readSession(stored), event, profile);
      const s = turn.session;
      return s.whys || s.pending || s.lastAnswer ? (s as unknown as JsonValue) : undefined;
    });
    const replies = [...turn!.replies];
    for (const effect of turn!.effects) replies.push(...(await this.apply(effect, userKey, profile)));
    // Operational facts only: never the user's text or ids at info level.
    this.deps.logger?.info(
      { channel: event.channel, kind: event.action ? 'action' : 'text', dialogue: turn!.session.whys?.step ?? null, replies: replies.length, ms: Math.round(performance.now() - started) },
      'turn handled',
    );
    return { replies };
  }

  /** What a home screen shows a user (Slack App Home): their profile and saved analyses. */
  async overview(who: { channel: ParsedEvent['channel']; team?: string; user: string }): Promise<Reply[]> {
    const userKey = recordKey(who.channel, who.team ?? '-', who.user);
    const profile = await this.profile(userKey);
    return [profileReply(profile), ...(await this.apply({ kind: 'list_analyses' }, userKey, profile))];
  }

  private readSession(stored: unknown): Session {
    const now = this.clock();
    const parsed = SessionSchema.safeParse(stored);
    if (stored === undefined || !parsed.success) return { version: 1, updatedAt: now.toISOString() };
    // "more" continues a recent answer only; one older than the idle limit is dropped (and with it the record, if empty).
    if (parsed.data.lastAnswer && now.getTime() - Date.parse(parsed.data.updatedAt) > this.idleMs) return { ...parsed.data, lastAnswer: undefined };
    return parsed.data;
  }

  private async profile(userKey: string): Promise<Profile> {
    const raw = await this.deps.store.get('profiles', userKey);
    const parsed = ProfileSchema.safeParse(raw);
    return parsed.success ? parsed.data : { askedCountry: false, askedSector: false, updatedAt: this.clock().toISOString() };
  }

  private whysContext(country: string | undefined): WhysContext {
    return { knowledge: this.deps.knowledge, retrieval: this.deps.retrieval, country, now: this.clock() };
  }

  /** The synchronous heart of a turn: (session, event) → (session, replies, effects). */
  private step(session: Session, event: ParsedEvent, profile: Profile): Turn {
    const now = this.clock();
    const t: Turn = { session: { ...session, updatedAt: now.toISOString() }, replies: [], effects: [] };
    const s = t.session;
    if (s.whys && s.whys.version !== WHYS_VERSION) {
      // The dialogue's script changed since this one started: close it cleanly rather than misread its state.
      t.replies.push({ text: 'The 5-Whys dialogue was updated since you started your analysis, so I closed it. Type **5 whys** to start again.' });
      s.whys = undefined;
    } else if (s.whys && now.getTime() - Date.parse(s.whys.updatedAt) > this.idleMs) {
      t.replies.push({ text: 'Your unfinished 5-Whys analysis was closed after a long time without activity. Type **5 whys** to start a new one.' });
      s.whys = undefined;
    }
    if (s.pending && now.getTime() - Date.parse(s.pending.at) > this.idleMs) s.pending = undefined;
    if (event.action) this.onAction(t, event, profile);
    else this.onText(t, normaliseInput(event.text ?? ''), event, profile);
    return t;
  }

  private onAction(t: Turn, event: ParsedEvent, profile: Profile): void {
    const { id, value } = event.action!;
    const s = t.session;
    const stale = (): void => {
      t.replies.push({ text: 'That button belongs to an analysis that is no longer open (or is not yours). Type **5 whys** to start a new one.' });
    };
    const whysFor = (dialogId: string): WhysState | undefined => (s.whys && s.whys.id === dialogId ? s.whys : undefined);
    switch (id) {
      case WHYS_ACTIONS.start: {
        const barrier = this.deps.knowledge.barrierById.get(value);
        if (value && !barrier) {
          t.replies.push({ text: 'I do not know that barrier any more. Type **5 whys** to start an analysis with your own words.' });
          return;
        }
        this.beginWhys(t, profile, { problem: barrier?.text, barrierId: barrier?.id, lang: 'en' });
        return;
      }
      case WHYS_ACTIONS.pick: {
        const [dialogId = '', rootCauseId = ''] = value.split('|');
        const w = whysFor(dialogId);
        if (!w) return stale();
        return this.continueWhys(t, w, { kind: 'pick', rootCauseId }, profile);
      }
      case WHYS_ACTIONS.back:
      case WHYS_ACTIONS.restart:
      case WHYS_ACTIONS.root:
      case WHYS_ACTIONS.stop:
      case WHYS_ACTIONS.save:
      case WHYS_ACTIONS.export:
      case WHYS_ACTIONS.share: {
        const w = whysFor(value);
        if (!w) return stale();
        const command: Record<string, Command> = {
          [WHYS_ACTIONS.back]: { kind: 'back' },
          [WHYS_ACTIONS.restart]: { kind: 'restart' },
          [WHYS_ACTIONS.root]: { kind: 'root_cause' },
          [WHYS_ACTIONS.stop]: { kind: 'stop' },
          [WHYS_ACTIONS.save]: { kind: 'save' },
          [WHYS_ACTIONS.export]: { kind: 'export' },
          [WHYS_ACTIONS.share]: { kind: 'share' },
        };
        this.whysCommand(t, w, command[id]!, profile);
        return;
      }
      case ANSWER_ACTIONS.more:
        return this.more(t);
      case ANSWER_ACTIONS.ask:
        return this.onText(t, normaliseInput(value), event, profile);
      case 'clarify.pick': {
        const pending = s.pending?.kind === 'clarify' ? s.pending : undefined;
        const topic = TOPICS.find((x) => x === value);
        if (!pending || !topic || !pending.options.includes(topic)) {
          t.replies.push({ text: 'That choice is no longer open. Please ask your question again.' });
          return;
        }
        s.pending = undefined;
        return this.answerClarified(t, pending, topic, profile);
      }
      case 'forget.confirm':
      case 'forget.cancel':
        if (s.pending?.kind !== 'forget') {
          t.replies.push({ text: 'There is no deletion waiting for confirmation. Type **forget me** to delete your data.' });
          return;
        }
        s.pending = undefined;
        if (id === 'forget.confirm') t.effects.push({ kind: 'forget' });
        else t.replies.push({ text: 'Nothing was deleted.' });
        return;
      case 'profile.country':
        return this.setCountry(t, value, profile);
      case 'profile.sector':
        return this.setSector(t, value);
      case 'analysis.export':
        t.effects.push({ kind: 'export_analysis', id: value });
        return;
      default:
        t.replies.push({ text: `I do not recognise that button (${quoteUserText(id, 60)}). It may come from an older message; type **help** to see what I can do.` });
    }
  }

  private onText(t: Turn, text: string, event: ParsedEvent, profile: Profile): void {
    const s = t.session;
    const command = parseCommand(text);

    if (s.pending?.kind === 'forget') {
      s.pending = undefined;
      if (command?.kind === 'yes') return void t.effects.push({ kind: 'forget' });
      if (command?.kind === 'no') return void t.replies.push({ text: 'Nothing was deleted.' });
    }
    if (s.pending?.kind === 'clarify') {
      const pending = s.pending;
      s.pending = undefined;
      const byNumber = command?.kind === 'pick' ? pending.options[command.index - 1] : undefined;
      const lower = text.toLowerCase();
      const byName = pending.options.find((o) => lower === o || lower === o.replace('_', ' ') || lower === TOPIC_LABELS[o].toLowerCase());
      const topic = byNumber ?? byName;
      if (topic) return this.answerClarified(t, pending, topic, profile);
    }

    switch (command?.kind) {
      case 'help':
        t.replies.push(helpReply(Boolean(s.whys && s.whys.step !== 'summary')));
        return;
      case 'forget_me':
        s.pending = { kind: 'forget', at: t.session.updatedAt };
        t.replies.push({
          text: 'This deletes your profile, your saved 5-Whys analyses and your open dialogues with me, everywhere. It cannot be undone. Delete? Type **yes** or **no**.',
          buttons: [
            { label: 'Yes, delete my data', action: { id: 'forget.confirm', value: '' }, style: 'danger' },
            { label: 'No', action: { id: 'forget.cancel', value: '' } },
          ],
        });
        return;
      case 'my_analyses':
        return void t.effects.push({ kind: 'list_analyses' });
      case 'show_profile':
        t.replies.push(profileReply(profile));
        return;
      case 'set_country':
        return this.setCountry(t, command.value, profile);
      case 'set_sector':
        return this.setSector(t, command.value);
      case 'clear_profile':
        return void t.effects.push({ kind: 'clear_profile' });
      case 'export_listed':
        return void t.effects.push({ kind: 'export_listed', index: command.index });
    }

    if (s.whys) {
      const w = s.whys;
      if (command && ['stop', 'back', 'restart', 'root_cause', 'save', 'export', 'share'].includes(command.kind)) return this.whysCommand(t, w, command, profile);
      if (command?.kind === 'pick' && w.step === 'why' && w.picks.length > 0) return this.continueWhys(t, w, { kind: 'pick_number', index: command.index }, profile);
      if (w.step !== 'summary') return this.continueWhys(t, w, { kind: 'text', text }, profile);
      // After the summary, anything else is a new request: the finished analysis stays available until then.
      s.whys = undefined;
    }

    if (command?.kind === 'more') return this.more(t);
    if (command && ['save', 'export', 'share', 'back', 'restart', 'root_cause', 'stop'].includes(command.kind)) {
      t.replies.push({ text: 'There is no open 5-Whys analysis right now. Type **5 whys** to start one, or ask me a question.' });
      return;
    }

    const hint = localeLang(event.locale) ?? this.deps.defaultLang;
    const c = this.deps.matcher.classify(text, hint);
    const decision = this.deps.matcher.decide(c);
    if (decision === 'reject') {
      t.replies.push(outOfScopeReply());
      return;
    }
    if (decision === 'clarify') {
      const options = [c.intent, c.alternatives[0]!.intent].filter((i): i is Topic => isDomainIntent(i));
      s.pending = { kind: 'clarify', question: text, options, lang: c.lang, at: t.session.updatedAt };
      t.replies.push({
        text: `Do you mean **${TOPIC_LABELS[options[0]!]}** (1) or **${TOPIC_LABELS[options[1]!]}** (2)? Type 1 or 2, or pick one.`,
        buttons: options.map((o) => ({ label: TOPIC_LABELS[o], action: { id: 'clarify.pick', value: o } })),
      });
      return;
    }
    switch (c.intent) {
      case 'greeting':
      case 'help':
        t.replies.push(helpReply(false));
        return;
      case 'start_whys': {
        // A message that already states the problem ("5 whys: our sales in Norway stall") starts at the first Why.
        const statement = text.replace(/^.*?(5|five|fünf|fem)[\s-]*(whys?|warums?|varför)\s*[:,-]?\s*/i, '').trim();
        const problem = statement !== text && statement.split(/\s+/).length >= 3 ? statement : undefined;
        this.beginWhys(t, profile, { problem, lang: c.lang });
        return;
      }
      case 'create_poll':
      case 'create_survey':
        t.replies.push({
          text: `${c.intent === 'create_poll' ? 'Polls for cluster members' : 'Barrier surveys over direct messages'} are not available in this version of the advisor yet. Meanwhile I can answer questions about going international and run a 5-Whys analysis with you.`,
        });
        return;
      case 'out_of_scope':
        t.replies.push(outOfScopeReply());
        return;
      default:
        this.answer(t, { question: text, topic: c.intent, lang: c.lang, entities: c.entities }, profile);
    }
  }

  private answer(t: Turn, q: { question: string; topic: Topic; lang: Lang; entities: Entity[] }, profile: Profile): void {
    const named = q.entities.find((e) => e.type === 'country')?.value;
    const country = named ?? profile.country;
    const sector = q.entities.find((e) => e.type === 'sector')?.value ?? profile.sector;
    const reply = composeAnswer({ ...q, country, sector, page: 0 }, this.deps.knowledge, this.deps.retrieval);
    if (!reply) {
      t.replies.push({ text: `I have nothing on ${TOPIC_LABELS[q.topic].toLowerCase()} for that yet. Try other words, or type **help**.` });
      return;
    }
    t.replies.push(reply);
    t.session.lastAnswer = { question: q.question, topic: q.topic, lang: q.lang, country, entities: q.entities, page: 0 };
    if (!country && !profile.askedCountry) {
      t.replies.push({
        text: 'Which country is your company based in? Then I can add national agencies. Pick one, or type e.g. _my country is Sweden_.',
        buttons: COUNTRY_CHOICES.map((c) => ({ label: countryName(c), action: { id: 'profile.country', value: c } })),
      });
      t.effects.push({ kind: 'profile', patch: { askedCountry: true } });
    } else if (!sector && !profile.askedSector && profile.askedCountry) {
      t.replies.push({
        text: 'Which sector are you in? It sharpens my answers. Pick one, or type e.g. _set sector automotive_.',
        buttons: SECTORS.filter((x) => x !== 'other').slice(0, 6).map((x) => ({ label: SECTOR_LABELS[x], action: { id: 'profile.sector', value: x } })),
      });
      t.effects.push({ kind: 'profile', patch: { askedSector: true } });
    }
  }

  /** Answers the question that waited for "which topic did you mean?". */
  private answerClarified(t: Turn, pending: { question: string; lang: Lang }, topic: Topic, profile: Profile): void {
    this.answer(t, { question: pending.question, topic, lang: pending.lang, entities: this.deps.matcher.entities.extract(pending.question) }, profile);
  }

  private more(t: Turn): void {
    const last = t.session.lastAnswer;
    if (!last) {
      t.replies.push({ text: 'There is nothing to show more of yet. Ask me a question first.' });
      return;
    }
    const page = last.page + 1;
    const reply = composeAnswer({ ...last, sector: undefined, page }, this.deps.knowledge, this.deps.retrieval);
    if (!reply) {
      t.replies.push({ text: 'That was everything I have on this. Ask another question, or type **5 whys** to dig into a problem.' });
      return;
    }
    t.session.lastAnswer = { ...last, page };
    t.replies.push(reply);
  }

  private beginWhys(t: Turn, profile: Profile, opts: { problem?: string; barrierId?: string; lang: Lang }): void {
    if (t.session.whys && t.session.whys.step !== 'summary') t.replies.push({ text: 'I closed your previous, unfinished analysis and started a new one.' });
    const out = startWhys({ id: this.newId(), ...opts, now: this.clock() }, this.whysContext(profile.country));
    this.applyWhys(t, out);
  }

  private continueWhys(t: Turn, w: WhysState, input: WhysInput, profile: Profile): void {
    this.applyWhys(t, whysTurn(w, input, this.whysContext(profile.country)));
  }

  private applyWhys(t: Turn, out: WhysOutcome): void {
    t.session.whys = out.state;
    t.replies.push(...out.replies);
  }

  private whysCommand(t: Turn, w: WhysState, command: Command, profile: Profile): void {
    const ctx = this.whysContext(profile.country);
    switch (command.kind) {
      case 'stop':
        t.session.whys = undefined;
        t.replies.push({ text: w.step === 'summary' ? 'Closed the analysis.' : 'Stopped the analysis. Nothing was saved.' });
        return;
      case 'back':
        return this.applyWhys(t, whysTurn(w, { kind: 'back' }, ctx));
      case 'restart':
        return this.applyWhys(t, whysTurn(w, { kind: 'restart' }, ctx));
      case 'root_cause':
        if (w.step === 'summary') return void t.replies.push({ text: 'The analysis is already finished. Type **save**, **export** or **share**.' });
        return this.applyWhys(t, whysTurn(w, { kind: 'root_cause' }, ctx));
      case 'save':
      case 'export':
      case 'share': {
        if (w.step !== 'summary') {
          t.replies.push({ text: 'The analysis is not finished yet. Answer the next "Why?", or type **root cause** to finish here.' });
          return;
        }
        const analysis = conclude(w, ctx);
        if (command.kind === 'save') t.effects.push({ kind: 'save_analysis', analysis });
        else if (command.kind === 'export') t.replies.push(exportReply(analysis, this.deps.knowledge));
        else t.replies.push({ ...renderSummary(analysis, this.deps.knowledge), audience: 'channel' });
        return;
      }
      default:
        return;
    }
  }

  private setCountry(t: Turn, value: string, profile: Profile): void {
    const code = /^[A-Za-z]{2}$/.test(value) && countryName(value.toUpperCase()) !== value.toUpperCase() ? value.toUpperCase() : this.deps.matcher.entities.extract(value).find((e) => e.type === 'country')?.value;
    if (!code) {
      t.replies.push({ text: `I don't know the country “${quoteUserText(value, 60)}”. Type its English name, e.g. _my country is Sweden_, or a two-letter code such as SE.` });
      return;
    }
    t.effects.push({ kind: 'profile', patch: { country: code, askedCountry: true } });
    const has = this.deps.knowledge.data.agencies.some((a) => a.scope === code);
    t.replies.push({
      text: `Saved: your company is in **${countryName(code)}**.${has ? '' : ' I have no national agencies for it yet, so I will show EU-wide ones.'}${profile.sector ? '' : ' You can also tell me your sector, e.g. _set sector automotive_.'}`,
    });
  }

  private setSector(t: Turn, value: string): void {
    const v = value.toLowerCase().trim();
    const sector =
      SECTORS.find((x) => x === v || SECTOR_LABELS[x].toLowerCase() === v) ??
      (this.deps.matcher.entities.extract(value).find((e) => e.type === 'sector')?.value as Profile['sector'] | undefined);
    if (!sector) {
      t.replies.push({ text: `I don't know the sector “${quoteUserText(value, 60)}”. Choose one of: ${SECTORS.map((x) => SECTOR_LABELS[x]).join(', ')}.` });
      return;
    }
    t.effects.push({ kind: 'profile', patch: { sector, askedSector: true } });
    t.replies.push({ text: `Saved: your sector is **${SECTOR_LABELS[sector]}**.` });
  }

  /** Runs one effect against the store; returns the replies it produces. */
  private async apply(effect: Effect, userKey: string, profile: Profile): Promise<Reply[]> {
    const store = this.deps.store;
    const now = this.clock().toISOString();
    switch (effect.kind) {
      case 'profile':
        await store.update<JsonValue>('profiles', userKey, (cur) => {
          const base = ProfileSchema.safeParse(cur);
          return { ...(base.success ? base.data : profile), ...effect.patch, updatedAt: now } as unknown as JsonValue;
        });
        return [];
      case 'clear_profile': {
        const existed = await store.delete('profiles', userKey);
        return [{ text: existed ? 'Your profile (country and sector) was deleted.' : 'You have no saved profile.' }];
      }
      case 'save_analysis': {
        const a = effect.analysis;
        // The key holds the dialogue id, so saving the same analysis twice (a double click, a retry) keeps one copy.
        await store.put('analyses', ownedKey(userKey, a.createdAt.slice(0, 10), a.id), a as unknown as JsonValue);
        return [{ text: 'Saved. Type **my analyses** to see your saved analyses.' }];
      }
      case 'list_analyses': {
        const list = await this.analyses(userKey);
        if (list.length === 0) return [{ text: 'You have no saved analyses yet. Type **5 whys** to start one; save it at the end.' }];
        const shown = newestFirst(list);
        return [
          {
            text: `**Your saved analyses** (${list.length})\n${shown.map((a, i) => `${i + 1}. ${a.createdAt.slice(0, 10)}: ${quoteUserText(a.problem, 80)} → root cause: ${quoteUserText(a.rootCause, 80)}`).join('\n')}\nType e.g. **export 1** to get one as Markdown.`,
            buttons: shown.slice(0, 5).map((a, i): ReplyButton => ({ label: `Export ${i + 1}`, action: { id: 'analysis.export', value: a.id } })),
          },
        ];
      }
      case 'export_listed': {
        const a = newestFirst(await this.analyses(userKey))[effect.index - 1];
        return [a ? exportReply(a, this.deps.knowledge) : { text: `There is no analysis number ${effect.index}. Type **my analyses** to see the list.` }];
      }
      case 'export_analysis': {
        const a = (await this.analyses(userKey)).find((x) => x.id === effect.id);
        return [a ? exportReply(a, this.deps.knowledge) : { text: 'I cannot find that analysis among yours.' }];
      }
      case 'forget': {
        const profiles = (await store.delete('profiles', userKey)) ? 1 : 0;
        const analyses = await store.deleteByPrefix('analyses', ownerPrefix(userKey));
        const dialogs = await store.deleteByPrefix('dialogs', ownerPrefix(userKey));
        return [
          {
            text: `Done. I deleted ${profiles ? 'your profile' : 'no profile (none was saved)'}, ${analyses} saved analys${analyses === 1 ? 'is' : 'es'} and ${dialogs} open dialogue${dialogs === 1 ? '' : 's'}. I no longer hold any data about you.`,
          },
        ];
      }
    }
  }

  private async analyses(userKey: string): Promise<Analysis[]> {
    const rows = await this.deps.store.list('analyses', ownerPrefix(userKey), 500);
    return rows.flatMap((r) => {
      const p = AnalysisSchema.safeParse(r.value);
      return p.success ? [p.data] : [];
    });
  }
}

/** The ten most recent analyses, newest first: the numbering of "my analyses" and "export N". */
function newestFirst(list: Analysis[]): Analysis[] {
  return [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 10);
}

function localeLang(locale: string | undefined): Lang | undefined {
  const l = locale?.slice(0, 2).toLowerCase();
  return LANGS.find((x) => x === l);
}

function exportReply(a: Analysis, k: Knowledge): Reply {
  const md = analysisMarkdown(a, k);
  return {
    text: `Here is your analysis as Markdown:\n\`\`\`\n${md}\n\`\`\``,
    file: { name: `5-whys-${a.createdAt.slice(0, 10)}.md`, mimeType: 'text/markdown', content: md },
  };
}

function profileReply(p: Profile): Reply {
  return {
    text: `**Your profile**\nCountry: ${p.country ? countryName(p.country) : 'not set'}\nSector: ${p.sector ? SECTOR_LABELS[p.sector] : 'not set'}\nChange it by typing e.g. _my country is Sweden_ or _set sector automotive_; **clear profile** deletes it.`,
  };
}

const EXAMPLES = [
  'Do we need CE marking to sell machines in Norway?',
  'Which grants help us attend a trade fair abroad?',
  'How do we find a distributor in Germany?',
];

function helpReply(inWhys: boolean): Reply {
  return {
    text: [
      "Hi! I'm the **SME internationalisation advisor**. I answer from a curated, cited dataset (the GIVE focus group, EU and Swedish studies) and point you to support agencies in your country.",
      'Ask me, in English, German or Swedish, about: foreign markets, customs and trade rules, certification (CE, ISO…), financing, clusters and networks, skills, digital marketing, and strategy.',
      "Stuck? Type **5 whys** and I'll guide you to the root cause.",
      'Other commands: **my profile**, _my country is Sweden_, _set sector automotive_, **my analyses**, **more**, **forget me**.',
      inWhys ? '_Your 5-Whys analysis is still open: answer the last question, or type **stop**._' : undefined,
    ]
      .filter(Boolean)
      .join('\n'),
    buttons: [
      ...EXAMPLES.map((q) => ({ label: q, action: { id: ANSWER_ACTIONS.ask, value: q } })),
      { label: 'Start a 5-Whys analysis', action: { id: WHYS_ACTIONS.start, value: '' } },
    ],
  };
}

function outOfScopeReply(): Reply {
  return {
    text: "Sorry, that is outside what I can help with. I advise small and medium-sized companies on going international: markets, customs and trade rules, certification, financing, clusters, skills, digital marketing and strategy. Type **help** for examples.",
    buttons: EXAMPLES.slice(0, 2).map((q) => ({ label: q, action: { id: ANSWER_ACTIONS.ask, value: q } })),
  };
}
