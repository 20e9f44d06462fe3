/** Tokenising and stemming for English, German and Swedish, on natural's tokenizer and Porter stemmers. */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import PorterStemmerDe from 'natural/lib/natural/stemmers/porter_stemmer_de.js';
import PorterStemmerSv from 'natural/lib/natural/stemmers/porter_stemmer_sv.js';
import { RegexpTokenizer } from 'natural/lib/natural/tokenizers/regexp_tokenizer.js';
import { words as englishStopwords } from 'natural/lib/natural/util/stopwords.js';
import { words as swedishStopwords } from 'natural/lib/natural/util/stopwords_sv.js';

export const LANGS = ['en', 'de', 'sv'] as const;
export type Lang = (typeof LANGS)[number];

// natural's WordTokenizer splits on non-ASCII letters ("Förderung" → "F", "rderung"); a Unicode gap pattern keeps words whole.
const tokenizer = new RegexpTokenizer({ pattern: /[^\p{L}\p{N}]+/u });

const stemmers: Record<Lang, { stem(token: string): string }> = {
  en: PorterStemmer,
  de: PorterStemmerDe,
  sv: PorterStemmerSv,
};

/** A short German list: natural's German stop words come from a large package we do not need here. */
const germanStopwords = `aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus bei bin bis bist da damit dann das dass daß dein deine dem den denn der des dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch euer für gegen hab habe haben hat hatte hier hin hinter ich ihm ihn ihnen ihr ihre im in indem ins ist ja jede jedem jeden jeder jedes kann kein keine können man manche mein meine mich mir mit muss nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so solche soll sollte sondern sonst über um und uns unser unsere unter vom von vor wann war waren warum was weg weil welche wenn wer werde werden wie wieder will wir wird wo wollen würde zu zum zur zwar zwischen`.split(' ');

export const STOPWORDS: Record<Lang, ReadonlySet<string>> = {
  en: new Set(englishStopwords),
  de: new Set(germanStopwords),
  sv: new Set(swedishStopwords),
};

/** Lowercased word tokens (letters and digits of any script). */
export function tokenize(text: string): string[] {
  return tokenizer.tokenize(text.toLowerCase()).filter((t) => t.length > 0);
}

/** Stems are memoised per language: vocabulary repeats, and the Porter stemmers cost about 10 µs a word. */
const stemCache: Record<Lang, Map<string, string>> = { en: new Map(), de: new Map(), sv: new Map() };
/** Bound of every word memo, so that a flood of unique junk words cannot grow memory without limit. */
export const MEMO_LIMIT = 50_000;

/** Stems one lowercased token with the language's Porter stemmer. */
export function stem(token: string, lang: Lang): string {
  // Porter stemmers are built for letters; leave numbers and codes such as "9001" or "iso9001" alone.
  if (/\d/.test(token)) return token;
  const cache = stemCache[lang];
  let out = cache.get(token);
  if (out === undefined) {
    out = stemmers[lang].stem(token);
    if (cache.size < MEMO_LIMIT) cache.set(token, out);
  }
  return out;
}

/** Tokens, stop words removed, stemmed. */
export function stemmedTerms(text: string, lang: Lang): string[] {
  const stop = STOPWORDS[lang];
  return tokenize(text)
    .filter((t) => !stop.has(t))
    .map((t) => stem(t, lang));
}

/** How people name the three languages, in any of the three, and their codes: "Deutsch", "German", "tyska", "de". */
const LANGUAGE_NAMES: Record<Lang, readonly string[]> = {
  en: ['english', 'englisch', 'engelska', 'en', 'eng'],
  de: ['german', 'deutsch', 'tyska', 'de', 'deu', 'ger'],
  sv: ['swedish', 'schwedisch', 'svenska', 'sv', 'swe', 'svenskt'],
};
/** Words for "no fixed language: follow my messages". */
const AUTOMATIC = ['automatic', 'auto', 'automatically', 'automatisch', 'automatiskt', 'automatisk'];

/** Every name of a language or of "automatic", for patterns that must only match a language. */
export const LANGUAGE_WORDS: readonly string[] = [...Object.values(LANGUAGE_NAMES).flat(), ...AUTOMATIC];

/** The language a typed name means, 'auto' for "automatic", undefined for anything else. */
export function languageNamed(name: string): Lang | 'auto' | undefined {
  const word = name.trim().toLowerCase();
  if (AUTOMATIC.includes(word)) return 'auto';
  return LANGS.find((l) => LANGUAGE_NAMES[l].includes(word));
}
