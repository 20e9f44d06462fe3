/** Validates Adaptive Cards against the Adaptive Cards 1.5 JSON schema (teams/schema/), as Teams renders them. */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { ROOT } from './tmp.js';

const raw = JSON.parse(fs.readFileSync(path.join(ROOT, 'teams', 'schema', 'adaptive-card-1.5.json'), 'utf8')) as Record<string, unknown>;
// ajv 8 takes the schema's id as `$id` (the file uses draft-06's older `id`).
const { id, ...rest } = raw;
// URL formats are the schema's only formats; the adapter's own checks cover them (ajv has no built-in uri format).
const ajv = new Ajv({ strict: false, allErrors: true, formats: { uri: true, 'uri-reference': true } });
ajv.addMetaSchema(draft6);
const validate = ajv.compile({ ...rest, $id: String(id) });

/** The schema's complaints about a card; empty when it is valid. */
export function cardProblems(card: unknown): string[] {
  if (validate(card)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(card)'} ${e.message ?? ''}`);
}
