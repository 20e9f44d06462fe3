/**
 * The fake Slack Web API of bench:slack in a process of its own, so that serving the apps' Web API calls does not
 * slow down the load generator that times their acknowledgements (real Slack is another machine; an app that answers
 * faster would otherwise be charged for it in its ack latency). Speaks to the parent over IPC.
 */
import { FakeSlackApi } from '../test/helpers/fake-slack.js';

type Ask = { cmd: 'count' } | { cmd: 'summary' } | { cmd: 'poll' } | { cmd: 'stop' } | { cmd: 'survey'; channel: string; members: number; chance: number } | { cmd: 'invitations'; since: number };

const fake = new FakeSlackApi();
await fake.start();
process.send!({ url: fake.url });
process.on('message', (ask: Ask) => {
  if (ask.cmd === 'count') process.send!({ count: fake.calls.length });
  else if (ask.cmd === 'survey') {
    // bench:surveys: a channel of `members` members, and 429s at random on the DM calls.
    fake.members.set(ask.channel, ['UFAC', ...Array.from({ length: ask.members }, (_, i) => `UM${i}`)]);
    for (const method of ['chat.postMessage', 'conversations.open']) fake.rateLimitChance.set(method, ask.chance);
    process.send!({ ok: true });
  } else if (ask.cmd === 'invitations') {
    // Invitations that went out (answered 200), to how many DMs, how many twice; 429s, and calls that arrived within
    // a Retry-After window of a 429 of the same method.
    const posts = fake.of('chat.postMessage', ask.since).filter((c) => !c.limited && /invites you to a short survey/.test(String(c.args.text)));
    const perChannel = new Map<string, number>();
    for (const c of posts) perChannel.set(String(c.args.channel), (perChannel.get(String(c.args.channel)) ?? 0) + 1);
    const calls = fake.calls.slice(ask.since);
    const limited = fake.limited.filter((l) => calls.length && l.at >= calls[0]!.at);
    const inWindow = calls.filter((c) => limited.some((l) => l.method === c.method && c.at > l.at && c.at < l.at + 1000)).length;
    const times = posts.map((c) => c.at);
    process.send!({ sent: posts.length, distinct: perChannel.size, doubled: [...perChannel.values()].filter((n) => n > 1).length, limited: limited.length, inWindow, first: Math.min(...times), last: Math.max(...times) });
  } else if (ask.cmd === 'summary') {
    const posts = fake.of('chat.postMessage');
    const echoes = posts.filter((c) => String(c.args.text).startsWith('echo:')).length;
    const distinct = new Set(posts.filter((c) => !String(c.args.text).startsWith('echo:')).map((c) => c.args.channel)).size;
    process.send!({ posts: posts.length, echoes, distinct });
  } else if (ask.cmd === 'poll') {
    // bench:polls: the latest poll message (where to click, and its buttons) and the text of its latest update.
    type Block = { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string }[] };
    const blocks = (args: Record<string, unknown>) => (args.blocks as Block[] | undefined) ?? [];
    const card = fake.of('chat.postMessage').filter((c) => blocks(c.args).some((b) => b.elements?.some((e) => e.action_id?.startsWith('polls.vote#')))).at(-1);
    const buttons = card ? blocks(card.args).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : [])) : [];
    const update = card ? fake.of('chat.update').filter((c) => c.args.ts === card.result?.ts).at(-1) : undefined;
    process.send!({ channel: card?.args.channel, ts: card?.result?.ts, buttons, updated: update ? blocks(update.args).map((b) => b.text?.text ?? '').join('\n') : '', updates: fake.of('chat.update').length });
  } else void fake.stop().then(() => process.exit(0));
});
