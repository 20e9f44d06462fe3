/** Sparse features of an utterance: stemmed words, word bigrams and character n-grams (for typos and inflections). */
import { stem, tokenize, type Lang } from './text.js';

export type SparseVector = Map<string, number>;

export interface FeatureOptions {
  /** Weight of the character n-gram group relative to whole words. */
  charWeight: number;
  /** Length of character n-grams. */
  charN: number;
  /** Weight of word bigrams relative to single words. */
  bigramWeight: number;
}

export const DEFAULT_FEATURES: FeatureOptions = { charWeight: 1, charN: 4, bigramWeight: 0.5 };

const foldCache = new Map<string, string>();
const stemCache: Record<Lang, Map<string, string>> = { en: new Map(), de: new Map(), sv: new Map() };
/** Bounded, so that a flood of unique junk words cannot grow memory without limit. */
const CACHE_LIMIT = 50_000;

/** Folds diacritics and common transliterations so "Förderung", "Foerderung" and "Forderung" meet. */
export function fold(token: string): string {
  let out = foldCache.get(token);
  if (out === undefined) {
    out = token
      .replace(/ae/g, 'a')
      .replace(/oe/g, 'o')
      .replace(/ue/g, 'u')
      .replace(/ß/g, 'ss')
      .normalize('NFD')
      .replace(/\p{M}/gu, '');
    if (foldCache.size < CACHE_LIMIT) foldCache.set(token, out);
  }
  return out;
}

/** The word stems of a text (language-specific stemmer, then folded); memoised per language. */
export function wordStems(text: string, lang: Lang): string[] {
  const cache = stemCache[lang];
  return tokenize(text).map((t) => {
    let out = cache.get(t);
    if (out === undefined) {
      out = fold(stem(t, lang));
      if (cache.size < CACHE_LIMIT) cache.set(t, out);
    }
    return out;
  });
}

/** L2-normalised sparse features. */
export function featurize(text: string, lang: Lang, o: FeatureOptions = DEFAULT_FEATURES): SparseVector {
  const stems = wordStems(text, lang);
  const words = new Map<string, number>();
  const chars = new Map<string, number>();
  stems.forEach((s, i) => {
    words.set(`w:${s}`, 1);
    if (o.bigramWeight > 0 && i + 1 < stems.length) words.set(`b:${s}_${stems[i + 1]}`, o.bigramWeight);
    const padded = `<${s}>`;
    if (s.length >= 3 && o.charWeight > 0) {
      for (let k = 0; k + o.charN <= padded.length; k++) chars.set(`c:${padded.slice(k, k + o.charN)}`, 1);
    }
  });
  const out: SparseVector = new Map();
  const addNormalised = (group: Map<string, number>, weight: number) => {
    const norm = Math.sqrt(group.size) || 1;
    for (const [k, v] of group) out.set(k, (v / norm) * weight);
  };
  addNormalised(words, 1);
  addNormalised(chars, o.charWeight);
  return out;
}
