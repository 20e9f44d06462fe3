/**
 * `eval answers`: the FAQ-style held-out questions (intents/heldout/faq-*.json, written by someone who did not write
 * the training data) through what the advisor does with a text question: the matcher's decision, the topic, the guide
 * it answers with, and whether that guide has the body for the home country the user states. Per language: answered
 * under the right topic, refused in-scope questions, the right guide, and answered specifically (the right guide and,
 * where the body depends on the home country, that country's body). Issue 11's targets: ≥ 90 % under the right topic,
 * at most 2 refused, ≥ 70 % specific.
 */
import { LANGS, type Lang } from '../common/lang.js';
import { guidesFor, variantFor } from '../advisor/answers/compose.js';
import { loadDataset } from '../knowledge/dataset.js';
import { guideTerms } from '../knowledge/guide-index.js';
import { RetrievalIndex } from '../knowledge/retrieval.js';
import { homeAndTargets } from '../nlu/home.js';
import { isDomainIntent, loadHeldOut } from '../nlu/intents.js';
import { Matcher } from '../nlu/matcher.js';
import type { NluPaths } from './nlu.js';

interface Row {
  lang: Lang;
  text: string;
  inScope: boolean;
  topicRight: boolean;
  refused: boolean;
  guideRight: boolean | undefined;
  specific: boolean | undefined;
  got: string;
}

export const ANSWER_TARGETS = { topic: 0.9, maxRefused: 2, specific: 0.7 } as const;

export function evaluateAnswers(config: NluPaths): { rows: Row[]; missed: string[] } {
  const data = loadDataset(config.KNOWLEDGE_DIR);
  const retrieval = new RetrievalIndex(data);
  const matcher = new Matcher({ intentsDir: config.INTENTS_DIR, cacheDir: config.MODEL_CACHE_DIR, domainTerms: guideTerms(data.guides) });
  const rows: Row[] = loadHeldOut(config.INTENTS_DIR, 'faq').map((item) => {
    const c = matcher.classify(item.text);
    const decision = matcher.decide(c);
    const inScope = isDomainIntent(item.intent);
    const answeredTopic = decision === 'reject' || !isDomainIntent(c.intent) ? undefined : c.intent;
    const { home: stated, targets } = homeAndTargets(item.text, c.entities);
    const home = stated ?? item.home ?? undefined;
    const guide = answeredTopic ? guidesFor({ question: item.text, lang: c.lang, topic: answeredTopic, targets }, retrieval)[0]?.guide : undefined;
    const guideRight = item.need ? guide?.need === item.need : undefined;
    // Specific: the right guide, and where its body depends on the home country that the user stated, that body.
    const needsBody = guide && guide.variantBy === 'home' && home && guide.variants.length > 0;
    const specific = item.need ? Boolean(guideRight && (!needsBody || variantFor(guide, home, targets) !== undefined || !guide.variants.some((v) => v.countries.includes(home!)))) : undefined;
    return {
      lang: item.lang,
      text: item.text,
      inScope,
      // The topic the answer is under: its guide's (shown in the reply), else the matcher's; the right guide counts too.
      topicRight: inScope
        ? (guide ? guide.topic === item.intent || Boolean(isDomainIntent(item.intent) && guide.alsoTopics?.includes(item.intent)) : answeredTopic === item.intent) || Boolean(guide && item.need && guide.need === item.need)
        : decision === 'reject' || !isDomainIntent(c.intent),
      refused: inScope && answeredTopic === undefined,
      guideRight,
      specific,
      got: `${decision}/${c.intent}${guide ? ` → ${guide.id}` : ''}`,
    };
  });
  const inScope = rows.filter((r) => r.inScope);
  const missed: string[] = [];
  const topicShare = inScope.filter((r) => r.topicRight).length / Math.max(1, inScope.length);
  const refused = inScope.filter((r) => r.refused).length;
  const withNeed = rows.filter((r) => r.specific !== undefined);
  const specificShare = withNeed.filter((r) => r.specific).length / Math.max(1, withNeed.length);
  if (topicShare < ANSWER_TARGETS.topic) missed.push(`right topic ${topicShare.toFixed(3)} < ${ANSWER_TARGETS.topic}`);
  if (refused > ANSWER_TARGETS.maxRefused) missed.push(`${refused} in-scope questions refused > ${ANSWER_TARGETS.maxRefused}`);
  if (specificShare < ANSWER_TARGETS.specific) missed.push(`answered specifically ${specificShare.toFixed(3)} < ${ANSWER_TARGETS.specific}`);
  return { rows, missed };
}

/** Prints the per-language figures and the misses; exit 1 below the targets. */
export function printAnswersEvaluation(config: NluPaths, verbose: boolean): void {
  const { rows, missed } = evaluateAnswers(config);
  const pct = (n: number, of: number) => `${of ? ((100 * n) / of).toFixed(0) : '–'} % (${n}/${of})`;
  console.log(`\n== answers to FAQ-style held-out questions (intents/heldout/faq-*.json, ${rows.length} questions)`);
  console.log('| language | right topic (in scope) | refused in scope | out of scope refused | right guide | answered specifically |\n| --- | --- | --- | --- | --- | --- |');
  for (const lang of [...LANGS, 'all'] as const) {
    const rs = rows.filter((r) => lang === 'all' || r.lang === lang);
    const ins = rs.filter((r) => r.inScope);
    const oos = rs.filter((r) => !r.inScope);
    const need = rs.filter((r) => r.guideRight !== undefined);
    console.log(
      `| ${lang} | ${pct(ins.filter((r) => r.topicRight).length, ins.length)} | ${ins.filter((r) => r.refused).length} | ${pct(oos.filter((r) => r.topicRight).length, oos.length)} | ${pct(need.filter((r) => r.guideRight).length, need.length)} | ${pct(need.filter((r) => r.specific).length, need.length)} |`,
    );
  }
  if (verbose) for (const r of rows.filter((x) => !x.topicRight || x.refused || x.specific === false)) console.log(`  ${r.lang} ${r.got}: ${r.text.slice(0, 110)}`);
  if (missed.length) {
    console.log(`\nBELOW TARGET: ${missed.join('; ')}`);
    process.exitCode = 1;
  } else console.log('\nanswer targets met');
}
