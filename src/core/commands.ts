/**
 * The one parser for typed commands, used by every channel (Slack's `/advisor <text>` included): command words per
 * language (the longest match wins), "quoted arguments" (also “…”, „…“, «…», since phones and Slack replace straight
 * quotes), --flags (also —flag, which phones make of --), and mentions as arguments. Each command validates what it
 * got with its own zod schema; a mismatch answers with the command's usage.
 */
import { z } from 'zod';

/** What a command receives before its schema: positional arguments, flags, and the raw text after the words. */
export interface CommandArgs {
  args: string[];
  flags: Record<string, string | true>;
  /** Everything after the command words, as typed (for free text such as a question or a problem statement). */
  rest: string;
}

/** Any arguments and flags, for commands that check them themselves (with messages in the user's language). */
export const AnyCommandArgs = z.object({ args: z.array(z.string()), flags: z.record(z.string(), z.union([z.string(), z.literal(true)])), rest: z.string() });

export type FlagKind = 'boolean' | 'value';

/** The parts of a command spec the parser needs. */
export interface ParsableCommand {
  readonly id: string;
  readonly words: Readonly<Record<string, readonly string[]>>;
  /** Natural phrasings ("my country is Sweden"): matched on the lowercased text; group 1 becomes `rest`. */
  readonly patterns?: readonly RegExp[];
  /** Without a schema the command takes nothing, so "help me find the root cause" is not the help command. */
  readonly args?: z.ZodType<unknown>;
  readonly flags?: Readonly<Record<string, FlagKind>>;
}

/**
 * Why a command's arguments do not fit, as data: the router says it in the reply language. `invalid` carries the
 * argument schema's own message, which features write in English (a usage line in the user's language goes with it).
 */
export type CommandProblem = { kind: 'unknown_option'; flag: string } | { kind: 'needs_value'; flag: string } | { kind: 'invalid'; flag?: string; message: string };

export type ParseResult<C> = { command: C; input: unknown } | { command: C; error: CommandProblem } | undefined;

interface Token {
  text: string;
  quoted: boolean;
  /** Offset just after the token in the source text. */
  end: number;
}

const CLOSING: Record<string, string[]> = { '"': ['"'], '“': ['”', '“'], '”': ['”'], '„': ['“', '”'], '«': ['»'], '»': ['«'], '‚': ['‘', '’'] };

