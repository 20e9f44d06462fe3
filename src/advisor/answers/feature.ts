/**
 * Answers to domain questions from the dataset, "more" of the last answer, and the one-step "which topic did you
 * mean?" dialogue when the matcher cannot choose between two topics.
 */
import { z } from 'zod';
import type { Lang } from '../../common/lang.js';
import { TOPICS, isTopic, type Topic } from '../../common/topics.js';
import { pickedNumber, type CommandArgs } from '../../core/commands.js';
import { userKeyOf, type TurnContext } from '../../core/context.js';
import { defineDialog, type DialogStep } from '../../core/dialog.js';
import { command, defineFeature, type Handler } from '../../core/feature.js';
import type { Classification } from '../../nlu/matcher.js';
import { isDomainIntent } from '../../nlu/intents.js';
import { defineCollection } from '../../store/collections.js';
import { ownerPrefix } from '../../store/store.js';
import { patchProfile, readProfile } from '../profile/model.js';
import { countryQuestion, sectorQuestion, setCountry } from '../profile/feature.js';
import type { Entity } from '../../nlu/entities.js';
import { composeAnswer, guidesFor } from './compose.js';
import { homeAndTargets, statedHomeCountry } from '../../nlu/home.js';
import { countryName } from '../../common/countries.js';
import { answersMessages as m } from './messages.js';

const ANSWERS = 'answers';
/** "more" continues an answer for a day; an older one is gone (the record expires). */
const LAST_ANSWER_HOURS = 24;

const EntityJson = z.object({ type: z.enum(['country', 'certification', 'sector']), value: z.string(), text: z.string() });
const LastAnswer = z.object({
  question: z.string(),
  topic: z.enum(TOPICS),
  lang: z.enum(['en', 'de', 'sv']),
  /** The home country the answer was for (stated or from the profile). */
  country: z.string().optional(),
  targets: z.array(z.string()).default([]),
  sector: z.string().optional(),
  entities: z.array(EntityJson),
  page: z.number().int().min(0),
});
/** Keyed by the session key (user, conversation, thread): one file per user in the embedded store. */
const lastAnswers = defineCollection('last_answers', LastAnswer, { split: 'owner', segments: 3 });
const expiry = (now: Date) => ({ expiresAt: new Date(now.getTime() + LAST_ANSWER_HOURS * 3600_000) });

interface Question {
  question: string;
  topic: Topic;
  lang: Lang;
  entities: Entity[];
}

async function answer(ctx: TurnContext, q: Question): Promise<void> {
  const t = m(ctx.lang);
  const profile = await readProfile(ctx.ports.store, ctx.userKey, ctx.now);
  // A country named in the question is a target market, unless the user says it is theirs.
  const { home: stated, targets } = homeAndTargets(q.question, q.entities);
  const home = stated ?? profile.country;
  const sector = q.entities.find((e) => e.type === 'sector')?.value ?? profile.sector;
  const request = { ...q, home, targets, sector, page: 0 };
  const found = guidesFor(request, ctx.ports.retrieval);
  const guide = found[0]?.guide;
  // The body to go to depends on where the company is, which is unknown: ask once, then answer at once.
  if (guide?.askHome && !home && !profile.askedCountry) {
    await patchProfile(ctx.ports.store, ctx.userKey, { askedCountry: true, pending: { text: q.question, at: ctx.now.toISOString() } }, ctx.now);
    return void (await ctx.beginDialog(homeDialog, { title: guide[ctx.lang].title, lang: ctx.lang }));
  }
  if (stated && stated !== profile.country) await patchProfile(ctx.ports.store, ctx.userKey, { country: stated, askedCountry: true }, ctx.now);
  const reply = composeAnswer(request, ctx.ports.knowledge, ctx.ports.retrieval, found);
  if (!reply) return void (await ctx.say({ text: t.nothingOn(t.topics[q.topic]) }));
  await lastAnswers.put(ctx.ports.store, ctx.sessionKey, { question: q.question, topic: q.topic, lang: q.lang, entities: q.entities, country: home, targets, sector, page: 0 }, expiry(ctx.now));
  await ctx.say(reply.message);
  if (stated && stated !== profile.country) await ctx.say({ text: t.homeNoted(countryName(stated, ctx.lang)) });
  if (!home && !profile.askedCountry) {
    await patchProfile(ctx.ports.store, ctx.userKey, { askedCountry: true }, ctx.now);
    await ctx.say(countryQuestion(ctx.lang));
  } else if (!sector && !profile.askedSector && profile.askedCountry) {
    await patchProfile(ctx.ports.store, ctx.userKey, { askedSector: true }, ctx.now);
    await ctx.say(sectorQuestion(ctx.lang));
  }
}

