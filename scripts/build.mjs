// Bundles the server and the CLI with esbuild into dist/. Each output file is written to a temporary folder and
// renamed into place, so processes that build concurrently (tests, a CLI beside a running server) never see a
// half-written file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
fs.mkdirSync(dist, { recursive: true });
const tmp = fs.mkdtempSync(path.join(dist, '.build-'));
try {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/main.ts', 'src/cli.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    outdir: tmp,
    entryNames: '[name]',
    // Separate chunks, so that the server can bind its port before the dataset, the matcher and their libraries load.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  fs.cpSync(path.join(root, 'src/channels/web/public'), path.join(tmp, 'public'), { recursive: true });
  const move = (from, to) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name);
      if (entry.isDirectory()) {
        fs.mkdirSync(target, { recursive: true });
        move(source, target);
      } else fs.renameSync(source, target);
    }
  };
  const produced = new Set(fs.readdirSync(path.join(tmp, 'chunks')));
  move(tmp, dist);
  // Chunks of earlier builds: removed once they are a minute old (a process started just before may still load them).
  for (const name of fs.readdirSync(path.join(dist, 'chunks'))) {
    const file = path.join(dist, 'chunks', name);
    if (!produced.has(name) && Date.now() - fs.statSync(file).mtimeMs > 60_000) fs.rmSync(file, { force: true });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
