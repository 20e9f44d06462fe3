import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import { ROOT } from './tmp.js';

export interface ReplyJson {
  id: string;
  text: string;
  buttons?: { label: string; action: { id: string; value: string } }[];
  links?: { label: string; url: string }[];
  context?: string;
  audience?: string;
  file?: { name: string; content: string };
  attachments?: { name: string; mimeType: string; base64: string; content?: string }[];
  to?: { user?: string; conversation: string };
}
export type LineJson = { replies: ReplyJson[]; updates?: { id: string; message?: ReplyJson; deleted?: true }[] } | { error: string };

/** `npm run --silent advisor -- chat --jsonl` as a child process, one request line → one response line. */
export class JsonlChat {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  readonly stderr: string[] = [];

  constructor(env: Record<string, string>) {
    this.child = spawn('npm', ['run', '--silent', 'advisor', '--', 'chat', '--jsonl'], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(line);
      } else this.lines.push(line);
    });
    this.child.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
  }

  /** Sends one raw line and resolves with the parsed response line. */
  sendRaw(line: string): Promise<LineJson> {
    this.child.stdin.write(`${line}\n`);
    return this.next();
  }

  send(obj: unknown): Promise<LineJson> {
    return this.sendRaw(JSON.stringify(obj));
  }

  /** Sends text as `user` and returns the replies (fails the test on an error line). */
  async say(user: string, text: string, extra: Record<string, unknown> = {}): Promise<ReplyJson[]> {
    const out = await this.send({ user, text, ...extra });
    if ('error' in out) throw new Error(`error line: ${out.error}`);
    return out.replies;
  }

  async press(user: string, action: { id: string; value: string }, extra: Record<string, unknown> = {}): Promise<ReplyJson[]> {
    const out = await this.send({ user, action, ...extra });
    if ('error' in out) throw new Error(`error line: ${out.error}`);
    return out.replies;
  }

  private next(): Promise<LineJson> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(JSON.parse(ready) as LineJson);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response line; stderr: ${this.stderr.join('')}`)), 20_000);
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as LineJson);
      };
    });
  }

  /** Ends stdin and waits for a clean exit. */
  close(): Promise<number | null> {
    this.child.stdin.end();
    return new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  kill(): Promise<void> {
    this.child.kill('SIGKILL');
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }
}

/** All reply texts joined, for assertions. */
export function allText(replies: ReplyJson[]): string {
  return replies.map((r) => r.text).join('\n');
}

/** The first button whose action id matches. */
export function button(replies: ReplyJson[], id: string): { id: string; value: string } {
  for (const r of replies) for (const b of r.buttons ?? []) if (b.action.id === id) return b.action;
  throw new Error(`no button ${id} in ${JSON.stringify(replies)}`);
}
