/** The intent catalogue: names, and the training files under intents/. */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TOPICS } from '../common/topics.js';
import { LANGS, type Lang } from '../common/lang.js';

export const DOMAIN_INTENTS = TOPICS;
export const CONVERSATION_INTENTS = ['greeting', 'help', 'start_whys', 'create_poll', 'create_survey', 'out_of_scope'] as const;
export const INTENTS = [...DOMAIN_INTENTS, ...CONVERSATION_INTENTS] as const;
export const IntentName = z.enum(INTENTS);
export type IntentName = z.infer<typeof IntentName>;

export function isDomainIntent(i: IntentName): i is (typeof DOMAIN_INTENTS)[number] {
  return (DOMAIN_INTENTS as readonly string[]).includes(i);
}

const Utterances = z.array(z.string().trim().min(1).max(500)).min(1);
export const IntentFileSchema = z.strictObject({
  intent: IntentName,
  description: z.string().min(1),
  utterances: z.strictObject({ en: Utterances, de: Utterances, sv: Utterances }),
});
export type IntentFile = z.infer<typeof IntentFileSchema>;

export interface Example {
  text: string;
  intent: IntentName;
  lang: Lang;
}

/** Thrown when intents/ is invalid; names the file and the problem. */
export class IntentDataError extends Error {
  readonly code = 'INTENTS_INVALID';
}

/** Reads every intents/<intent>.json (not the held-out folder) and validates it. */
export function loadIntentFiles(dir: string): IntentFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    throw new IntentDataError(`Cannot read the intents folder ${dir}: ${(e as Error).message}`);
  }
  const files: IntentFile[] = [];
  for (const name of names) {
    if (name === 'calibration.json') continue;
    const file = path.join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new IntentDataError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    const parsed = IntentFileSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new IntentDataError(`${file}: ${i.path.join('.') || '(file)'}: ${i.message}`);
    }
    if (`${parsed.data.intent}.json` !== name) throw new IntentDataError(`${file}: holds intent "${parsed.data.intent}"; the file must be named ${parsed.data.intent}.json`);
    files.push(parsed.data);
  }
  const missing = INTENTS.filter((i) => !files.some((f) => f.intent === i));
  if (missing.length > 0) throw new IntentDataError(`${dir}: no training file for intent(s) ${missing.join(', ')}`);
  return files;
}

/** Flattens intent files into labelled examples. */
export function examplesOf(files: IntentFile[]): Example[] {
  return files.flatMap((f) => LANGS.flatMap((lang) => f.utterances[lang].map((text) => ({ text, intent: f.intent, lang }))));
}

export const HeldOutItemSchema = z.strictObject({
  text: z.string().min(1),
  intent: IntentName,
  countries: z.array(z.string().regex(/^[A-Z]{2}$/)),
  /** FAQ-style set: the guide need a good answer has (null: none fits), and the home country the user states. */
  need: z.string().regex(/^[a-z0-9-]+$/).nullable().optional(),
  home: z.string().regex(/^[A-Z]{2}$/).nullable().optional(),
});
export type HeldOutItem = z.infer<typeof HeldOutItemSchema>;

/** The held-out evaluation set, intents/heldout/<lang>.json; never used for training. */
export function loadHeldOut(dir: string, set: 'classic' | 'faq' = 'classic'): (HeldOutItem & { lang: Lang })[] {
  return LANGS.flatMap((lang) => {
    const file = path.join(dir, 'heldout', set === 'faq' ? `faq-${lang}.json` : `${lang}.json`);
    if (set === 'faq' && !fs.existsSync(file)) return [];
    const parsed = z.array(HeldOutItemSchema).safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new IntentDataError(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return parsed.data.map((x) => ({ ...x, lang }));
  });
}
