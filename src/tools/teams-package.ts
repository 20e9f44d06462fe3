/**
 * `npm run teams:package`: the Teams app package. Fills the app id and the public address into teams/manifest.json,
 * validates the manifest offline against the v1.30 schema that @microsoft/app-manifest ships (and the icons' sizes),
 * and only then writes the zip (manifest.json, color.png, outline.png) to side-load or upload in Teams.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import JSZip from 'jszip';
import type * as AjvDraft04 from 'ajv-draft-04';
import { z } from 'zod';

const require = createRequire(import.meta.url);
// A CommonJS module whose default export is the class: required, so that ES module interop cannot wrap it.
const Ajv04 = (require('ajv-draft-04') as { default: (typeof AjvDraft04)['default']['default'] }).default;
const SCHEMA_VERSION = 'v1.30';

const PackageEnv = z.object({
  MICROSOFT_APP_ID: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "the bot's Azure app id, a GUID"),
  PUBLIC_URL: z
    .string()
    .url('an absolute URL such as https://advisor.example.org')
    .refine((u) => u.startsWith('https://'), 'must be https: Teams only reaches bots and files over https'),
  TEAMS_PACKAGE_OUT: z.string().min(1).default('dist/teams-app.zip'),
});

export class PackageError extends Error {}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 24 || bytes.readUInt32BE(0) !== 0x89504e47) throw new PackageError('not a PNG file');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The schema's complaints about a manifest (empty when valid). */
export function manifestProblems(manifest: unknown): string[] {
  const schemaFile = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/${SCHEMA_VERSION}/MicrosoftTeams.schema.json`);
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  // The schema's only formats are URLs and e-mail addresses, checked loosely here (the URL fields are ours).
  const ajv = new Ajv04({ strict: false, allErrors: true, formats: { uri: true, email: true, 'uri-reference': true, regex: true } });
  const validate = ajv.compile(schema);
  return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(manifest)'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

/** Builds the package; returns the zip's path. Throws PackageError naming what is wrong. */
export async function buildTeamsPackage(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const parsed = PackageEnv.safeParse(env);
  if (!parsed.success) throw new PackageError(parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'));
  const { MICROSOFT_APP_ID, PUBLIC_URL, TEAMS_PACKAGE_OUT } = parsed.data;
  const base = PUBLIC_URL.replace(/\/+$/, '');
  const template = fs.readFileSync(path.join(root, 'teams', 'manifest.json'), 'utf8');
  const filled = template.replaceAll('{{MICROSOFT_APP_ID}}', MICROSOFT_APP_ID).replaceAll('{{PUBLIC_URL}}', base).replaceAll('{{PUBLIC_HOST}}', new URL(base).host);
  const manifest = JSON.parse(filled) as { icons: { color: string; outline: string } };
  const problems = manifestProblems(manifest);
  const icons = { color: fs.readFileSync(path.join(root, 'teams', manifest.icons.color)), outline: fs.readFileSync(path.join(root, 'teams', manifest.icons.outline)) };
  const color = pngSize(icons.color);
  const outline = pngSize(icons.outline);
  if (color.width !== 192 || color.height !== 192) problems.push(`icons.color must be 192×192 pixels, not ${color.width}×${color.height}`);
  if (outline.width !== 32 || outline.height !== 32) problems.push(`icons.outline must be 32×32 pixels, not ${outline.width}×${outline.height}`);
  if (problems.length) throw new PackageError(`teams/manifest.json does not validate against the ${SCHEMA_VERSION} schema:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  zip.file(manifest.icons.color, icons.color);
  zip.file(manifest.icons.outline, icons.outline);
  const out = path.resolve(root, TEAMS_PACKAGE_OUT);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return out;
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  buildTeamsPackage(path.resolve(import.meta.dirname, '..', '..'), process.env).then(
    (out) => console.log(`Teams app package written: ${out}`),
    (e: Error) => {
      console.error(e instanceof PackageError ? e.message : e);
      process.exit(1);
    },
  );
}
