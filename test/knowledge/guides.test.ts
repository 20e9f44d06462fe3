/**
 * The practical guides (issue 11): every need SMEs ask about has one, in three languages, with confirmed official
 * links and the day its facts were checked; `advisor data check` counts them per topic and country and refuses a
 * guide with a missing language, a non-https or unconfirmed link, an unknown barrier or no checked date.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectDataset, loadDataset } from '../../src/knowledge/dataset.js';
import { ANSWER_WORDS, REQUIRED_NEEDS } from '../../src/knowledge/guides.js';
import { TOPICS } from '../../src/common/topics.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

const DATA = path.join(ROOT, 'data');
const d = loadDataset(DATA);
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('practical guides', () => {
  it('cover every need the SMEs ask about, every topic, and the national bodies of the countries served', () => {
    const needs = new Set(d.guides.map((g) => g.need));
    for (const need of REQUIRED_NEEDS) expect(needs.has(need), need).toBe(true);
    for (const topic of TOPICS) expect(d.guides.some((g) => g.topic === topic || g.alsoTopics?.includes(topic)), topic).toBe(true);
    // The EORI number is issued by each country's customs: every country with national agencies has its body.
    const eori = d.guides.find((g) => g.need === 'eori')!;
    for (const c of ['SE', 'DE', 'AT', 'BE', 'NL', 'FR', 'IE', 'RO', 'BG', 'GB']) expect(eori.variants.some((v) => v.countries.includes(c)), `EORI ${c}`).toBe(true);
  });

  it('are short, in English, German and Swedish, with their sources confirmed and the day they were checked', () => {
    const confirmed = new Set([...d.links.map((l) => l.url), ...d.agencies.map((a) => a.url)]);
    for (const g of d.guides) {
      for (const lang of ['en', 'de', 'sv'] as const) {
        const n = words(g[lang].answer);
        expect(n, `${g.id} ${lang}`).toBeGreaterThanOrEqual(ANSWER_WORDS.min);
        expect(n, `${g.id} ${lang}`).toBeLessThanOrEqual(ANSWER_WORDS.max);
        expect(g[lang].steps.length, `${g.id} ${lang}`).toBe(g.en.steps.length);
      }
      expect(g.de.answer).not.toBe(g.en.answer);
      expect(g.sv.answer).not.toBe(g.en.answer);
      for (const l of [...g.sources, ...g.variants.flatMap((v) => v.sources)]) {
        expect(l.url.startsWith('https://'), `${g.id} ${l.url}`).toBe(true);
        expect(confirmed.has(l.url), `${g.id} ${l.url}`).toBe(true);
      }
      expect(Date.parse(g.checked)).toBeLessThanOrEqual(Date.now());
      // The research stays the backbone: each guide names the barriers it is the practical end of.
      expect(g.barriers.length, g.id).toBeGreaterThan(0);
    }
  });

  describe('bad guide files', () => {
    const { dir, cleanup } = tempDir();
    afterAll(cleanup);
    const broken = (mutate: (guides: Record<string, unknown>[], links: Record<string, unknown>[]) => void) => {
      const data = path.join(dir, `data-${Math.random().toString(36).slice(2)}`);
      fs.cpSync(DATA, data, { recursive: true });
      const file = path.join(data, 'guides', 'customs-core.json');
      const guides = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
      const linksFile = path.join(data, 'links', 'customs-core.json');
      const links = JSON.parse(fs.readFileSync(linksFile, 'utf8')) as Record<string, unknown>[];
      mutate(guides, links);
      fs.writeFileSync(file, JSON.stringify(guides));
      fs.writeFileSync(linksFile, JSON.stringify(links));
      return data;
    };
    const eoriOf = (guides: Record<string, unknown>[]) => guides.find((g) => g.id === 'customs-eori') as { sources: { url: string; title: string }[] } & Record<string, unknown>;

    it('name the file, the guide and the problem', () => {
      const data = broken((guides) => {
        const eori = eoriOf(guides);
        delete eori.sv;
        delete eori.checked;
        eori.barriers = ['ghost-barrier'];
        eori.sources = [{ url: 'http://example.org/eori', title: 'EORI' }, { url: 'https://example.org/unconfirmed', title: 'EORI' }];
      });
      const problems = inspectDataset(data).problems.filter((p) => p.id === 'customs-eori').map((p) => `${p.file} [${p.id}]: ${p.problem}`);
      const text = problems.join('\n');
      expect(text).toMatch(/data-\w+\/guides\/customs-core\.json \[customs-eori\]: sv: /);
      expect(text).toMatch(/\[customs-eori\]: checked: /);
      expect(text).toMatch(/\[customs-eori\]: sources\.0\.url: must be an https:\/\/ URL/);
      // A guide that fails its schema is not checked further; the other checks are seen on a valid one.
      const data2 = broken((guides) => {
        const eori = eoriOf(guides);
        eori.barriers = ['ghost-barrier'];
        eori.sources = [{ url: 'https://example.org/unconfirmed', title: 'EORI' }];
        eori.checked = '2999-01-01';
      });
      const text2 = inspectDataset(data2).problems.map((p) => `${p.file} [${p.id}]: ${p.problem}`).join('\n');
      expect(text2).toMatch(/guides\/customs-core\.json \[customs-eori\]: barrier "ghost-barrier" does not exist/);
      expect(text2).toMatch(/\[customs-eori\]: link https:\/\/example\.org\/unconfirmed is not confirmed/);
      expect(text2).toMatch(/\[customs-eori\]: checked "2999-01-01" is not a past or present day/);
    });

    it('fail `advisor data check` with exit code 1, and a missing need is named', () => {
      const data = broken((guides) => {
        for (const g of guides) if (g.need === 'eori') g.need = 'something-else';
      });
      const check = spawnSync(process.execPath, ['dist/cli.js', 'data', 'check'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, KNOWLEDGE_DIR: data, LOG_LEVEL: 'warn' }, timeout: 30_000 });
      expect(check.status).toBe(1);
      expect(check.stderr).toMatch(/guides: no guide for the need "eori"/);
      expect(check.stdout).toMatch(/trade_rules\s+\d+\s+.*tariff-classification/);
      expect(check.stdout).toMatch(/national variants: .*SE \d+/);
    });
  });
});
