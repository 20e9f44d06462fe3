/** Developer tools for the intent matcher: `classify` (JSON lines), `eval` (k-fold and held-out), `train`. */
import fs from 'node:fs';
import { z } from 'zod';
import { LANGS } from '../common/lang.js';
import { eachJsonLine } from '../common/jsonl.js';
import { crossValidate, decideIntent, evaluateHeldOut, fitCalibration, missedTargets, score, type Scores } from '../nlu/evaluation.js';
import { INTENTS, loadIntentFiles } from '../nlu/intents.js';
import { Matcher, calibrationFile, hashIntents } from '../nlu/matcher.js';
import { loadDataset } from '../knowledge/dataset.js';
import { guideTerms } from '../knowledge/guide-index.js';

/** The paths the tools read (from the validated configuration). */
export interface NluPaths {
  INTENTS_DIR: string;
  MODEL_CACHE_DIR: string;
  KNOWLEDGE_DIR: string;
}

/** The guides' terms, as the running advisor gives them to its matcher (a question naming one is in scope). */
function domainTerms(config: NluPaths) {
  return guideTerms(loadDataset(config.KNOWLEDGE_DIR).guides);
}

const ClassifyInput = z.strictObject({ text: z.string(), lang: z.enum(LANGS).optional() });

/** `classify`: {"text","lang"?} lines in, one classification line out per line. */
export async function classify(config: NluPaths): Promise<void> {
  const matcher = new Matcher({ intentsDir: config.INTENTS_DIR, cacheDir: config.MODEL_CACHE_DIR, domainTerms: domainTerms(config) });
  await eachJsonLine(ClassifyInput, '{"text":"...","lang":"de"} (lang optional: en, de or sv)', async (input) => {
    const c = matcher.classify(input.text, input.lang);
    return { text: c.text, intent: c.intent, confidence: c.confidence, lang: c.lang, alternatives: c.alternatives, entities: c.entities };
  });
}

function pct(x: number): string {
  return x.toFixed(3);
}

function printScores(title: string, s: Omit<Scores, 'countryRecall'> & { countryRecall?: number }): void {
  console.log(`\n== ${title} (${s.count} questions)`);
  console.log(`accuracy: ${LANGS.map((l) => `${l} ${pct(s.accuracy[l])}`).join('  ')}`);
  console.log(`out-of-scope rejection: ${pct(s.oosRejection)}   in-scope wrongly rejected: ${pct(s.inScopeRejected)}${s.countryRecall !== undefined ? `   country recall: ${pct(s.countryRecall)}` : ''}`);
  console.log(`\n${'intent'.padEnd(18)}${LANGS.map((l) => `${l}: P     R     F1    n  `).join(' ')}`);
  for (const intent of INTENTS) {
    const row = LANGS.map((l) => {
      const m = s.perIntent[l][intent];
      return `${pct(m.precision)} ${pct(m.recall)} ${pct(m.f1)} ${String(m.support).padStart(3)}`;
    }).join('   ');
    console.log(`${intent.padEnd(18)}${row}`);
  }
  const short = (i: string) => i.slice(0, 6);
  console.log(`\nconfusion (rows: truth, columns: predicted)\n${''.padEnd(18)}${INTENTS.map((i) => short(i).padStart(7)).join('')}`);
  for (const t of INTENTS) console.log(`${t.padEnd(18)}${INTENTS.map((p) => String(s.confusion[t][p]).padStart(7)).join('')}`);
}

export async function evaluate(config: NluPaths, args: string[]): Promise<void> {
  const folds = Number(args[args.indexOf('--folds') + 1]) || 5;
  const files = loadIntentFiles(config.INTENTS_DIR);
  const preds = crossValidate(config.INTENTS_DIR, folds);
  const calibration = fitCalibration(preds, hashIntents(files));
  console.log(`calibration fitted on ${folds}-fold cross-validation: answer ≥ ${calibration.answerThreshold}, clarify gap < ${calibration.clarifyGap}, known words ≥ ${calibration.minKnownRatio}`);
  printScores(`${folds}-fold cross-validation on intents/`, score(preds.map((p) => ({ truth: p.truth, predicted: decideIntent(p, calibration), lang: p.lang }))));
  if (args.includes('--write-calibration')) {
    fs.writeFileSync(calibrationFile(config.INTENTS_DIR), `${JSON.stringify(calibration, null, 2)}\n`);
    console.log(`\nwrote ${calibrationFile(config.INTENTS_DIR)}`);
  }
  const matcher = new Matcher({ intentsDir: config.INTENTS_DIR, calibration, domainTerms: domainTerms(config) });
  const held = evaluateHeldOut(matcher, config.INTENTS_DIR);
  printScores('held-out set (intents/heldout, never trained on)', held);
  // The FAQ-style set (issue 11): real wording, reported beside the first; the answer-level figures are `eval answers`.
  const faq = evaluateHeldOut(matcher, config.INTENTS_DIR, 'faq');
  if (faq.count > 0) printScores('FAQ-style held-out set (intents/heldout/faq-*.json, never trained on)', faq);
  const missed = missedTargets(held);
  if (missed.length) {
    console.log(`\nBELOW TARGET: ${missed.join('; ')}`);
    process.exit(1);
  }
  console.log('\nall targets met');
}


/** `train`: trains the intent model into MODEL_CACHE_DIR (or finds it cached). */
export function train(config: NluPaths): void {
  const started = performance.now();
  const matcher = new Matcher({ intentsDir: config.INTENTS_DIR, cacheDir: config.MODEL_CACHE_DIR });
  console.log(`intent model ${matcher.fromCache ? 'already cached' : 'trained'} in ${Math.round(performance.now() - started)} ms (${config.MODEL_CACHE_DIR})`);
}
