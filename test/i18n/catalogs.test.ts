/**
 * The message catalogs in English, German and Swedish. The compiler already refuses a catalog without de or sv, a
 * missing or extra key and a parameter of another type (see `compileTimeChecks` below); these tests check the rest:
 * the same keys at run time, the same number of parameters, placeholders and Markdown marks kept, nothing left in
 * English, and every word a German or Swedish reply tells the user to type (**bold**, _italic_ examples,
 * `/advisor …`) is one the command parser accepts in that language, for the same command as in English.
 */
import { describe, expect, it } from 'vitest';
import { LANGS, type Lang } from '../../src/common/lang.js';
import { foldText, parseCommand, type ParsableCommand } from '../../src/core/commands.js';
import { defineMessages, definedCatalogs, type Catalog } from '../../src/core/i18n.js';
import { coreMessages } from '../../src/core/messages.js';
import { buildRegistry } from '../../src/core/registry.js';
import { sessions } from '../../src/core/session.js';
import { FEATURES } from '../../src/features.js';
import { analysesMessages } from '../../src/advisor/analyses/messages.js';
import { answersMessages } from '../../src/advisor/answers/messages.js';
import { helpMessages } from '../../src/advisor/help/messages.js';
import { privacyMessages } from '../../src/advisor/privacy/messages.js';
import { profileMessages } from '../../src/advisor/profile/messages.js';
import { whysMessages } from '../../src/dialogs/whys/messages.js';
import { slackMessages } from '../../src/channels/slack/messages.js';
import { rolesMessages } from '../../src/advisor/roles/messages.js';
import { teamsMessages } from '../../src/channels/teams/messages.js';
import { surveyMessages } from '../../src/advisor/surveys/messages.js';
import { pollMessages } from '../../src/advisor/polls/messages.js';

const OTHER_LANGS = LANGS.filter((l): l is Exclude<Lang, 'en'> => l !== 'en');

/** Catalogs by name; any other defined catalog is named by its keys. */
const NAMED: Record<string, (lang: Lang) => unknown> = {
  core: coreMessages,
  analyses: analysesMessages,
  answers: answersMessages,
  help: helpMessages,
  privacy: privacyMessages,
  profile: profileMessages,
  whys: whysMessages,
  slack: slackMessages,
  roles: rolesMessages,
  teams: teamsMessages,
  polls: pollMessages,
  surveys: surveyMessages,
};

/** Strings that may equal the English one: a word the languages share. Keyed by path, with the languages. */
const SAME_AS_ENGLISH: Record<string, readonly Lang[]> = {
  // "in Schweden": German and English share the preposition.
  'answers.inTarget': ['de', 'sv'],
  'answers.foundIn': ['de'],
};
/** Words that may stand in a German or Swedish list as in the English one (yes/no answers). */
const SHARED_WORDS = new Set(['ok', 'okay', 'n']);

/** What the user can type: command words per language (the real registry) and the yes/no of the confirmation. */
interface Typing {
  all: readonly ParsableCommand[];
  byLang: Record<Lang, readonly ParsableCommand[]>;
  answers: Record<Lang, { yes: readonly string[]; no: readonly string[] }>;
}

function realTyping(): Typing {
  const all = buildRegistry(FEATURES, [sessions]).commands;
  const perLang = <T>(f: (l: Lang) => T): Record<Lang, T> => ({ en: f('en'), de: f('de'), sv: f('sv') });
  return {
    all,
    // The same commands with only one language's words: a phrase that parses here is a word of that language.
    byLang: perLang((l) => all.map((c): ParsableCommand => ({ ...c, words: { [l]: c.words[l] } }))),
    answers: perLang((l) => ({ yes: privacyMessages(l).yes, no: privacyMessages(l).no })),
  };
}

