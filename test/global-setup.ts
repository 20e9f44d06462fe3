import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Builds dist/ once before the suite: the server tests start `node dist/main.js` like a deployment does. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: path.resolve(import.meta.dirname, '..'), stdio: 'inherit' });
}