/** Splits text into words and quoted strings. An unclosed quote runs to the end of the text. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const open = text[i]!;
    const closers = CLOSING[open];
    if (closers) {
      let j = i + 1;
      while (j < text.length && !closers.includes(text[j]!)) j++;
      tokens.push({ text: text.slice(i + 1, j), quoted: true, end: Math.min(j + 1, text.length) });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j]!)) j++;
      tokens.push({ text: text.slice(i, j), quoted: false, end: j });
      i = j;
    }
  }
  return tokens;
}

/** A word as command words are compared: lowercase, typographic apostrophes straightened, edge punctuation removed. */
export function foldWord(word: string): string {
  return word
    .toLowerCase()
    .replace(/[’`´]/g, "'")
    .replace(/^[¡¿(]+|[.,:;!?)]+$/g, '');
}

/** The text as patterns see it: lowercased, apostrophes straightened, single spaces, no final full stop. */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!]+$/, '')
    .trim();
}

/** The folded words of a command phrase ("that's the root cause" → four words). */
export function phraseWords(phrase: string): string[] {
  return phrase.split(/\s+/).map(foldWord).filter(Boolean);
}

interface Phrase<C> {
  command: C;
  words: string[];
}

/** The command phrases, folded once per command list and longest first (the registry's list lives for the process). */
const compiled = new WeakMap<readonly ParsableCommand[], Phrase<ParsableCommand>[]>();
function phrasesOf<C extends ParsableCommand>(commands: readonly C[]): Phrase<C>[] {
  let phrases = compiled.get(commands);
  if (!phrases) {
    phrases = commands
      .flatMap((command) => Object.values(command.words).flat().map((phrase) => ({ command, words: phraseWords(phrase) })))
      .filter((p) => p.words.length > 0)
      .sort((a, b) => b.words.length - a.words.length);
    compiled.set(commands, phrases);
  }
  // The list holds the very commands it was built from.
  return phrases as Phrase<C>[];
}

/** Finds the command the text starts with and validates its arguments; undefined when the text is not one. */
export function parseCommand<C extends ParsableCommand>(text: string, commands: readonly C[]): ParseResult<C> {
  const tokens = tokenize(text);
  const folded = tokens.map((t) => (t.quoted ? undefined : foldWord(t.text)));
  const best = phrasesOf(commands).find((p) => p.words.length <= tokens.length && p.words.every((w, k) => folded[k] === w));
  if (best) {
    const length = best.words.length;
    const restTokens = tokens.slice(length);
    if (!best.command.args) return restTokens.length === 0 ? { command: best.command, input: { args: [], flags: {}, rest: '' } } : undefined;
    // Separators after the words go ("5 whys: …", "ask - …"); a leading --flag stays, for commands that read `rest`.
    const rest = text.slice(tokens[length - 1]!.end).replace(/^(?:[\s:,]|[–-](?![-–—]?[a-z]))+/i, '').trim();
    return validate(best.command, restTokens, rest);
  }
  const lowered = foldText(text);
  for (const command of commands) {
    for (const pattern of command.patterns ?? []) {
      const m = pattern.exec(lowered);
      if (m?.[1]) return validate(command, [], m[1].trim());
    }
  }
  return undefined;
}

function validate<C extends ParsableCommand>(command: C, tokens: Token[], rest: string): ParseResult<C> {
  const raw: CommandArgs = { args: [], flags: {}, rest };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    const flag = t.quoted ? undefined : /^(?:--|—|–)([a-z][a-z0-9-]*)(?:=(.*))?$/i.exec(t.text);
    if (!flag) {
      raw.args.push(t.text);
      continue;
    }
    const name = flag[1]!.toLowerCase();
    const kind = command.flags?.[name];
    if (!kind) return { command, error: { kind: 'unknown_option', flag: name } };
    if (kind === 'boolean') raw.flags[name] = true;
    else if (flag[2] !== undefined) raw.flags[name] = flag[2];
    else {
      const value = tokens[k + 1];
      if (!value) return { command, error: { kind: 'needs_value', flag: name } };
      raw.flags[name] = value.text;
      k++;
    }
  }
  const parsed = command.args!.safeParse(raw);
  if (parsed.success) return { command, input: parsed.data };
  const issue = parsed.error.issues[0]!;
  // A flag's problem names the flag; a positional argument's problem speaks for itself.
  const flag = issue.path[0] === 'flags' && issue.path[1] !== undefined ? String(issue.path[1]) : undefined;
  return { command, error: { kind: 'invalid', ...(flag ? { flag } : {}), message: issue.message } };
}

/** The number of a listed choice typed as "2", "#2", "no. 2" or "nr 2" (1 to 9); undefined for anything else. */
export function pickedNumber(text: string): number | undefined {
  const m = /^(?:#|no\.?\s*|nr\.?\s*)?([1-9])$/i.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}

/** A mention given as an argument: Slack's <@U…>, the core's <#C…> form of a conversation, or a plain @name / #name. */
export function mentionOf(token: string): { kind: 'user' | 'conversation'; id: string } | undefined {
  const user = /^<@([^|>\s]+)(?:\|[^>]*)?>$/.exec(token) ?? /^@([\p{L}\p{N}._-]+)$/u.exec(token);
  if (user) return { kind: 'user', id: user[1]! };
  const conversation = /^<#([^|>\s]+)(?:\|[^>]*)?>$/.exec(token) ?? /^#([\p{L}\p{N}._:-]+)$/u.exec(token);
  if (conversation) return { kind: 'conversation', id: conversation[1]! };
  return undefined;
}
