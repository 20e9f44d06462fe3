// Probe: how often does a SIGKILL land while a journal is on disk, and (with NOJOURNAL) does a pair ever diverge?
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const ROOT = '/work/main';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
const LAYOUTS = [{ name: 'pairs', layout: { split: 'owner', segments: 1 } }];
const script = `
  import { LowdbStore } from '${ROOT}/src/store/lowdb-store.ts';
  const s = await LowdbStore.open(process.argv[2], { lock: false, collections: ${JSON.stringify(LAYOUTS)} });
  let i = (await s.get('counters', 'n')) ?? 0;
  const pad = 'x'.repeat(20000);
  process.stdout.write('ready\\n');
  for (;;) { i++; await s.put('counters','n',i); await s.put('polls','payload',{i,pad});
    await s.updateMany([{collection:'pairs',key:'a:x'},{collection:'pairs',key:'b:x'}], () => [{i,pad},{i,pad}]); }
`;
fs.writeFileSync(path.join(dir, 'w.mts'), script);
const { LowdbStore } = await import(`${ROOT}/src/store/lowdb-store.ts`);
let journals = 0, diverged = 0;
const data = path.join(dir, 'data');
for (let round = 0; round < Number(process.argv[2] ?? 20); round++) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(dir, 'w.mts'), data], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  if (fs.existsSync(path.join(data, 'store', 'journal.json'))) journals++;
  // Read raw partition files (before replay) to see whether they diverge on disk.
  const f = (p: string) => { const dirp = path.join(data, 'store', 'pairs'); for (const n of fs.readdirSync(dirp)) { if (n.startsWith('.')) continue; const d = JSON.parse(fs.readFileSync(path.join(dirp, n), 'utf8')); if (d.partition === p) return d.records[`${p}:x`]?.v?.i; } };
  if (f('a') !== f('b')) diverged++;
  const s = await LowdbStore.open(data, { lock: false, collections: LAYOUTS });
  const a = (await s.get('pairs', 'a:x'))?.i, b = (await s.get('pairs', 'b:x'))?.i;
  await s.close();
  if (a !== b) { console.log('MISMATCH after reopen', a, b); }
}
console.log({ journals, divergedOnDiskBeforeReplay: diverged });
fs.rmSync(dir, { recursive: true, force: true });
