/**
 * Fault injection, storage side, on the real server: a full disk and a read-only data folder (a small tmpfs mounted
 * over DATA_DIR, so the errors are the kernel's own ENOSPC and EROFS), and a lock file removed under the running
 * process. Readiness goes red with the reason, nothing is acknowledged that was not saved (Slack delivers it again
 * and it is answered once), a slash command hears why, and the process stays up and recovers by itself.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi, eventEnvelope, slackSignature } from '../helpers/fake-slack.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'store-fault-secret';

function tryMount(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('fault injection: storage', () => {
  const fake = new FakeSlackApi();
  const servers: StartedServer[] = [];
  const cleanups: (() => void)[] = [];
  beforeAll(() => fake.start());
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await fake.stop();
    for (const c of cleanups.reverse()) c();
  });

  let eventNo = 0;
  const signedPost = (url: string, body: string, contentType: string) =>
    fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...slackSignature(SECRET, body) }, body });
  const dmBody = (channel: string, id = `EvStore${++eventNo}`) =>
    JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel, user: `U${channel}`, text: 'help', ts: `${1_700_000_000 + eventNo}.000100`, team: 'T1' }, id));
  const answered = (channel: string) => fake.of('chat.postMessage', 0).filter((c) => c.args.channel === channel && !c.hung).length;
  const ready = async (url: string) => {
    const res = await fetch(`${url}/readyz`);
    return { status: res.status, body: await res.text() };
  };
  const until = async (check: () => Promise<boolean>, ms: number) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const start = async (dir: string) => {
    const server = await startServer({ DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-store', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url });
    servers.push(server);
    return server;
  };

  /** Runs the checks common to a full and a read-only disk, with `breakIt` and `mendIt` doing the damage and repair. */
  async function unsavable(server: StartedServer, breakIt: () => void, mendIt: () => void, reason: RegExp, channel: string): Promise<void> {
    breakIt();
    // A small append can still fit in space the log file already holds: send until one cannot be saved. Those
    // acknowledged before it were saved and must be answered; the first refused one is not acknowledged.
    const acknowledged: string[] = [];
    let refused: { body: string; channel: string } | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const body = dmBody(`${channel}-${i}`);
      const status = (await signedPost(server.url, body, 'application/json')).status;
      if (status === 200) acknowledged.push(`${channel}-${i}`);
      else {
        expect(status).toBe(500);
        refused = { body, channel: `${channel}-${i}` };
      }
    }
    expect(refused).toBeDefined();
    await until(async () => (await ready(server.url)).status === 503, 10_000);
    expect((await ready(server.url)).body).toMatch(reason);
    // A slash command is answered at once with why it could not be taken.
    const command = new URLSearchParams({ command: '/advisor', text: 'help', user_id: 'UCMD', channel_id: 'CCMD', team_id: 'T1', trigger_id: `trig-${eventNo}`, response_url: `${fake.responseUrl}cmd` }).toString();
    const res = await signedPost(server.url, command, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/could not take that command/);
    // The web chat says it plainly, with a status that means "try again".
    const web = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'help', id: `web-${eventNo}` }) });
    expect(web.status).toBe(503);
    expect(JSON.stringify(await web.json())).toMatch(/could not save that; nothing was changed/);
    expect(server.child.exitCode).toBeNull();
    mendIt();
    await until(async () => (await ready(server.url)).status === 200, 15_000);
    // Slack's retry of the refused event (same id) is now taken; it and every acknowledged one are answered, once.
    expect((await signedPost(server.url, refused!.body, 'application/json')).status).toBe(200);
    const all = [...acknowledged, refused!.channel];
    await fake.waitFor(() => all.every((c) => answered(c) >= 1), 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(all.filter((c) => answered(c) !== 1)).toEqual([]);
  }

  const mounted = (() => {
    const { dir, cleanup } = tempDir('advisor-tmpfs-');
    const ok = tryMount(dir);
    cleanups.push(() => {
      if (ok) execFileSync('umount', ['-l', dir]);
      cleanup();
    });
    return { dir, ok };
  })();

  it.runIf(mounted.ok)('a full disk: readiness 503 naming it, nothing acknowledged unsaved, then it recovers', async () => {
    const server = await start(mounted.dir);
    expect((await signedPost(server.url, dmBody('DFULL0'), 'application/json')).status).toBe(200);
    await fake.waitFor(() => answered('DFULL0') === 1);
    const filler = path.join(mounted.dir, 'filler');
    await unsavable(
      server,
      () => {
        try {
          fs.writeFileSync(filler, Buffer.alloc(16 * 1024 * 1024));
        } catch (e) {
          expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
        }
      },
      () => fs.rmSync(filler),
      /ENOSPC|no space/i,
      'DFULL1',
    );
  }, 60_000);

  it.runIf(mounted.ok)('a read-only data folder: readiness 503 naming it, the process stays up, then it recovers', async () => {
    const server = servers.at(-1)!;
    await unsavable(
      server,
      () => execFileSync('mount', ['-o', 'remount,ro', mounted.dir]),
      () => execFileSync('mount', ['-o', 'remount,rw', mounted.dir]),
      /EROFS|read-only/i,
      'DRO1',
    );
  }, 60_000);

  it('a removed lock file is reported and taken again; the server stays up and keeps answering', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const server = await start(dir);
    const lock = path.join(dir, 'store.json.lock');
    expect(fs.existsSync(lock)).toBe(true);
    fs.rmSync(lock, { recursive: true });
    // proper-lockfile looks at its lock every 2.5 s.
    await until(async () => /was removed or changed/.test(server.output()), 10_000);
    // Taken again: the log says so (it may reach us a moment after the lock file is back).
    await until(async () => /Took the lock file .* again/.test(server.output()), 10_000);
    expect(fs.existsSync(lock)).toBe(true);
    expect(server.child.exitCode).toBeNull();
    expect((await ready(server.url)).status).toBe(200);
    expect((await signedPost(server.url, dmBody('DLOCK'), 'application/json')).status).toBe(200);
    await fake.waitFor(() => answered('DLOCK') === 1);
  }, 30_000);
});
