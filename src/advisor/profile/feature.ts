/** Profile: the company's country and sector, used for agency links; shown, changed by text, buttons or a form. */
import { z } from 'zod';
import { COUNTRY_CHOICES, countryName } from '../../common/countries.js';
import { LANGS, type Lang } from '../../common/lang.js';
import type { CommandArgs } from '../../core/commands.js';
import type { TurnContext } from '../../core/context.js';
import { userKeyOf } from '../../core/context.js';
import { command, defineFeature, wordsIn as words } from '../../core/feature.js';
import type { Message } from '../../core/message.js';
import type { Ports } from '../../core/ports.js';
import { quoteUserText } from '../../core/text.js';
import { languageCommand, preferredLanguage, setLanguage } from './language.js';
import { languageMessages as lm } from './language-messages.js';
import { timeZoneCommand, timeZoneMessages as tzm } from './time-zone.js';
import { profileMessages as m } from './messages.js';
import { PENDING_MINUTES, SECTORS, countryCodeIn, patchProfile, profiles, readProfile, type Profile, type Sector } from './model.js';

const Rest = z.object({ rest: z.string().min(1) }).transform((a: Pick<CommandArgs, 'rest'>) => a.rest);
const PROFILE = 'profile';

/** A country name of up to four words (not a whole sentence: "we are in the process of exporting" is no country). */
const NAME = '(\\p{L}[\\p{L}.-]*(?:[\\s,]+\\p{L}[\\p{L}.-]*){0,3})[.!]?$';
const COUNTRY_PATTERNS = [
  // "my country is Sweden", "country: Sweden", "set country to Sweden": the word country with is, to, = or : .
  new RegExp(`^(?:please\\s+)?(?:set\\s+)?(?:(?:my|our)\\s+)?country\\s*(?:is|to|=|:)\\s+${NAME}`, 'u'),
  new RegExp(`^(?:setze\\s+)?(?:(?:mein|unser)\\s+)?land\\s*(?:ist|auf|=|:)\\s+${NAME}`, 'u'),
  new RegExp(`^(?:sätt\\s+)?(?:(?:mitt|vårt)\\s+)?land\\s*(?:är|till|=|:)\\s+${NAME}`, 'u'),
  // Whole-message statements of where the company is, with a verb that says so: "we are based in Austria",
  // "wir sitzen in Deutschland", "vårt företag finns i Sverige" ("we are in trouble" is no such statement).
  new RegExp(`^(?:we are|we're|i am|i'm|our company is|our firm is|my company is)\\s+(?:based|located|registered|established|headquartered)\\s+in\\s+(?:the\\s+)?${NAME}`, 'u'),
  new RegExp(`^(?:wir sitzen|wir sind ansässig|wir haben unseren sitz|unser unternehmen sitzt|unsere firma sitzt|unser sitz ist|wir kommen aus|ich komme aus)\\s+(?:in|im|aus)\\s+${NAME}`, 'u'),
  new RegExp(`^(?:vi finns|vi sitter|vi ligger|vi är baserade|vårt företag finns|vårt företag ligger|vårt företag sitter|vårt bolag finns|vårt bolag ligger|mitt företag finns)\\s+i\\s+${NAME}`, 'u'),
  // "We are a German firm", "wir sind ein deutsches Unternehmen", "vi är ett svenskt företag": the word must look
  // like a country adjective (German, Swedish, Dutch, Austrian; deutsches, österreichisches; svenskt, tyskt).
  /^(?:we are|we're|i am|i'm)\s+an?\s+(?:small\s+|medium-sized\s+|family\s+)?(\p{L}+(?:an|ish|ese|ch|i))\s+(?:company|firm|business|sme|manufacturer|exporter|start-?up)\.?$/u,
  /^(?:wir sind|ich bin)\s+(?:ein|eine)\s+(?:kleines\s+|kleine\s+|mittelständisches\s+)?(\p{L}+(?:isch|ische|isches|deutsche|deutsches))\s+(?:unternehmen|firma|betrieb|kmu|hersteller|gmbh)\.?$/u,
  /^(?:vi är|jag är)\s+(?:ett|en)\s+(?:litet\s+|liten\s+|mindre\s+)?(\p{L}+(?:sk|skt|ska))\s+(?:företag|bolag|tillverkare|exportör|småföretag)\.?$/u,
];
const SECTOR_PATTERNS = [
  /^(?:please\s+)?(?:set\s+)?(?:my\s+|our\s+)?(?:sector|industry)\s*(?:is|to|=|:)?\s+(.+)$/,
  /^(?:setze\s+)?(?:meine\s+|unsere\s+)?branche\s*(?:ist|auf|=|:)?\s+(.+)$/,
  /^(?:sätt\s+)?(?:min\s+|vår\s+)?bransch\s*(?:är|till|=|:)?\s+(.+)$/,
];

