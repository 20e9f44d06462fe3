/** The real Bolt app inside the real server, driven by signed HTTP requests; Slack's Web API is a loopback fake. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi, blockActionsPayload, eventEnvelope, slackSignature, type SlackCall } from '../helpers/fake-slack.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'test-signing-secret';

describe('Slack channel', () => {
  const fake = new FakeSlackApi();
  const { dir, cleanup } = tempDir();
  let server: StartedServer;
  beforeAll(async () => {
    await fake.start();
    server = await startServer({ DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await fake.stop();
    cleanup();
  });

  async function post(body: string, contentType: string, headers: Record<string, string> = slackSignature(SECRET, body)) {
    const started = Date.now();
    const res = await fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
    return { res, ms: Date.now() - started, text: await res.text() };
  }
  const sendEvent = (event: Record<string, unknown>, id?: string, headers?: Record<string, string>) => {
    const body = JSON.stringify(eventEnvelope(event, id));
    return post(body, 'application/json', { ...slackSignature(SECRET, body), ...headers });
  };
  const sendForm = (fields: Record<string, string>) => post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
  const dm = (text: string, user = 'U1', extra: Record<string, unknown> = {}) =>
    sendEvent({ type: 'message', channel_type: 'im', channel: `D-${user}`, user, text, ts: `${Date.now() / 1000}`, team: 'T1', ...extra });
  const allText = (calls: SlackCall[]) => calls.map((c) => JSON.stringify(c.args)).join('\n');
  /** The button with this core action id in a posted message. */
  const findButton = (call: SlackCall, id: string) =>
    (call.args.blocks as { elements?: { action_id?: string; value: string }[] }[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id?.startsWith(`${id}#`))!;
  let clicks = 0;
  /** A block_actions payload as Slack sends it when `user` clicks `button` in `channel`. */
  const blockActions = (user: string, channel: string, button: { action_id?: string; value: string }, opts: { ephemeral?: boolean; responseUrl?: string } = {}) =>
    blockActionsPayload({ user, channel, ts: '1.2', button, triggerId: `trigger-${++clicks}`, ...opts });

  it('answers a direct message with Block Kit, acknowledging at once', async () => {
    const since = fake.calls.length;
    const { res, ms } = await dm('Do we need CE marking to sell our machines in Norway?');
    expect(res.status).toBe(200);
    expect(ms).toBeLessThan(3000);
    await fake.waitFor(() => fake.of('chat.postMessage', since).some((c) => c.args.channel === 'D-U1'));
    const post = fake.of('chat.postMessage', since).find((c) => c.args.channel === 'D-U1')!;
    const blocks = post.args.blocks as { type: string; text?: { type: string; text: string }; elements?: { action_id: string }[] }[];
    expect(blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: expect.stringMatching(/^\*CE marking[^*]*\*\n/) } });
    expect(blocks.some((b) => b.type === 'context')).toBe(true);
    expect(blocks.find((b) => b.type === 'actions')!.elements![0]!.action_id).toMatch(/^answers\.more#0$/);
    expect(JSON.stringify(blocks)).toMatch(/<https:\/\/[^|>]+\|[^>]+>/);
  });

  it('answers a German and a Swedish DM in their language, the 5-Whys dialogue included', async () => {
    const since = fake.calls.length;
    const to = (user: string) => fake.of('chat.postMessage', since).filter((c) => c.args.channel === `D-${user}`);
    await dm('Welche Fördermittel gibt es für unseren Messestand im Ausland?', 'UDE');
    await fake.waitFor(() => to('UDE').length > 0);
    // The body to go to depends on where the company is: asked first, in German, then answered at once.
    expect(String(to('UDE')[0]!.args.text)).toMatch(/In welchem Land hat Ihr Unternehmen seinen Sitz/);
    await dm('Deutschland', 'UDE');
    await fake.waitFor(() => to('UDE').length > 2);
    expect(to('UDE').map((c) => String(c.args.text)).join('\n')).toMatch(/So gehen Sie vor:[\s\S]*Wo \(Deutschland\)/);
    await dm('5 varför', 'USV');
    await fake.waitFor(() => to('USV').length > 0);
    await dm('Vi hittar inga återförsäljare i Tyskland', 'USV');
    await fake.waitFor(() => to('USV').length > 1);
    const why = to('USV')[1]!;
    expect(String(why.args.text)).toMatch(/Varför 1 av 5/);
    // The buttons speak Swedish too.
    expect(JSON.stringify(why.args.blocks)).toMatch(/Tillbaka/);
  });

  it('answers a mention in a channel in its thread', async () => {
    const since = fake.calls.length;
    await sendEvent({ type: 'app_mention', channel: 'C1', user: 'U2', text: '<@UBOT> do we need CE marking to sell our machines abroad?', ts: '1700000000.000100', team: 'T1' });
    await fake.waitFor(() => fake.of('chat.postMessage', since).some((c) => c.args.channel === 'C1'));
    const post = fake.of('chat.postMessage', since).find((c) => c.args.channel === 'C1')!;
    expect(post.args).toMatchObject({ channel: 'C1', thread_ts: '1700000000.000100' });
    expect(String(post.args.text)).toMatch(/What to do:/);
  });

  it('runs /advisor subcommands and answers privately', async () => {
    const since = fake.calls.length;
    const { res } = await sendForm({ command: '/advisor', text: 'ask how do we find a distributor in Germany', user_id: 'U3', channel_id: 'C9', team_id: 'T1', trigger_id: 't1', response_url: `${fake.responseUrl}cmd-1` });
    expect(res.status).toBe(200);
    // Private replies go through the command's response_url, which works in channels the app has not joined.
    await fake.waitFor(() => fake.of('response_url', since).length > 0);
    expect(fake.of('response_url', since)[0]!.args).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/distributors[\s\S]*What to do:/) });
    // A button in that private reply answers privately too, through the interaction's response_url.
    const more = findButton(fake.of('response_url', since)[0]!, 'answers.more');
    const clicked = fake.calls.length;
    await sendForm({ payload: blockActions('U3', 'C9', more, { ephemeral: true, responseUrl: `${fake.responseUrl}act-1` }) });
    // The answer's own follow-up (the country question) may still arrive after the click: look for the next page.
    const nextPage = () => fake.of('response_url', clicked).find((c) => /\(more\)/.test(String(c.args.text)));
    await fake.waitFor(() => nextPage() !== undefined);
    expect(nextPage()!.args).toMatchObject({ response_type: 'ephemeral' });
    expect(fake.of('chat.postMessage', clicked).filter((c) => c.args.channel === 'C9')).toEqual([]);
    const opened = fake.calls.length;
    await sendForm({ command: '/advisor', text: 'profile', user_id: 'U3', channel_id: 'C9', team_id: 'T1', trigger_id: 't2', response_url: `${fake.responseUrl}cmd-2` });
    await fake.waitFor(() => fake.of('views.open', opened).length > 0);
    // `/advisor profile` goes through the core's command parser; its form opens as a modal while the trigger is fresh.
    expect(fake.of('views.open', opened)[0]!.args).toMatchObject({ trigger_id: 't2', view: { type: 'modal', callback_id: 'form:profile.save' } });
    await fake.waitFor(() => fake.of('response_url', opened).length > 0);
    expect(fake.of('response_url', opened)[0]!.args).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/Your profile/) });
  });

  it('continues the 5-Whys dialogue with a button click, and saves the profile from the modal', async () => {
    const since = fake.calls.length;
    await dm('5 whys', 'U4');
    await dm('We cannot find distributors in Germany', 'U4');
    await dm('Because nobody knows our brand there', 'U4');
    const toU4 = (from: number) => fake.of('chat.postMessage', from).filter((c) => c.args.channel === 'D-U4');
    await fake.waitFor(() => toU4(since).length >= 3);
    const root = findButton(toU4(since)[2]!, 'whys.root');
    const clicked = fake.calls.length;
    const { res } = await sendForm({ payload: blockActions('U4', 'D-U4', root) });
    expect(res.status).toBe(200);
    await fake.waitFor(() => toU4(clicked).length > 0);
    expect(String(toU4(clicked)[0]!.args.text)).toMatch(/Root cause:\s*Because nobody knows our brand there/);

    const submission = {
      type: 'view_submission',
      user: { id: 'U4', team_id: 'T1' },
      team: { id: 'T1' },
      api_app_id: 'A1',
      token: 'legacy',
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: 'form:profile.save',
        private_metadata: JSON.stringify({ channel: 'D-U4' }),
        state: { values: { country: { field: { type: 'static_select', selected_option: { value: 'SE' } } }, sector: { field: { type: 'static_select', selected_option: { value: 'automotive' } } } } },
      },
    };
    const saved = fake.calls.length;
    const r = await sendForm({ payload: JSON.stringify(submission) });
    expect(r.res.status).toBe(200);
    const savedToU4 = () => fake.of('chat.postMessage', saved).filter((c) => c.args.channel === 'U4');
    await fake.waitFor(() => savedToU4().length >= 2);
    expect(allText(savedToU4())).toMatch(/Sweden[\s\S]*Automotive/);
  });

  it('publishes the App Home with the profile and saved analyses', async () => {
    const since = fake.calls.length;
    await sendEvent({ type: 'app_home_opened', user: 'U4', channel: 'D-U4', tab: 'home', event_ts: '1.1' });
    await fake.waitFor(() => fake.of('views.publish', since).length > 0);
    const call = fake.of('views.publish', since)[0]!;
    expect(call.args).toMatchObject({ user_id: 'U4', view: { type: 'home' } });
    expect(JSON.stringify(call.args.view)).toMatch(/Country: Sweden/);
    expect(JSON.stringify(call.args.view)).toMatch(/saved analyses/);
  });

  it('renders a form inline in a DM and reads its state back when the submit button is clicked', async () => {
    const since = fake.calls.length;
    await dm('my profile', 'U10');
    const toU10 = (from: number) => fake.of('chat.postMessage', from).filter((c) => c.args.channel === 'D-U10');
    await fake.waitFor(() => toU10(since).length > 0);
    const card = toU10(since)[0]!;
    const blocks = card.args.blocks as { type: string; block_id?: string }[];
    expect(blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual(['country', 'sector', 'language']);
    const submit = findButton(card, 'profile.save');
    const body = JSON.parse(blockActions('U10', 'D-U10', submit)) as Record<string, unknown>;
    body.state = {
      values: {
        country: { field: { type: 'static_select', selected_option: { value: 'DE' } } },
        sector: { field: { type: 'static_select', selected_option: null } },
        // The reply language left as it was (automatic): nothing said about it.
        language: { field: { type: 'static_select', selected_option: { value: 'auto' } } },
      },
    };
    const clicked = fake.calls.length;
    const { res } = await sendForm({ payload: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await fake.waitFor(() => toU10(clicked).length > 0);
    expect(String(toU10(clicked)[0]!.args.text)).toMatch(/Saved: your company is in Germany/);
  });

  it('parses /advisor text like typed text, with the usage when arguments do not fit', async () => {
    const since = fake.calls.length;
    await sendForm({ command: '/advisor', text: '5 whys our sales in Norway stall', user_id: 'U11', channel_id: 'C11', team_id: 'T1', trigger_id: 't3', response_url: `${fake.responseUrl}cmd-3` });
    await fake.waitFor(() => fake.of('response_url', since).length > 0);
    expect(fake.of('response_url', since)[0]!.args).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/Why 1 of 5[\s\S]*our sales in Norway stall/) });
    // In an open dialogue a line that fails as a command is an answer ("export costs are high"); outside one it is an error.
    const bad = fake.calls.length;
    await sendForm({ command: '/advisor', text: 'export seven', user_id: 'U12', channel_id: 'C11', team_id: 'T1', trigger_id: 't4', response_url: `${fake.responseUrl}cmd-4` });
    await fake.waitFor(() => fake.of('response_url', bad).length > 0);
    expect(fake.of('response_url', bad)[0]!.args).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/could not read that command[\s\S]*Usage/) });
  });

  it('rejects a forged or stale signature with 401 and posts nothing', async () => {
    const since = fake.calls.length;
    const body = JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D-X', user: 'UX', text: 'hello', ts: '1.1' }));
    const forged = await post(body, 'application/json', slackSignature('wrong-secret', body));
    expect(forged.res.status).toBe(401);
    const stale = await post(body, 'application/json', slackSignature(SECRET, body, Math.floor(Date.now() / 1000) - 600));
    expect(stale.res.status).toBe(401);
    const unsigned = await post(body, 'application/json', {});
    expect(unsigned.res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.calls.slice(since).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('rejects a signature from the future, and answers a replayed slash command or click once', async () => {
    const body = JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D-X', user: 'UX', text: 'hello', ts: '1.1' }));
    const future = await post(body, 'application/json', slackSignature(SECRET, body, Math.floor(Date.now() / 1000) + 600));
    expect(future.res.status).toBe(401);
    const since = fake.calls.length;
    const command = new URLSearchParams({ command: '/advisor', text: 'help', user_id: 'U14', channel_id: 'C14', team_id: 'T1', trigger_id: 'replay-1', response_url: `${fake.responseUrl}cmd-r` }).toString();
    const headers = slackSignature(SECRET, command);
    // The same signed request twice, as an attacker who recorded it would send it within the five minutes.
    expect((await post(command, 'application/x-www-form-urlencoded', headers)).res.status).toBe(200);
    expect((await post(command, 'application/x-www-form-urlencoded', headers)).res.status).toBe(200);
    await fake.waitFor(() => fake.of('response_url', since).length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.of('response_url', since)).toHaveLength(1);
  });

  it('answers bad bodies with an error status and stays up', async () => {
    const malformed = await post('{"type": "event_callback", ', 'application/json');
    expect(malformed.res.status).toBeGreaterThanOrEqual(400);
    const huge = 'x'.repeat(1_100_000);
    const big = await post(huge, 'application/json');
    expect(big.res.status).toBeGreaterThanOrEqual(400);
    const binary = Buffer.from([0, 159, 146, 150, 255]).toString('latin1');
    const bin = await post(binary, 'application/octet-stream');
    expect(bin.res.status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const { res } = await dm('help', 'U-after-bad');
    expect(res.status).toBe(200);
  });

  it('answers a retried event once', async () => {
    const since = fake.calls.length;
    await dm('help', 'U5', {});
    const event = { type: 'message', channel_type: 'im', channel: 'D-U6', user: 'U6', text: 'help', ts: '5.5', team: 'T1' };
    await sendEvent(event, 'EvRetry1');
    await sendEvent(event, 'EvRetry1', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await sendEvent(event, 'EvRetry1', { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' });
    await fake.waitFor(() => fake.of('chat.postMessage', since).some((c) => c.args.channel === 'D-U6'));
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.of('chat.postMessage', since).filter((c) => c.args.channel === 'D-U6')).toHaveLength(1);
  });

  it('never posts <!channel> or other mention syntax from user text unescaped', async () => {
    const since = fake.calls.length;
    await dm('5 whys', 'U7');
    await dm('<!channel> <!here> <@U999> *bold* &lt;!everyone&gt; our sales stall', 'U7');
    const toU7 = () => fake.of('chat.postMessage', since).filter((c) => c.args.channel === 'D-U7');
    await fake.waitFor(() => toU7().length >= 2);
    const posted = allText(toU7());
    expect(posted).toMatch(/our sales stall/);
    for (const bad of ['<!channel>', '<!here>', '<@U999>', '<!everyone>', '@here', '@channel']) expect(posted).not.toContain(bad);
  });

  it('ignores messages from bots, including itself', async () => {
    const since = fake.calls.length;
    await dm('help', 'UBOT', { bot_id: 'BBOT' });
    await dm('help', 'U8', { subtype: 'bot_message', bot_id: 'BOTHER' });
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.of('chat.postMessage', since).filter((c) => c.args.channel === 'D-UBOT' || c.args.channel === 'D-U8')).toEqual([]);
  });

  it('waits out a 429 from the Web API and delivers the message', async () => {
    const since = fake.calls.length;
    fake.rateLimit.set('chat.postMessage', 1);
    await dm('help', 'U9');
    const toU9 = () => fake.of('chat.postMessage', since).filter((c) => c.args.channel === 'D-U9');
    await fake.waitFor(() => toU9().length >= 2, 15_000);
    const [first, second] = toU9();
    expect(first!.args.channel).toBe('D-U9');
    expect(second!.args.channel).toBe('D-U9');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  }, 30_000);
});
