/** Polls in conversations, through the real pipeline, feature list and scheduler (TestAdvisor: memory store, fake clock). */
import { afterEach, describe, expect, it } from 'vitest';
import { votes } from '../../src/advisor/polls/model.js';
import { listAll } from '../../src/store/store.js';
import { TestAdvisor } from '../helpers/advisor.js';

let t: TestAdvisor;
afterEach(() => t?.close());

const start = (env: Record<string, string> = {}) => TestAdvisor.start({ ADVISOR_MANAGERS: 'mgr', ADVISOR_OWNERS: 'boss', ...env });
/** The latest poll message posted to a conversation, with its buttons. */
const card = (conversation = 'C1') => [...t.messenger.posts].reverse().find((p) => p.to.conversation === conversation && p.message.buttons?.some((b) => b.action.id === 'polls.vote'))!;
const optionButton = (label: RegExp, conversation = 'C1') => {
  const c = card(conversation);
  const b = c.message.buttons!.find((x) => x.action.id === 'polls.vote' && label.test(x.label))!;
  return { ...b.action, source: c.ref.id };
};
const lastUpdate = () => t.messenger.updates.at(-1)!.message;
const storedVotes = async () => {
  const out = [];
  for await (const r of listAll(t.app.store, votes.name, '')) out.push(r);
  return out;
};

