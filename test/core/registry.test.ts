/** The feature registry: the real feature list is consistent; broken lists fail at start with every problem named. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { command, defineFeature, type Feature } from '../../src/core/feature.js';
import { defineDialog } from '../../src/core/dialog.js';
import { RegistryError, buildRegistry } from '../../src/core/registry.js';
import { sessions } from '../../src/core/session.js';
import { FEATURES } from '../../src/features.js';
import { INTENTS } from '../../src/nlu/intents.js';

const noop = async () => undefined;

describe('feature registry', () => {
  it('builds the real feature list: every intent handled once, no id or word collisions', () => {
    const r = buildRegistry(FEATURES, [sessions]);
    for (const intent of [...INTENTS, 'clarify'] as const) expect(r.intents.has(intent), intent).toBe(true);
    expect(r.dialogs.has('whys')).toBe(true);
    expect(r.action('whys.pick')).toBeDefined();
    expect(r.canonicalAction('answer.more')).toBe('answers.more');
    expect(r.collections.map((c) => c.name)).toEqual(expect.arrayContaining(['dialogs', 'profiles', 'analyses', 'last_answers']));
  });

  it('rejects duplicate ids, foreign prefixes, colliding words, a missing intent handler and a collection declared twice', () => {
    const a = defineFeature({
      id: 'alpha',
      commands: [command('alpha', { id: 'alpha.go', words: { en: ['go'], de: [], sv: [] }, run: noop }), command('alpha', { id: 'beta.x', words: { en: ['Go!'], de: [], sv: [] }, run: noop })],
      dialogs: [defineDialog({ id: 'gamma', version: 1, state: z.object({}), start: () => ({ status: 'pass' }), step: () => ({ status: 'pass' }) })],
      collections: [sessions],
    });
    const b: Feature = { id: 'alpha' };
    let error: unknown;
    try {
      buildRegistry([a, b], [sessions]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RegistryError);
    const text = (error as Error).message;
    expect(text).toMatch(/feature id "alpha" is used twice/);
    expect(text).toMatch(/command "beta.x" of feature alpha must start with "alpha."/);
    expect(text).toMatch(/command words "go" belong to both alpha.go and beta.x/);
    expect(text).toMatch(/dialog "gamma" of feature alpha/);
    expect(text).toMatch(/intent "markets" has no handler/);
    expect(text).toMatch(/collection "dialogs" is declared twice/);
  });

  it('rejects an intent handled by two features', () => {
    const one = defineFeature({ id: 'one', intents: { greeting: noop } });
    const two = defineFeature({ id: 'two', intents: { greeting: noop } });
    expect(() => buildRegistry([...FEATURES, one, two])).toThrow(/intent "greeting" is handled by both/);
  });
});
