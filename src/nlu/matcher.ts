/**
 * The intent matcher: language detection among en/de/sv, intent classification with calibrated confidence,
 * and entities. Thresholds come from intents/calibration.json, fitted on cross-validation predictions by `advisor eval`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fileURLToPath } from 'node:url';
import { SoftmaxClassifier, type SerializedModel, type TrainingOptions } from './classifier.js';
import { EntityExtractor, type Entity } from './entities.js';
import { DEFAULT_FEATURES, featuresOfStems, featurize, wordStems, type FeatureOptions } from './features.js';
import { INTENTS, IntentDataError, examplesOf, isDomainIntent, loadIntentFiles, type Example, type IntentFile, type IntentName } from './intents.js';
import { LANGS, type Lang } from '../common/lang.js';
import { TOPICS, type Topic } from '../common/topics.js';
import { TermSpotter } from '../common/terms.js';
import { foreignLanguage } from './foreign.js';

export interface Classification {
  text: string;
  intent: IntentName;
  confidence: number;
  lang: Lang;
  alternatives: { intent: IntentName; confidence: number }[];
  entities: Entity[];
  /** The topic of the trade, tax, customs, certification or export terms the text names ("EORI", "Zolltarif"), if any. */
  termTopic?: Topic;
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
// Chosen by 5-fold cross-validation on intents/ (never on the held-out set); see BENCHMARKS.md.
export const INTENT_TRAINING: TrainingOptions = { epochs: 8, learningRate: 0.3, l2: 3e-3, seed: 7 };

/** Hash of the training data, so a stale calibration is noticed. */
export function hashIntents(files: IntentFile[]): string {
  return crypto.createHash('sha256').update(JSON.stringify(files)).digest('hex');
}

/**
 * Language identification among en/de/sv: multinomial naive Bayes over character trigrams and words, trained in one
 * counting pass over the intents' own utterances (it must be cheap: it is part of start-up).
 */
class LanguageIdentifier {
  /** log P(feature | language) for every feature seen in training, per language in LANGS order. */
  private readonly logProb = new Map<string, Float64Array>();
  /** log P(unseen feature | language), per language. */
  private readonly unseen = new Float64Array(LANGS.length);

  constructor(examples: Example[]) {
    const counts = new Map<string, Float64Array>();
    const totals = new Float64Array(LANGS.length);
    for (const e of examples) {
      const l = LANGS.indexOf(e.lang);
      for (const f of LanguageIdentifier.features(e.text)) {
        let c = counts.get(f);
        if (!c) counts.set(f, (c = new Float64Array(LANGS.length)));
        c[l]!++;
        totals[l]!++;
      }
    }
    // Laplace smoothing, computed once here so that detection is additions only.
    const v = counts.size + 1;
    LANGS.forEach((_, l) => (this.unseen[l] = -Math.log(totals[l]! + v)));
    for (const [f, c] of counts) this.logProb.set(f, c.map((n, l) => Math.log(n + 1) - Math.log(totals[l]! + v)));
  }

  static features(text: string): string[] {
    const out: string[] = [];
    for (const t of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
      out.push(`w:${t}`);
      const padded = `_${t}_`;
      for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
    }
    return out;
  }

  /** Posterior probabilities per language (uniform prior), computed in log space. */
  probabilities(text: string): { lang: Lang; p: number }[] {
    const sums = new Float64Array(LANGS.length);
    for (const f of LanguageIdentifier.features(text)) {
      const lp = this.logProb.get(f) ?? this.unseen;
      for (let l = 0; l < sums.length; l++) sums[l]! += lp[l]!;
    }
    const max = Math.max(...sums);
    const exps = [...sums].map((x) => Math.exp(x - max));
    const z = exps.reduce((a, b) => a + b, 0);
    return LANGS.map((lang, i) => ({ lang, p: exps[i]! / z })).sort((a, b) => b.p - a.p);
  }

  /**
   * `sticky`: the hint is the language the conversation is in, so a word or two that could be in it ("ja" in a German
   * conversation, though likelier Swedish) keeps it; only a short text that cannot be in it switches.
   */
  detect(text: string, hint?: Lang, sticky = false): Lang {
    const tokens = text.match(/\p{L}+/gu) ?? [];
    if (tokens.length === 0) return hint ?? 'en';
    const probabilities = this.probabilities(text);
    if (hint && sticky && tokens.length <= 2 && probabilities.find((x) => x.lang === hint)!.p >= 0.01) return hint;
    const [best, second] = probabilities;
    // One or two words ("hallo", "ok") carry little evidence: trust the user's locale unless the text is clear.
    const needed = tokens.length <= 2 ? 0.9 : 0.6;
    if (hint && (best!.p < needed || best!.p - second!.p < 0.3)) return hint;
    return best!.lang;
  }
}