/** The profile as a message, with a form to change it (a Slack modal when opened from /advisor profile). */
export function profileMessage(p: Profile, lang: Lang, userId?: string): Message {
  const t = m(lang);
  const l = lm(lang);
  return {
    // The id is what an owner grants roles to (role add <id> manager); in the web chat the server issued it.
    text: `${t.profile(p.country ? countryName(p.country, lang) : undefined, p.sector ? t.sectors[p.sector] : undefined)}\n${l.line(p.language ? l.names[p.language] : undefined)}\n${tzm(lang).line(p.timeZone)}${userId ? `\n${t.yourId(quoteUserText(userId, 100))}` : ''}`,
    input: {
      kind: 'form',
      action: 'profile.save',
      title: t.formTitle,
      submit: t.formSubmit,
      fields: [
        { id: 'country', label: t.countryField, type: 'select', initial: p.country, options: countryOptions(lang) },
        { id: 'sector', label: t.sectorField, type: 'select', optional: true, initial: p.sector, options: SECTORS.map((s) => ({ value: s, label: t.sectors[s] })) },
        {
          id: 'language',
          label: l.field,
          type: 'select',
          optional: true,
          initial: p.language ?? 'auto',
          // Each language under its own name, so that a user who cannot read the current one still finds theirs.
          options: [{ value: 'auto', label: l.automaticOption }, ...LANGS.map((x) => ({ value: x, label: lm(x).names[x] }))],
        },
      ],
    },
  };
}

/** Buttons for the one-click country question. */
export function countryQuestion(lang: Lang): Message {
  return { text: m(lang).askCountry, buttons: COUNTRY_CHOICES.map((c) => ({ label: countryName(c, lang), action: { id: 'profile.country', value: c } })) };
}

/** Buttons for the one-click sector question. */
export function sectorQuestion(lang: Lang): Message {
  const t = m(lang);
  return { text: t.askSector, buttons: SECTORS.filter((x) => x !== 'other').slice(0, 6).map((x) => ({ label: t.sectors[x], action: { id: 'profile.sector', value: x } })) };
}

function countryOptions(lang: Lang): { value: string; label: string }[] {
  return COUNTRY_CHOICES.map((c) => ({ value: c, label: countryName(c, lang) })).sort((a, b) => a.label.localeCompare(b.label, lang));
}

