/**
 * A poll in the web chat, over its HTTP API with the server-issued identity: the manager's id is the one `my profile`
 * shows; the poll message arrives through the outbox and is updated there; the export is a download in the reply.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { WebVisitor } from '../helpers/web-visitor.js';

type Entry = { kind: string; id: string; message?: { text: string; buttons?: { label: string; action: { id: string; value: string } }[] } };
type Reply = { text: string; audience?: string; attachments?: { name: string; mimeType: string; content?: string }[] };

describe('polls in the web chat', () => {
  const { dir, cleanup } = tempDir();
  const servers: StartedServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    cleanup();
  });

  it('lets the visitor whose id is a manager create, vote, watch the update and export', async () => {
    let server = await startServer({ DATA_DIR: dir });
    servers.push(server);
    const visitor = new WebVisitor(server.url);
    const profile = (await (await visitor.post({ text: 'my profile' })).json()) as { replies: Reply[] };
    const id = /Your id \(for roles such as poll manager\): (web-[0-9a-f-]+)/.exec(profile.replies[0]!.text)![1]!;
    expect(id).toBe(visitor.user);
    const refused = (await (await visitor.post({ text: 'poll "Which fair?" "Hannover Messe" "MWC"' })).json()) as { replies: Reply[] };
    expect(refused.replies[0]!.text).toMatch(/Only cluster managers can create polls/);
    await server.stop();

    server = await startServer({ DATA_DIR: dir, ADVISOR_MANAGERS: id });
    servers.push(server);
    visitor.base = server.url;
    const created = (await (await visitor.post({ text: 'poll "Which fair?" "Hannover Messe" "MWC"' })).json()) as { replies: Reply[] };
    expect(created.replies[0]!.text).toMatch(/Your poll \*\*[a-z2-9]{6}\*\* is posted/);
    const outbox = async () => ((await (await visitor.request('/api/outbox')).json()) as { entries: Entry[] }).entries;
    const card = (await outbox()).find((e) => e.kind === 'reply' && e.message?.buttons?.some((b) => b.action.id === 'polls.vote'))!;
    expect(card.message!.text).toMatch(/Which fair\?[\s\S]*Single choice/);
    const mwc = card.message!.buttons!.find((b) => b.label === 'MWC')!;
    const voted = (await (await visitor.post({ action: mwc.action, source: card.id })).json()) as { replies: Reply[] };
    expect(voted.replies[0]).toMatchObject({ audience: 'private', text: expect.stringMatching(/Your vote: \*\*MWC\*\*/) });
    const update = (await outbox()).filter((e) => e.kind === 'update' && e.id === card.id).at(-1)!;
    expect(update.message!.text).toMatch(/1 member has voted\.\n1\. Hannover Messe: 0 votes \(0 %\)\n2\. MWC: 1 vote \(100 %\)/);
    const exported = (await (await visitor.post({ text: 'poll export' })).json()) as { replies: Reply[] };
    const files = exported.replies.flatMap((r) => r.attachments ?? []);
    expect(files.map((f) => f.mimeType)).toEqual(['text/csv', 'text/csv', 'image/png']);
    expect(files[1]!.content).toMatch(new RegExp(`^voter,Hannover Messe,MWC,voted at\\r\\n${id},0,1,`));
  }, 60_000);
});
