/** The GIVE focus group's key areas as users name them, and the barriers the group voted on in each. */
import { LANGS } from '../common/lang.js';
import type { Knowledge } from './dataset.js';
import { tr } from './localize.js';
import type { Barrier, KeyArea } from './schema.js';

/** Lowercase, accents and punctuation gone, for matching what people type. */
const fold = (s: string): string => s.toLocaleLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * The key area a phrase names: its id, or the most words (3+ letters, as prefixes) of its name in any language;
 * undefined when none fits or two fit equally well.
 */
export function keyAreaNamed(k: Knowledge, typed: string): KeyArea | undefined {
  const phrase = fold(typed);
  const words = phrase.split(' ').filter((w) => w.length >= 3);
  const scored = k.data.keyAreas
    .map((area) => {
      const names = fold([area.id.replace(/-/g, ' '), ...LANGS.map((l) => tr(area, 'name', l))].join(' ')).split(' ');
      return { area, score: phrase === fold(area.id) ? 100 : words.filter((w) => names.some((n) => n.startsWith(w))).length };
    })
    .sort((x, y) => y.score - x.score);
  const best = scored[0];
  return !best || best.score === 0 || scored[1]?.score === best.score ? undefined : best.area;
}

/** The focus group's voting list of a key area: its most and least important barriers (critical ones repeat them). */
export function votingBarriers(k: Knowledge, areaId: string): Barrier[] {
  const seen = new Set<string>();
  return k.data.barriers.filter((b) => b.keyArea === areaId && b.importance !== 'critical' && !seen.has(b.text) && seen.add(b.text));
}
