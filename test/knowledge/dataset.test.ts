import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COVERAGE_TARGETS, DatasetError, inspectDataset, loadDataset, topicCounts } from '../../src/knowledge/dataset.js';
import { TOPICS } from '../../src/common/topics.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

const DATA = path.join(ROOT, 'data');
const d = loadDataset(DATA);
const byId = new Map([...d.barriers, ...d.rootCauses, ...d.solutions].map((x) => [x.id, x]));

describe('dataset integrity', () => {
  it('loads without a single problem', () => {
    expect(inspectDataset(DATA).problems).toEqual([]);
  });

  it('cites a known source and section for every barrier, root cause, solution, fact and insight', () => {
    const sources = new Map(d.sources.map((s) => [s.id, s]));
    for (const x of [...d.barriers, ...d.rootCauses, ...d.solutions, ...d.facts, ...d.insights]) {
      expect(sources.get(x.cite.source)?.sections, x.id).toContain(x.cite.section);
    }
    expect(d.sources.map((s) => s.file).sort()).toEqual([
      '000_50399c764302bf4d.txt',
      '001_6ffbc6ec8cf6c130.txt',
      '002_809b4dd384326a3b.txt',
      '003_af6cdef924b0c0f2.txt',
      '004_14ebedd49b5914b8.txt',
    ]);
  });

  it('meets the coverage every topic needs', () => {
    const counts = topicCounts(d);
    for (const t of TOPICS) {
      expect(counts[t].barriers, t).toBeGreaterThanOrEqual(COVERAGE_TARGETS.barriers);
      expect(counts[t].solutions, t).toBeGreaterThanOrEqual(COVERAGE_TARGETS.solutions);
      expect(counts[t].agencies, t).toBeGreaterThanOrEqual(COVERAGE_TARGETS.agencies);
    }
    for (const country of ['SE', 'DE', 'BE', 'RO', 'BG', 'RS', 'AT', 'NL', 'FR', 'IE']) {
      expect(d.agencies.filter((a) => a.scope === country).length, country).toBeGreaterThan(0);
    }
    expect(d.agencies.filter((a) => a.scope === 'EU').length).toBeGreaterThanOrEqual(10);
  });

  it('keeps German and Swedish wording beside the English text', () => {
    const originals = [...d.barriers, ...d.solutions, ...d.insights].filter((x) => x.original);
    expect(originals.some((x) => x.original!.lang === 'de')).toBe(true);
    expect(originals.some((x) => x.original!.lang === 'sv')).toBe(true);
  });

  it('reports every kind of error with the file, the id and the problem', () => {
    const { dir, cleanup } = tempDir();
    try {
      fs.cpSync(DATA, dir, { recursive: true });
      const file = path.join(dir, 'solutions', 'give.json');
      const solutions = JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string; barriers: string[] }[];
      solutions[0]!.barriers.push('no-such-barrier');
      solutions.push({ ...solutions[1]! });
      fs.writeFileSync(file, JSON.stringify(solutions));
      const agenciesFile = path.join(dir, 'agencies', 'agencies.json');
      const agencies = JSON.parse(fs.readFileSync(agenciesFile, 'utf8')) as { url: string }[];
      agencies[0]!.url = 'http://insecure.example.org/';
      fs.writeFileSync(agenciesFile, JSON.stringify(agencies));
      fs.writeFileSync(path.join(dir, 'facts', 'broken.json'), '{ not json');
      const problems = inspectDataset(dir).problems.map((p) => `${p.file} ${p.id ?? ''} ${p.problem}`);
      expect(problems).toContainEqual(expect.stringMatching(/solutions\/give\.json give-s-\S+ barrier "no-such-barrier" does not exist/));
      expect(problems).toContainEqual(expect.stringMatching(/solutions\/give\.json \S+ duplicate id/));
      expect(problems).toContainEqual(expect.stringMatching(/agencies\/agencies\.json \S+ url: must be an https:\/\/ URL/));
      expect(problems).toContainEqual(expect.stringMatching(/facts\/broken\.json\s+not valid JSON/));
      expect(() => loadDataset(dir)).toThrow(DatasetError);
    } finally {
      cleanup();
    }
  });
});

