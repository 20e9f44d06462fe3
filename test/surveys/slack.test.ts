/**
 * Surveys in Slack: the real server and Bolt app, signed requests, the loopback fake Web API. The audience is read
 * with conversations.members, invitations go out by conversations.open and chat.postMessage, the survey is answered
 * through block actions and typed DMs, and the results reach the facilitator's DM with the chart uploaded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi, blockActionsPayload, eventEnvelope, slackSignature, type SlackCall } from '../helpers/fake-slack.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'surveys-signing-secret';
const FACILITATOR = 'UFAC';
type Block = { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string; text?: { text: string } }[] };

describe('surveys in Slack', () => {
  const fake = new FakeSlackApi();
  const { dir, cleanup } = tempDir();
  let server: StartedServer;
  beforeAll(async () => {
    await fake.start();
    fake.members.set('CCLUSTER', [FACILITATOR, 'UANN', 'UBO']);
    fake.timeZones.set('UANN', 'Europe/Stockholm');
    server = await startServer({ DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-surveys', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, ADVISOR_FACILITATORS: FACILITATOR });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await fake.stop();
    cleanup();
  });

  const post = (body: string, contentType: string) => fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...slackSignature(SECRET, body) }, body });
  let n = 0;
  const command = (user: string, channel: string, text: string) =>
    post(new URLSearchParams({ command: '/advisor', text, user_id: user, channel_id: channel, team_id: 'T1', trigger_id: `cmd-${++n}`, response_url: `${fake.responseUrl}cmd-${n}` }).toString(), 'application/x-www-form-urlencoded');
  const click = (user: string, channel: string, ts: string, button: { action_id?: string; value?: string }) =>
    post(`payload=${encodeURIComponent(blockActionsPayload({ user, channel, ts, button, triggerId: `click-${++n}`, responseUrl: `${fake.responseUrl}click-${n}` }))}`, 'application/x-www-form-urlencoded');
  const dm = (user: string, text: string) => {
    const body = JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel: `D-${user}`, user, text, ts: `${1_700_000_000 + ++n}.000100`, team: 'T1' }, `EvSurvey${n}`));
    return post(body, 'application/json');
  };
  const buttons = (call: SlackCall) => ((call.args.blocks as Block[] | undefined) ?? []).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
  const text = (call: SlackCall) => [String(call.args.text ?? ''), ...((call.args.blocks as Block[] | undefined) ?? []).map((b) => b.text?.text ?? '')].join('\n');
  const toChannel = (channel: string, since: number) => [...fake.of('chat.postMessage', since), ...fake.of('chat.postEphemeral', since)].filter((c) => c.args.channel === channel);
  const latest = (channel: string, since: number, re: RegExp) => toChannel(channel, since).filter((c) => re.test(text(c))).at(-1);
  const waitText = async (channel: string, since: number, re: RegExp) => {
    await fake.waitFor(() => latest(channel, since, re) !== undefined, 15_000);
    return latest(channel, since, re)!;
  };

  it('opens the creation modal, invites a channel’s members by DM and runs the survey through block actions', async () => {
    const since = fake.calls.length;
    await command(FACILITATOR, 'CCLUSTER', 'survey new');
    await fake.waitFor(() => fake.of('views.open', since).length > 0);
    const view = fake.of('views.open', since)[0]!.args.view as { callback_id: string; blocks: { block_id: string }[] };
    expect(view.callback_id).toBe('form:surveys.create');
    expect(view.blocks.map((b) => b.block_id)).toEqual(['title', 'template', 'areas', 'audience', 'closes', 'remind']);

    await command(FACILITATOR, 'CCLUSTER', 'survey new "Barriers 2026" --template barriers --areas networking --audience <#CCLUSTER|cluster> --closes 10d');
    await fake.waitFor(() => fake.of('response_url', since).some((c) => /is ready as a draft/.test(JSON.stringify(c.args))));
    await command(FACILITATOR, 'CCLUSTER', 'survey open');
    await fake.waitFor(() => fake.of('conversations.members', since).length > 0);
    const invitation = await waitText('D-UANN', since, /invites you to a short survey/);
    // Who runs it, named by Slack for the reader (a mention of a member not in this DM: no ping).
    expect(text(invitation)).toMatch(/<@UFAC> invites you to a short survey/);
    await waitText('D-UBO', since, /invites you to a short survey/);
    // The facilitator runs it and is not invited.
    expect(toChannel('D-UFAC', since).some((c) => /invites you/.test(text(c)))).toBe(false);
    expect(fake.of('conversations.open', since).map((c) => c.args.users).sort()).toEqual(expect.arrayContaining(['UANN', 'UBO']));

    // Start, then the profile questions by button and by typing, then dots by button.
    const start = buttons(invitation).find((b) => b.action_id?.startsWith('surveys.start'))!;
    await click('UANN', 'D-UANN', String(invitation.result!.ts), start);
    const country = await waitText('D-UANN', since, /In which country/);
    await click('UANN', 'D-UANN', String(country.result?.ts ?? '1.1'), buttons(country).find((b) => b.text?.text === '1. Sweden')!);
    await waitText('D-UANN', since, /Which sector/);
    await dm('UANN', 'ict');
    const size = await waitText('D-UANN', since, /How many people/);
    await click('UANN', 'D-UANN', String(size.result?.ts ?? '1.1'), buttons(size).find((b) => /10–49/.test(b.text?.text ?? ''))!);
    const dots = await waitText('D-UANN', since, /hold your company back most\? Spread 3 dots/);
    const first = buttons(dots).find((b) => b.text?.text === '1')!;
    for (let i = 0; i < 3; i++) await click('UANN', 'D-UANN', String(dots.result?.ts ?? '1.1'), first);
    await waitText('D-UANN', since, /matter least to your company/);
    // A forged press for a question that is not the current one changes nothing.
    await click('UANN', 'D-UANN', '1.1', { action_id: 'surveys.answer#x', value: `${first.value!.split('|')[0]}|q99|1` });
    await dm('UANN', 'stop');
    await waitText('D-UANN', since, /Paused; your answers are saved/);

    // The facilitator's status shows completion only; closing sends the results with the chart to their DM.
    const statusSince = fake.calls.length;
    await command(FACILITATOR, 'CCLUSTER', 'survey status');
    // The status goes to the facilitator's DM, where it is kept up to date.
    const status = await waitText('D-UFAC', statusSince, /Invited 2 · started 1 · finished 0/);
    expect(text(status)).not.toMatch(/Sweden|ict/);
    expect(text(status)).toMatch(/Not finished yet: <@UANN>, <@UBO>/);
    await fake.waitFor(() => fake.of('response_url', statusSince).some((c) => /The status is in your direct messages/.test(JSON.stringify(c.args))));
    await command(FACILITATOR, 'CCLUSTER', 'survey close');
    const results = await waitText('D-UFAC', since, /Results: Barriers 2026/);
    // The status message was updated in place when the survey closed.
    await fake.waitFor(() => fake.of('chat.update', statusSince).some((c) => c.args.ts === status.result?.ts && /closed/.test(text(c))));
    expect(text(results)).toMatch(/Response rate: 0 of 2 finished/);
    await fake.waitFor(() => fake.uploads.some((u) => /survey-.*-chart\.png$/.test(u.filename)), 20_000);
    // After closing, an answer is refused.
    await dm('UANN', 'continue survey');
    await waitText('D-UANN', since, /no survey to continue/);
  }, 90_000);
});
