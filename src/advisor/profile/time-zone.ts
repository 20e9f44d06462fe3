/**
 * The user's time zone: set in the profile ("time zone Europe/Berlin", "Zeitzone Europe/Vienna", "tidszon
 * Europe/Stockholm"), else the platform's (Slack users.info, Teams localTimezone), else ADVISOR_DEFAULT_TIMEZONE.
 * Polls read it for closing times typed without an offset; surveys for working hours.
 */
import { z } from 'zod';
import { isTimeZone } from '../../common/time-zone.js';
import type { CommandArgs } from '../../core/commands.js';
import type { TurnContext } from '../../core/context.js';
import { userKeyOf } from '../../core/context.js';
import type { UserAddress } from '../../core/event.js';
import { command, wordsIn as words } from '../../core/feature.js';
import { defineMessages } from '../../core/i18n.js';
import type { Ports } from '../../core/ports.js';
import { quoteUserText } from '../../core/text.js';
import { patchProfile, profiles } from './model.js';

export const timeZoneMessages = defineMessages({
  en: {
    line: (tz: string | undefined) => `Time zone: ${tz ?? 'from your platform, else the advisor’s default'}`,
    saved: (tz: string) => `Saved: your time zone is **${tz}**. Closing times you type without an offset are read in it.`,
    cleared: 'Your time zone now comes from your platform again (else the advisor’s default).',
    unknown: (typed: string) => `I don't know the time zone “${typed}”. Give its IANA name, e.g. _time zone Europe/Berlin_ or _time zone Europe/Stockholm_.`,
    usage: '_time zone Europe/Berlin_ (or _time zone automatic_)',
  },
  de: {
    line: (tz: string | undefined) => `Zeitzone: ${tz ?? 'von Ihrer Plattform, sonst die Voreinstellung des Beraters'}`,
    saved: (tz: string) => `Gespeichert. Ihre Zeitzone: **${tz}**. Uhrzeiten, die Sie ohne Zeitverschiebung angeben, lese ich in dieser Zeitzone.`,
    cleared: 'Ihre Zeitzone kommt jetzt wieder von Ihrer Plattform (sonst gilt die Voreinstellung des Beraters).',
    unknown: (typed: string) => `Die Zeitzone „${typed}“ kenne ich nicht. Geben Sie ihren IANA-Namen an, z. B. _Zeitzone Europe/Berlin_ oder _Zeitzone Europe/Vienna_.`,
    usage: '_Zeitzone Europe/Berlin_ (oder _Zeitzone automatisch_)',
  },
  sv: {
    line: (tz: string | undefined) => `Tidszon: ${tz ?? 'från din plattform, annars rådgivarens standard'}`,
    saved: (tz: string) => `Sparat. Din tidszon: **${tz}**. Tider som du skriver utan tidsförskjutning läser jag i den.`,
    cleared: 'Din tidszon kommer nu från din plattform igen (annars gäller rådgivarens standard).',
    unknown: (typed: string) => `Jag känner inte till tidszonen ”${typed}”. Ange dess IANA-namn, t.ex. _tidszon Europe/Stockholm_ eller _tidszon Europe/Helsinki_.`,
    usage: '_tidszon Europe/Stockholm_ (eller _tidszon automatisk_)',
  },
});

const AUTOMATIC = ['automatic', 'auto', 'automatisch', 'automatisk'];
const Zone = z.object({ args: z.array(z.string()).length(1, 'give one IANA time zone, e.g. Europe/Berlin') }).transform((a: Pick<CommandArgs, 'args'>) => a.args[0]!);

/** A zone name as typed, in its canonical spelling ("europe/berlin" → "Europe/Berlin"); undefined when unknown. */
function canonicalZone(typed: string): string | undefined {
  if (!isTimeZone(typed)) return undefined;
  return new Intl.DateTimeFormat('en', { timeZone: typed }).resolvedOptions().timeZone;
}

async function setTimeZone(ctx: TurnContext, typed: string): Promise<void> {
  const t = timeZoneMessages(ctx.lang);
  if (AUTOMATIC.includes(typed.toLowerCase())) {
    await patchProfile(ctx.ports.store, ctx.userKey, { timeZone: undefined }, ctx.now);
    return void (await ctx.say({ text: t.cleared }));
  }
  const zone = canonicalZone(typed);
  if (!zone) return void (await ctx.say({ text: t.unknown(quoteUserText(typed, 60)) }));
  await patchProfile(ctx.ports.store, ctx.userKey, { timeZone: zone }, ctx.now);
  await ctx.say({ text: t.saved(zone) });
}

export const timeZoneCommand = command('profile', {
  id: 'profile.timezone',
  words: words(['time zone', 'timezone', 'my time zone', 'set time zone'], ['zeitzone', 'meine zeitzone'], ['tidszon', 'min tidszon']),
  args: Zone,
  interrupts: true,
  usage: (lang) => timeZoneMessages(lang).usage,
  run: setTimeZone,
});

/** The user's time zone: profile, then platform, then the deployment's default. A platform that fails is skipped. */
export async function userTimeZone(ports: Pick<Ports, 'store' | 'directory' | 'settings' | 'log'>, user: UserAddress): Promise<string> {
  const chosen = (await profiles.get(ports.store, userKeyOf(user)))?.timeZone;
  if (chosen && isTimeZone(chosen)) return chosen;
  try {
    const platform = await ports.directory.timeZone(user);
    if (platform && isTimeZone(platform)) return platform;
  } catch (err) {
    // users.info needs the users:read scope; without it (or with Slack down) the default stands.
    ports.log.debug({ err: { message: (err as Error).message } }, 'no time zone from the platform');
  }
  return ports.settings.defaultTimeZone;
}
