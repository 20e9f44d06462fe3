/**
 * Spotting specialist terms ("EORI", "reverse charge", "Ursprungszeugnis", "ATA-carnet") in a message: whole words,
 * case- and accent-insensitive, a German or Swedish inflection or compound ending allowed on longer words
 * ("Ausfuhranmeldungen" for "Ausfuhranmeldung"). A few map reads per word, whatever the number of terms.
 */
/** Lowercase, without accents, ß as ss: "Zölle" and "zolle" are one word, "Präferenz" and "praferenz" too. */
const fold = (text: string): string =>
  text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');

export interface TermHit<P> {
  /** The term as listed. */
  term: string;
  /** How many words it has: longer terms are more specific. */
  words: number;
  payload: P;
}

const tokens = (text: string): string[] => fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
const rawTokens = (text: string): string[] => text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * A short acronym of capitals ("OSS", "CE", "HS", "DoC") matches only as written: in lower case it is often a word of
 * its own (Swedish "oss" is "us", "doc" a document).
 */
const isAcronym = (term: string): boolean => /^[\p{L}\p{N}]{1,3}$/u.test(term) && /\p{Lu}/u.test(term);

/** A word of a message matches a term's word when equal, or for words of 5+ letters when only an ending is added. */
const MAX_ENDING = 3;
const MIN_STEM = 5;

export class TermSpotter<P> {
  /** First word of a term → the terms starting with it (their words and payload). */
  private readonly byFirst = new Map<string, { term: string; words: string[]; payload: P }[]>();
  /** Long first words by their first five letters, for inflected matches. */
  private readonly byPrefix = new Map<string, string[]>();
  /** Short acronyms, matched case-sensitively: "OSS" → its payloads. */
  private readonly acronyms = new Map<string, { term: string; payload: P }[]>();

  constructor(entries: Iterable<{ term: string; payload: P }>) {
    for (const { term, payload } of entries) {
      if (isAcronym(term)) {
        this.acronyms.set(term, [...(this.acronyms.get(term) ?? []), { term, payload }]);
        continue;
      }
      const words = tokens(term);
      const first = words[0];
      if (!first) continue;
      const list = this.byFirst.get(first) ?? [];
      list.push({ term, words, payload });
      this.byFirst.set(first, list);
      if (first.length >= MIN_STEM) {
        const key = first.slice(0, MIN_STEM);
        const firsts = this.byPrefix.get(key) ?? [];
        if (!firsts.includes(first)) firsts.push(first);
        this.byPrefix.set(key, firsts);
      }
    }
  }

  /** Whether the text is nothing but listed terms (and digits or one-letter words). */
  covers(text: string): boolean {
    return coveredBy(this, text);
  }

  /** Every listed term in the text, each once. */
  find(text: string): TermHit<P>[] {
    const bounded = text.length > 2000 ? text.slice(0, 2000) : text;
    const ws = tokens(bounded);
    const hits = new Map<string, TermHit<P>>();
    for (const raw of rawTokens(bounded)) for (const a of this.acronyms.get(raw) ?? []) if (!hits.has(a.term)) hits.set(a.term, { term: a.term, words: 1, payload: a.payload });
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      const firsts = [w, ...(w.length >= MIN_STEM ? (this.byPrefix.get(w.slice(0, MIN_STEM)) ?? []).filter((f) => f !== w && matches(w, f)) : [])];
      for (const first of firsts) {
        for (const t of this.byFirst.get(first) ?? []) {
          if (hits.has(t.term)) continue;
          let ok = true;
          for (let k = 1; k < t.words.length && ok; k++) ok = ws[i + k] !== undefined && matches(ws[i + k]!, t.words[k]!);
          if (ok) hits.set(t.term, { term: t.term, words: t.words.length, payload: t.payload });
        }
      }
    }
    return [...hits.values()];
  }
}

/** Whether the text is nothing but listed terms (and digits or one-letter words). */
function coveredBy<P>(spotter: TermSpotter<P>, text: string): boolean {
  const hits = spotter.find(text);
  if (hits.length === 0) return false;
  const covered = new Set(hits.flatMap((h) => tokens(h.term)));
  return tokens(text).every((w) => covered.has(w) || w.length <= 1 || /^\d+$/.test(w) || [...covered].some((c) => c.length >= MIN_STEM && w.startsWith(c) && w.length - c.length <= MAX_ENDING));
}

function matches(word: string, termWord: string): boolean {
  if (word === termWord) return true;
  return termWord.length >= MIN_STEM && word.startsWith(termWord) && word.length - termWord.length <= MAX_ENDING;
}
