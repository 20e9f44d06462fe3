/**
 * Survey results on known answers: rankings by mean importance and by dots, the focus-group threshold, k-anonymous
 * breakdowns (small groups folded into "other", never named; "other" left out while still too small), the CSV's
 * profile columns never singling out fewer than 3, the chart PNG, the comparison of rounds, and the answering machine.
 */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { advance } from '../../src/advisor/surveys/answering.js';
import type { Question, Survey, SurveyResponse } from '../../src/advisor/surveys/model.js';
import { sameText } from '../../src/advisor/surveys/model.js';
import { optionLabels, optionText } from '../../src/advisor/surveys/render.js';
import { responsesCsv, resultsChart } from '../../src/advisor/surveys/report.js';
import { aggregate, compareRounds, safeColumns } from '../../src/advisor/surveys/results.js';

const options = ['Finance', 'Skills', 'Contacts'].map((t, i) => ({ id: `b${i + 1}`, text: sameText(t) }));
const questions: Question[] = [
  { id: 'q1', kind: 'profile', profile: 'country', optional: true, text: sameText('Country?') },
  { id: 'q2', kind: 'dots', set: 'most', dots: 3, area: 'ka', optional: false, options, text: sameText('Most?') },
  { id: 'q3', kind: 'dots', set: 'least', dots: 3, area: 'ka', optional: true, options, text: sameText('Least?') },
  ...options.map((o, i): Question => ({ id: `q${4 + i}`, kind: 'rating', scale: 5, area: 'ka', barrier: o.id, optional: false, text: sameText(`Rate ${o.text.en}`) })),
  { id: 'q7', kind: 'text', area: 'ka', optional: true, text: sameText('Other barriers?') },
];
const survey: Survey = {
  v: 1, id: 'abcdef', title: 'Barriers', template: 'barriers', areas: ['ka'], questions, audience: { conversations: [], users: [] },
  closesAt: '2026-12-11T16:00:00.000Z', reminders: [], threshold: { dots: 5 }, lang: 'en', timeZone: 'Europe/Brussels', address: { channel: 'cli', conversation: 'c' },
  createdAt: '2026-12-01T09:00:00.000Z', state: 'open', invited: 10, statusMessages: [], series: 'abcdef', round: 1,
};
const response = (country: string, most: number[], least: number[], ratings: number[], text?: string, finished = true): SurveyResponse => ({
  v: 1, askedIds: questions.map((q) => q.id), lang: 'en', finished, startedAt: '2026-12-02T09:00:00.000Z', updatedAt: '2026-12-02T09:05:00.000Z', events: [],
  profile: { country },
  answers: {
    q2: { dots: most, done: true }, q3: { dots: least, done: true },
    q4: { rating: ratings[0]! }, q5: { rating: ratings[1]! }, q6: { rating: ratings[2]! },
    ...(text ? { q7: { text } } : {}),
  },
});

const known = [
  response('SE', [2, 1, 0], [0, 0, 3], [5, 3, 1], 'No credit insurance'),
  response('SE', [3, 0, 0], [0, 1, 2], [4, 4, 2]),
  response('SE', [1, 1, 1], [0, 0, 3], [5, 2, 1], 'Few distributors'),
  response('DE', [0, 2, 1], [1, 0, 2], [3, 5, 2]),
  response('AT', [2, 0, 1], [0, 0, 0], [4, 3, 3]),
  response('SE', [3, 0, 0], [0, 0, 0], [1, 1, 1], 'unfinished', false),
];

