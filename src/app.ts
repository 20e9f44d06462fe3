/**
 * The composition root: dataset, matcher, store, scheduler, the feature registry and the ports, wired from
 * configuration. Shared by the server and the CLI; channels register their Messenger and Directory on `channels`.
 */
import crypto from 'node:crypto';
import type { Config } from './config.js';
import type { Logger } from './common/logger.js';
import { ChannelRouter } from './core/channels.js';
import { Inbox, inboxCollection, inboxDoneCollection, type InboxStore } from './core/inbox.js';
import { InboxWorker } from './core/inbox-worker.js';
import { Advisor } from './core/pipeline.js';
import type { Clock, Ports } from './core/ports.js';
import { buildRegistry, type Registry } from './core/registry.js';
import { secrets } from './core/secrets.js';
import { sessions } from './core/session.js';
import { installations } from './channels/slack/installation-store.js';
import { WebMessenger, outbox } from './channels/web/messenger.js';
import { webTurns } from './channels/web/turns.js';
import { FEATURES } from './features.js';
import { PgScheduler } from './jobs/pg-scheduler.js';
import { StoreScheduler, type JobScheduler } from './jobs/store-scheduler.js';
import { Knowledge, loadDataset } from './knowledge/dataset.js';
import { RetrievalIndex } from './knowledge/retrieval.js';
import { Matcher } from './nlu/matcher.js';
import { teamsConversations, teamsInvokes, teamsTenants, teamsUsers } from './channels/teams/references.js';
import { fileLinks } from './channels/files/files.js';
import { guideTerms } from './knowledge/guide-index.js';
import type { CollectionSpec } from './store/collections.js';
import { LowdbStore } from './store/lowdb-store.js';
import { PgInbox } from './jobs/pg-inbox.js';
import { PgStore } from './store/pg-store.js';
import type { Store } from './store/store.js';

/**
 * Collections the adapters and the inbox own (web outbox, cookie key and answered message ids, installations,
 * inbound deliveries), declared here so the
 * store knows their layout. (Slack's delivery ids are the inbox's keys now; `slack_deliveries` files of an older
 * version expire by themselves and are never read.)
 */
export const CHANNEL_COLLECTIONS: readonly CollectionSpec[] = [outbox, installations, inboxCollection, inboxDoneCollection, webTurns, teamsConversations, teamsUsers, teamsTenants, teamsInvokes, fileLinks];

export interface AdvisorApp {
  advisor: Advisor;
  registry: Registry;
  ports: Ports;
  store: Store;
  scheduler: JobScheduler;
  channels: ChannelRouter;
  /** The web chat's outbox (messages sent outside a turn; the web chat itself may be off). */
  web: WebMessenger;
  /** Deliveries channels acknowledged, and the worker that runs their turns. */
  inbox: InboxStore;
  worker: InboxWorker;
  matcher: Matcher;
  knowledge: Knowledge;
  /** Every collection the features and channels declare (export and import walk them). */
  collections: readonly CollectionSpec[];
  close(): Promise<void>;
}

export interface AppOptions {
  /** A store that lives in memory only (one-shot commands such as `advisor ask`). */
  memory?: boolean;
  clock?: Clock;
}

/** Loads and validates everything the advisor needs; throws (with a message naming the file or variable) on bad data. */
export async function createAdvisorApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<AdvisorApp> {
  const registry = buildRegistry(FEATURES, [sessions, secrets]);
  const knowledge = new Knowledge(loadDataset(config.KNOWLEDGE_DIR));
  const retrieval = new RetrievalIndex(knowledge.data);
  const matcher = new Matcher({ intentsDir: config.INTENTS_DIR, cacheDir: config.MODEL_CACHE_DIR, domainTerms: guideTerms(knowledge.data.guides) });
  if (matcher.calibrationStale) logger.warn('intents/calibration.json was fitted on other training data; run `npm run advisor -- eval --write-calibration`');
  const clock = options.clock ?? (() => new Date());
  const collections = [...registry.collections, ...CHANNEL_COLLECTIONS];
  const store = options.memory
    ? LowdbStore.memory({ collections, clock })
    : config.DATABASE_URL
      ? await PgStore.open(config.DATABASE_URL, { clock })
      : await LowdbStore.open(config.DATA_DIR, {
        collections,
        clock,
        onLockEvent: (e) => (e.lost ? logger.error({ component: 'store' }, e.message) : logger.warn({ component: 'store' }, e.message)),
      });
  // On PostgreSQL the jobs have a table of their own, claimed with SKIP LOCKED by every instance.
  const scheduler: JobScheduler = store instanceof PgStore ? new PgScheduler(store.pool, { clock }) : new StoreScheduler(store, { clock });
  const channels = new ChannelRouter();
  const ports: Ports = {
    store,
    scheduler,
    messenger: channels,
    directory: channels,
    clock,
    matcher,
    knowledge,
    retrieval,
    log: logger,
    newId: () => crypto.randomUUID(),
    settings: { dialogIdleHours: config.DIALOG_IDLE_HOURS, roles: { owners: config.ADVISOR_OWNERS, managers: config.ADVISOR_MANAGERS, facilitators: config.ADVISOR_FACILITATORS },
      defaultTimeZone: config.ADVISOR_DEFAULT_TIMEZONE,
      ...(config.ADVISOR_VOTE_SECRET ? { voteSecret: config.ADVISOR_VOTE_SECRET } : {}),
    },
  };
  const web = new WebMessenger(store, clock);
  channels.register({ channel: 'web', messenger: web, directory: web });
  const advisor = new Advisor(registry, ports, { defaultLang: config.DEFAULT_LOCALE, dialogIdleHours: config.DIALOG_IDLE_HOURS });
  // On PostgreSQL the inbox has tables of its own, shared by every instance: leased turns, ordered per conversation.
  const inbox: InboxStore = store instanceof PgStore ? new PgInbox(store.pool, { clock, leaseMs: config.INBOX_LEASE_MS }) : new Inbox(store, { clock });
  const worker = new InboxWorker(inbox, advisor, { logger, takeoverMs: Math.min(10_000, config.INBOX_LEASE_MS) });
  return {
    advisor,
    registry,
    ports,
    store,
    scheduler,
    channels,
    web,
    inbox,
    worker,
    matcher,
    knowledge,
    collections,
    close: async () => {
      await worker.stop(0);
      await scheduler.stop();
      await store.close();
    },
  };
}
