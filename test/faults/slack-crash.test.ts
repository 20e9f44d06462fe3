/**
 * Fault injection, Slack side: the real server (dist/main.js) killed with SIGKILL in the middle of a burst of signed
 * events, then started again on the same DATA_DIR. Every event that got a 200 must be answered, and none twice.
 */
import { describe, expect, it } from 'vitest';
import { slackRig } from '../helpers/slack-rig.js';

const SECRET = 'fault-signing-secret';
const EVENTS = 400;
const IN_FLIGHT = 40;

describe('fault injection: a crash mid-burst', () => {
  const rig = slackRig(SECRET);
  const postsTo = rig.answered;

  it('answers every acknowledged event exactly once after SIGKILL and a restart', async () => {
    const first = await rig.start();
    // How many messages one "help" DM gets, from one event before the burst.
    expect((await rig.dm(first.url, 'D-1')).status).toBe(200);
    await rig.fake.waitFor(() => postsTo('D-1') > 0);
    await new Promise((r) => setTimeout(r, 300));
    const perEvent = postsTo('D-1');

    const acknowledged = new Set<number>();
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (next < EVENTS) {
        const n = next++;
        const res = await rig.dm(first.url, `D${n}`).catch(() => undefined);
        if (res?.status === 200) acknowledged.add(n);
        if (!killed && acknowledged.size >= EVENTS / 2) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
    await new Promise<void>((resolve) => (first.child.exitCode !== null || first.child.signalCode !== null ? resolve() : first.child.once('exit', () => resolve())));
    const answeredBeforeRestart = [...acknowledged].filter((n) => postsTo(`D${n}`) >= perEvent).length;

    await rig.start();
    await rig.fake.waitFor(() => [...acknowledged].every((n) => postsTo(`D${n}`) >= perEvent), 60_000);
    // Give a doubled reply time to show up.
    await new Promise((r) => setTimeout(r, 1000));
    const lost = [...acknowledged].filter((n) => postsTo(`D${n}`) < perEvent);
    const doubled = [...acknowledged].filter((n) => postsTo(`D${n}`) > perEvent);
    console.log(`crash test: ${acknowledged.size} acknowledged, ${answeredBeforeRestart} answered before the kill, ${lost.length} lost, ${doubled.length} doubled`);
    expect(acknowledged.size).toBeGreaterThanOrEqual(EVENTS / 2);
    expect(answeredBeforeRestart).toBeLessThan(acknowledged.size);
    expect(lost).toEqual([]);
    expect(doubled).toEqual([]);
  }, 120_000);
});
