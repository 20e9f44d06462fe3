import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './tmp.js';

export interface StartedServer {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn until /healthz answered 200. */
  healthyAfterMs: number;
  /** Everything the server wrote so far (JSON logs on stdout, the banner on stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the built server (`node dist/main.js`, what `npm start` runs after building) on a free port; waits for /healthz. */
export async function startServer(env: Record<string, string>): Promise<StartedServer> {
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (process.env.SERVER_LOGS) process.stderr.write(d);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (process.env.SERVER_LOGS) process.stderr.write(d);
      const m = /listening on (http:\/\/[\w.]+:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const until = async (p: string) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (await fetch(`${url}${p}`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok).catch(() => false)) return Date.now() - spawnedAt;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server at ${url} did not answer ${p} (exit ${child.exitCode}): ${stdout.slice(-2000)}${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const healthyAfterMs = await until('/healthz');
  await until('/readyz');
  return {
    url,
    child,
    healthyAfterMs,
    output: () => stdout + stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
