import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './tmp.js';

export interface StartedServer {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn until /healthz answered 200. */
  healthyAfterMs: number;
  stop(): Promise<void>;
}

/** Starts `npm start` on a free port and waits until /healthz answers. */
export async function startServer(env: Record<string, string>): Promise<StartedServer> {
  const spawnedAt = Date.now();
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url,
    child,
    healthyAfterMs: Date.now() - spawnedAt,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
