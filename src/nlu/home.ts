/**
 * Home country or target market: a country named in a question is a target market unless the user says it is theirs
 * ("we are a German firm", "wir sitzen in Deutschland", "vårt företag finns i Sverige"), in any of the three languages
 * and anywhere in a longer question. Decided on the words just before and after the country's mention.
 */
import type { Entity } from './entities.js';

/** Words just before the country that make it the user's own ("based in", "wir sitzen in", "vi finns i"). */
const BEFORE_PLACE = [
  // English
  /\b(?:based|located|headquartered|established|registered|incorporated|situated)\s+(?:here\s+)?in\s+(?:the\s+)?$/,
  /\b(?:we(?:'re| are)|i(?:'m| am)|our (?:company|firm|business|shop|start-?up) is|my (?:company|firm|business) is)\s+(?:\w+\s+){0,2}?(?:in|from)\s+(?:the\s+)?$/,
  /\b(?:we|i)\s+(?:come|are coming)\s+from\s+(?:the\s+)?$/,
  /\b(?:here in|out of)\s+(?:the\s+)?$/,
  /\b(?:company|firm|business|sme|manufacturer|exporter|producer|supplier|start-?up)\s+(?:based\s+)?in\s+(?:the\s+)?$/,
  // German
  /\b(?:wir|ich)\s+(?:sitzen|sitze|sind|bin|befinden uns|arbeiten|produzieren)\s+(?:\S+\s+){0,2}?(?:in|im|aus)\s+(?:der\s+|den\s+)?$/,
  /\b(?:wir|ich)\s+(?:kommen|komme|stammen)\s+aus\s+(?:der\s+|den\s+)?$/,
  /\b(?:unser|unsere|mein|meine)\s+(?:\S+\s+){0,2}?(?:sitzt|ist|liegt|befindet sich|hat (?:ihren|seinen) sitz)\s+(?:\S+\s+){0,1}?(?:in|im)\s+(?:der\s+|den\s+)?$/,
  /\b(?:mit sitz|sitz|ansässig|niedergelassen|hier|bei uns)\s+in\s+(?:der\s+|den\s+)?$/,
  /\b(?:unternehmen|firma|betrieb|kmu|hersteller|gmbh)\s+aus\s+(?:der\s+|den\s+)?$/,
  // Swedish
  /\b(?:vi|jag)\s+(?:finns|sitter|ligger|är|jobbar|arbetar|producerar|verkar)\s+(?:\S+\s+){0,2}?(?:i|från)\s+$/,
  /\b(?:vi|jag)\s+kommer\s+från\s+$/,
  /\b(?:vårt|vår|mitt|min)\s+(?:\S+\s+){0,2}?(?:finns|ligger|sitter|är|har sitt säte)\s+(?:\S+\s+){0,1}?(?:i|från)\s+$/,
  /\b(?:baserade|baserat|baserad|etablerade|etablerat|verksamma|verksamt|registrerat|här|hos oss)\s+i\s+$/,
  /\b(?:företag|bolag|tillverkare|exportör)\s+(?:från|i)\s+$/,
];

/** "We are a (small) German company", "als deutsches Unternehmen", "vi är ett svenskt företag": an adjective of the country. */
const BEFORE_ADJECTIVE = [
  /\b(?:we(?:'re| are)|i(?:'m| am)|as|our|my|i run|we run|i own)\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}$/,
  /\b(?:wir sind|ich bin|als|unser|unsere|unseres|meine|mein|ich führe|ich habe)\s+(?:ein|eine|einen|einer|eines)?\s*(?:[\p{L}-]+\s+){0,3}$/u,
  /\b(?:vi är|jag är|som|vårt|vår|mitt|min|jag driver|vi driver)\s+(?:ett|en)?\s*(?:[\p{L}-]+\s+){0,3}$/u,
];
const AFTER_COMPANY =
  /^(?:[\p{L}-]+\s+){0,2}?(?:company|firm|business|sme|manufacturer|exporter|producer|supplier|start-?up|brand|retailer|maker|enterprise|unternehmen|firma|betrieb|kmu|hersteller|mittelständler|exporteur|händler|zulieferer|gmbh|start-?up|företag|bolag|tillverkare|exportör|leverantör|aktiebolag|handelsföretag|småföretag)/u;
/** "wir sind in Österreich ansässig", "German-based". */
const AFTER_PLACE = /^(?:-based\b|\s+(?:ansässig|niedergelassen|tätig|beheimatet)\b)/u;

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
      const before = lower.slice(Math.max(0, at - 60), at);
      const after = lower.slice(at + e.text.length, at + e.text.length + 40);
      const afterWords = after.replace(/^\s+/, '');
      // "in Göteborg, Sverige": a city before the country is part of the place.
      const beforeCity = before.replace(/[\p{L}-]+,\s*$/u, '');
      if (BEFORE_PLACE.some((p) => p.test(before) || p.test(beforeCity)) || AFTER_PLACE.test(after)) return e.value;
      if (BEFORE_ADJECTIVE.some((p) => p.test(before)) && AFTER_COMPANY.test(afterWords)) return e.value;
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
