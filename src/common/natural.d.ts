// Single-file imports from natural: its package root loads everything (about a second) and has no ESM named exports.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_de.js' {
  const PorterStemmerDe: { stem(token: string): string };
  export default PorterStemmerDe;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_sv.js' {
  const PorterStemmerSv: { stem(token: string): string };
  export default PorterStemmerSv;
}
declare module 'natural/lib/natural/tokenizers/regexp_tokenizer.js' {
  export class RegexpTokenizer {
    constructor(options: { pattern: RegExp; gaps?: boolean });
    tokenize(text: string): string[];
  }
}
declare module 'natural/lib/natural/tfidf/tfidf.js' {
  export default class TfIdf {
    documents: Record<string, number>[];
    addDocument(document: string[] | string, key?: string): void;
    idf(term: string): number;
    static tf(term: string, document: Record<string, number>): number;
  }
}
declare module 'natural/lib/natural/distance/levenshtein_distance.js' {
  const distances: {
    DamerauLevenshteinDistance(a: string, b: string, options?: { restricted?: boolean }): number;
  };
  export default distances;
}
declare module 'natural/lib/natural/util/stopwords.js' {
  export const words: string[];
}
declare module 'natural/lib/natural/util/stopwords_sv.js' {
  export const words: string[];
}
