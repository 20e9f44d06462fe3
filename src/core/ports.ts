/**
 * Ports: what features use beyond the current turn, injected so that tests swap fakes without monkey-patching.
 * Each has one implementation per backend or channel; the composition root (app.ts) wires them.
 */
import type { Knowledge } from '../knowledge/dataset.js';
import type { RetrievalIndex } from '../knowledge/retrieval.js';
import type { Logger } from '../common/logger.js';
import type { Matcher } from '../nlu/matcher.js';
import type { JsonValue, Store } from '../store/store.js';
import type { Address, Channel, UserAddress } from './event.js';
import type { Message, MessageRef } from './message.js';

/** Messages outside the current turn: survey invitations, reminders, live poll cards, results at the deadline. */
export interface Messenger {
  /** Posts to a conversation; `privateTo` shows it to that user only (Slack ephemeral). */
  post(to: Address, message: Message, options?: { privateTo?: UserAddress }): Promise<MessageRef | undefined>;
  update(ref: MessageRef, message: Message): Promise<void>;
  delete(ref: MessageRef): Promise<void>;
  /** The 1:1 conversation with a user (Slack conversations.open; web and CLI: the user's own conversation). */
  direct(user: UserAddress): Promise<Address>;
  /** Deletes what the channel itself keeps for this user (the web chat's outbox); "forget me" calls it. */
  forget?(user: UserAddress): Promise<void>;
}

/** A conversation's member, with the display name where the platform gives it with the list (Teams does). */
export type Member = UserAddress & { name?: string };

/** Who is in a conversation, and when they work. */
export interface Directory {
  /** Every member, all pages. */
  members(conversation: Address): Promise<Member[]>;
  /** IANA time zone, when the platform knows it. */
  timeZone(user: UserAddress): Promise<string | undefined>;
}

export interface JobSpec {
  /** `<feature>.<job>`, e.g. "polls.close": the handler that runs it. */
  name: string;
  /** One pending job per key, e.g. "polls.close:<pollId>". */
  key: string;
  runAt: Date;
  payload: JsonValue;
  /** A pending job with the same key is replaced (default) or kept (graphile-worker's jobKeyMode). */
  ifPending?: 'replace' | 'keep';
}

/** Durable, keyed, at-least-once jobs; handlers must be idempotent (closing a closed poll does nothing). */
export interface Scheduler {
  schedule(job: JobSpec): Promise<void>;
  /** True when a pending job with that key was removed. */
  cancel(key: string): Promise<boolean>;
}

export type Clock = () => Date;

/** The part of the intent matcher the core uses. */
export type IntentMatcher = Pick<Matcher, 'classify' | 'decide' | 'entities' | 'language' | 'foreignLanguage'>;

export interface Ports {
  store: Store;
  scheduler: Scheduler;
  messenger: Messenger;
  directory: Directory;
  clock: Clock;
  matcher: IntentMatcher;
  knowledge: Knowledge;
  retrieval: RetrievalIndex;
  log: Logger;
  /** A fresh unique id (dialogue and message ids); injected so tests can make them predictable. */
  newId: () => string;
  settings: Settings;
}

/** Deployment settings features may read (never process.env). */
export interface Settings {
  /** An unfinished dialogue closes after this idle time. */
  dialogIdleHours: number;
  /** Who holds a role from the environment (ADVISOR_OWNERS, ADVISOR_MANAGERS, ADVISOR_FACILITATORS): user ids. */
  roles: { owners: readonly string[]; managers: readonly string[]; facilitators: readonly string[] };
  /** IANA time zone of users whose platform and profile give none (ADVISOR_DEFAULT_TIMEZONE). */
  defaultTimeZone: string;
  /** The anonymous voters' HMAC key from the environment (ADVISOR_VOTE_SECRET); unset: one kept in the store. */
  voteSecret?: string;
}

export interface JobContext {
  ports: Ports;
  now: Date;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
}
export type JobHandler = (payload: JsonValue, ctx: JobContext) => Promise<void>;

/** A Messenger and Directory per channel; `ports.messenger` routes by the address's channel. */
export interface ChannelPorts {
  channel: Channel;
  messenger: Messenger;
  directory: Directory;
}
