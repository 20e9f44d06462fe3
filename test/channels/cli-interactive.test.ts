import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/tmp.js';

describe('advisor chat (interactive terminal)', () => {
  it('answers typed lines, lists buttons, presses one with !n, and keeps logs off stdout', () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = spawnSync(process.execPath, ['dist/cli.js', 'chat', '--user', 'terminal-user'], {
        cwd: ROOT,
        input: 'Do we need CE marking to sell our machines abroad?\n!1\n!99\n',
        encoding: 'utf8',
        env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'info' },
        timeout: 30_000,
      });
      expect(out.status).toBe(0);
      expect(out.stdout).toMatch(/What to do:/);
      expect(out.stdout).toMatch(/\[!1\] More/);
      expect(out.stdout).toMatch(/\(more\)/);
      expect(out.stdout).toMatch(/No such button/);
      expect(out.stdout).not.toMatch(/"level":/);
    } finally {
      cleanup();
    }
  });
});