/** Saves the company's country from what the user typed or picked, then answers the question that waited for it. */
export async function setCountry(ctx: TurnContext, value: string): Promise<void> {
  const t = m(ctx.lang);
  const code = countryCodeIn(ctx.ports.matcher, value);
  if (!code) return void (await ctx.say({ text: t.unknownCountry(quoteUserText(value, 60)) }));
  const before = await readProfile(ctx.ports.store, ctx.userKey, ctx.now);
  const pending = before.pending && ctx.now.getTime() - Date.parse(before.pending.at) < PENDING_MINUTES * 60_000 ? before.pending : undefined;
  await patchProfile(ctx.ports.store, ctx.userKey, { country: code, askedCountry: true }, ctx.now);
  const has = ctx.ports.knowledge.data.agencies.some((a) => a.scope === code);
  await ctx.say({ text: t.savedCountry(countryName(code, ctx.lang), has, !before.sector && !pending) });
  if (!pending) return;
  // The question that waited for the country is answered now, with that country's bodies; it is dropped only once
  // answered, so that a turn run again after a failure still answers it.
  await ctx.handleText(pending.text);
  await patchProfile(ctx.ports.store, ctx.userKey, { pending: undefined }, ctx.now);
}

async function setSector(ctx: TurnContext, value: string): Promise<void> {
  const t = m(ctx.lang);
  const v = value.toLowerCase().trim();
  const sector: Sector | undefined =
    SECTORS.find((x) => x === v || t.sectors[x].toLowerCase() === v) ??
    SECTORS.find((x) => x === ctx.ports.matcher.entities.extract(value).find((e) => e.type === 'sector')?.value);
  if (!sector) return void (await ctx.say({ text: t.unknownSector(quoteUserText(value, 60), SECTORS.map((x) => t.sectors[x]).join(', ')) }));
  await patchProfile(ctx.ports.store, ctx.userKey, { sector, askedSector: true }, ctx.now);
  await ctx.say({ text: t.savedSector(t.sectors[sector]) });
}

export const profile = defineFeature({
  id: PROFILE,
  collections: [profiles],
  commands: [
    command(PROFILE, {
      id: 'profile.show',
      words: words(['my profile', 'profile', 'show profile', 'show my profile'], ['mein profil', 'profil'], ['min profil', 'visa profil']),
      interrupts: true,
      run: async (ctx) => void (await ctx.say(profileMessage(await readProfile(ctx.ports.store, ctx.userKey, ctx.now), ctx.lang, ctx.user.user))),
    }),
    command(PROFILE, {
      id: 'profile.clear',
      words: words(['clear profile', 'reset profile', 'delete profile'], ['profil löschen', 'profil zurücksetzen'], ['rensa profil']),
      interrupts: true,
      run: async (ctx) => {
        const existed = await profiles.delete(ctx.ports.store, ctx.userKey);
        await ctx.say({ text: existed ? m(ctx.lang).cleared : m(ctx.lang).noProfile });
      },
    }),
    command(PROFILE, { id: 'profile.country', words: words([], [], []), patterns: COUNTRY_PATTERNS, args: Rest, interrupts: true, run: setCountry }),
    command(PROFILE, { id: 'profile.sector', words: words([], [], []), patterns: SECTOR_PATTERNS, args: Rest, interrupts: true, run: setSector }),
    languageCommand,
    timeZoneCommand,
  ],
  actions: {
    country: (ctx, a) => setCountry(ctx, a.value),
    sector: (ctx, a) => setSector(ctx, a.value),
    save: async (ctx, a) => {
      const country = a.fields?.country;
      const sector = a.fields?.sector;
      if (typeof country !== 'string' || country === '') return void (await ctx.say({ text: m(ctx.lang).noCountryChosen }));
      await setCountry(ctx, country);
      if (typeof sector === 'string' && sector !== '') await setSector(ctx, sector);
      const language = a.fields?.language;
      const current = (await readProfile(ctx.ports.store, ctx.userKey, ctx.now)).language ?? 'auto';
      if (typeof language === 'string' && language !== '' && language !== current) await setLanguage(ctx, language);
    },
  },
  forget: async (user, ports: Ports, lang) => m(lang).forgot(await profiles.delete(ports.store, userKeyOf(user))),
  help: (lang) => `${m(lang).help}\n${lm(lang).help}`,
  preferredLanguage,
  home: async (user, ports, lang) => [profileMessage(await readProfile(ports.store, userKeyOf(user), ports.clock()), lang, user.user)],
});
