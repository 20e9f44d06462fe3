/** The dataset's German and Swedish text: complete, not left in English, originals kept, glossary terms respected. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectDataset } from '../../src/knowledge/dataset.js';
import { checkTranslations, readGlossary } from '../../src/knowledge/translations.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

const glossary = { terms: [{ en: ['root cause'], de: ['Grundursache'], sv: ['grundorsak'] }] };

describe('dataset translations', () => {
  it('finds a missing language, a field left out or left in English, a changed original and a glossary miss (originals are not held to it)', () => {
    const rec = (record: Record<string, unknown>) => ({ kind: 'solutions' as const, file: 'data/solutions/x.json', record });
    const { problems, counts } = checkTranslations(
      [
        rec({ id: 'a', text: 'Find the root cause first', i18n: { de: { text: 'Zuerst die Grundursache finden' } } }),
        rec({ id: 'b', text: 'Use the export credit agencies', detail: 'More.', i18n: { de: { text: 'Use the export credit agencies' }, sv: { text: 'Använd exportkreditinstituten' } } }),
        rec({ id: 'c', text: 'Know the root cause', original: { lang: 'de', text: 'Die Grundursache kennen' }, i18n: { de: { text: 'Die Ursache kennen' }, sv: { text: 'Känn till orsaken' } } }),
      ],
      glossary,
    );
    expect(problems.map((p) => `${p.id}: ${p.problem}`)).toEqual([
      'a: no Swedish text (i18n.sv)',
      'b: i18n.de.text is still the English text',
      'b: i18n.de.detail is missing (the English has it)',
      'b: i18n.sv.detail is missing (the English has it)',
      'c: i18n.de.text must be the original wording (original.text), the source being German',
      'c: i18n.sv.text: "root cause" is "grundorsak" in the glossary',
    ]);
    expect(counts).toEqual({ de: { done: 3, of: 3 }, sv: { done: 2, of: 3 } });
  });

  it('names the glossary file and what is wrong with it', () => {
    const { dir, cleanup } = tempDir();
    try {
      fs.writeFileSync(path.join(dir, 'glossary.json'), '{"terms": [');
      expect(() => readGlossary(dir)).toThrow(/glossary\.json: not valid JSON/);
      fs.writeFileSync(path.join(dir, 'glossary.json'), JSON.stringify({ terms: [{ en: ['root cause'], de: [] , sv: ['grundorsak'] }] }));
      expect(() => readGlossary(dir)).toThrow(/glossary\.json: terms\.0\.de: /);
      fs.rmSync(path.join(dir, 'glossary.json'));
      expect(readGlossary(dir)).toBeUndefined();
    } finally {
      cleanup();
    }
  });

  it('has every record of data/ in German and Swedish, passing the checks and data/glossary.json', () => {
    const dir = path.join(ROOT, 'data');
    const { located } = inspectDataset(dir);
    const { problems, counts } = checkTranslations(located, readGlossary(dir));
    expect(problems.map((p) => `${p.file} [${p.id}]: ${p.problem}`)).toEqual([]);
    expect(counts.de.done).toBe(located.length);
    expect(counts.sv.done).toBe(located.length);
  });
});