/** Pages of one answer a user can go through with "more". */
const MAX_PAGE = 50;

/**
 * The next page of the last answer, or the page a "more" button names: pressing a button twice, or an older one,
 * shows that page again instead of skipping one.
 */
async function more(ctx: TurnContext, requested?: number): Promise<void> {
  const t = m(ctx.lang);
  const last = await lastAnswers.get(ctx.ports.store, ctx.sessionKey);
  if (!last) return void (await ctx.say({ text: t.nothingMore }));
  const page = requested !== undefined && requested >= 1 && requested <= last.page + 1 ? requested : last.page + 1;
  if (page > MAX_PAGE) return void (await ctx.say({ text: t.everything }));
  const reply = composeAnswer({ ...last, home: last.country, page }, ctx.ports.knowledge, ctx.ports.retrieval);
  if (!reply) return void (await ctx.say({ text: t.everything }));
  if (page > last.page) await lastAnswers.put(ctx.ports.store, ctx.sessionKey, { ...last, page }, expiry(ctx.now));
  await ctx.say(reply.message);
}

const HomeState = z.object({ title: z.string(), lang: z.enum(['en', 'de', 'sv']) });
type HomeState = z.infer<typeof HomeState>;
/** A reply to "which country is your company in?" is a country name, perhaps in a short sentence ("Austria", "in Schweden"). */
const HOME_REPLY_MAX_WORDS = 6;

/**
 * "Which country is your company based in?" before a guide whose body depends on it. The question waits in the
 * profile (pending); a button, a country name or "my country is …" saves the country, and the question is answered.
 */
