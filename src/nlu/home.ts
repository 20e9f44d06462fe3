/**
 * Home country or target market: a country named in a question is a target market unless the user says it is theirs
 * ("we are a German firm", "wir sitzen in Deutschland", "vårt företag finns i Sverige"), in any of the three languages
 * and anywhere in a longer question. It is theirs only when a first-person subject ("we are", "our company", "wir",
 * "unser Unternehmen", "vi", "vårt företag") comes shortly before it, with nothing in between that makes it someone
 * else's ("a customer based in Switzerland", "we are looking for a German supplier", "wir liefern nach Österreich").
 */
import type { Entity } from './entities.js';

/** Nouns for the user's own company: after a possessive ("our company", "unser Betrieb", "vårt företag"). */
const OWN_COMPANY = 'company|firm|business|sme|start-?up|enterprise|unternehmen|firma|betrieb|kmu|gmbh|mittelständler|företag|bolag|aktiebolag|småföretag|firman|företaget';
/**
 * A first-person subject: the start of a statement about the user's own company. English "I" only with its verb:
 * alone it would be Swedish "i" (in). A possessive counts only with a company noun: "our machines in Norway" are the
 * user's, the country is not.
 */
const SUBJECT = new RegExp(
  `(?:^|[^\\p{L}])(?:we(?:'re| are)?|i(?:'m| am| run| own)|as an?|als|wir|ich|vi|jag|(?:our|my|unser(?:e|em|en|er)?|mein(?:e|em|en)?|vårt|vår|mitt|min)(?:\\s+[\\p{L}-]+){0,2}?\\s+(?:${OWN_COMPANY}))(?=[^\\p{L}]|$)`,
  'gu',
);
/** Words that make the country someone else's or a destination: a customer, a partner, a verb of selling or looking. */
const NOT_OURS = new Set(
  (
    'to for with customer customers client clients buyer buyers partner partners distributor distributors agent agents supplier suppliers looking look want wants sell selling sold ship shipping export exporting deliver delivering find finding need needs expand expanding enter entering visit going go into ' +
    'nach zu um für mit kunde kunden kundin käufer partner partnern händler lieferant lieferanten vertriebspartner verkaufen liefern exportieren suchen expandieren gehen einen neuen wollen möchten ' +
    'till för åt med kund kunder köpare partner återförsäljare leverantör leverantörer sälja säljer leverera exportera söker expandera gå vill'
  ).split(' '),
);
/** German puts the verb last: "um sie in Norwegen zu verkaufen" makes Norway where they sell, not where they are. */
const SOLD_THERE = /^\s+(?:zu\s+)?(?:verkaufen|vertreiben|liefern|exportieren|anbieten|absetzen|verkauft|vertrieben|geliefert|exportiert|angeboten)(?=[^\p{L}]|$)/u;
/** How many words may stand between the subject and the country ("we are a small family-owned company based in"). */
const MAX_GAP = 7;
/** The gap ends in a place word: the country is where the company is ("based in", "wir sitzen in", "vi finns i"). */
const PLACE = /(?:^|\s)(?:in|im|from|out of|aus|i|från)(?:\s+(?:the|der|den|dem))?\s*$/u;
/** Or the country's adjective is followed by a company noun ("a German firm", "ein deutsches Unternehmen"). */
const AFTER_COMPANY =
  /^\s*(?:[\p{L}-]+\s+){0,2}?(?:company|firm|business|sme|manufacturer|exporter|producer|supplier|start-?up|brand|retailer|maker|enterprise|unternehmen|firma|betrieb|kmu|hersteller|mittelständler|exporteur|händler|zulieferer|gmbh|företag|bolag|tillverkare|exportör|leverantör|aktiebolag|handelsföretag|småföretag)\b/u;
/** "wir sind in Österreich ansässig", "German-based". */
const AFTER_PLACE = /^(?:-based\b|\s+(?:ansässig|niedergelassen|beheimatet)\b)/u;
/**
 * A question about a company like the user's, with it as the subject: "can a Swedish SME get", "kann ein deutsches
 * KMU", "kan ett svenskt företag". Only after a question verb: "invoice a German company" is somebody else.
 */
const GENERIC_SUBJECT =
  /(?:^|[^\p{L}])(?:can|could|does|do|should|must|may|might|would|will|is|kann|könnte|muss|darf|soll|sollte|braucht|kan|kunde|måste|får|bör|behöver|ska)\s+(?:an?|ein(?:e|em|en|es)?|ett|en)\s+(?:[\p{L}-]+\s+)?$/u;
const AFTER_OWN_COMPANY = new RegExp(`^\\s*(?:${OWN_COMPANY})(?=[^\\p{L}]|$)`, 'u');

function ours(before: string, after: string): boolean {
  if (SOLD_THERE.test(after)) return false;
  let subjectEnd = -1;
  for (const m of before.matchAll(SUBJECT)) subjectEnd = m.index + m[0].length;
  if (subjectEnd < 0) return GENERIC_SUBJECT.test(before) && AFTER_OWN_COMPANY.test(after);
  // "in Göteborg, Sverige": a city before the country is part of the place.
  const gap = before.slice(subjectEnd).replace(/[\p{L}-]+,\s*$/u, '');
  const words = gap.split(/[^\p{L}'-]+/u).filter(Boolean);
  if (words.length > MAX_GAP || words.some((w) => NOT_OURS.has(w))) return false;
  return PLACE.test(gap) || AFTER_COMPANY.test(after) || AFTER_PLACE.test(after);
}

/** The country the user states as their own in `text`, among the countries found in it. */
export function statedHomeCountry(text: string, entities: readonly Entity[]): string | undefined {
  const lower = text.toLowerCase();
  for (const e of entities) {
    if (e.type !== 'country') continue;
    let from = 0;
    for (;;) {
      const at = lower.indexOf(e.text.toLowerCase(), from);
      if (at < 0) break;
      from = at + e.text.length;
      // The statement is in the same sentence: the window stops at the sentence before.
      const before = lower.slice(Math.max(0, at - 80), at).split(/[.!?;]\s/).pop()!;
      if (ours(before, lower.slice(at + e.text.length, at + e.text.length + 40))) return e.value;
    }
  }
  return undefined;
}

/** The stated home country and the target markets (every other country named). */
export function homeAndTargets(text: string, entities: readonly Entity[]): { home?: string; targets: string[] } {
  const home = statedHomeCountry(text, entities);
  const targets = [...new Set(entities.filter((e) => e.type === 'country' && e.value !== home).map((e) => e.value))];
  return { home, targets };
}