type Fn = (...args: unknown[]) => unknown;
const isFn = (x: unknown): x is Fn => typeof x === 'function';
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Bold phrases, italic examples and `/advisor …` commands: what a reply may tell the user to type. */
function typedSegments(text: string): string[] {
  const bold = [...text.matchAll(/\*\*(.+?)\*\*/g)].map((m) => m[1]!);
  const italic = [...text.matchAll(/(^|[\s(])_(.+?)_(?=[\s).,:;!?]|$)/gm)].map((m) => m[2]!);
  const slash = [...text.matchAll(/`\/advisor ([^`]+)`/g)].map((m) => m[1]!);
  return [...bold, ...italic, ...slash].map((s) => s.replace(/<[^>]*>/g, '').trim()).filter(Boolean);
}

/** The command (or confirmation answer) a phrase types in `lang`; a phrase of another language says so. */
function typedAs(segment: string, lang: Lang, t: Typing): string | undefined {
  const own = parseCommand(segment, t.byLang[lang]);
  if (own) return own.command.id;
  const other = parseCommand(segment, t.all);
  if (other) return `${other.command.id}, but “${segment}” is not a ${lang} word of it`;
  const folded = foldText(segment);
  for (const answer of ['yes', 'no'] as const) {
    if (t.answers[lang][answer].includes(folded)) return `confirm.${answer}`;
    if (LANGS.some((l) => t.answers[l][answer].includes(folded))) return `confirm.${answer}, but “${segment}” is not a ${lang} word for it`;
  }
  return undefined;
}

const typedIn = (text: string, lang: Lang, t: Typing): string[] =>
  [...new Set(typedSegments(text).map((s) => typedAs(s, lang, t)).filter((x): x is string => x !== undefined))].sort();

const count = (text: string, part: string): number => text.split(part).length - 1;
const italics = (text: string): number => [...text.matchAll(/(^|[\s(])_(.+?)_(?=[\s).,:;!?]|$)/gm)].length;

/** Argument lists to call a function with: markers (to follow placeholders), ones (singulars), nothing (optionals). */
function sampleArgs(n: number): { args: unknown[]; markers: boolean }[] {
  const list = (f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
  return [
    { args: list((i) => `«arg${i}»`), markers: true },
    { args: list(() => 1), markers: false },
    { args: list(() => undefined), markers: false },
  ];
}

function call(f: Fn, args: unknown[]): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: f(...args) };
  } catch {
    return { ok: false };
  }
}

function compareText(at: string, path: string, en: string, other: string, lang: Lang, t: Typing, markers: unknown[], out: string[]): void {
  if (other === en && !SAME_AS_ENGLISH[path]?.includes(lang)) out.push(`${at}: same as English: ${JSON.stringify(other)}`);
  for (const marker of markers) {
    if (typeof marker !== 'string') continue;
    if (count(other, marker) !== count(en, marker)) out.push(`${at}: placeholder ${marker} appears ${count(other, marker)} times, in English ${count(en, marker)}`);
  }
  for (const mark of ['**', '```', '`']) {
    if (count(other, mark) !== count(en, mark)) out.push(`${at}: ${count(other, mark)} × ${mark}, in English ${count(en, mark)}`);
  }
  if (italics(other) !== italics(en)) out.push(`${at}: ${italics(other)} _italic_ spans, in English ${italics(en)}`);
  const want = typedIn(en, 'en', t);
  const got = typedIn(other, lang, t);
  if (want.join('|') !== got.join('|')) out.push(`${at}: tells the user to type [${got.join('; ')}], English [${want.join('; ')}]: ${JSON.stringify(other)}`);
}

function compare(path: string, en: unknown, other: unknown, lang: Lang, t: Typing, out: string[]): void {
  const at = `${path} (${lang})`;
  if (isFn(en)) {
    if (!isFn(other)) return void out.push(`${at}: not a function`);
    if (other.length !== en.length) out.push(`${at}: takes ${other.length} parameters, English ${en.length}`);
    for (const { args, markers } of sampleArgs(en.length)) {
      const e = call(en, args);
      if (!e.ok) continue;
      const o = call(other, args);
      if (!o.ok) out.push(`${at}: throws for ${JSON.stringify(args)}`);
      else if (typeof e.value !== 'string' || typeof o.value !== 'string') out.push(`${at}: does not return a string`);
      else compareText(at, path, e.value, o.value, lang, t, markers ? args : [], out);
    }
  } else if (Array.isArray(en)) {
    if (!Array.isArray(other) || other.length === 0) return void out.push(`${at}: not a non-empty list`);
    for (const x of other) {
      if (typeof x !== 'string') out.push(`${at}: ${JSON.stringify(x)} is not a string`);
      else if ((en as unknown[]).includes(x) && !SHARED_WORDS.has(x)) out.push(`${at}: ${JSON.stringify(x)} is the English one`);
    }
  } else if (typeof en === 'string') {
    if (typeof other !== 'string') return void out.push(`${at}: not a string`);
    compareText(at, path, en, other, lang, t, [], out);
  } else if (isRecord(en)) {
    if (!isRecord(other)) return void out.push(`${at}: not an object`);
    for (const k of Object.keys(en)) {
      if (!(k in other)) out.push(`${path}.${k} (${lang}): missing`);
      else compare(`${path}.${k}`, en[k], other[k], lang, t, out);
    }
    for (const k of Object.keys(other)) if (!(k in en)) out.push(`${path}.${k} (${lang}): not in English`);
  } else out.push(`${at}: unexpected ${typeof en} in the English catalog`);
}

/** Every problem of one catalog's German and Swedish against its English. */
function catalogProblems(name: string, catalog: Catalog<unknown>, t: Typing): string[] {
  const out: string[] = [];
  for (const lang of OTHER_LANGS) compare(name, catalog.en, catalog[lang], lang, t, out);
  return out;
}

function nameOf(catalog: Catalog<unknown>): string {
  const named = Object.entries(NAMED).find(([, m]) => m('en') === catalog.en)?.[0];
  return named ?? `{${isRecord(catalog.en) ? Object.keys(catalog.en).join(', ') : '?'}}`;
}

/** Every typed command of every catalog, per language (to see that the scan finds them at all). */
function typedEverywhere(lang: Lang, t: Typing): Set<string> {
  const found = new Set<string>();
  const visit = (x: unknown): void => {
    if (typeof x === 'string') typedIn(x, lang, t).forEach((id) => found.add(id));
    else if (isFn(x)) sampleArgs(x.length).forEach(({ args }) => { const r = call(x, args); if (r.ok) visit(r.value); });
    else if (Array.isArray(x)) x.forEach(visit);
    else if (isRecord(x)) Object.values(x).forEach(visit);
  };
  for (const c of definedCatalogs()) visit(c[lang]);
  return found;
}

describe('message catalogs in English, German and Swedish', () => {
  const t = realTyping();
  const catalogs = definedCatalogs();

  it('knows every catalog by name', () => {
    const names = catalogs.map(nameOf);
    expect(names).toEqual(expect.arrayContaining(Object.keys(NAMED)));
    for (const [name, m] of Object.entries(NAMED)) for (const lang of OTHER_LANGS) expect(m(lang), `${name} (${lang})`).not.toBe(m('en'));
  });

  it.each(catalogs.map((c) => [nameOf(c), c] as const))('%s: same keys and parameters, placeholders and marks kept, translated, real command words', (name, catalog) => {
    expect(catalogProblems(name, catalog, t)).toEqual([]);
  });

  it('tells German and Swedish users every command they can type, in their language', () => {
    const expected = ['help.show', 'answers.more', 'answers.ask', 'whys.start', 'whys.stop', 'whys.back', 'whys.restart', 'whys.root', 'whys.save', 'whys.share'];
    const more = ['analyses.export', 'analyses.list', 'privacy.forget', 'profile.show', 'profile.clear', 'profile.country', 'profile.sector', 'confirm.yes', 'confirm.no'];
    for (const lang of LANGS) {
      const found = typedEverywhere(lang, t);
      expect([...expected, ...more].filter((id) => !found.has(id)), lang).toEqual([]);
      expect([...found].filter((id) => id.includes(' but ')), lang).toEqual([]);
    }
  });

  it('catches a catalog that is incomplete, untranslated or names words the parser does not take', () => {
    const bad: Catalog<unknown> = {
      en: { hint: 'Type **stop** or **back**.', items: (n: number) => `${n} **items**`, nested: { a: 'A', b: 'B' }, yes: ['yes'] },
      de: { hint: 'Schreiben Sie **abbruch** oder **zurück**.', items: () => 'Elemente', nested: { a: 'A-de' }, yes: ['yes'] },
      sv: { hint: 'Skriv **stop** eller **tillbaka**.', items: (n: number) => `${n} **items**`, nested: { a: 'A-sv', b: 'B-sv', c: 'C' }, yes: ['ja'] },
    };
    const problems = catalogProblems('bad', bad, t).join('\n');
    expect(problems).toMatch(/bad\.hint \(de\): tells the user to type \[whys\.back\], English \[whys\.back; whys\.stop\]/);
    expect(problems).toMatch(/bad\.hint \(sv\): tells the user to type \[whys\.back; whys\.stop, but “stop” is not a sv word of it\]/);
    expect(problems).toMatch(/bad\.items \(de\): takes 0 parameters, English 1/);
    expect(problems).toMatch(/bad\.items \(de\): placeholder «arg0» appears 0 times/);
    expect(problems).toMatch(/bad\.items \(de\): 0 × \*\*, in English 2/);
    expect(problems).toMatch(/bad\.items \(sv\): same as English/);
    expect(problems).toMatch(/bad\.nested\.b \(de\): missing/);
    expect(problems).toMatch(/bad\.nested\.c \(sv\): not in English/);
    expect(problems).toMatch(/bad\.yes \(de\): "yes" is the English one/);
    expect(problems).not.toMatch(/\(sv\).*"ja"/);
  });

  it('finds what a reply tells the user to type', () => {
    expect(typedSegments('Type **save**, _my country is Sweden_ or `/advisor ask <question>`.')).toEqual(['save', 'my country is Sweden', 'ask']);
    expect(typedIn('Schreiben Sie **Grundursache** oder **neu starten**.', 'de', t)).toEqual(['whys.restart', 'whys.root']);
    expect(typedIn('Skriv **grundorsak**, _vårt land är Sverige_ eller **ja**.', 'sv', t)).toEqual(['confirm.yes', 'profile.country', 'whys.root']);
  });
});

/**
 * Never called: each statement must fail to compile, or `tsc --noEmit` reports the unused directive. A function with
 * fewer parameters than the English one compiles (TypeScript allows it); the parameter count test above catches it.
 */
export function compileTimeChecks(): void {
  // @ts-expect-error German and Swedish are required
  defineMessages({ en: { a: 'x' } });
  // @ts-expect-error a missing key
  defineMessages({ en: { a: 'x', b: 'y' }, de: { a: 'x-de' }, sv: { a: 'x-sv', b: 'y-sv' } });
  // @ts-expect-error a key English does not have
  defineMessages({ en: { a: 'x' }, de: { a: 'x-de', extra: '' }, sv: { a: 'x-sv' } });
  // @ts-expect-error a missing nested key (buttons and the like)
  defineMessages({ en: { buttons: { ok: 'OK', back: 'Back' } }, de: { buttons: { ok: 'OK' } }, sv: { buttons: { ok: 'OK', back: 'Tillbaka' } } });
  // @ts-expect-error a parameter of another type
  defineMessages({ en: { f: (n: number) => `${n}` }, de: { f: (n: string) => n }, sv: { f: (n: number) => `${n}` } });
  // @ts-expect-error a parameter more
  defineMessages({ en: { f: (n: number) => `${n}` }, de: { f: (n: number, x: string) => `${n}${x}` }, sv: { f: (n: number) => `${n}` } });
}
