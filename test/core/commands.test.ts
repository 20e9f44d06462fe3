/** The typed-command parser: words per language, quotes of every kind, flags, mentions, schemas and usage. */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { mentionOf, parseCommand, tokenize, type CommandArgs, type ParsableCommand } from '../../src/core/commands.js';

const poll: ParsableCommand = {
  id: 'polls.create',
  words: { en: ['poll'], de: ['umfrage'], sv: ['omröstning'] },
  flags: { multi: 'boolean', closes: 'value', dots: 'value' },
  args: z
    .object({ args: z.array(z.string()).min(3, 'a question and at least 2 options'), flags: z.record(z.string(), z.union([z.string(), z.literal(true)])) })
    .transform((a: Pick<CommandArgs, 'args' | 'flags'>) => ({ question: a.args[0], options: a.args.slice(1), flags: a.flags })),
};
const pollClose: ParsableCommand = { id: 'polls.close', words: { en: ['poll close'], de: ['umfrage schließen'], sv: ['stäng omröstning'] }, args: z.object({ args: z.array(z.string()).max(1) }) };
const help: ParsableCommand = { id: 'help.show', words: { en: ['help'], de: ['hilfe'], sv: ['hjälp'] } };
const country: ParsableCommand = { id: 'profile.country', words: { en: [], de: [], sv: [] }, patterns: [/^my country is (.+)$/], args: z.object({ rest: z.string() }) };
const ALL = [poll, pollClose, help, country];

describe('typed commands', () => {
  it('reads straight, curly, German and French quotes, and flags', () => {
    const r = parseCommand('poll “Which fair?” „Hannover Messe“ «MWC» "IFA" --multi --closes 2026-12-01T17:00', ALL);
    expect(r && 'input' in r && r.input).toEqual({ question: 'Which fair?', options: ['Hannover Messe', 'MWC', 'IFA'], flags: { multi: true, closes: '2026-12-01T17:00' } });
    const dash = parseCommand('Umfrage "Q" "A" "B" —dots=5', ALL);
    expect(dash && 'input' in dash && dash.input).toMatchObject({ flags: { dots: '5' } });
  });

  it('prefers the longest command words and matches them in any language, any case', () => {
    expect(parseCommand('Poll close p1', ALL)?.command.id).toBe('polls.close');
    expect(parseCommand('stäng omröstning', ALL)?.command.id).toBe('polls.close');
    expect(parseCommand('HILFE!', ALL)?.command.id).toBe('help.show');
  });

  it('does not take a question that starts with a word of a command without arguments', () => {
    expect(parseCommand('help me find the root cause', ALL)).toBeUndefined();
    expect(parseCommand('polling stations abroad?', ALL)).toBeUndefined();
  });

  it('answers bad arguments with what was wrong', () => {
    expect(parseCommand('poll "Only a question"', ALL)).toMatchObject({ error: { kind: 'invalid', message: 'a question and at least 2 options' } });
    expect(parseCommand('poll "Q" "A" "B" --anonymus', ALL)).toMatchObject({ error: { kind: 'unknown_option', flag: 'anonymus' } });
    expect(parseCommand('poll "Q" "A" "B" --closes', ALL)).toMatchObject({ error: { kind: 'needs_value', flag: 'closes' } });
  });

  it('matches natural phrasings by pattern, with the rest as argument', () => {
    expect(parseCommand('My country is Sweden.', ALL)).toMatchObject({ command: country, input: { rest: 'sweden' } });
  });

  it('keeps an unclosed quote to the end and reads mentions of users and conversations', () => {
    expect(tokenize('say "hello there').map((t) => t.text)).toEqual(['say', 'hello there']);
    expect(mentionOf('<@U123|ann>')).toEqual({ kind: 'user', id: 'U123' });
    expect(mentionOf('@alice')).toEqual({ kind: 'user', id: 'alice' });
    expect(mentionOf('<#C42|general>')).toEqual({ kind: 'conversation', id: 'C42' });
    expect(mentionOf('plain')).toBeUndefined();
  });
});
