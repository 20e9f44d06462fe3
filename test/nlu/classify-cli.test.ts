import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/tmp.js';

function run(args: string[], input: string) {
  return spawnSync('npm', ['run', '--silent', 'advisor', '--', ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
}

describe('advisor classify', () => {
  it('writes one line per input, in order, with exactly the contract fields', () => {
    const lines = [
      JSON.stringify({ text: 'Do we need CE marking to sell to our Swedish clients?' }),
      JSON.stringify({ text: 'Wo bekommen wir Fördermittel für die Messe?', lang: 'de' }),
      'not json',
      JSON.stringify({ text: '' }),
      JSON.stringify({ text: 'hej', lang: 'xx' }),
      JSON.stringify({ text: 'vi söker distributörer i Norge' }),
    ];
    const out = run(['classify'], `${lines.join('\n')}\n`);
    expect(out.status).toBe(0);
    const rows = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(lines.length);
    expect(Object.keys(rows[0])).toEqual(['text', 'intent', 'confidence', 'lang', 'alternatives', 'entities']);
    expect(rows[0]).toMatchObject({ text: 'Do we need CE marking to sell to our Swedish clients?', intent: 'certification', lang: 'en' });
    expect(rows[0].entities).toEqual(expect.arrayContaining([{ type: 'country', value: 'SE', text: 'Swedish' }, { type: 'certification', value: 'CE', text: 'CE marking' }]));
    expect(rows[0].alternatives[0]).toEqual({ intent: expect.any(String), confidence: expect.any(Number) });
    expect(rows[1]).toMatchObject({ intent: 'financing', lang: 'de' });
    expect(rows[2]).toEqual({ error: expect.stringMatching(/not valid JSON/) });
    expect(rows[3]).toMatchObject({ intent: 'out_of_scope', confidence: 1 });
    expect(rows[4]).toEqual({ error: expect.stringMatching(/lang/) });
    expect(rows[5]).toMatchObject({ intent: 'markets', lang: 'sv', entities: [{ type: 'country', value: 'NO', text: 'Norge' }] });
  });

  it('prints the answer the advisor would give with ask', () => {
    const out = run(['ask', 'We are a German company: which grants help us attend a trade fair abroad?'], '');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/Financing/);
    expect(out.stdout).toMatch(/https:\/\//);
  });
});
