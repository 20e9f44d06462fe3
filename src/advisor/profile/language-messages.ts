/** What the profile says about the reply language (kept apart from messages.ts: its own small catalog). */
import type { Lang } from '../../common/lang.js';
import { defineMessages } from '../../core/i18n.js';

export const languageMessages = defineMessages({
  en: {
    names: { en: 'English', de: 'German', sv: 'Swedish' } as Record<Lang, string>,
    saved: (name: string) => `From now on I answer in ${name}, whatever language you write in. Type **language: automatic** to let me follow your messages again.`,
    automatic: 'From now on I answer in the language you write in.',
    unknown: (value: string) => `I can answer in English, German (Deutsch) and Swedish (svenska); “${value}” is none of them. Type, for example, **language: German**.`,
    line: (name: string | undefined) => `Reply language: ${name ?? 'the language you write in'}`,
    field: 'Reply language',
    automaticOption: 'Automatic (the language I write in)',
    help: '**language: German** (or English, Swedish, automatic): the language I answer in',
  },
  de: {
    names: { en: 'Englisch', de: 'Deutsch', sv: 'Schwedisch' } as Record<Lang, string>,
    saved: (name: string) => `Ab jetzt antworte ich auf ${name}, ganz gleich, in welcher Sprache Sie schreiben. Mit **Sprache: automatisch** richte ich mich wieder nach Ihren Nachrichten.`,
    automatic: 'Ab jetzt antworte ich in der Sprache, in der Sie schreiben.',
    unknown: (value: string) => `Ich kann auf Englisch, Deutsch und Schwedisch antworten; „${value}“ gehört nicht dazu. Schreiben Sie zum Beispiel **Sprache: Deutsch**.`,
    line: (name: string | undefined) => `Antwortsprache: ${name ?? 'die Sprache Ihrer Nachrichten'}`,
    field: 'Antwortsprache',
    automaticOption: 'Automatisch (die Sprache meiner Nachrichten)',
    help: '**Sprache: Deutsch** (oder Englisch, Schwedisch, automatisch): die Sprache meiner Antworten',
  },
  sv: {
    names: { en: 'engelska', de: 'tyska', sv: 'svenska' } as Record<Lang, string>,
    saved: (name: string) => `Från och med nu svarar jag på ${name}, oavsett vilket språk du skriver på. Skriv **språk: automatiskt** så följer jag dina meddelanden igen.`,
    automatic: 'Från och med nu svarar jag på det språk du skriver på.',
    unknown: (value: string) => `Jag kan svara på engelska, tyska och svenska; ”${value}” är inget av dem. Skriv till exempel **språk: svenska**.`,
    line: (name: string | undefined) => `Svarsspråk: ${name ?? 'det språk du skriver på'}`,
    field: 'Svarsspråk',
    automaticOption: 'Automatiskt (det språk jag skriver på)',
    help: '**språk: svenska** (eller engelska, tyska, automatiskt): språket jag svarar på',
  },
});
