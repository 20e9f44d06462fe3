/**
 * Polls in Slack: the real server and Bolt app, signed requests, the loopback fake Web API recording every post,
 * ephemeral, update and upload. 500 members vote at once, each vote delivered twice, and every vote counts once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi, blockActionsPayload, slackSignature, type SlackCall } from '../helpers/fake-slack.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'polls-signing-secret';
const MANAGER = 'UMGR';

type Block = { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string; text?: { text: string } }[] };

describe('polls in Slack', () => {
  const fake = new FakeSlackApi();
  const { dir, cleanup } = tempDir();
  let server: StartedServer;
  beforeAll(async () => {
    await fake.start();
    // The manager's time zone as Slack gives it (users.info): closing times are written in it where a reader's own cannot be shown.
    fake.timeZones.set(MANAGER, 'Europe/Helsinki');
    server = await startServer({ DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-polls', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, ADVISOR_MANAGERS: MANAGER, LOG_LEVEL: 'info' });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await fake.stop();
    cleanup();
  });

  const post = (body: string, contentType: string) =>
    fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...slackSignature(SECRET, body) }, body });
  let n = 0;
  const command = (user: string, channel: string, text: string) =>
    post(new URLSearchParams({ command: '/advisor', text, user_id: user, channel_id: channel, team_id: 'T1', trigger_id: `cmd-${++n}`, response_url: `${fake.responseUrl}cmd-${n}` }).toString(), 'application/x-www-form-urlencoded');
  const click = (user: string, channel: string, ts: string, button: { action_id?: string; value?: string }) =>
    `payload=${encodeURIComponent(blockActionsPayload({ user, channel, ts, button, triggerId: `click-${++n}`, responseUrl: `${fake.responseUrl}click-${n}` }))}`;
  const buttons = (call: SlackCall) => (call.args.blocks as Block[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
  const blocksText = (call: SlackCall) => (call.args.blocks as Block[]).map((b) => b.text?.text ?? '').join('\n');
  const pollPost = (channel: string, since: number) => fake.of('chat.postMessage', since).find((c) => c.args.channel === channel && buttons(c).some((b) => b.action_id?.startsWith('polls.vote#')));

  it('creates a poll from the modal and from a typed command, showing the closing time in each reader’s own zone', async () => {
    const since = fake.calls.length;
    expect((await command('UANN', 'CPOLL', 'poll "Which fair?" "A" "B"')).status).toBe(200);
    await fake.waitFor(() => fake.of('response_url', since).length > 0);
    expect(JSON.stringify(fake.of('response_url', since)[0]!.args)).toMatch(/Only cluster managers can create polls/);

    // `/advisor poll` alone opens the creation modal; its submission posts the poll to the channel it came from.
    await command(MANAGER, 'CPOLL', 'poll');
    await fake.waitFor(() => fake.of('views.open', since).length > 0);
    const view = fake.of('views.open', since)[0]!.args.view as { callback_id: string; private_metadata: string; blocks: { block_id: string }[] };
    expect(view.callback_id).toBe('form:polls.create');
    expect(view.blocks.map((b) => b.block_id)).toEqual(['question', 'options', 'kind', 'anonymous', 'results', 'closes', 'remind', 'dots', 'least', 'threshold']);
    const closes = Math.floor(Date.parse('2027-01-15T16:00:00Z') / 1000);
    const values = {
      question: { field: { type: 'plain_text_input', value: 'Which barriers should we tackle first?' } },
      options: { field: { type: 'plain_text_input', value: 'Finance\nSkills\nContacts' } },
      kind: { field: { type: 'static_select', selected_option: { value: 'dots' } } },
      anonymous: { field: { type: 'static_select', selected_option: { value: 'yes' } } },
      results: { field: { type: 'static_select', selected_option: { value: 'live' } } },
      closes: { field: { type: 'datetimepicker', selected_date_time: closes } },
      remind: { field: { type: 'static_select', selected_option: { value: '1h' } } },
      dots: { field: { type: 'number_input', value: '2' } },
      least: { field: { type: 'static_select', selected_option: { value: 'yes' } } },
      threshold: { field: { type: 'number_input', value: '5' } },
    };
    const submission = { type: 'view_submission', team: { id: 'T1' }, user: { id: MANAGER, team_id: 'T1' }, api_app_id: 'A1', token: 'legacy', trigger_id: 'view-1', view: { id: 'V1', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values } } };
    expect((await post(`payload=${encodeURIComponent(JSON.stringify(submission))}`, 'application/x-www-form-urlencoded')).status).toBe(200);
    await fake.waitFor(() => pollPost('CPOLL', since) !== undefined);
    const card = pollPost('CPOLL', since)!;
    expect(blocksText(card)).toMatch(/\*📊 Which barriers should we tackle first\?\*\nDot vote: 2 dots each[\s\S]*Anonymous[\s\S]*Closes <!date\^1800028800\^\{date_short_pretty\} \{time\}\|Fri 15 Jan 2027, 18:00 \(Europe\/Helsinki\)>\./);
    expect(buttons(card).map((b) => b.text?.text)).toEqual(['Finance', 'Skills', 'Contacts', 'Least important…', 'My vote', 'Withdraw', 'Results', 'Close poll']);

    // Dots by button, privately confirmed; the least-important panel as an ephemeral; typed dots too.
    const ts = String(card.result!.ts);
    const finance = buttons(card).find((b) => b.text?.text === 'Finance')!;
    const before = fake.calls.length;
    await post(click('UANN', 'CPOLL', ts, finance), 'application/x-www-form-urlencoded');
    await post(click('UANN', 'CPOLL', ts, finance), 'application/x-www-form-urlencoded');
    await post(click('UANN', 'CPOLL', ts, finance), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.of('chat.postEphemeral', before).filter((c) => c.args.user === 'UANN').length >= 3);
    expect(fake.of('chat.postEphemeral', before).map((c) => String(c.args.text)).join('\n')).toMatch(/You have placed all 2 dots/);
    await post(click('UANN', 'CPOLL', ts, buttons(card).find((b) => b.text?.text === 'Least important…')!), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.of('chat.postEphemeral', before).some((c) => /Least important: Which barriers/.test(String(c.args.text))));
    await command('UBO', 'CPOLL', 'dots 2 3');
    await fake.waitFor(() => fake.of('response_url', before).some((c) => /Your vote is saved/.test(JSON.stringify(c.args))));
    await fake.waitFor(() => fake.of('chat.update', before).some((c) => c.args.ts === ts && /2 members have voted/.test(blocksText(c))), 10_000);

    // A closing time without an offset is read in the creator's time zone, here Slack's (users.info).
    const tzSince = fake.calls.length;
    await command(MANAGER, 'CTZ', 'poll "When?" "A" "B" --closes 2027-01-15T17:00');
    await fake.waitFor(() => pollPost('CTZ', tzSince) !== undefined);
    expect(blocksText(pollPost('CTZ', tzSince)!)).toMatch(/Closes <!date\^1800025200\^\{date_short_pretty\} \{time\}\|Fri 15 Jan 2027, 17:00 \(Europe\/Helsinki\)>/);

    // Multiple choice: each press toggles.
    const multiSince = fake.calls.length;
    await command(MANAGER, 'CMULTI', 'poll "Which trainings?" "Pricing" "Customs" "Incoterms" --multi');
    await fake.waitFor(() => pollPost('CMULTI', multiSince) !== undefined);
    const multi = pollPost('CMULTI', multiSince)!;
    const opt = (label: string) => buttons(multi).find((b) => b.text?.text === label)!;
    for (const label of ['Pricing', 'Incoterms', 'Pricing']) await post(click('UANN', 'CMULTI', String(multi.result!.ts), opt(label)), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.of('chat.postEphemeral', multiSince).some((c) => /Removed \*Pricing\* from your choices/.test(JSON.stringify(c.args))));
    await command('UANN', 'CMULTI', 'my vote');
    await fake.waitFor(() => fake.of('response_url', multiSince).some((c) => /Your choices: Incoterms\./.test(JSON.stringify(c.args))));
  });

  it('counts 500 concurrent votes, each delivered twice, exactly once, updating the poll message about once a second', async () => {
    const since = fake.calls.length;
    await command(MANAGER, 'CVOTE', 'poll "Which fair should we attend together?" "Hannover Messe" "MWC" --anonymous');
    await fake.waitFor(() => pollPost('CVOTE', since) !== undefined);
    const card = pollPost('CVOTE', since)!;
    const ts = String(card.result!.ts);
    const [hannover, mwc] = buttons(card).filter((b) => b.action_id?.startsWith('polls.vote#'));
    const voters = Array.from({ length: 500 }, (_, i) => `UVOTER${String(i).padStart(4, '0')}`);
    const bodies = voters.map((u, i) => click(u, 'CVOTE', ts, i % 5 === 0 ? mwc! : hannover!));
    const started = Date.now();
    // Each vote twice (a Slack retry of the same request), all at once.
    const statuses = await Promise.all([...bodies, ...bodies].map((b) => post(b, 'application/x-www-form-urlencoded').then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const updates = () => fake.of('chat.update', since).filter((c) => c.args.channel === 'CVOTE');
    await fake.waitFor(() => updates().some((c) => /500 members have voted/.test(blocksText(c))), 60_000);
    const seconds = (Date.now() - started) / 1000;
    const last = updates().at(-1)!;
    expect(blocksText(last)).toMatch(/500 members have voted\.\n1\. Hannover Messe: 400 votes \(80 %\)\n2\. MWC: 100 votes \(20 %\)/);
    // Coalesced: far fewer updates than votes, about one a second.
    expect(updates().length).toBeLessThanOrEqual(Math.ceil(seconds) + 3);
    // Each member heard privately once about their vote.
    await fake.waitFor(() => fake.of('chat.postEphemeral', since).length >= 500, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    const ephemerals = fake.of('chat.postEphemeral', since);
    expect(ephemerals).toHaveLength(500);
    expect(new Set(ephemerals.map((c) => c.args.user)).size).toBe(500);

    // Anonymous: no voter id in the stored votes or the logs.
    const files = fs.readdirSync(path.join(dir, 'store', 'poll_votes')).map((f) => fs.readFileSync(path.join(dir, 'store', 'poll_votes', f), 'utf8')).join('\n');
    expect(files).toMatch(/"most"/);
    expect(files).not.toMatch(/UVOTER/);
    expect(server.output()).toMatch(/turn handled/);
    expect(server.output()).not.toMatch(/UVOTER/);

    // The results by command (private, through response_url), then closing by the button with the chart uploaded.
    const before = fake.calls.length;
    await command(MANAGER, 'CVOTE', 'poll results');
    await fake.waitFor(() => fake.of('response_url', before).length > 0);
    expect(JSON.stringify(fake.of('response_url', before)[0]!.args)).toMatch(/500 members have voted/);
    const close = buttons(card).find((b) => b.action_id?.startsWith('polls.close#'))!;
    await post(click('UVOTER0001', 'CVOTE', ts, close), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.of('chat.postEphemeral', before).some((c) => /Only the poll’s creator/.test(JSON.stringify(c.args))));
    await post(click(MANAGER, 'CVOTE', ts, close), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.uploads.some((u) => /chart\.png$/.test(u.filename)), 20_000);
    const closed = fake.of('chat.postMessage', before).find((c) => c.args.channel === 'CVOTE' && /Closed: Which fair/.test(blocksText(c)))!;
    expect(blocksText(closed)).toMatch(/Hannover Messe: 400 votes \(80 %\)/);
    expect(fake.uploads.find((u) => /chart\.png$/.test(u.filename))!.size).toBeGreaterThan(5000);
    // A late vote is refused and changes nothing.
    await post(click('UVOTER0002', 'CVOTE', ts, mwc!), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.of('chat.postEphemeral', before).some((c) => /This poll is closed/.test(JSON.stringify(c.args))));

    // The export goes to the manager's DM as files (CSV and chart): a private reply cannot carry files.
    await command(MANAGER, 'CVOTE', 'poll export');
    await fake.waitFor(() => fake.uploads.some((u) => /results\.csv$/.test(u.filename)), 20_000);
    expect(fake.of('conversations.open', before).some((c) => c.args.users === MANAGER)).toBe(true);
    expect(fake.uploads.some((u) => /votes\.csv$/.test(u.filename))).toBe(false);
  }, 120_000);
});
