/**
 * Agency addresses that are not in ../shared/agencies.json (verification "official") went in because the curator was
 * sure they are the organisation's own. They are listed here so that every addition is reviewed in a diff.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/knowledge/dataset.js';
import { ROOT } from '../helpers/tmp.js';

const REVIEWED = [
  'france-num https://www.francenum.gouv.fr/',
  'kmu-digital https://www.kmudigital.at/',
  'mittelstand-digital https://www.mittelstand-digital.de/',
];

describe('agency URLs added beyond the verified list', () => {
  it('are exactly the reviewed ones', () => {
    const d = loadDataset(path.join(ROOT, 'data'));
    expect(d.agencies.filter((a) => a.verification === 'official').map((a) => `${a.id} ${a.url}`).sort()).toEqual(REVIEWED);
  });
});
