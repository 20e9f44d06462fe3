/**
 * The intent matcher: language detection among en/de/sv, intent classification with calibrated confidence,
 * and entities. Thresholds come from intents/calibration.json, fitted on cross-validation predictions by `advisor eval`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SoftmaxClassifier, type TrainingOptions } from './classifier.js';
import { EntityExtractor, type Entity } from './entities.js';
import { DEFAULT_FEATURES, featurize, fold, wordStems, type FeatureOptions, type SparseVector } from './features.js';
import { INTENTS, examplesOf, isDomainIntent, loadIntentFiles, type Example, type IntentFile, type IntentName } from './intents.js';
import { LANGS, type Lang } from './text.js';

export interface Classification {
  text: string;
  intent: IntentName;
  confidence: number;
  lang: Lang;
  alternatives: { intent: IntentName; confidence: number }[];
  entities: Entity[];
}

export type Decision = 'answer' | 'clarify' | 'reject';

export const CalibrationSchema = z.strictObject({
  /** SHA-256 of the training files the thresholds were fitted on. */
  intentsHash: z.string(),
  /** Below this top probability a domain intent is rejected as out of scope. */
  answerThreshold: z.number().min(0).max(1),
  /** When the top two in-scope intents are closer than this, ask which one was meant. */
  clarifyGap: z.number().min(0).max(1),
  /** Below this share of known words the question is out of scope whatever the classifier says. */
  minKnownRatio: z.number().min(0).max(1),
  fittedAt: z.string(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export const DEFAULT_CALIBRATION: Omit<Calibration, 'intentsHash' | 'fittedAt'> = {
  answerThreshold: 0.3,
  clarifyGap: 0.1,
  minKnownRatio: 0.2,
};

/** Training hyper-parameters, fixed so that evaluation and production train the same model. */
export const INTENT_TRAINING: TrainingOptions = { epochs: 8, learningRate: 0.5, l2: 1e-5, seed: 7 };

/** Hash of the training data, so a stale calibration is noticed. */
export function hashIntents(files: IntentFile[]): string {
  return crypto.createHash('sha256').update(JSON.stringify(files)).digest('hex');
}

/** Character-trigram language identifier trained on the intents' own utterances. */
class LanguageIdentifier {
  private readonly model = new SoftmaxClassifier<Lang>(LANGS);

  constructor(examples: Example[]) {
    this.model.train(
      examples.map((e) => ({ x: LanguageIdentifier.features(e.text), y: e.lang })),
      { epochs: 4, learningRate: 0.5, l2: 1e-5, seed: 3 },
    );
  }

  static features(text: string): SparseVector {
    const out: SparseVector = new Map();
    const tokens = text.toLowerCase().match(/\p{L}+/gu) ?? [];
    for (const t of tokens) {
      out.set(`w:${t}`, 1);
      const padded = `_${t}_`;
      for (let i = 0; i + 3 <= padded.length; i++) out.set(`c:${padded.slice(i, i + 3)}`, 1);
    }
    const norm = Math.sqrt(out.size) || 1;
    for (const [k, v] of out) out.set(k, v / norm);
    return out;
  }

  detect(text: string, hint?: Lang): Lang {
    const tokens = text.match(/\p{L}+/gu) ?? [];
    if (tokens.length === 0) return hint ?? 'en';
    const [best, second] = this.model.predict(LanguageIdentifier.features(text));
    // One or two words ("hallo", "ok") carry little evidence: trust the user's locale unless the text is clear.
    const needed = tokens.length <= 2 ? 0.8 : 0.5;
    if (hint && (best!.p < needed || best!.p - second!.p < 0.2)) return hint;
    return best!.label;
  }
}

export interface MatcherOptions {
  intentsDir: string;
  /** Override the thresholds (evaluation fits them; production reads calibration.json). */
  calibration?: Omit<Calibration, 'intentsHash' | 'fittedAt'>;
  /** Train on these examples instead of the whole of intents/ (cross-validation). */
  examples?: Example[];
  entities?: EntityExtractor;
  /** Feature and training settings (experiments; production uses the defaults). */
  features?: FeatureOptions;
  training?: TrainingOptions;
}

export class Matcher {
  readonly calibration: Omit<Calibration, 'intentsHash' | 'fittedAt'>;
  /** True when calibration.json was fitted on different training data than is loaded now. */
  readonly calibrationStale: boolean;
  private readonly model = new SoftmaxClassifier<IntentName>(INTENTS);
  private readonly language: LanguageIdentifier;
  private readonly features: FeatureOptions;
  readonly entities: EntityExtractor;

  constructor(options: MatcherOptions & { files?: IntentFile[] }) {
    const files = options.files ?? loadIntentFiles(options.intentsDir);
    const examples = options.examples ?? examplesOf(files);
    this.language = new LanguageIdentifier(examples);
    this.features = options.features ?? DEFAULT_FEATURES;
    this.model.train(
      examples.map((e) => ({ x: featurize(e.text, e.lang, this.features), y: e.intent })),
      options.training ?? INTENT_TRAINING,
    );
    this.entities = options.entities ?? EntityExtractor.load(options.intentsDir);
    const stored = options.calibration ? undefined : readCalibration(options.intentsDir);
    this.calibration = options.calibration ?? stored ?? DEFAULT_CALIBRATION;
    this.calibrationStale = stored ? stored.intentsHash !== hashIntents(files) : !options.calibration;
  }

  /** Raw model output before calibration: language, ranked intents and the share of known words. */
  analyse(rawText: string, hint?: Lang): { lang: Lang; ranked: { label: IntentName; p: number }[]; known: number; words: number } {
    // Bound the work on huge inputs: the first 2 000 characters say what the question is about.
    const text = rawText.length > 2000 ? rawText.slice(0, 2000) : rawText;
    const lang = this.language.detect(text, hint);
    const stems = wordStems(text, lang);
    if (stems.length === 0) return { lang, ranked: [], known: 0, words: 0 };
    const known = stems.filter((s) => this.model.knows(`w:${s}`)).length / stems.length;
    return { lang, ranked: this.model.predict(featurize(text, lang, this.features)), known, words: stems.length };
  }

  /** Detects the language (among en, de, sv), the intent with calibrated confidence, alternatives and entities. */
  classify(rawText: string, hint?: Lang): Classification {
    const { lang, ranked, known } = this.analyse(rawText, hint);
    const entities = this.entities.extract(rawText.length > 2000 ? rawText.slice(0, 2000) : rawText);
    const top = ranked[0];
    if (!top) return { text: rawText, intent: 'out_of_scope', confidence: 1, lang, alternatives: [], entities };
    const alternatives = ranked.slice(1, 4).map((r) => ({ intent: r.label, confidence: round(r.p) }));
    if (top.label !== 'out_of_scope' && isRejected(top.p, known, this.calibration)) {
      return {
        text: rawText,
        intent: 'out_of_scope',
        confidence: round(Math.max(1 - top.p, ranked.find((r) => r.label === 'out_of_scope')!.p)),
        lang,
        alternatives: ranked
          .filter((r) => r.label !== 'out_of_scope')
          .slice(0, 3)
          .map((r) => ({ intent: r.label, confidence: round(r.p) })),
        entities,
      };
    }
    return { text: rawText, intent: top.label, confidence: round(top.p), lang, alternatives, entities };
  }

  /** Answer, ask which of the top two was meant, or say it is out of scope. */
  decide(c: Classification): Decision {
    if (c.intent === 'out_of_scope') return 'reject';
    const second = c.alternatives[0];
    if (second && isDomainIntent(c.intent) && isDomainIntent(second.intent) && c.confidence - second.confidence < this.calibration.clarifyGap) {
      return 'clarify';
    }
    return 'answer';
  }

  /** Whether a token (after stemming and folding) is in the training vocabulary. */
  knowsWord(word: string, lang: Lang): boolean {
    return this.model.knows(`w:${fold(word)}`) || wordStems(word, lang).some((s) => this.model.knows(`w:${s}`));
  }
}

/** The rejection rule that the thresholds drive; shared with the calibration fit so both apply the same rule. */
export function isRejected(topP: number, knownRatio: number, c: Pick<Calibration, 'answerThreshold' | 'minKnownRatio'>): boolean {
  return topP < c.answerThreshold || knownRatio < c.minKnownRatio;
}

function round(p: number): number {
  return Math.round(p * 1000) / 1000;
}

export function calibrationFile(intentsDir: string): string {
  return path.join(intentsDir, 'calibration.json');
}

function readCalibration(intentsDir: string): Calibration | undefined {
  const file = calibrationFile(intentsDir);
  if (!fs.existsSync(file)) return undefined;
  const parsed = CalibrationSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
