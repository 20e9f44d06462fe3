/**
 * Typed commands that work at any step, in English, German and Swedish. Buttons are shortcuts for these;
 * every dialogue can be driven by text alone.
 */

export type Command =
  | { kind: 'help' }
  | { kind: 'stop' }
  | { kind: 'back' }
  | { kind: 'restart' }
  | { kind: 'root_cause' }
  | { kind: 'forget_me' }
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'my_analyses' }
  | { kind: 'show_profile' }
  | { kind: 'more' }
  | { kind: 'save' }
  | { kind: 'export' }
  | { kind: 'share' }
  | { kind: 'pick'; index: number }
  | { kind: 'export_listed'; index: number }
  | { kind: 'set_country'; value: string }
  | { kind: 'set_sector'; value: string }
  | { kind: 'clear_profile' };

const EXACT: [RegExp, Command][] = [
  [/^(help|\/help|hilfe|hjälp|hjalp|\?|commands|befehle|kommandon)$/, { kind: 'help' }],
  [/^(stop|stopp|cancel|quit|exit|abbrechen|beenden|avbryt|sluta|avsluta)$/, { kind: 'stop' }],
  [/^(back|go back|zurück|zuruck|zurueck|tillbaka|gå tillbaka|undo)$/, { kind: 'back' }],
  [/^(restart|start over|start again|neu starten|neustart|von vorne|börja om|borja om|starta om)$/, { kind: 'restart' }],
  [
    /^(that'?s the root cause|this is the root cause|root cause|that is the root cause|das ist die ursache|das ist die grundursache|grundursache|det är grundorsaken|det ar grundorsaken|grundorsak|rotorsak|det är rotorsaken)$/,
    { kind: 'root_cause' },
  ],
  [/^(forget me|delete my data|delete me|erase my data|vergiss mich|lösche meine daten|losche meine daten|glöm mig|glom mig|radera mina data|radera min data)$/, { kind: 'forget_me' }],
  [/^(yes|y|yep|yeah|ok|okay|sure|confirm|ja|jo|japp|genau|bestätigen|javisst|absolut)$/, { kind: 'yes' }],
  [/^(no|n|nope|nah|nein|nej|nä|inte)$/, { kind: 'no' }],
  [/^(my analyses|my analysis|analyses|show my analyses|meine analysen|analysen|mina analyser|analyser)$/, { kind: 'my_analyses' }],
  [/^(my profile|profile|show profile|show my profile|mein profil|profil|min profil|visa profil)$/, { kind: 'show_profile' }],
  [/^(more|show more|tell me more|mehr|mehr anzeigen|mer|visa mer|berätta mer)$/, { kind: 'more' }],
  [/^(save|save it|save analysis|speichern|spara)$/, { kind: 'save' }],
  [/^(export|export as markdown|markdown|exportieren|exportera)$/, { kind: 'export' }],
  [/^(share|share to channel|share to the channel|teilen|im kanal teilen|dela|dela i kanalen)$/, { kind: 'share' }],
  [/^(clear profile|reset profile|delete profile|profil löschen|profil zurücksetzen|rensa profil)$/, { kind: 'clear_profile' }],
];

const COUNTRY = [
  /^(?:please\s+)?(?:set\s+)?(?:my\s+|our\s+)?country\s*(?:is|to|=|:)?\s+(.+)$/,
  /^(?:we are|we're|i am|i'm)\s+(?:a company\s+)?(?:based\s+|located\s+)?in\s+(.+)$/,
  /^(?:setze\s+)?(?:mein\s+|unser\s+)?land\s*(?:ist|auf|=|:)?\s+(.+)$/,
  /^(?:wir sind|ich bin)\s+(?:in|aus)\s+(.+)$/,
  /^(?:sätt\s+)?(?:mitt\s+|vårt\s+)?land\s*(?:är|till|=|:)?\s+(.+)$/,
  /^(?:vi är|jag är)\s+(?:baserade\s+)?(?:i|från)\s+(.+)$/,
];
const SECTOR = [
  /^(?:please\s+)?(?:set\s+)?(?:my\s+|our\s+)?(?:sector|industry)\s*(?:is|to|=|:)?\s+(.+)$/,
  /^(?:setze\s+)?(?:meine\s+|unsere\s+)?branche\s*(?:ist|auf|=|:)?\s+(.+)$/,
  /^(?:sätt\s+)?(?:min\s+|vår\s+)?bransch\s*(?:är|till|=|:)?\s+(.+)$/,
];

/** Parses a typed command; undefined when the text is not one. */
export function parseCommand(text: string): Command | undefined {
  const t = text
    .toLowerCase()
    .replace(/[.!]+$/, '')
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  for (const [re, cmd] of EXACT) if (re.test(t)) return cmd;
  const exportListed = /^(?:export|exportieren|exportera)\s+#?(\d{1,2})$/.exec(t);
  if (exportListed) return { kind: 'export_listed', index: Number(exportListed[1]) };
  const pick = /^(?:#|no\.?\s*|nr\.?\s*)?([1-9])$/.exec(t);
  if (pick) return { kind: 'pick', index: Number(pick[1]) };
  for (const re of COUNTRY) {
    const m = re.exec(t);
    if (m?.[1]) return { kind: 'set_country', value: m[1].trim() };
  }
  for (const re of SECTOR) {
    const m = re.exec(t);
    if (m?.[1]) return { kind: 'set_sector', value: m[1].trim() };
  }
  return undefined;
}
