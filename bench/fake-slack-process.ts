/**
 * The fake Slack Web API of bench:slack in a process of its own, so that serving the apps' Web API calls does not
 * slow down the load generator that times their acknowledgements (real Slack is another machine; an app that answers
 * faster would otherwise be charged for it in its ack latency). Speaks to the parent over IPC.
 */
import { FakeSlackApi } from '../test/helpers/fake-slack.js';

type Ask = { cmd: 'count' } | { cmd: 'summary' } | { cmd: 'stop' };

const fake = new FakeSlackApi();
await fake.start();
process.send!({ url: fake.url });
process.on('message', (ask: Ask) => {
  if (ask.cmd === 'count') process.send!({ count: fake.calls.length });
  else if (ask.cmd === 'summary') {
    const posts = fake.of('chat.postMessage');
    const echoes = posts.filter((c) => String(c.args.text).startsWith('echo:')).length;
    const distinct = new Set(posts.filter((c) => !String(c.args.text).startsWith('echo:')).map((c) => c.args.channel)).size;
    process.send!({ posts: posts.length, echoes, distinct });
  } else void fake.stop().then(() => process.exit(0));
});