export interface MatcherOptions {
  intentsDir: string;
  /** Override the thresholds (evaluation fits them; production reads calibration.json). */
  calibration?: Omit<Calibration, 'intentsHash' | 'fittedAt'>;
  /** Train on these examples instead of the whole of intents/ (cross-validation). */
  examples?: Example[];
  entities?: EntityExtractor;
  /**
   * Folder for a cached trained model, keyed by a hash of the training data and of the model's source code, so a
   * restart skips training. Undefined: always train.
   */
  cacheDir?: string;
  /** Feature and training settings (experiments; production uses the defaults). */
  features?: FeatureOptions;
  training?: TrainingOptions;
  /** Further domain terms with their topic (the guides' terms), beside intents/entities/domain-terms.json. */
  domainTerms?: readonly { term: string; topic: Topic }[];
}

const DomainTermsSchema = z.strictObject({ note: z.string().optional(), topics: z.partialRecord(z.enum(TOPICS), z.array(z.string().min(2)).min(1)) });

/** intents/entities/domain-terms.json: words that make a question in scope whatever the classifier says. */
export function loadDomainTerms(intentsDir: string): { term: string; topic: Topic }[] {
  const file = path.join(intentsDir, 'entities', 'domain-terms.json');
  const parsed = DomainTermsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new IntentDataError(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return Object.entries(parsed.data.topics).flatMap(([topic, terms]) => (terms ?? []).map((term) => ({ term, topic: topic as Topic })));
}

export class Matcher {
  readonly calibration: Omit<Calibration, 'intentsHash' | 'fittedAt'>;
  /** True when calibration.json was fitted on different training data than is loaded now. */
  readonly calibrationStale: boolean;
  private readonly model: SoftmaxClassifier<IntentName>;
  /** Whether the model came from the cache rather than from training in this process. */
  readonly fromCache: boolean;
  private readonly languages: LanguageIdentifier;
  private readonly features: FeatureOptions;
  readonly entities: EntityExtractor;
  private readonly terms: TermSpotter<Topic>;

  constructor(options: MatcherOptions & { files?: IntentFile[] }) {
    const files = options.files ?? loadIntentFiles(options.intentsDir);
    const intentsHash = hashIntents(files);
    const examples = options.examples ?? examplesOf(files);
    this.languages = new LanguageIdentifier(examples);
    this.features = options.features ?? DEFAULT_FEATURES;
    const training = options.training ?? INTENT_TRAINING;
    const cacheFile =
      options.cacheDir && !options.examples && !options.features && !options.training
        ? path.join(options.cacheDir, `intent-model-${modelKey(intentsHash)}.json`)
        : undefined;
    const cached = cacheFile ? readCachedModel(cacheFile) : undefined;
    this.fromCache = Boolean(cached);
    if (cached) {
      this.model = cached;
    } else {
      this.model = new SoftmaxClassifier<IntentName>(INTENTS);
      this.model.train(
        examples.map((e) => ({ x: featurize(e.text, e.lang, this.features), y: e.intent })),
        training,
      );
      if (cacheFile) writeCachedModel(cacheFile, this.model);
    }
    this.entities = options.entities ?? EntityExtractor.load(options.intentsDir);
    this.terms = new TermSpotter([...loadDomainTerms(options.intentsDir), ...(options.domainTerms ?? [])].map((t) => ({ term: t.term, payload: t.topic })));
    const stored = options.calibration ? undefined : readCalibration(options.intentsDir);
    this.calibration = options.calibration ?? stored ?? DEFAULT_CALIBRATION;
    this.calibrationStale = stored ? stored.intentsHash !== intentsHash : !options.calibration;
  }

  /**
   * The language of a message: the detected one when the text is clear, else `hint` (the conversation's or the
   * platform's language). A word or two ("ok", "hallo") is clear only at 90 %; with `sticky` (the hint is the
   * conversation's language) only when it cannot be in the hint's language.
   */
  language(rawText: string, hint?: Lang, sticky = false): Lang {
    const text = bounded(rawText);
    // "EORI?", "Schedule B", "ATA carnet": codes and terms say nothing about the language; the hint decides.
    if (hint && this.terms.covers(text)) return hint;
    return this.languages.detect(text, hint, sticky);
  }

  /** Raw model output before calibration: language, ranked intents and the share of known words. */
  analyse(rawText: string, hint?: Lang): { lang: Lang; ranked: { label: IntentName; p: number }[]; known: number } {
    const text = bounded(rawText);
    const lang = this.languages.detect(text, hint);
    const stems = wordStems(text, lang);
    if (stems.length === 0) return { lang, ranked: [], known: 0 };
    const known = stems.filter((s) => this.model.knows(`w:${s}`)).length / stems.length;
    return { lang, ranked: this.model.predict(featuresOfStems(stems, this.features)), known };
  }

  /** The language code of a message clearly in a language other than en/de/sv (fr, es, nl…), else undefined. */
  foreignLanguage(rawText: string): string | undefined {
    return foreignLanguage(bounded(rawText));
  }

  /** The topic whose domain terms the text names most (longer terms count more), if any. */
  termTopic(text: string): Topic | undefined {
    const votes = new Map<Topic, number>();
    for (const hit of this.terms.find(text)) votes.set(hit.payload, (votes.get(hit.payload) ?? 0) + hit.words);
    return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
  }

  /**
   * Detects the language (among en, de, sv), the intent with calibrated confidence, alternatives and entities. A
   * question that names a trade, tax, customs, certification or export term is never out of scope, never "help":
   * it goes to that term's topic (or, when the classifier's top two topics include it, to that one without asking).
   */
  classify(rawText: string, hint?: Lang): Classification {
    const c = this.classifyWords(rawText, hint);
    const termTopic = this.termTopic(bounded(rawText));
    if (!termTopic) return c;
    const overridable = c.intent === 'out_of_scope' || c.intent === 'help' || c.intent === 'greeting';
    // Between two close topics the term decides; a confident classifier keeps its own (a term can be incidental).
    const second = c.alternatives[0];
    const closeSecond = second?.intent === termTopic && c.confidence - second.confidence < TERM_OVERRIDE_GAP;
    if (overridable || (isDomainIntent(c.intent) && c.intent !== termTopic && closeSecond)) {
      const own = c.intent === termTopic ? c.confidence : (c.alternatives.find((a) => a.intent === termTopic)?.confidence ?? 0);
      const alternatives = [{ intent: c.intent, confidence: c.confidence }, ...c.alternatives].filter((a) => a.intent !== termTopic && a.intent !== 'out_of_scope').slice(0, 3);
      return { ...c, intent: termTopic, confidence: Math.max(own, this.calibration.answerThreshold), alternatives, termTopic };
    }
    return { ...c, termTopic };
  }

  private classifyWords(rawText: string, hint?: Lang): Classification {
    const { lang, ranked, known } = this.analyse(rawText, hint);
    const entities = this.entities.extract(bounded(rawText));
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
    // The terms named decide between close topics: "EORI" is customs, whatever else the question says.
    if (c.termTopic !== undefined && c.termTopic === c.intent) return 'answer';
    const second = c.alternatives[0];
    if (second && isDomainIntent(c.intent) && isDomainIntent(second.intent) && c.confidence - second.confidence < this.calibration.clarifyGap) {
      return 'clarify';
    }
    return 'answer';
  }
}

/** How far behind the classifier's top topic a term's topic may be and still be chosen (calibrated confidences). */
const TERM_OVERRIDE_GAP = 0.5;

/** The rejection rule that the thresholds drive; shared with the calibration fit so both apply the same rule. */
export function isRejected(topP: number, knownRatio: number, c: Pick<Calibration, 'answerThreshold' | 'minKnownRatio'>): boolean {
  return topP < c.answerThreshold || knownRatio < c.minKnownRatio;
}

/** Bounds the work on huge inputs: the first 2 000 characters say what a question is about. */
function bounded(text: string): string {
  return text.length > 2000 ? text.slice(0, 2000) : text;
}

function round(p: number): number {
  return Math.round(p * 1000) / 1000;
}

/** Source files that define the model: a change to any of them invalidates cached models. */
const MODEL_SOURCES = ['features.ts', 'classifier.ts', 'text.ts', 'matcher.ts'];

function modelKey(intentsHash: string): string {
  const self = fileURLToPath(import.meta.url);
  const here = path.dirname(self);
  const h = crypto.createHash('sha256').update(intentsHash);
  const sources = MODEL_SOURCES.map((f) => path.join(here, f));
  // Run from source, the model's own files are hashed; run from the bundle, the bundle is (any change retrains).
  for (const file of sources.every((f) => fs.existsSync(f)) ? sources : [self]) h.update(fs.readFileSync(file));
  return h.digest('hex').slice(0, 24);
}

function readCachedModel(file: string): SoftmaxClassifier<IntentName> | undefined {
  try {
    return SoftmaxClassifier.restore(INTENTS, JSON.parse(fs.readFileSync(file, 'utf8')) as SerializedModel);
  } catch {
    // A missing or damaged cache only costs a retraining.
    return undefined;
  }
}

function writeCachedModel(file: string, model: SoftmaxClassifier<IntentName>): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(model.serialize()));
    fs.renameSync(tmp, file);
  } catch {
    // A read-only disk only costs training at every start.
  }
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
