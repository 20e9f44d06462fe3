/** Okapi BM25 over stemmed terms, for indexes kept beside natural's TfIdf (translations, guides). */
const K1 = 1.2;
const B = 0.75;

/** BM25 over one language's stemmed text of the documents (documents without it score 0). */
export class TermIndex {
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private lengths = new Float64Array(0);
  private readonly added: { doc: number; terms: string[] }[] = [];
  private avgLength = 1;
  private count = 0;

  add(doc: number, terms: string[]): void {
    this.added.push({ doc, terms });
  }

  finish(docs: number): void {
    this.lengths = new Float64Array(docs);
    for (const { doc, terms } of this.added) {
      this.lengths[doc] = terms.length;
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [term, n] of tf) {
        const list = this.postings.get(term);
        if (list) list.push({ doc, tf: n });
        else this.postings.set(term, [{ doc, tf: n }]);
      }
    }
    this.count = this.added.length;
    this.avgLength = this.added.reduce((a, x) => a + x.terms.length, 0) / Math.max(1, this.count);
  }

  bm25(terms: string[]): Float64Array {
    const scores = new Float64Array(this.lengths.length);
    for (const term of new Set(terms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      // The idf of natural's TfIdf (as the English index uses): 1 + ln(N / (1 + df)).
      const idf = Math.max(0, 1 + Math.log(this.count / (1 + list.length)));
      for (const { doc, tf } of list) scores[doc]! += (idf * (tf * (K1 + 1))) / (tf + K1 * (1 - B + (B * this.lengths[doc]!) / this.avgLength));
    }
    return scores;
  }
}

