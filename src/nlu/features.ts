/** Sparse features of an utterance: stemmed words, word bigrams and character n-grams (for typos and inflections). */
import { MEMO_LIMIT, stem, tokenize, type Lang } from '../common/lang.js';

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
    if (foldCache.size < MEMO_LIMIT) foldCache.set(token, out);
  }
  return out;
}

/** The word stems of a text (language-specific stemmer, then folded; both memoised). */
export function wordStems(text: string, lang: Lang): string[] {
  return tokenize(text).map((t) => fold(stem(t, lang)));
}

/** L2-normalised sparse features of a text. */
export function featurize(text: string, lang: Lang, o: FeatureOptions = DEFAULT_FEATURES): SparseVector {
  return featuresOfStems(wordStems(text, lang), o);
}

/** L2-normalised sparse features of already stemmed words (so a caller that needs the stems too stems once). */
export function featuresOfStems(stems: string[], o: FeatureOptions = DEFAULT_FEATURES): SparseVector {
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
