/** Wires the advisor from configuration: dataset, matcher, store. Shared by the server and the CLI. */
import { Advisor } from './core/advisor.js';
import type { Config } from './config.js';
import { Knowledge, loadDataset } from './knowledge/dataset.js';
import { RetrievalIndex } from './knowledge/retrieval.js';
import type { Logger } from './logger.js';
import { Matcher } from './nlu/matcher.js';
import { LowdbStore } from './store/lowdb-store.js';
import type { Store } from './store/store.js';

export interface AdvisorApp {
  advisor: Advisor;
  store: Store;
  matcher: Matcher;
  knowledge: Knowledge;
  retrieval: RetrievalIndex;
  close(): Promise<void>;
}

/** Loads and validates everything the advisor needs; throws (with a message naming the file or variable) on bad data. */
export async function createAdvisorApp(config: Config, logger: Logger, options: { store?: Store } = {}): Promise<AdvisorApp> {
  const knowledge = new Knowledge(loadDataset(config.KNOWLEDGE_DIR));
  const retrieval = new RetrievalIndex(knowledge.data);
  const matcher = new Matcher({ intentsDir: config.INTENTS_DIR, cacheDir: config.MODEL_CACHE_DIR });
  if (matcher.calibrationStale) logger.warn('intents/calibration.json was fitted on other training data; run `npm run advisor -- eval --write-calibration`');
  const store = options.store ?? (await LowdbStore.open(config.DATA_DIR));
  const advisor = new Advisor({ store, matcher, knowledge, retrieval, logger, dialogIdleHours: config.DIALOG_IDLE_HOURS, defaultLang: config.DEFAULT_LOCALE });
  return { advisor, store, matcher, knowledge, retrieval, close: () => store.close() };
}
