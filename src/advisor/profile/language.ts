/**
 * The reply language the user chooses: "language: German", "Sprache: Deutsch", "svara på svenska", "reply in
 * English", in any of the three languages, or "automatic" to follow their messages again. It is kept in the profile
 * and wins over the language of each message (core/language.ts).
 */
import { z } from 'zod';
import { LANGUAGE_WORDS, languageNamed, type Lang } from '../../common/lang.js';
import type { CommandArgs } from '../../core/commands.js';
import type { TurnContext } from '../../core/context.js';
import { userKeyOf } from '../../core/context.js';
import { command, wordsIn as words } from '../../core/feature.js';
import type { UserAddress } from '../../core/event.js';
import type { Ports } from '../../core/ports.js';
import { quoteUserText } from '../../core/text.js';
import { languageMessages as lm } from './language-messages.js';
import { patchProfile, profiles } from './model.js';

const NAME = `(${LANGUAGE_WORDS.join('|')})`;
/** Only a language's name is captured, so that a question such as "reply in English to a customer…" is no command. */
const LANGUAGE_PATTERNS = [
  // "language: French" is clearly meant as the setting: answered, if only to say which languages there are.
  /^(?:reply\s+|antwort|svars)?(?:language|sprache|språk)\s*[:=]\s*(\p{L}[\p{L} ]{0,30})$/u,
  new RegExp(`^(?:please\\s+)?(?:set\\s+)?(?:my\\s+|the\\s+)?(?:reply\\s+)?language\\s*(?:is|to|=|:)?\\s*${NAME}(?:\\s+please)?$`),
  new RegExp(`^(?:please\\s+)?(?:reply|answer|respond|speak|talk|write)(?:\\s+to me)?\\s+in\\s+${NAME}(?:\\s+please)?$`),
  new RegExp(`^(?:setze\\s+)?(?:meine\\s+|die\\s+)?(?:antwort)?sprache\\s*(?:ist|auf|=|:)?\\s*${NAME}(?:\\s+bitte)?$`),
  new RegExp(`^(?:bitte\\s+)?(?:antworte|antworten sie|sprich|sprechen sie|schreib|schreibe|schreiben sie)(?:\\s+mir)?(?:\\s+bitte)?\\s+(?:auf|in)\\s+${NAME}(?:\\s+bitte)?$`),
  new RegExp(`^(?:sätt\\s+)?(?:mitt\\s+)?(?:svars)?språk\\s*(?:är|till|=|:)?\\s*${NAME}(?:\\s+tack)?$`),
  new RegExp(`^(?:snälla\\s+)?(?:svara|prata|skriv)(?:\\s+till mig)?\\s+på\\s+${NAME}(?:\\s+tack)?$`),
];

const Rest = z.object({ rest: z.string().min(1) }).transform((a: Pick<CommandArgs, 'rest'>) => a.rest);

/** Sets (or, with "automatic", clears) the reply language; the confirmation is in the language now in force. */
export async function setLanguage(ctx: TurnContext, value: string): Promise<void> {
  const named = languageNamed(value);
  if (named === undefined) return void (await ctx.say({ text: lm(ctx.lang).unknown(quoteUserText(value, 40)) }));
  if (named === 'auto') {
    await patchProfile(ctx.ports.store, ctx.userKey, { language: undefined }, ctx.now);
    // Followed from now on: the language of this very message.
    const lang = ctx.ports.matcher.language(ctx.event.text ?? '', ctx.lang);
    ctx.lang = lang;
    return void (await ctx.say({ text: lm(lang).automatic }));
  }
  await patchProfile(ctx.ports.store, ctx.userKey, { language: named }, ctx.now);
  ctx.lang = named;
  await ctx.say({ text: lm(named).saved(lm(named).names[named]) });
}

export const languageCommand = command('profile', {
  id: 'profile.language',
  words: words([], [], []),
  patterns: LANGUAGE_PATTERNS,
  args: Rest,
  interrupts: true,
  run: setLanguage,
});

/** The profile's chosen language, for the core (Feature.preferredLanguage). */
export async function preferredLanguage(user: UserAddress, ports: Ports): Promise<Lang | undefined> {
  return (await profiles.get(ports.store, userKeyOf(user)))?.language;
}