const homeDialog = defineDialog<HomeState, HomeState>({
  id: 'answers.home',
  version: 1,
  state: HomeState,
  closeOnInterrupt: true,
  start: (s) => {
    const ask = countryQuestion(s.lang);
    return {
      status: 'waiting',
      state: s,
      messages: [{ text: m(s.lang).askHome(s.title), buttons: (ask.buttons ?? []).map((b) => ({ ...b, action: { id: 'answers.home', value: b.action.value } })) }],
    };
  },
  step: (s, input, ctx): DialogStep<HomeState> => {
    if (input.kind === 'action') {
      if (input.action.id !== 'answers.home') return { status: 'pass' };
      const code = input.action.value;
      return { status: 'complete', effects: [(turn) => setCountry(turn, code)] };
    }
    // The reply is the country ("Austria", "Sweden."), or a statement of it ("we are in Austria"); a question that
    // names a country ("What about VAT in Germany?") is a new question, not the answer.
    const entities = ctx.ports.matcher.entities.extract(input.text).filter((e) => e.type === 'country');
    const rest = entities.reduce((t, e) => t.split(e.text).join(' '), input.text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const alone = entities.length === 1 && rest === '';
    const stated = input.text.split(/\s+/).filter(Boolean).length <= HOME_REPLY_MAX_WORDS ? statedHomeCountry(input.text, entities) : undefined;
    const country = alone ? entities[0]!.value : stated;
    if (!country) return { status: 'pass', close: true };
    return { status: 'complete', effects: [(turn) => setCountry(turn, country)] };
  },
});

const ClarifyState = z.object({ question: z.string(), options: z.array(z.enum(TOPICS)).length(2), lang: z.enum(['en', 'de', 'sv']) });
type ClarifyState = z.infer<typeof ClarifyState>;

/** Answers the question that waited for "which topic did you mean?". */
const answerAs = (s: ClarifyState, topic: Topic) => async (ctx: TurnContext) =>
  answer(ctx, { question: s.question, topic, lang: s.lang, entities: ctx.ports.matcher.entities.extract(s.question) });

const clarifyDialog = defineDialog<ClarifyState, ClarifyState>({
  id: 'answers.clarify',
  version: 1,
  state: ClarifyState,
  closeOnInterrupt: true,
  start: (s) => {
    const t = m(s.lang);
    const [a, b] = s.options as [Topic, Topic];
    return {
      status: 'waiting',
      state: s,
      messages: [{ text: t.clarify(t.topics[a], t.topics[b]), buttons: s.options.map((o) => ({ label: t.topics[o], action: { id: 'answers.clarify', value: o } })) }],
    };
  },
  step: (s, input): DialogStep<ClarifyState> => {
    const t = m(s.lang);
    if (input.kind === 'action') {
      if (input.action.id !== 'answers.clarify') return { status: 'pass' };
      const topic = s.options.find((o) => o === input.action.value);
      return topic ? { status: 'complete', effects: [answerAs(s, topic)] } : { status: 'complete', messages: [{ text: t.choiceGone }] };
    }
    const lower = input.text.toLowerCase();
    const pick = pickedNumber(lower);
    const topic = pick !== undefined ? s.options[pick - 1] : s.options.find((o) => lower === o || lower === o.replace('_', ' ') || lower === t.topics[o].toLowerCase());
    return topic ? { status: 'complete', effects: [answerAs(s, topic)] } : { status: 'pass', close: true };
  },
});

const Question = z.object({ rest: z.string().min(1, 'ask what?') }).transform((a: Pick<CommandArgs, 'rest'>) => a.rest);
const onTopic: Handler<Classification> = (ctx, c) => (isDomainIntent(c.intent) ? answer(ctx, { question: c.text, topic: c.intent, lang: c.lang, entities: c.entities }) : Promise.resolve());

export const answers = defineFeature({
  id: ANSWERS,
  collections: [lastAnswers],
  dialogs: [clarifyDialog, homeDialog],
  commands: [
    command(ANSWERS, { id: 'answers.more', words: { en: ['more', 'show more', 'tell me more'], de: ['mehr', 'mehr anzeigen'], sv: ['mer', 'visa mer', 'berätta mer'] }, run: more }),
    command(ANSWERS, { id: 'answers.ask', words: { en: ['ask'], de: ['frage'], sv: ['fråga'] }, args: Question, usage: (lang) => m(lang).askUsage, run: (ctx, q) => ctx.handleText(q) }),
  ],
  intents: {
    ...Object.fromEntries(TOPICS.map((topic) => [topic, onTopic])),
    clarify: async (ctx, c) => {
      const options = [c.intent, c.alternatives[0]?.intent].filter((i): i is Topic => i !== undefined && isTopic(i));
      if (options.length < 2) return onTopic(ctx, c);
      // A guide that answers the question settles which of the two topics it is about: no need to ask.
      const { targets } = homeAndTargets(c.text, c.entities);
      const guide = guidesFor({ question: c.text, lang: c.lang, topic: undefined, targets }, ctx.ports.retrieval)[0]?.guide;
      const topic = guide && options.find((o) => o === guide.topic || guide.alsoTopics?.includes(o));
      if (topic) return answer(ctx, { question: c.text, topic, lang: c.lang, entities: c.entities });
      await ctx.beginDialog(clarifyDialog, { question: c.text, options, lang: c.lang });
    },
  },
  actions: {
    more: (ctx, a) => more(ctx, /^\d{1,2}$/.test(a.value) ? Number(a.value) : undefined),
    ask: (ctx, a) => ctx.handleText(a.value),
    clarify: async (ctx) => void (await ctx.say({ text: m(ctx.lang).choiceGone })),
    // A country button pressed after its question closed: saved all the same.
    home: (ctx, a) => setCountry(ctx, a.value),
  },
  legacyActions: { 'answer.more': 'more', ask: 'ask', 'clarify.pick': 'clarify' },
  // The last answer is a convenience for "more": deleted silently.
  forget: async (user, ports) => void (await lastAnswers.deleteByPrefix(ports.store, ownerPrefix(userKeyOf(user)))),
  help: (lang) => m(lang).help,
});
