/**
 * Evaluation of the matcher, the way `rasa test nlu` does it: stratified k-fold cross-validation on intents/,
 * the fixed held-out set, per-intent precision/recall/F1 per language, a confusion matrix and out-of-scope rejection.
 * The calibration thresholds are fitted here on the cross-validation predictions, never on the held-out set.
 */
import { seededRandom } from './classifier.js';
import { INTENTS, examplesOf, isDomainIntent, loadHeldOut, loadIntentFiles, type Example, type IntentName } from './intents.js';
import { Matcher, isRejected, type Calibration } from './matcher.js';
import { EntityExtractor } from './entities.js';
import { LANGS, type Lang } from '../common/lang.js';

export const TARGETS = {
  accuracy: { en: 0.93, de: 0.88, sv: 0.88 } as Record<Lang, number>,
  oosRejection: 0.9,
  maxInScopeRejected: 0.03,
  countryRecall: 0.95,
};

/** One prediction before calibration. */
export interface RawPrediction {
  truth: IntentName;
  lang: Lang;
  ranked: { label: IntentName; p: number }[];
  known: number;
}

/** Stratified folds: every intent and language is spread over all folds. */
export function stratifiedFolds(examples: Example[], k: number, seed = 11): Example[][] {
  const random = seededRandom(seed);
  const groups = new Map<string, Example[]>();
  for (const e of examples) {
    const key = `${e.intent}/${e.lang}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const folds: Example[][] = Array.from({ length: k }, () => []);
  let offset = 0;
  for (const group of groups.values()) {
    const shuffled = [...group].sort(() => random() - 0.5);
    shuffled.forEach((e, i) => folds[(i + offset) % k]!.push(e));
    offset += shuffled.length;
  }
  return folds;
}

/** Cross-validated raw predictions over intents/. */
export function crossValidate(intentsDir: string, k = 5): RawPrediction[] {
  const files = loadIntentFiles(intentsDir);
  const entities = EntityExtractor.load(intentsDir);
  const folds = stratifiedFolds(examplesOf(files), k);
  const out: RawPrediction[] = [];
  folds.forEach((test, i) => {
    const train = folds.filter((_, j) => j !== i).flat();
    const m = new Matcher({ intentsDir, files, examples: train, entities, calibration: { answerThreshold: 0, clarifyGap: 0, minKnownRatio: 0 } });
    for (const e of test) {
      const a = m.analyse(e.text, undefined);
      out.push({ truth: e.intent, lang: e.lang, ranked: a.ranked, known: a.known });
    }
  });
  return out;
}

/** The final intent under a calibration. */
export function decideIntent(p: RawPrediction, c: Pick<Calibration, 'answerThreshold' | 'minKnownRatio'>): IntentName {
  const top = p.ranked[0];
  if (!top) return 'out_of_scope';
  if (top.label !== 'out_of_scope' && isRejected(top.p, p.known, c)) return 'out_of_scope';
  return top.label;
}

/**
 * Fits the thresholds: the highest out-of-scope rejection while wrongly rejecting at most 3% of in-scope questions
 * (with a margin), then the clarify gap that catches the most top-1 errors for few unnecessary questions.
 */
export function fitCalibration(preds: RawPrediction[], intentsHash: string): Calibration {
  const inScope = preds.filter((p) => p.truth !== 'out_of_scope');
  const oos = preds.filter((p) => p.truth === 'out_of_scope');
  let best = { answerThreshold: 0, minKnownRatio: 0, rejection: -1 };
  for (let kn = 0; kn <= 0.6001; kn += 0.05) {
    for (let th = 0; th <= 0.9001; th += 0.01) {
      const c = { answerThreshold: th, minKnownRatio: kn };
      const falseRejects = inScope.filter((p) => decideIntent(p, c) === 'out_of_scope').length / inScope.length;
      if (falseRejects > TARGETS.maxInScopeRejected * 0.6) continue;
      const rejection = oos.filter((p) => decideIntent(p, c) === 'out_of_scope').length / oos.length;
      if (rejection > best.rejection + 1e-9) best = { ...c, rejection };
    }
  }
  let bestGap = { gap: 0, utility: 0 };
  for (let g = 0; g <= 0.4001; g += 0.01) {
    let utility = 0;
    for (const p of inScope) {
      const [a, b] = p.ranked;
      if (!a || !b || !isDomainIntent(a.label) || !isDomainIntent(b.label) || a.p - b.p >= g) continue;
      if (decideIntent(p, best) === 'out_of_scope') continue;
      // A question that fixes a wrong answer is worth more than the cost of asking when the answer was right.
      if (a.label !== p.truth && b.label === p.truth) utility += 1;
      else if (a.label === p.truth) utility -= 0.5;
    }
    if (utility > bestGap.utility) bestGap = { gap: g, utility };
  }
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    intentsHash,
    answerThreshold: r(best.answerThreshold),
    clarifyGap: r(bestGap.gap),
    minKnownRatio: r(best.minKnownRatio),
    fittedAt: new Date().toISOString(),
  };
}

export interface Scores {
  accuracy: Record<Lang, number>;
  perIntent: Record<Lang, Record<IntentName, { precision: number; recall: number; f1: number; support: number }>>;
  confusion: Record<IntentName, Record<IntentName, number>>;
  oosRejection: number;
  inScopeRejected: number;
  countryRecall: number;
  count: number;
}

/** Scores a list of (truth, predicted) pairs. */
export function score(rows: { truth: IntentName; predicted: IntentName; lang: Lang }[]): Omit<Scores, 'countryRecall'> {
  const confusion = Object.fromEntries(INTENTS.map((t) => [t, Object.fromEntries(INTENTS.map((p) => [p, 0]))])) as Scores['confusion'];
  for (const r of rows) confusion[r.truth][r.predicted]++;
  const accuracy = {} as Record<Lang, number>;
  const perIntent = {} as Scores['perIntent'];
  for (const lang of LANGS) {
    const rs = rows.filter((r) => r.lang === lang);
    accuracy[lang] = rs.length ? rs.filter((r) => r.truth === r.predicted).length / rs.length : 0;
    perIntent[lang] = {} as Scores['perIntent'][Lang];
    for (const intent of INTENTS) {
      const tp = rs.filter((r) => r.truth === intent && r.predicted === intent).length;
      const predicted = rs.filter((r) => r.predicted === intent).length;
      const support = rs.filter((r) => r.truth === intent).length;
      const precision = predicted ? tp / predicted : 0;
      const recall = support ? tp / support : 0;
      perIntent[lang][intent] = { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support };
    }
  }
  const oos = rows.filter((r) => r.truth === 'out_of_scope');
  const ins = rows.filter((r) => r.truth !== 'out_of_scope');
  return {
    accuracy,
    perIntent,
    confusion,
    oosRejection: oos.length ? oos.filter((r) => r.predicted === 'out_of_scope').length / oos.length : 0,
    inScopeRejected: ins.length ? ins.filter((r) => r.predicted === 'out_of_scope').length / ins.length : 0,
    count: rows.length,
  };
}

/** Scores the production matcher on the held-out set, including country recall. */
export function evaluateHeldOut(matcher: Matcher, intentsDir: string, set: 'classic' | 'faq' = 'classic'): Scores {
  const items = loadHeldOut(intentsDir, set);
  const rows = items.map((it) => ({ truth: it.intent, predicted: matcher.classify(it.text).intent, lang: it.lang }));
  let expected = 0;
  let found = 0;
  for (const it of items) {
    const got = new Set(matcher.entities.extract(it.text).filter((e) => e.type === 'country').map((e) => e.value));
    expected += it.countries.length;
    found += it.countries.filter((c) => got.has(c)).length;
  }
  return { ...score(rows), countryRecall: expected ? found / expected : 1 };
}

/** Which targets a held-out score misses; empty when all are met. */
export function missedTargets(s: Scores): string[] {
  const missed: string[] = [];
  for (const lang of LANGS) {
    if (s.accuracy[lang] < TARGETS.accuracy[lang]) missed.push(`accuracy ${lang} ${s.accuracy[lang].toFixed(3)} < ${TARGETS.accuracy[lang]}`);
  }
  if (s.oosRejection < TARGETS.oosRejection) missed.push(`out-of-scope rejection ${s.oosRejection.toFixed(3)} < ${TARGETS.oosRejection}`);
  if (s.inScopeRejected > TARGETS.maxInScopeRejected) missed.push(`in-scope wrongly rejected ${s.inScopeRejected.toFixed(3)} > ${TARGETS.maxInScopeRejected}`);
  if (s.countryRecall < TARGETS.countryRecall) missed.push(`country recall ${s.countryRecall.toFixed(3)} < ${TARGETS.countryRecall}`);
  return missed;
}

