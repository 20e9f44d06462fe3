/** What the channel benchmarks share: free ports, child processes started until a banner, and the load generator. */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Spawns a process and resolves once its stderr matches `ready`. */
export async function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, cwd = ROOT): Promise<ChildProcess> {
  const child = spawn(args[0]!, args.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (ready.test(err)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return child;
}

/** Polls a URL until it answers below 500. */
export async function waitReady(url: string): Promise<void> {
  for (;;) {
    const ok = await fetch(url).then((r) => r.status < 500).catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
export const median = (xs: number[]) => quantile(xs, 0.5);

export interface LoadSpec {
  /** One port, or several taken in turn (a round-robin load balancer). */
  port: string | readonly string[];
  path: string;
  total: number;
  concurrency: number;
  /** The JSON body of request i. */
  body(i: number): string;
  /** Extra headers for a body (a signature). */
  headers?(body: string): Record<string, string>;
}

/** Sends `total` POSTs with `concurrency` in flight over keep-alive sockets; per-request latencies of the 200s and the wall time. */
export async function load(spec: LoadSpec): Promise<{ latencies: number[]; seconds: number; failures: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const body = spec.body(i);
      const started = performance.now();
      const req = http.request(
        { host: '127.0.0.1', port: typeof spec.port === 'string' ? spec.port : spec.port[i % spec.port.length], path: spec.path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(spec.headers?.(body) ?? {}) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - started);
            else failures++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (next < spec.total) await one(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, seconds, failures };
}

/** The fake Slack Web API in a process of its own (bench/fake-slack-process.ts), asked over IPC. */
export async function forkFakeSlack(): Promise<{ url: string; ask<T>(cmd: string, args?: Record<string, unknown>): Promise<T>; stop(): Promise<void> }> {
  const child = fork(path.join(ROOT, 'bench/fake-slack-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ask = <T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send({ cmd, ...args });
    });
  const { url } = await new Promise<{ url: string }>((resolve) => child.once('message', (m) => resolve(m as { url: string })));
  return { url, ask, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.send({ cmd: 'stop' }))) };
}
