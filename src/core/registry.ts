/**
 * Builds the routing tables from the feature list and checks it at start: duplicate ids, ids outside their feature's
 * prefix, command words that collide in any language, intents without exactly one handler, collections declared
 * twice. A broken list fails loudly at start, never at a user's turn.
 */
import type { Lang } from '../common/lang.js';
import { INTENTS } from '../nlu/intents.js';
import type { Classification } from '../nlu/matcher.js';
import type { CollectionSpec } from '../store/collections.js';
import { phraseWords } from './commands.js';
import type { AnyDialog } from './dialog.js';
import type { ActionInput, AnyCommand, Feature, Handler, IntentKey } from './feature.js';
import type { UserAddress } from './event.js';
import type { JobHandler, Ports } from './ports.js';

export class RegistryError extends Error {
  readonly code = 'REGISTRY_INVALID';
}

/** Collections the core itself owns (sessions), declared like a feature's. */
export interface Registry {
  readonly features: readonly Feature[];
  readonly commands: readonly AnyCommand[];
  readonly intents: ReadonlyMap<IntentKey, Handler<Classification>>;
  readonly dialogs: ReadonlyMap<string, AnyDialog>;
  readonly jobs: ReadonlyMap<string, JobHandler>;
  readonly collections: readonly CollectionSpec[];
  /** The handler of a pressed button: its own, its feature's `*`, or undefined. */
  action(id: string): Handler<ActionInput> | undefined;
  /** The current id of a button id that older versions sent; other ids unchanged. */
  canonicalAction(id: string): string;
  /** The feature that owns an id (`polls.vote` → polls). */
  owner(id: string): Feature | undefined;
  /** The user's chosen reply language, from the one feature that keeps it (undefined when none or not chosen). */
  preferredLanguage(user: UserAddress, ports: Ports): Promise<Lang | undefined>;
}

const FEATURE_ID = /^[a-z][a-z0-9_]*$/;

/** Checks the features and builds the tables; throws RegistryError naming every problem. */
export function buildRegistry(features: readonly Feature[], coreCollections: readonly CollectionSpec[] = []): Registry {
  const problems: string[] = [];
  const byId = new Map<string, Feature>();
  const owned = (feature: Feature, id: string, what: string) => {
    if (id !== feature.id && !id.startsWith(`${feature.id}.`)) problems.push(`${what} "${id}" of feature ${feature.id} must start with "${feature.id}."`);
  };
  const actions = new Map<string, Handler<ActionInput>>();
  const wildcards = new Map<string, Handler<ActionInput>>();
  const intents = new Map<IntentKey, Handler<Classification>>();
  const intentOwner = new Map<IntentKey, string>();
  const dialogs = new Map<string, AnyDialog>();
  const jobs = new Map<string, JobHandler>();
  const words = new Map<string, string>();
  const commandIds = new Set<string>();
  const collections = new Map<string, CollectionSpec>();
  for (const c of coreCollections) collections.set(c.name, c);
  const commands: AnyCommand[] = [];
  const legacyIds = new Map<string, string>();

  for (const feature of features) {
    if (!FEATURE_ID.test(feature.id)) problems.push(`feature id "${feature.id}" must match ${FEATURE_ID}`);
    if (byId.has(feature.id)) problems.push(`feature id "${feature.id}" is used twice`);
    byId.set(feature.id, feature);
    for (const c of feature.commands ?? []) {
      owned(feature, c.id, 'command');
      if (commandIds.has(c.id)) problems.push(`command id "${c.id}" is used twice`);
      commandIds.add(c.id);
      for (const phrase of Object.values(c.words).flat()) {
        const key = phraseWords(phrase).join(' ');
        const other = words.get(key);
        if (other && other !== c.id) problems.push(`command words "${key}" belong to both ${other} and ${c.id}`);
        words.set(key, c.id);
      }
      commands.push(c);
    }
    for (const [verb, handler] of Object.entries(feature.actions ?? {})) {
      if (verb === '*') wildcards.set(feature.id, handler);
      else actions.set(`${feature.id}.${verb}`, handler);
    }
    for (const [legacy, verb] of Object.entries(feature.legacyActions ?? {})) {
      const handler = feature.actions?.[verb];
      if (!handler) problems.push(`legacy action "${legacy}" of feature ${feature.id} points at no action "${verb}"`);
      else if (legacy.startsWith(`${feature.id}.`) || legacyIds.has(legacy)) problems.push(`legacy action "${legacy}" clashes with a current id`);
      else legacyIds.set(legacy, `${feature.id}.${verb}`);
    }
    for (const [key, handler] of Object.entries(feature.intents ?? {}) as [IntentKey, Handler<Classification>][]) {
      const other = intentOwner.get(key);
      if (other) problems.push(`intent "${key}" is handled by both ${other} and ${feature.id}`);
      intentOwner.set(key, feature.id);
      intents.set(key, handler);
    }
    for (const d of feature.dialogs ?? []) {
      owned(feature, d.id, 'dialog');
      if (dialogs.has(d.id)) problems.push(`dialog id "${d.id}" is used twice`);
      dialogs.set(d.id, d);
    }
    for (const [name, handler] of Object.entries(feature.jobs ?? {})) jobs.set(`${feature.id}.${name}`, handler);
    for (const c of feature.collections ?? []) {
      if (collections.has(c.name)) problems.push(`collection "${c.name}" is declared twice`);
      collections.set(c.name, c);
    }
  }
  const languageKeepers = features.filter((f) => f.preferredLanguage);
  if (languageKeepers.length > 1) problems.push(`the preferred language is kept by both ${languageKeepers.map((f) => f.id).join(' and ')}`);
  for (const key of [...INTENTS, 'clarify'] as const) if (!intents.has(key)) problems.push(`intent "${key}" has no handler`);
  if (problems.length) throw new RegistryError(`The feature list is inconsistent:\n  ${problems.join('\n  ')}`);

  const owner = (id: string): Feature | undefined => byId.get(id.split('.')[0] ?? '');
  return {
    features,
    commands,
    intents,
    dialogs,
    jobs,
    collections: [...collections.values()],
    action: (id) => actions.get(id) ?? wildcards.get(owner(id)?.id ?? ''),
    canonicalAction: (id) => legacyIds.get(id) ?? id,
    owner,
    preferredLanguage: async (user, ports) => languageKeepers[0]?.preferredLanguage?.(user, ports),
  };
}