describe('survey results', () => {
  it('ranks barriers by mean importance and dots, with the focus-group threshold', () => {
    const r = aggregate({ survey, responses: known, invited: 10, optionLabel: optionText });
    expect(r).toMatchObject({ invited: 10, started: 6, finished: 5, rate: 50, threshold: 5 });
    const ranked = r.areas[0]!.barriers;
    expect(ranked.map((b) => [b.label.en, b.mean, b.ratings, b.most, b.least])).toEqual([
      ['Finance', 4.2, 5, 8, 1],
      ['Skills', 3.4, 5, 4, 1],
      ['Contacts', 1.8, 5, 3, 10],
    ]);
    expect(ranked.filter((b) => b.mostImportant).map((b) => b.label.en)).toEqual(['Finance']);
    expect(ranked.filter((b) => b.leastImportant).map((b) => b.label.en)).toEqual(['Contacts']);
    // Free text of finished responses only, unattributed.
    expect([...r.areas[0]!.texts].sort()).toEqual(['Few distributors', 'No credit insurance']);
    // A threshold as a share of respondents: 40 % of 5 = 2 dots.
    expect(aggregate({ survey: { ...survey, threshold: { percent: 40 } }, responses: known, invited: 10, optionLabel: optionText }).threshold).toBe(2);
  });

  it('breaks down by country only for groups of at least 3; smaller ones are folded and never named', () => {
    const r = aggregate({ survey, responses: known, invited: 10, optionLabel: optionText });
    const byCountry = r.breakdowns.find((b) => b.field === 'country')!;
    // SE has 3 finished; DE and AT one each: "other" (2) is still too small, so it is left out, and said so.
    expect(byCountry.groups.map((g) => [g.group, g.respondents])).toEqual([['SE', 3]]);
    expect(byCountry).toMatchObject({ folded: 0, suppressed: 2 });
    expect(JSON.stringify(byCountry)).not.toMatch(/"DE"|"AT"/);
    const more = [...known, response('FR', [0, 3, 0], [0, 0, 3], [2, 5, 1])];
    const folded = aggregate({ survey, responses: more, invited: 10, optionLabel: optionText }).breakdowns.find((b) => b.field === 'country')!;
    expect(folded.groups.map((g) => [g.group, g.respondents])).toEqual([['SE', 3], ['other', 3]]);
    expect(JSON.stringify(folded)).not.toMatch(/"DE"|"AT"|"FR"/);
  });

  it('exports one row per finished response with profile columns only where no combination singles out fewer than 3', () => {
    expect(safeColumns([{ country: 'SE', sector: 'ict', size: 'small' }, { country: 'SE', sector: 'ict', size: 'small' }, { country: 'SE', sector: 'food', size: 'small' }, { country: 'SE', sector: 'food', size: 'micro' }])).toEqual(['country']);
    const csv = new TextDecoder().decode(responsesCsv(survey, [...known, response('=SUM(A1)', [1, 1, 1], [0, 0, 0], [3, 3, 3], '=HYPERLINK("x")')], 'en').data);
    const rows = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows).toHaveLength(7);
    // SE 3, other 3 (DE, AT, the odd one): country is safe, in folded form.
    expect(rows[0]).toMatch(/^response,country,q2: Most\?,q3: Least\?,q4: Rate Finance/);
    expect(csv).not.toMatch(/\bDE\b|\bAT\b|unfinished/);
    expect(csv).toMatch(/'=HYPERLINK/);
    expect(rows.slice(1).map((r) => r.split(',')[1]).sort()).toEqual(['SE', 'SE', 'SE', 'other', 'other', 'other']);
  });

  it('withholds everything but the counts below 3 finished responses, in the results and the CSV', () => {
    const two = [response('SE', [3, 0, 0], [0, 0, 3], [5, 1, 1], 'Only two of us'), response('DE', [0, 3, 0], [3, 0, 0], [1, 5, 1])];
    const r = aggregate({ survey, responses: two, invited: 10, optionLabel: optionText });
    expect(r).toMatchObject({ finished: 2, withheld: true, areas: [], questions: [], breakdowns: [] });
    const csv = new TextDecoder().decode(responsesCsv(survey, two, 'en').data).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv).toHaveLength(1);
    expect(aggregate({ survey, responses: [], invited: 10, optionLabel: optionText }).withheld).toBe(false);
  });

  it('draws the ranking as a PNG with text', async () => {
    const r = aggregate({ survey, responses: known, invited: 10, optionLabel: optionText });
    const chart = await resultsChart(survey, r, 'en');
    const png = PNG.sync.read(Buffer.from(chart.data));
    expect([png.width, png.height]).toEqual([900, 120 + 3 * 40]);
    let dark = 0;
    for (let y = 10; y < 34; y++) for (let x = 16; x < 200; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i]! < 120 && png.data[i + 1]! < 120 && png.data[i + 2]! < 120) dark++;
    }
    expect(dark).toBeGreaterThan(100);
  });

  it('compares the ranking between rounds', () => {
    const first = aggregate({ survey, responses: known, invited: 10, optionLabel: optionText });
    const second = aggregate({ survey, responses: [response('SE', [0, 0, 3], [3, 0, 0], [1, 2, 5]), response('SE', [0, 1, 2], [3, 0, 0], [2, 3, 4]), response('DE', [0, 0, 3], [3, 0, 0], [1, 2, 5])], invited: 4, optionLabel: optionText });
    expect(compareRounds(first, second).map((c) => [c.label.en, c.before, c.after])).toEqual([['Contacts', 3, 1], ['Skills', 2, 2], ['Finance', 1, 3]]);
  });

  it('answers: dots move on at the last one, a forged or stale press changes nothing, a closed survey refuses', () => {
    const env = { now: new Date('2026-12-03T10:00:00Z'), lang: 'en' as const, profile: { country: 'SE' } };
    const labels = (q: Question) => optionLabels(q, 'en');
    let r = advance(survey, undefined, { kind: 'start' }, { ...env, event: 'e1' }, labels);
    expect(r.response?.askedIds).not.toContain('q1');
    expect(r.response?.at).toBe('q2');
    const press = (value: string, event: string, question = 'q2') => (r = advance(survey, r.response, { kind: 'press', question, value }, { ...env, event }, labels));
    press('0', 'e2');
    press('0', 'e2');
    expect(r.changed).toBe(false);
    expect(r.response?.answers.q2).toEqual({ dots: [1, 0, 0], done: false });
    press('1', 'e3', 'q5');
    expect(r.replies[0]).toMatchObject({ kind: 'refused', refusal: 'stale' });
    press('2', 'e4');
    press('2', 'e5');
    expect(r.response?.at).toBe('q3');
    expect(r.response?.answers.q2).toEqual({ dots: [1, 0, 2], done: true });
    const closed = advance({ ...survey, state: 'closed' }, r.response, { kind: 'text', text: '3' }, env, labels);
    expect(closed).toMatchObject({ changed: false, replies: [{ kind: 'refused', refusal: 'closed' }] });
    const late = advance(survey, r.response, { kind: 'skip' }, { ...env, now: new Date(survey.closesAt) }, labels);
    expect(late.replies[0]).toMatchObject({ refusal: 'closed' });
  });
});
