/** The Teams app package: the manifest validates offline against the v1.30 schema, the icons have Teams' sizes. */
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { PackageError, buildTeamsPackage, manifestProblems, pngSize } from '../../src/tools/teams-package.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

const APP_ID = '0f1e2d3c-4b5a-4968-8776-655443322110';

describe('Teams app package', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('fills in the app id and the public address, validates, and zips the manifest with its icons', async () => {
    const out = await buildTeamsPackage(ROOT, { MICROSOFT_APP_ID: APP_ID, PUBLIC_URL: 'https://advisor.example.org/', TEAMS_PACKAGE_OUT: path.join(dir, 'app.zip') });
    const zip = await JSZip.loadAsync(fs.readFileSync(out));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as Record<string, unknown> & { bots: { botId: string; scopes: string[]; commandLists: { commands: { title: string }[] }[] }[]; validDomains: string[] };
    expect(manifest).toMatchObject({ manifestVersion: '1.30', id: APP_ID, validDomains: ['advisor.example.org'] });
    expect(manifest.bots[0]).toMatchObject({ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'] });
    // The same commands the Slack slash command offers (ask, 5 whys, profile, analyses, forget me, help).
    const commands = manifest.bots[0]!.commandLists[0]!.commands.map((c) => c.title);
    for (const c of ['ask', '5 whys', 'profile', 'my analyses', 'forget me', 'help']) expect(commands).toContain(c);
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
    expect(manifestProblems(manifest)).toEqual([]);
    expect(pngSize(Buffer.from(await zip.file('color.png')!.async('uint8array')))).toEqual({ width: 192, height: 192 });
    expect(pngSize(Buffer.from(await zip.file('outline.png')!.async('uint8array')))).toEqual({ width: 32, height: 32 });
  });

  it('catches what the Teams schema refuses', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'teams', 'manifest.json'), 'utf8').replaceAll('{{MICROSOFT_APP_ID}}', APP_ID).replaceAll('{{PUBLIC_URL}}', 'https://a.example').replaceAll('{{PUBLIC_HOST}}', 'a.example')) as Record<string, unknown>;
    delete manifest.accentColor;
    manifest.unknownThing = true;
    (manifest.name as Record<string, string>).short = 'x'.repeat(40);
    const problems = manifestProblems(manifest).join('\n');
    expect(problems).toMatch(/must have required property 'accentColor'/);
    expect(problems).toMatch(/unknownThing/);
    expect(problems).toMatch(/\/name\/short must NOT have more than 30 characters/);
  });

  it('refuses an app id that is not a GUID and an address that is not https, naming them', async () => {
    await expect(buildTeamsPackage(ROOT, { MICROSOFT_APP_ID: 'bot', PUBLIC_URL: 'http://advisor.example.org' })).rejects.toThrow(PackageError);
    await expect(buildTeamsPackage(ROOT, { MICROSOFT_APP_ID: 'bot', PUBLIC_URL: 'http://advisor.example.org' })).rejects.toThrow(/MICROSOFT_APP_ID: the bot's Azure app id, a GUID\n {2}PUBLIC_URL: must be https/);
  });
});