describe('GIVE focus-group report (seed 000)', () => {
  const give = d.barriers.filter((b) => b.cite.source === 'give-focus-group');

  it('has the key areas and sub-areas of the first table', () => {
    expect(d.keyAreas.map((k) => k.name.toLowerCase())).toEqual(
      expect.arrayContaining([expect.stringContaining('core team'), expect.stringContaining('financial readiness'), expect.stringContaining('knowledge readiness'), expect.stringContaining('networking')]),
    );
    expect(d.keyAreas.flatMap((k) => k.subAreas).length).toBeGreaterThanOrEqual(25);
  });

  it('has every most and least important barrier of the first table', () => {
    const most = give.filter((b) => b.importance === 'most').map((b) => b.text.toLowerCase());
    const least = give.filter((b) => b.importance === 'least').map((b) => b.text.toLowerCase());
    expect(most).toHaveLength(17);
    expect(least).toHaveLength(20);
    for (const t of ['lack of digital skills in many smes', 'not smart financing schemes', 'lack of consultants', 'lack of information about strategies of competitors']) {
      expect(most).toContain(t);
    }
    for (const t of ['lack of public policy to encourage learning of foreign languages', 'religious background', 'lack of means to guarantee the loan', 'lack of online selling system']) {
      expect(least).toContain(t);
    }
    for (const b of give.filter((x) => x.importance !== 'critical')) expect(b.subArea, b.id).toBeDefined();
  });

  it('has all 17 critical barriers of the solutions table, each with root causes and solutions', () => {
    const critical = give.filter((b) => b.importance === 'critical');
    expect(critical.map((b) => b.text)).toEqual([
      'Lack of digital skills in many SMEs',
      'Education fitting the needs',
      'Lack of long term perspective on benefits',
      'Lack of trainings',
      'Not smart financing schemes',
      'Market risk need to invest in non-productive areas to compensate',
      'Financial instability in the national market',
      'Lack of knowledge on legislation, taxes, customs, import, duties',
      'Lack of consultants',
      'Lack of information about strategies of competitors',
      'Not understanding the importance of clusters',
      'No providers of consultancy services for obtaining certificates',
      'Lack of knowledge about certification',
      'Lack of awareness about failure',
      'Lack of strategic approach for entering the new market',
      'Lack of vision',
      'Lack of flexible business models',
    ]);
    for (const b of critical) {
      expect(d.rootCauses.filter((r) => r.barriers.includes(b.id)).length, b.id).toBeGreaterThan(0);
      expect(d.solutions.filter((s) => s.barriers.includes(b.id)).length, b.id).toBeGreaterThan(0);
    }
    expect(d.rootCauses.filter((r) => r.cite.source === 'give-focus-group')).toHaveLength(19);
    expect(d.solutions.filter((s) => s.cite.source === 'give-focus-group')).toHaveLength(29);
  });

  it('links every focus-group solution to its root cause', () => {
    for (const s of d.solutions.filter((x) => x.cite.source === 'give-focus-group')) {
      expect(s.rootCauses.length, s.id).toBeGreaterThan(0);
      for (const r of s.rootCauses) expect(byId.has(r), r).toBe(true);
    }
  });
});

describe('Swedish study (seed 002)', () => {
  it('has the ten ranked OECD-APEC barriers in order, with the Swedish wording', () => {
    const ranked = d.barriers.filter((b) => b.rank !== undefined && b.cite.source === 'achtenhagen-study').sort((a, b) => a.rank! - b.rank!);
    expect(ranked.map((b) => b.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ranked.map((b) => b.text.replace(/\.$/, ''))).toEqual([
      'Shortage of working capital to finance exports',
      'Identifying foreign business opportunities',
      'Limited information to locate/analyse markets',
      'Inability to contact potential overseas customers',
      'Obtaining reliable foreign representation',
      'Lack of managerial time to deal with internationalisation',
      'Inadequate quantity of and/or untrained personnel for internationalisation',
      "Difficulty in matching competitors' prices",
      'Lack of home government assistance/incentives',
      'Excessive transportation costs',
    ]);
    expect(ranked[0]!.original).toEqual({ lang: 'sv', text: 'Brist på kapital att finansiera exportverksamhet' });
    expect(ranked[9]!.original?.text).toBe('Höga transportkostnader');
  });

  it('has the competence framework: personal, organisational, market and institutional', () => {
    const levels = new Set(d.insights.filter((i) => i.kind === 'competence').map((i) => i.level));
    for (const l of ['personal', 'organisational', 'market', 'institutional']) expect(levels).toContain(l);
  });
});

describe('Flanders/EU study (seed 001)', () => {
  const fl = (kind: string) => d.insights.filter((i) => i.cite.source === 'flanders-study' && i.kind === kind);

  it('classifies barriers as internal/external and home/foreign', () => {
    const barriers = d.barriers.filter((b) => b.cite.source === 'flanders-study');
    expect(barriers.some((b) => b.origin === 'internal')).toBe(true);
    expect(barriers.some((b) => b.origin === 'external' && b.location === 'foreign')).toBe(true);
    expect(barriers.some((b) => b.location === 'home')).toBe(true);
  });

  it('has motives, entry modes with pros and cons, waterfall vs sprinkler, support needs and policy recommendations', () => {
    expect(fl('motive').length).toBeGreaterThan(3);
    const modes = fl('entry_mode');
    expect(modes.filter((m) => m.pros?.length && m.cons?.length).map((m) => m.title)).toEqual(expect.arrayContaining(['Exporting', 'Foreign direct investment (FDI)', 'Strategic alliances']));
    expect(fl('expansion_pattern').map((i) => i.title)).toEqual(expect.arrayContaining([expect.stringMatching(/^Waterfall/), expect.stringMatching(/^Sprinkler/)]));
    expect(fl('support_need').length).toBeGreaterThan(3);
    expect(fl('policy_recommendation').length).toBeGreaterThan(3);
  });

  it('gives every key figure a population and a year', () => {
    const facts = d.facts.filter((f) => f.cite.source === 'flanders-study');
    expect(facts.length).toBeGreaterThan(10);
    for (const f of facts) {
      expect(f.population.length, f.id).toBeGreaterThan(3);
      expect(f.year, f.id).toMatch(/^\d{4}/);
    }
  });
});

describe('German cluster article (seed 003) and social-media blog (seed 004)', () => {
  it('separates cluster-management and member level, in German with English beside it', () => {
    const roles = d.insights.filter((i) => i.kind === 'cluster_role');
    expect(new Set(roles.map((r) => r.level))).toEqual(new Set(['cluster management', 'member']));
    for (const r of roles) expect(r.original?.lang, r.id).toBe('de');
  });

  it('has the four barrier headings and the role of social media', () => {
    const headings = d.insights.filter((i) => i.cite.source === 'social-media-blog' && i.kind === 'barrier_heading').map((i) => i.title);
    expect(headings).toEqual(expect.arrayContaining(['Psychological barriers', 'Organisational barriers', 'Operational barriers', 'Product/market barriers']));
    expect(d.insights.some((i) => i.kind === 'social_media')).toBe(true);
  });
});
