/**
 * Two advisor server processes on different ports, one PostgreSQL database (its own, created and dropped here),
 * behind the same Slack app (the loopback fake Web API): a 5-Whys dialogue alternating between them continues
 * correctly, and its reminder goes out once; a poll takes 500 members' votes, each delivered to both instances, all
 * counted once; then one instance is SIGKILLed mid-load and nothing it acknowledged is lost: the other takes its
 * turns over after their lease.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi, blockActionsPayload, eventEnvelope, slackSignature, type SlackCall } from '../helpers/fake-slack.js';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'multi-instance-secret';
type Block = { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string; text?: { text: string } }[] };

describe('two instances on one PostgreSQL database', () => {
  const fake = new FakeSlackApi();
  const { dir, cleanup } = tempDir();
  let a: StartedServer;
  let b: StartedServer;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase('advisor_multi');
    await fake.start();
    const env = {
      DATABASE_URL: db.url,
      DATA_DIR: path.join(dir, 'unused'),
      SLACK_BOT_TOKEN: 'xoxb-multi',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.url,
      ADVISOR_MANAGERS: 'UMGR',
      // A 5-Whys step left alone is reminded after about 11 s (three quarters of 14.4 s); a dead instance's turns move
      // to the other after 3 s.
      DIALOG_IDLE_HOURS: '0.004',
      INBOX_LEASE_MS: '3000',
    };
    // Both start together on an empty database: the migrations run once.
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await fake.stop();
    await db?.drop();
    cleanup();
  });

  let n = 0;
  const post = (server: StartedServer, body: string, type: string) =>
    fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': type, ...slackSignature(SECRET, body) }, body, signal: AbortSignal.timeout(10_000) });
  const dm = (server: StartedServer, user: string, text: string, id = `EvMulti${++n}`) =>
    post(server, JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel: `D-${user}`, user, text, ts: `${1_700_000_000 + ++n}.000100`, team: 'T1' }, id)), 'application/json');
  const textOf = (c: SlackCall) => [String(c.args.text ?? ''), ...((c.args.blocks as Block[] | undefined) ?? []).map((x) => x.text?.text ?? '')].join('\n');
  const postsTo = (channel: string) => fake.of('chat.postMessage').filter((c) => c.args.channel === channel && !c.limited);
  const buttons = (c: SlackCall) => ((c.args.blocks as Block[] | undefined) ?? []).flatMap((x) => (x.type === 'actions' ? (x.elements ?? []) : []));

  it('continues a 5-Whys dialogue that alternates between the instances, and reminds once', async () => {
    const steps: [StartedServer, string, RegExp][] = [
      [a, '5 whys', /describe the problem in one sentence/],
      [b, 'We cannot find distributors in Norway', /Why 1 of 5/],
      [a, 'Our products are not known there', /Why 2 of 5/],
      [b, 'We never took part in a Nordic trade fair', /Why 3 of 5/],
    ];
    for (const [server, text, expected] of steps) {
      const before = postsTo('D-UANN').length;
      expect((await dm(server, 'UANN', text)).status).toBe(200);
      await fake.waitFor(() => postsTo('D-UANN').length > before && expected.test(postsTo('D-UANN').slice(before).map(textOf).join('\n')), 15_000);
    }
    // Left alone, the open step is reminded once, by one of the two instances.
    const reminders = () => [...fake.of('chat.postEphemeral'), ...fake.of('chat.postMessage')].filter((c) => c.args.channel === 'D-UANN' && /still open at/.test(textOf(c)));
    await fake.waitFor(() => reminders().length > 0, 30_000).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\n${JSON.stringify(fake.calls.filter((c) => c.args.channel === 'D-UANN').map((c) => [c.method, textOf(c)]))}`);
    });
    await new Promise((r) => setTimeout(r, 3000));
    expect(reminders()).toHaveLength(1);
  }, 90_000);

  it('counts 500 votes delivered to both instances once each; a SIGKILLed instance loses nothing it acknowledged', async () => {
    const since = fake.calls.length;
    const command = new URLSearchParams({ command: '/advisor', text: 'poll "Which fair?" "Hannover Messe" "MWC" --anonymous', user_id: 'UMGR', channel_id: 'CMULTI', team_id: 'T1', trigger_id: 'multi-cmd', response_url: `${fake.responseUrl}multi` }).toString();
    expect((await post(a, command, 'application/x-www-form-urlencoded')).status).toBe(200);
    await fake.waitFor(() => fake.of('chat.postMessage', since).some((c) => c.args.channel === 'CMULTI' && buttons(c).some((x) => x.action_id?.startsWith('polls.vote#'))));
    const card = fake.of('chat.postMessage', since).find((c) => c.args.channel === 'CMULTI' && buttons(c).some((x) => x.action_id?.startsWith('polls.vote#')))!;
    const [hannover, mwc] = buttons(card).filter((x) => x.action_id?.startsWith('polls.vote#'));
    const click = (i: number) =>
      `payload=${encodeURIComponent(blockActionsPayload({ user: `UV${i}`, channel: 'CMULTI', ts: String(card.result!.ts), button: i % 5 === 0 ? mwc! : hannover!, triggerId: `multi-${i}` }))}`;
    // Every vote twice, once to each instance, 100 members at a time (200 requests in flight on two shared cores).
    const statuses: number[] = [];
    for (let from = 0; from < 500; from += 100) {
      const batch = Array.from({ length: 100 }, (_, k) => from + k).flatMap((i) => [post(a, click(i), 'application/x-www-form-urlencoded'), post(b, click(i), 'application/x-www-form-urlencoded')]);
      statuses.push(...(await Promise.all(batch.map((p) => p.then((r) => r.status)))));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const counted = () => fake.of('chat.update', since).some((c) => c.args.ts === card.result!.ts && /500 members have voted\.\n1\. Hannover Messe: 400 votes \(80 %\)\n2\. MWC: 100 votes \(20 %\)/.test(textOf(c)));
    await fake.waitFor(counted, 60_000).catch((e: unknown) => {
      const last = fake.of('chat.update', since).filter((c) => c.args.ts === card.result!.ts).at(-1);
      const ephemerals = fake.of('chat.postEphemeral', since).map((c) => String(c.args.text));
      throw new Error(`${(e as Error).message.slice(0, 200)}\nlast update: ${last ? textOf(last).slice(0, 300) : 'none'}\nephemerals ${ephemerals.length}, distinct users ${new Set(fake.of('chat.postEphemeral', since).map((c) => c.args.user)).size}; samples ${JSON.stringify([...new Set(ephemerals.map((t) => t.slice(0, 60)))].slice(0, 8))}\nA: ${a.output().slice(-1500)}\nB: ${b.output().slice(-1500)}`);
    });

    // Now a burst of DMs to b alone; b is killed once half are acknowledged. a answers the rest after their lease.
    const acknowledged = new Set<number>();
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (next < 200) {
        const i = next++;
        const res = await dm(b, `UK${i}`, 'help').catch(() => undefined);
        if (res?.status === 200) acknowledged.add(i);
        if (!killed && acknowledged.size >= 100) {
          killed = true;
          b.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, sender));
    expect(acknowledged.size).toBeGreaterThanOrEqual(100);
    await fake.waitFor(() => [...acknowledged].every((i) => postsTo(`D-UK${i}`).length > 0), 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    const perEvent = postsTo(`D-UK${[...acknowledged][0]}`).length;
    expect([...acknowledged].filter((i) => postsTo(`D-UK${i}`).length !== perEvent)).toEqual([]);
    // With DATABASE_URL, nothing is written under DATA_DIR.
    expect(fs.existsSync(path.join(dir, 'unused'))).toBe(false);
  }, 120_000);
});
