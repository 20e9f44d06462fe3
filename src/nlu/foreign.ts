/**
 * Messages in a language the advisor does not answer in (French, Spanish, Italian, Dutch, Portuguese, Polish,
 * Finnish, Danish, Norwegian…): told politely, in English, which languages it understands, rather than being
 * classified as if they were English. Decided on frequent function words, which every sentence has.
 */
const FUNCTION_WORDS: Record<string, string> = {
  fr: 'le la les un une mes est peux puis dois obtenir faire entreprise pas nous vous je est-ce que qui pour dans avec sur mon notre nos quel quelle comment pourquoi au aux du cette sont avons faut',
  es: 'el los las una no nosotros usted yo que qué para en con por mi mis nuestro nuestra nuestros cómo como porque del al esta este son tenemos hay puedo quiero necesito productos',
  it: 'il lo gli una è non noi voi io che per con su mio miei nostro nostra nostri come perché del della questa questo sono abbiamo posso vorrei devo azienda prodotti',
  pt: 'o os as uma é não nós você eu que para em com por meu nosso nossa como porque do da desta este são temos posso preciso',
  nl: 'de het een is niet wij jij ik wat voor met op mijn ons onze hoe waarom van deze dit zijn hebben kan moet moeten',
  pl: 'jest nie my wy ja co dla w z na mój moje nasz nasza nasze jak dlaczego tego ta to są mamy mogę muszę czy produkty',
  fi: 'on ei me te minä mitä kanssa minun meidän miten miksi tämä ovat meillä voin voimme pitää onko yritys',
  da: 'ikke jeg hvad hvordan hvorfor hvor også vores af',
  nb: 'ikke jeg hva hvordan hvorfor hvor også',
};
/** Letters and marks that English, German and Swedish do not use. */
const MARKS: Record<string, RegExp> = { es: /[ñ¿¡]/u, pl: /[łęąśżźćń]/u, pt: /[ãõ]/u, fr: /[èêçœ]|\b(?:qu|l|d|j|c)'/u, da: /[øæ]/u, nb: /[øæ]/u };

/** Function words of the languages answered in: a message with more of these is theirs. */
const OWN_WORDS = 'the a an is are we you i what how why for with on my our this that to of and in do does can need must which should would could there their from by at as it be have has per our your us if or not no so but all any ' +
  'der die das ein eine ist sind wir sie ich was wie warum für mit auf mein unser unsere dieser diese zu und in brauchen müssen können oder nicht bei pro welche sollen ' +
  'en ett är vi du jag vad hur varför för med på min vår vårt denna detta till och i behöver måste kan inte också av det har ska eller som vilka vilken om de ' +
  // Words other languages share with German or Swedish (des, es, da, ja, Firma, eu), and CE of the CE mark.
  'des es da ja firma eu ce';

const OWN = new Set(OWN_WORDS.split(' '));
const FOREIGN = Object.entries(FUNCTION_WORDS).map(([lang, words]) => ({ lang, words: new Set(words.split(' ').filter((w) => !OWN.has(w))) }));

/** The language code of a message clearly in another language than en/de/sv, else undefined. */
export function foreignLanguage(text: string): string | undefined {
  const tokens = text.toLowerCase().split(/[^\p{L}'-]+/u).filter(Boolean);
  if (tokens.length < 4) return undefined;
  const own = tokens.filter((t) => OWN.has(t)).length;
  let best: { lang: string; n: number } | undefined;
  for (const f of FOREIGN) {
    const n = tokens.filter((t) => f.words.has(t)).length + (MARKS[f.lang]?.test(text.toLowerCase()) ? 1 : 0);
    if (!best || n > best.n) best = { lang: f.lang, n };
  }
  // Clearly foreign: two or more of its function words or letters, and more than of English, German and Swedish.
  return best && best.n >= 2 && best.n > own ? best.lang : undefined;
}
