import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/tmp.js';

const node = (args: string[], env: Record<string, string>, input = '') =>
  spawnSync(process.execPath, args, { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn', PORT: '0', ...env }, timeout: 30_000 });

describe('start-up refuses bad data, bad stores and bad configuration with a clear message', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('data check prints counts per kind and per topic', () => {
    const out = node(['dist/cli.js', 'data', 'check'], {});
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/barriers\s+\d+/);
    expect(out.stdout).toMatch(/certification\s+\d+\s+\d+\s+\d+/);
    expect(out.stdout).toMatch(/data check passed/);
  });

  it('data check, the CLI and the server all refuse invalid data with the file, the id and the problem', () => {
    const data = path.join(dir, 'data');
    fs.cpSync(path.join(ROOT, 'data'), data, { recursive: true });
    const file = path.join(data, 'root-causes', 'give.json');
    const rcs = JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string; barriers: string[] }[];
    rcs[0]!.barriers = ['ghost-barrier'];
    fs.writeFileSync(file, JSON.stringify(rcs));
    const expected = new RegExp(`root-causes/give\\.json \\[${rcs[0]!.id}\\]: barrier "ghost-barrier" does not exist`);
    const check = node(['dist/cli.js', 'data', 'check'], { KNOWLEDGE_DIR: data });
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(expected);
    const chat = node(['dist/cli.js', 'chat', '--jsonl'], { KNOWLEDGE_DIR: data, DATA_DIR: path.join(dir, 'store') }, '{"user":"a","text":"hi"}\n');
    expect(chat.status).toBe(1);
    expect(chat.stderr).toMatch(expected);
    const server = node(['dist/main.js'], { KNOWLEDGE_DIR: data, DATA_DIR: path.join(dir, 'store') });
    expect(server.status).toBe(1);
    expect(server.stderr).toMatch(expected);
  });

  it('refuses a corrupt store file, naming it, and leaves it as it was', () => {
    const store = path.join(dir, 'store');
    fs.mkdirSync(store);
    fs.writeFileSync(path.join(store, 'store.json'), '{"format":"sme-advisor-store", truncated');
    const server = node(['dist/main.js'], { DATA_DIR: store });
    expect(server.status).toBe(1);
    expect(server.stderr).toContain(path.join(store, 'store.json'));
    expect(server.stderr).toMatch(/not valid JSON/);
    expect(fs.readFileSync(path.join(store, 'store.json'), 'utf8')).toBe('{"format":"sme-advisor-store", truncated');
  });

  it('refuses a bad environment variable, naming it', () => {
    const server = node(['dist/main.js'], { PORT: 'abc' });
    expect(server.status).toBe(1);
    expect(server.stderr).toMatch(/PORT: /);
    const cli = node(['dist/cli.js', 'chat', '--jsonl'], { DIALOG_IDLE_HOURS: 'soon' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/DIALOG_IDLE_HOURS/);
  });
});
