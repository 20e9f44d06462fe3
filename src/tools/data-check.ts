/** `data check`: validates data/ and prints counts; exits 1 naming every problem. */
import { TOPICS } from '../common/topics.js';
import { formatProblem, inspectDataset, topicCounts } from '../knowledge/dataset.js';
import { checkTranslations, readGlossary } from '../knowledge/translations.js';
import { DATA_KINDS } from '../knowledge/schema.js';
import { guideCoverage } from '../knowledge/guides.js';

/** Where the dataset lives (from the validated configuration). */
export interface DataPaths {
  KNOWLEDGE_DIR: string;
}

/** Prints the dataset's counts per kind, topic and scope. */
export function dataCheck(config: DataPaths): void {
  const { dataset, problems, located } = inspectDataset(config.KNOWLEDGE_DIR);
  const translations = checkTranslations(located, readGlossary(config.KNOWLEDGE_DIR));
  problems.push(...translations.problems);
  console.log(`dataset: ${config.KNOWLEDGE_DIR}`);
  for (const kind of Object.keys(DATA_KINDS) as (keyof typeof DATA_KINDS)[]) console.log(`  ${kind.padEnd(12)} ${dataset[kind].length}`);
  const counts = topicCounts(dataset);
  console.log(`\n  ${'topic'.padEnd(18)} barriers  solutions  agencies`);
  for (const t of TOPICS) console.log(`  ${t.padEnd(18)} ${String(counts[t].barriers).padStart(8)}  ${String(counts[t].solutions).padStart(9)}  ${String(counts[t].agencies).padStart(8)}`);
  const scopes = new Map<string, number>();
  for (const a of dataset.agencies) scopes.set(a.scope, (scopes.get(a.scope) ?? 0) + 1);
  console.log(`\n  agencies by scope: ${[...scopes].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`\n  guides ${dataset.guides.length}, confirmed links ${dataset.links.length}`);
  console.log(`  ${'topic'.padEnd(18)} guides  needs`);
  for (const c of guideCoverage(dataset.guides)) {
    console.log(`  ${c.topic.padEnd(18)} ${String(c.guides).padStart(6)}  ${c.needs.join(', ') || '-'}`);
    if (c.countries.size) console.log(`  ${''.padEnd(18)} ${''.padStart(6)}  national variants: ${[...c.countries].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  const { de, sv } = translations.counts;
  console.log(`  records in German ${de.done} of ${de.of}, in Swedish ${sv.done} of ${sv.of} (English ${de.of} of ${de.of})`);
  if (problems.length) {
    console.error(`\n${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`);
    process.exit(1);
  }
  console.log('\ndata check passed');
}

