/**
 * The fake Bot Connector of bench:teams in a process of its own, so that serving the bots' replies does not slow down
 * the load generator that times their acknowledgements. Speaks to the parent over IPC.
 */
import { FakeConnector } from '../test/helpers/fake-connector.js';

type Ask = { cmd: 'count' } | { cmd: 'stop' };

const fake = new FakeConnector();
await fake.start();
process.send!({ url: fake.url });
process.on('message', (ask: Ask) => {
  if (ask.cmd === 'count') {
    process.send!({ count: fake.calls.length });
    // Only the count is needed: drop the bodies so that a long run does not grow the heap.
    fake.calls.length = 0;
  } else void fake.stop().then(() => process.exit(0));
});