describe('polls', () => {
  it('creates a poll by typed command, by the form and from a key area, and refuses members who are no managers', async () => {
    t = await start();
    const refused = await t.as('ann', 'C1').send('poll "Which fair?" "Hannover Messe" "MWC"');
    refused.expectReply(/Only cluster managers can create polls\. An owner \(boss\) can make you one with \*\*role add\*\*/);
    expect(t.messenger.posts).toHaveLength(0);

    (await t.as('mgr', 'C1').send('poll "Which fair should we attend together?" "Hannover Messe" "MWC" "IFA" --closes 2026-12-04T17:00')).expectPrivate(/Your poll \*\*[a-z2-9]{6}\*\* is posted/);
    const posted = card().message;
    expect(posted.text).toMatch(/Which fair should we attend together\?[\s\S]*Single choice[\s\S]*Not anonymous[\s\S]*Closes ⟦\d+\|Fri 4 Dec 2026, 17:00 \(Europe\/Brussels\)⟧/);
    expect(posted.buttons!.filter((b) => b.action.id === 'polls.vote').map((b) => b.label)).toEqual(['Hannover Messe', 'MWC', 'IFA']);

    // "create a poll" in natural language, and the bare command, open the form; submitting it creates the poll.
    const form = await t.as('mgr', 'C2').send('I want to create a poll for our members');
    expect(form.replies[0]!.input).toMatchObject({ kind: 'form', action: 'polls.create' });
    expect((await t.as('mgr', 'C2').send('poll')).replies[0]!.input).toMatchObject({ kind: 'form' });
    await t.as('mgr', 'C2').press({ id: 'polls.create', value: '', fields: { question: 'Which training first?', options: 'Export pricing\n- Incoterms\n3. Customs basics', kind: 'multi', anonymous: 'yes', results: 'hidden', closes: '', remind: 'none', dots: '3', least: 'no', threshold: '5' } });
    expect(card('C2').message.text).toMatch(/Which training first\?[\s\S]*Multiple choice[\s\S]*Anonymous[\s\S]*hidden until the poll closes/);
    expect(card('C2').message.buttons!.filter((b) => b.action.id === 'polls.vote').map((b) => b.label)).toEqual(['Export pricing', 'Incoterms', 'Customs basics']);
    (await t.as('ann', 'C2').press({ id: 'polls.create', value: '', fields: { question: 'Q', options: 'a\nb' } })).expectReply(/Only cluster managers/);

    // A template: the focus group's barriers of a key area, in the creator's language.
    await t.as('mgr', 'C3').send('poll template dots knowledge readiness --least');
    const tpl = card('C3').message;
    expect(tpl.text).toMatch(/Which barriers of “Knowledge readiness for internationalization” matter most/);
    expect(tpl.buttons!.filter((b) => b.action.id === 'polls.vote').map((b) => b.label)).toEqual([
      'Lack of knowledge on legislation, taxes, customs, import, duties', 'Lack of consultants', 'Lack of information about strategies of competitors',
      'Lack of success stories to be taken as an example', 'Lack of training opportunities', 'Not enough events are organized regarding internationalization', 'Lack of employees experienced in marketing',
    ]);
    (await t.as('mgr', 'C3').send('poll template dots basketry')).expectReply(/Which key area\? Type one of these:.*core-team-basics/);
    await t.as('mgr', 'C4').send('umfrage vorlage punkte Netzwerkarbeit');
    expect(card('C4').message.text).toMatch(/Welche Hemmnisse im Bereich „Netzwerkarbeit zur Unterstützung der Internationalisierung“/);

    // An owner may create too, and a role granted in chat counts.
    await t.as('boss', 'C5').send('role add ann manager');
    (await t.as('ann', 'C5').send('poll "Lunch?" "Yes" "No"')).expectPrivate(/is posted/);
  });

  it('runs a single-choice poll: buttons and typed votes, a private view, the message updated about once a second', async () => {
    t = await start();
    await t.as('mgr', 'C1').send('poll "Which fair?" "Hannover Messe" "MWC" "IFA"');
    const vote1 = await t.as('u1', 'C1').press(optionButton(/Hannover/));
    vote1.expectPrivate(/Your vote: \*\*Hannover Messe\*\*/);
    // The first vote updates the message at once.
    expect(lastUpdate().text).toMatch(/1 member has voted\.\n1\. Hannover Messe: 1 vote \(100 %\)\n2\. MWC: 0 votes \(0 %\)/);
    expect(lastUpdate().bars?.[0]).toMatchObject({ label: '1. Hannover Messe', value: 1, of: 1 });
    const updates = t.messenger.updates.length;
    // A burst within the second: no update per vote, one scheduled.
    (await t.as('u1', 'C1').press(optionButton(/Hannover/))).expectPrivate(/already \*\*Hannover Messe\*\*; nothing changed/);
    (await t.as('u1', 'C1').press(optionButton(/MWC/))).expectPrivate(/Your vote moved to \*\*MWC\*\*/);
    (await t.as('u2', 'C1').send('vote 3')).expectPrivate(/Your vote: \*\*IFA\*\*/);
    (await t.as('u3', 'C1').send('vote 2')).expectPrivate(/Your vote: \*\*MWC\*\*/);
    expect(t.messenger.updates.length).toBe(updates);
    t.clock.advance({ seconds: 2 });
    await t.runDue();
    expect(t.messenger.updates.length).toBe(updates + 1);
    expect(lastUpdate().text).toMatch(/3 members have voted\.\n1\. Hannover Messe: 0 votes \(0 %\)\n2\. MWC: 2 votes \(67 %\)\n3\. IFA: 1 vote \(33 %\)/);

    (await t.as('u3', 'C1').send('my vote')).expectPrivate(/Your choices: MWC/);
    (await t.as('u3', 'C1').send('withdraw')).expectPrivate(/Your vote was withdrawn/);
    (await t.as('u3', 'C1').send('withdraw')).expectPrivate(/You have not voted in this poll/);
    (await t.as('u4', 'C1').send('poll results')).expectPrivate(/2 members have voted[\s\S]*MWC: 1 vote \(50 %\)/);
    (await t.as('u4', 'C1').send('vote 4')).expectReply(/Choose an option from 1 to 3/);
    (await t.as('u4', 'C1').send('vote 1 2')).expectReply(/takes one choice/);
    (await t.as('u4', 'C1').send('dots 1 2')).expectReply(/not a dot vote/);

    // Only the creator, a manager or an owner may close; the closed poll refuses votes and changes nothing.
    (await t.as('u1', 'C1').send('poll close')).expectReply(/Only the poll’s creator, a manager or an owner/);
    await t.as('mgr', 'C1').send('poll close');
    const results = t.messenger.posts.at(-1)!;
    expect(results.to.conversation).toBe('C1');
    expect(results.message.text).toMatch(/Closed: Which fair\?[\s\S]*2 members have voted[\s\S]*2\. MWC: 1 vote \(50 %\)[\s\S]*3\. IFA: 1 vote \(50 %\)/);
    expect(results.message.attachments?.[0]).toMatchObject({ name: expect.stringMatching(/^poll-[a-z2-9]{6}-chart\.png$/), mimeType: 'image/png' });
    expect(lastUpdate().text).toMatch(/Closed: Which fair\?/);
    expect(lastUpdate().buttons?.some((b) => b.action.id === 'polls.vote')).toBe(false);
    (await t.as('u5', 'C1').press(optionButton(/MWC/))).expectReply(/This poll is closed; nothing was changed/);
    (await t.as('mgr', 'C1').send('poll close')).expectReply(/closed already/);
    (await t.as('u4', 'C1').send('poll results')).expectPrivate(/MWC: 1 vote/);
  });

  it('runs a dot vote with least-important dots and the focus group threshold, by buttons and typed', async () => {
    t = await start();
    await t.as('mgr', 'C1').send('poll dots "Which barriers should the cluster tackle first?" "Finance" "Skills" "Contacts" --dots 3 --least --threshold 2');
    expect(card().message.text).toMatch(/Dot vote: 3 dots each, several on one option allowed, and 3 more for the least important/);
    for (const expected of [/2 of 3 dots left/, /1 of 3 dots left/, /0 of 3 dots left/]) (await t.as('u1', 'C1').press(optionButton(/Finance/))).expectPrivate(expected);
    const refused = await t.as('u1', 'C1').press(optionButton(/Skills/));
    refused.expectPrivate(/You have placed all 3 dots\. Take one back to move it/);
    const take = refused.button(/Take back from Finance/);
    // A button of someone else's private view acts for whoever presses it: u2 has no dot to take back, u1 keeps hers.
    (await t.as('u2', 'C1').press(take)).expectPrivate(/You have no dot on \*\*Finance\*\* to take back/);
    (await t.as('u1', 'C1').press(take)).expectPrivate(/You took a dot back from \*\*Finance\*\*[\s\S]*1 of 3 dots left[\s\S]*Finance ●●/);
    (await t.as('u1', 'C1').press(optionButton(/Skills/))).expectPrivate(/Your dots: Finance ●●, Skills ●/);
    // The least-important dots come from a private panel.
    const panel = await t.as('u1', 'C1').press(card().message.buttons!.find((b) => b.action.id === 'polls.least')!.action);
    panel.expectPrivate(/Least important: Which barriers/);
    (await t.as('u1', 'C1').press(panel.button(/▼ Contacts/))).expectPrivate(/Least important: 2 of 3 dots left/);
    (await t.as('u2', 'C1').send('dots 1 3 3')).expectPrivate(/Your vote is saved[\s\S]*Finance ●, Contacts ●●/);
    (await t.as('u2', 'C1').send('dots --least 3 3')).expectPrivate(/Least important: 1 of 3 dots left/);
    (await t.as('u3', 'C1').send('dots 1 1 1 1')).expectReply(/You have 3 dots to place; that is more/);
    (await t.as('u3', 'C1').send('vote 1')).expectReply(/dot vote: place your dots/);
    t.clock.advance({ seconds: 5 });
    await t.runDue();
    expect(lastUpdate().text).toMatch(/1\. Finance: 3 dots \(50 %\)\n2\. Skills: 1 dot \(17 %\)\n3\. Contacts: 2 dots \(33 %\)/);
    await t.as('mgr', 'C1').send('poll close');
    const closed = t.messenger.posts.at(-1)!.message.text;
    expect(closed).toMatch(/\*\*Most important\*\* \(2 or more dots\): Finance \(3\), Contacts \(2\)/);
    expect(closed).toMatch(/\*\*Least important\*\* \(2 or more dots\): Contacts \(3\)/);
  });

  it('creates one poll when the turn of one delivery runs twice (after a crash), and another for the next delivery', async () => {
    t = await start();
    const { CollectingOutput } = await import('../../src/core/collect.js');
    const run = (id: string) =>
      t.app.advisor.handle({ channel: 'cli', id, user: 'mgr', conversation: 'C1', text: 'poll "Which fair?" "A" "B"' }, new CollectingOutput({ channel: 'cli', conversation: 'C1' }, t.app.ports.newId));
    await run('delivery-1');
    await run('delivery-1');
    expect(t.messenger.posts).toHaveLength(1);
    await run('delivery-2');
    expect(t.messenger.posts).toHaveLength(2);
    expect(card().message.context).not.toBe(t.messenger.posts[0]!.message.context);
  });

  it('answers bad input clearly and stores nothing wrong', async () => {
    t = await start();
    const mgr = t.as('mgr', 'C1');
    (await mgr.send('poll "Only one?" "A"')).expectReply(/2 to 10 options; you gave 1/);
    (await mgr.send(`poll "Too many?" ${Array.from({ length: 11 }, (_, i) => `"o${i}"`).join(' ')}`)).expectReply(/you gave 11/);
    (await mgr.send('poll "" "A" "B"')).expectReply(/question is empty/);
    (await mgr.send('poll "Q?" "A" "B" --closes 2026-11-01T10:00')).expectReply(/already passed/);
    (await mgr.send('poll "Q?" "A" "B" --closes tomorrowish')).expectReply(/could not read the closing time/);
    (await mgr.send('poll "Q?" "A" "B" --sideways')).expectReply(/there is no option --sideways/);
    expect(t.messenger.posts).toHaveLength(0);
    (await t.as('u1', 'C1').send('vote 1')).expectReply(/no poll in this conversation yet/);
    await mgr.send('poll "Q?" "A" "B"');
    (await t.as('u1', 'C1').send('vote 1 --poll zzzzzz')).expectReply(/no poll “zzzzzz” in this conversation/);
    // A forged value: another conversation's poll, a made-up one, or nonsense.
    const here = optionButton(/^A$/);
    (await t.as('u1', 'C9').press({ ...here, source: undefined })).expectReply(/does not belong to a poll of this conversation/);
    (await t.as('u1', 'C1').press({ ...here, value: 'zzzzzz:0:1:m' })).expectReply(/does not belong/);
    (await t.as('u1', 'C1').press({ ...here, value: '{"poll":"x"}' })).expectReply(/does not belong/);
    (await t.as('u1', 'C1').press({ ...here, value: here.value.replace(/:0:/, ':7:') })).expectReply(/Choose an option from 1 to 2/);
    expect(await storedVotes()).toHaveLength(0);
  });

  it('keeps an anonymous poll anonymous: no voter id stored, none in the export', async () => {
    t = await start();
    await t.as('mgr', 'C1').send('poll "Which training?" "Pricing" "Customs" --multi --anonymous');
    expect(card().message.text).toMatch(/Anonymous: nobody can see who voted what, not even managers/);
    await t.as('member-anna', 'C1').press(optionButton(/Pricing/));
    await t.as('member-anna', 'C1').press(optionButton(/Customs/));
    await t.as('member-bo', 'C1').press(optionButton(/Customs/));
    const stored = JSON.stringify(await storedVotes());
    expect(stored).not.toMatch(/member-anna|member-bo/);
    expect(await storedVotes()).toHaveLength(2);
    await t.as('mgr', 'C1').send('poll export');
    const exported = t.messenger.posts.at(-1)!;
    expect(exported.to.conversation).toBe('dm:mgr');
    const files = exported.message.attachments!;
    expect(files.map((f) => f.name)).toEqual([expect.stringMatching(/results\.csv$/), expect.stringMatching(/chart\.png$/)]);
    const csv = new TextDecoder().decode(files[0]!.data);
    expect(csv).not.toMatch(/member-|voter/);
    expect(csv).toMatch(/Pricing,1,50\r?\n/);
    (await t.as('member-bo', 'C1').send('poll export')).expectReply(/Only the poll’s creator, a manager or an owner/);
  });

  it('exports a named poll with one row per vote, and forgets a member who asks', async () => {
    t = await start();
    await t.as('mgr', 'C1').send('poll "Which fair?" "Hannover Messe" "MWC"');
    await t.as('u1', 'C1').send('vote 2');
    await t.as('u2', 'C1').send('vote 1');
    await t.as('mgr', 'C1').send('poll export');
    const [results, perVote] = t.messenger.posts.at(-1)!.message.attachments!;
    const text = (data: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(data);
    expect(text(perVote!.data)).toMatch(/^\ufeffvoter,Hannover Messe,MWC,voted at\r?\n/);
    expect(text(perVote!.data)).toMatch(/\nu1,0,1,2026-12-01T09:00:00\.000Z\r?\n/);
    expect(text(perVote!.data)).toMatch(/\nu2,1,0,2026-12-01T09:00:00\.000Z\r?\n/);
    expect(text(results!.data)).toMatch(/^\ufeffpoll,question,option,votes,percent\r?\n[a-z2-9]{6},Which fair\?,Hannover Messe,1,50\r?\n/);
    const forget = await t.as('u1', 'C1').send('forget me');
    await t.as('u1', 'C1').press(forget.button(/yes|delete/i));
    (await t.as('mgr', 'C1').send('poll results')).expectPrivate(/1 member has voted[\s\S]*MWC: 0 votes/);
  });

  it('shows hidden results only after closing, and creator results only to the creator', async () => {
    t = await start();
    await t.as('mgr', 'C1').send('poll "Hidden?" "A" "B" --results hidden');
    await t.as('u1', 'C1').send('vote 1');
    expect(lastUpdate().text).toMatch(/1 member has voted/);
    expect(lastUpdate().text).not.toMatch(/A: 1 vote/);
    (await t.as('u1', 'C1').send('poll results')).expectPrivate(/hidden until the poll closes\. 1 member has voted/);
    await t.as('mgr', 'C1').send('poll close');
    (await t.as('u1', 'C1').send('poll results')).expectPrivate(/A: 1 vote \(100 %\)/);

    await t.as('mgr', 'C2').send('poll "Mine?" "A" "B" --results creator');
    await t.as('u1', 'C2').send('vote 2');
    (await t.as('u1', 'C2').send('poll results')).expectPrivate(/Only the poll’s creator sees its results/);
    (await t.as('mgr', 'C2').send('poll results')).expectPrivate(/B: 1 vote \(100 %\)/);
    await t.as('mgr', 'C2').send('poll close');
    const shared = t.messenger.posts.find((p) => p.to.conversation === 'C2' && /Closed: Mine/.test(p.message.text))!;
    expect(shared.message.text).toMatch(/results went to the poll’s creator/);
    expect(shared.message.text).not.toMatch(/B: 1 vote/);
    const toCreator = t.messenger.posts.find((p) => p.to.conversation === 'dm:mgr' && /Closed: Mine/.test(p.message.text))!;
    expect(toCreator.message.text).toMatch(/B: 1 vote \(100 %\)/);
  });

  it('edits the wording until the first vote, extends the deadline, and cancels with its votes', async () => {
    t = await start();
    await t.as('mgr', 'C1').send('poll "Wich fair?" "Hanover" "MWC"');
    const old = optionButton(/Hanover/);
    (await t.as('mgr', 'C1').send('poll edit "Which fair?" "Hannover Messe" "MWC"')).expectPrivate(/wording was changed/);
    expect(lastUpdate().text).toMatch(/Which fair\?/);
    // A button of the old wording no longer counts.
    (await t.as('u1', 'C1').press(old)).expectReply(/edited after that message was shown/);
    await t.as('u1', 'C1').send('vote 1');
    (await t.as('mgr', 'C1').send('poll edit "Again?" "A" "B"')).expectReply(/has votes already/);
    (await t.as('mgr', 'C1').send('poll extend')).expectReply(/Give the new closing time/);
    (await t.as('mgr', 'C1').send('poll extend --closes 2026-11-10T12:00')).expectReply(/already passed/);
    (await t.as('u1', 'C1').send('poll extend --closes 2026-12-10T12:00')).expectReply(/Only the poll’s creator/);
    (await t.as('mgr', 'C1').send('poll extend --closes 2026-12-10T12:00')).expectPrivate(/now closes Thu 10 Dec 2026, 12:00 \(Europe\/Brussels\)/);
    const jobs = await t.app.scheduler.pending();
    expect(jobs.find((j) => j.name === 'polls.close')?.runAt.toISOString()).toBe('2026-12-10T11:00:00.000Z');
    (await t.as('mgr', 'C1').send('poll cancel')).expectPrivate(/“Which fair\?” and its votes were deleted/);
    expect(t.messenger.deletes).toHaveLength(1);
    expect(await storedVotes()).toHaveLength(0);
    expect((await t.app.scheduler.pending()).filter((j) => j.name.startsWith('polls.'))).toHaveLength(0);
    (await t.as('u1', 'C1').send('vote 1')).expectReply(/no poll in this conversation yet/);
  });

  it('reminds the conversation before the closing time and closes once at it, through the scheduler', async () => {
    t = await start();
    await t.as('mgr', 'C1').send('poll "Which fair?" "Hannover Messe" "MWC" --closes 3h --remind 1h');
    await t.as('u1', 'C1').send('vote 1');
    t.clock.advance({ hours: 2, minutes: 1 });
    await t.runDue();
    expect(t.messenger.posts.at(-1)!.message.text).toMatch(/⏰ The poll “Which fair\?” closes ⟦\d+\|Tue 1 Dec 2026, 13:00 \(Europe\/Brussels\)⟧\. 1 member has voted so far/);
    t.clock.advance({ hours: 1 });
    await t.runDue();
    const closedPosts = () => t.messenger.posts.filter((p) => /Closed: Which fair/.test(p.message.text));
    expect(closedPosts()).toHaveLength(1);
    // At-least-once jobs: running the close again changes nothing.
    const { closePoll } = await import('../../src/advisor/polls/manage.js');
    const id = /Poll ([a-z2-9]{6})/.exec(card().message.context!)![1]!;
    await closePoll(t.app.ports, id, 'schedule');
    expect(closedPosts()).toHaveLength(1);
  });

  it('speaks German and Swedish', async () => {
    t = await start();
    (await t.as('mgr', 'C1').send('umfrage "Welche Messe besuchen wir gemeinsam?" "Hannover Messe" "MWC"')).expectPrivate(/Ihre Umfrage \*\*[a-z2-9]{6}\*\* ist veröffentlicht/);
    expect(card().message.text).toMatch(/Eine Antwort[\s\S]*Nicht anonym[\s\S]*Ergebnisse: laufend sichtbar/);
    (await t.as('u1', 'C1').send('abstimmen 2')).expectPrivate(/Ihre Stimme: \*\*MWC\*\*/);
    (await t.as('mgr', 'C2').send('omröstning prickar "Vilka hinder först?" "Finansiering" "Kompetens" --dots 2')).expectPrivate(/Din omröstning/);
    (await t.as('u1', 'C2').send('prickar 1 2')).expectPrivate(/Din röst är sparad[\s\S]*0 av 2 prickar kvar/);
    (await t.as('u2', 'C2').send('prickar 1 1 1')).expectReply(/Du har 2 prickar att sätta/);
    (await t.as('u2', 'C1').send('umfrage schließen')).expectReply(/Das dürfen nur/);
  });
});
