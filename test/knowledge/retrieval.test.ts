import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/knowledge/dataset.js';
import { RetrievalIndex } from '../../src/knowledge/retrieval.js';
import type { Topic } from '../../src/knowledge/schema.js';
import { ROOT } from '../helpers/tmp.js';

const d = loadDataset(path.join(ROOT, 'data'));
const index = new RetrievalIndex(d);

const CASES: { topic: Topic; question: string; expect: RegExp }[] = [
  { topic: 'financing', question: 'We lack working capital to finance our exports', expect: /working capital|financ/i },
  { topic: 'certification', question: 'Nobody can help us get the certificates we need', expect: /certif/i },
  { topic: 'trade_rules', question: 'We do not understand the legislation, taxes and customs duties abroad', expect: /legislation|customs|duties|formalities/i },
  { topic: 'markets', question: 'How do we find customers and reliable representation abroad?', expect: /customers|representation|market/i },
  { topic: 'clusters', question: 'Why should we join a cluster?', expect: /cluster/i },
  { topic: 'skills', question: 'Our staff lack digital skills and training', expect: /skills|training/i },
  { topic: 'digital_marketing', question: 'We have no online selling system and little visibility on the internet', expect: /online|internet|search|web/i },
  { topic: 'strategy', question: 'We have no strategic approach for entering a new market', expect: /strateg/i },
];

describe('retrieval', () => {
  it.each(CASES)('finds relevant barriers and solutions for a $topic question', ({ topic, question, expect: pattern }) => {
    const r = index.search({ text: question, topic, country: 'SE' });
    expect(r.barriers.length).toBeGreaterThan(0);
    expect(r.solutions.length).toBeGreaterThan(0);
    expect(r.barriers.slice(0, 2).map((b) => b.item.text).join(' ')).toMatch(pattern);
    for (const x of [...r.barriers, ...r.solutions]) expect(x.item.topics).toContain(topic);
    for (const a of r.agencies) expect(['SE', 'EU']).toContain(a.item.scope);
    expect(r.barriers[0]!.score).toBeGreaterThanOrEqual(r.barriers.at(-1)!.score);
  });

  it('puts a national agency first when the country has one for the topic, and EU-wide ones beside it', () => {
    const r = index.search({ text: 'export credit guarantee', topic: 'financing', country: 'SE' });
    expect(r.agencies[0]!.item.scope).toBe('SE');
    expect(r.agencies.some((a) => a.item.scope === 'EU')).toBe(true);
    const none = index.search({ text: 'export credit guarantee', topic: 'financing' });
    expect(none.agencies.every((a) => a.item.scope === 'EU')).toBe(true);
  });

  it('tells certification questions apart: CE marking vs certification consultants', () => {
    const ce = index.search({ text: 'CE marking requirements for medical technology', topic: 'certification' });
    const consultants = index.search({ text: 'no consultants who help SMEs obtain certificates', topic: 'certification' });
    expect(ce.solutions[0]!.item.id).not.toBe(consultants.solutions[0]!.item.id);
    expect(consultants.barriers.map((b) => b.item.id)).toContain('give-critical-certification-consultancy');
  });

  it('finds root causes for the 5-Whys quick picks', () => {
    const picks = index.closestRootCauses('we do not know which certificates we need', 'en', 3);
    expect(picks.length).toBeGreaterThan(0);
    expect(picks[0]!.item.barriers.some((b) => /certification/.test(b))).toBe(true);
  });
});

describe('retrieval for German and Swedish questions', () => {
  it('reaches the English dataset text through the domain glossary', () => {
    const de = index.search({ text: 'Wie finden wir einen zuverlässigen Vertriebspartner?', lang: 'de', topic: 'markets' });
    expect(de.solutions.map((s) => s.item.text).join(' ')).toMatch(/distributor/i);
    const sv = index.search({ text: 'Vi saknar rörelsekapital för exporten', lang: 'sv', topic: 'financing' });
    expect(sv.barriers[0]!.item.text).toMatch(/working capital/i);
  });
});
