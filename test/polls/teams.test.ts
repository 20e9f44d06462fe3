/**
 * Polls in Teams: the real botbuilder adapter in the real server, activities POSTed as the Bot Connector sends them,
 * the poll card posted, updated (PUT) and answered through the fake connector; every card checked against the
 * Adaptive Cards 1.5 schema.
 */
import { describe, expect, it } from 'vitest';
import { cardProblems } from '../helpers/cards.js';
import { cardActions, cardOf, cardText, teamsActivity, type ConnectorCall } from '../helpers/fake-connector.js';
import { teamsRig } from '../helpers/teams-rig.js';

const CHANNEL = '19:cluster@thread.tacv2';
const mention = { type: 'mention', text: '<at>Advisor</at>', mentioned: { id: '28:bot', name: 'Advisor' } };
type Card = { body: Record<string, unknown>[] };

describe('polls in Teams', () => {
  const { connector, post, cards } = teamsRig({ ADVISOR_MANAGERS: '29:mgr' });
  const say = (user: string, text: string) => post(teamsActivity(connector, { user, conversationType: 'channel', conversationId: CHANNEL, text: `<at>Advisor</at> ${text}`, entities: [mention] }));
  const press = (user: string, cardId: string, action: { verb: string; data: Record<string, unknown> }, id?: string) =>
    post(
      teamsActivity(connector, {
        user,
        conversationType: 'channel',
        conversationId: CHANNEL,
        type: 'invoke',
        name: 'adaptiveCard/action',
        text: undefined,
        replyToId: cardId,
        ...(id ? { id } : {}),
        value: { action: { type: 'Action.Execute', verb: action.verb, data: action.data } },
      }),
    );
  const pollCards = () => connector.sent(CHANNEL).filter((c) => Array.isArray(c.body.attachments) && cardActions(cardOf(c)).some((a) => a.verb === 'polls.vote'));
  const optionOf = (call: ConnectorCall, title: RegExp) => cardActions(cardOf(call)).find((a) => a.verb === 'polls.vote' && title.test(a.title))!;
  /** What the invoke showed the one who clicked: its card, or its notice. */
  const shown = (r: { body?: Record<string, unknown> }) => (r.body?.type === 'application/vnd.microsoft.card.adaptive' ? cardText(r.body.value as Card) : String(r.body?.value));
  const updatesOf = (id: string) => connector.updates().filter((u) => u.activityId === id);

  it('runs a dot vote: the card posted and updated in place, private replies to the one who clicked, closed with a chart', async () => {
    const started = Date.now();
    expect((await say('mgr', 'poll dots "Which barriers should the cluster tackle first?" "Finance" "Skills" "Contacts" --dots 2 --closes 2027-01-15T17:00')).status).toBe(200);
    await connector.waitFor(() => pollCards().length > 0);
    const card = pollCards()[0]!;
    const id = card.id!;
    expect(cardText(cardOf(card))).toMatch(/Which barriers should the cluster tackle first\?[\s\S]*Dot vote: 2 dots each[\s\S]*Closes \{\{DATE\(2027-01-15T16:00:00Z, SHORT\)\}\} \{\{TIME\(2027-01-15T16:00:00Z\)\}\}\./);
    expect(cardActions(cardOf(card)).filter((a) => a.verb === 'polls.vote').map((a) => a.title)).toEqual(['Finance', 'Skills', 'Contacts']);

    // No 1:1 chat with the advisor yet: the reply is the invoke's card, which only the one who clicked sees.
    const sentBefore = connector.sent(CHANNEL).length;
    const first = await press('ann', id, optionOf(card, /Finance/), 'invoke-ann-1');
    expect(first.body?.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(first.body!.value as Card)).toMatch(/You placed a dot on \*\*Finance\*\*[\s\S]*1 of 2 dots left/);
    // A retried invoke (the same activity id) is counted once; the private answer was not kept, so it says so.
    const retried = await press('ann', id, optionOf(card, /Finance/), 'invoke-ann-1');
    expect(cardText(retried.body!.value as Card)).toMatch(/That was counted already; nothing changed\.[\s\S]*1 of 2 dots left/);
    // Nobody else sees the private answer: the shared poll card is never replaced by it.
    expect(connector.updates().some((u) => /You placed a dot/.test(JSON.stringify(u.body)))).toBe(false);
    expect(cardText((await press('ann', id, optionOf(card, /Finance/))).body!.value as Card)).toMatch(/0 of 2 dots left[\s\S]*Finance ●●/);
    expect(shown(await press('ann', id, optionOf(card, /Skills/)))).toMatch(/You have placed all 2 dots/);
    expect(connector.sent(CHANNEL).slice(sentBefore).some((c) => /dot/.test(JSON.stringify(c.body)))).toBe(false);

    // With a 1:1 chat, the private reply goes there.
    await post(teamsActivity(connector, { user: 'bo', text: 'hello' }));
    await connector.waitFor(() => connector.sent('a:conv-bo').length > 0);
    await press('bo', id, optionOf(card, /Contacts/));
    await connector.waitFor(() => connector.sent('a:conv-bo').some((c) => /You placed a dot on \*\*Contacts\*\*/.test(cardText(cardOf(c)))));
    // Typed, where there are no buttons: the private reply goes to a 1:1 chat created for cy, not into the channel.
    await say('cy', 'dots 2 3');
    await connector.waitFor(() => connector.sent('a:conv-cy').some((c) => Array.isArray(c.body.attachments) && /Your vote is saved/.test(cardText(cardOf(c)))));
    expect(connector.sent(CHANNEL).some((c) => /Your vote is saved/.test(JSON.stringify(c.body)))).toBe(false);

    // The card is updated in place, coalesced to about one update a second.
    await connector.waitFor(() => updatesOf(id).some((u) => /3 members have voted/.test(cardText(cardOf(u)))), 10_000);
    expect(cardText(cardOf(updatesOf(id).at(-1)!))).toMatch(/1\. Finance: 2 dots \(40 %\)[\s\S]*2\. Skills: 1 dot \(20 %\)[\s\S]*3\. Contacts: 2 dots \(40 %\)/);
    expect(updatesOf(id).length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);

    // Closing is for the creator, a manager or an owner; then every option with its dots, the lists, and the chart.
    const close = cardActions(cardOf(card)).find((a) => a.verb === 'polls.close')!;
    expect(shown(await press('ann', id, close))).toMatch(/Only the poll’s creator, a manager or an owner/);
    await press('mgr', id, close);
    await connector.waitFor(() => connector.sent(CHANNEL).some((c) => Array.isArray(c.body.attachments) && /Closed: Which barriers/.test(cardText(cardOf(c)))), 20_000);
    const closed = connector.sent(CHANNEL).find((c) => Array.isArray(c.body.attachments) && /Closed: Which barriers/.test(cardText(cardOf(c))))!;
    expect(cardText(cardOf(closed))).toMatch(/\*\*Most important\*\* \(5 or more dots\): none/);
    expect(JSON.stringify(cardOf(closed))).toMatch(/https:\/\/advisor\.example\.org\/files\/[A-Za-z0-9_-]{43}/);
    await connector.waitFor(() => updatesOf(id).some((u) => /Closed: Which barriers/.test(cardText(cardOf(u)))));
    expect(shown(await press('dan', id, optionOf(card, /Skills/)))).toMatch(/This poll is closed/);
  });

  it('creates an anonymous single-choice poll from the card form, and a multiple-choice one by typing', async () => {
    const conv = '19:forms@thread.tacv2';
    await post(teamsActivity(connector, { user: 'mgr', conversationType: 'channel', conversationId: conv, text: '<at>Advisor</at> poll', entities: [mention] }));
    await connector.waitFor(() => connector.calls.some((c) => Array.isArray(c.body.attachments) && cardActions(cardOf(c)).some((a) => a.verb === 'polls.create')));
    const formCall = connector.calls.find((c) => Array.isArray(c.body.attachments) && cardActions(cardOf(c)).some((a) => a.verb === 'polls.create'))!;
    const form = cardOf(formCall);
    expect(cardProblems(form)).toEqual([]);
    const submit = cardActions(form).find((a) => a.verb === 'polls.create')!;
    // Teams merges the inputs' values into the action's data.
    const inputs = { question: 'Which fair?', options: 'Hannover Messe\nMWC', kind: 'single', anonymous: 'yes', results: 'live', remind: 'none', least: 'no' };
    await post(teamsActivity(connector, { user: 'mgr', conversationType: 'channel', conversationId: conv, type: 'invoke', name: 'adaptiveCard/action', text: undefined, replyToId: formCall.id, value: { action: { type: 'Action.Execute', verb: submit.verb, data: { ...submit.data, ...inputs } } } }));
    const cardsIn = () => connector.sent(conv).filter((c) => Array.isArray(c.body.attachments) && cardActions(cardOf(c)).some((a) => a.verb === 'polls.vote'));
    await connector.waitFor(() => cardsIn().length > 0);
    const single = cardsIn()[0]!;
    expect(cardText(cardOf(single))).toMatch(/Which fair\?[\s\S]*Single choice[\s\S]*Anonymous: nobody can see who voted what/);
    const pressIn = (user: string, call: ConnectorCall, title: RegExp) =>
      post(teamsActivity(connector, { user, conversationType: 'channel', conversationId: conv, type: 'invoke', name: 'adaptiveCard/action', text: undefined, replyToId: call.id, value: { action: { type: 'Action.Execute', ...optionOf(call, title) } } }));
    expect(shown(await pressIn('eve', single, /MWC/))).toMatch(/Your vote: \*\*MWC\*\*/);
    expect(shown(await pressIn('eve', single, /Hannover/))).toMatch(/Your vote moved to \*\*Hannover Messe\*\*/);
    await connector.waitFor(() => updatesOf(single.id!).some((u) => /Hannover Messe: 1 vote \(100 %\)/.test(cardText(cardOf(u)))), 10_000);

    await post(teamsActivity(connector, { user: 'mgr', conversationType: 'channel', conversationId: conv, text: '<at>Advisor</at> poll "Which trainings?" "Pricing" "Customs" "Incoterms" --multi', entities: [mention] }));
    await connector.waitFor(() => cardsIn().length > 1);
    const multi = cardsIn()[1]!;
    expect(shown(await pressIn('eve', multi, /Pricing/))).toMatch(/Added \*\*Pricing\*\*/);
    expect(shown(await pressIn('eve', multi, /Customs/))).toMatch(/Your choices: Pricing, Customs/);
    expect(shown(await pressIn('eve', multi, /Pricing/))).toMatch(/Removed \*\*Pricing\*\*[\s\S]*Your choices: Customs/);
  });

  it('produces only cards that are valid Adaptive Cards 1.5', () => {
    expect(cards().length).toBeGreaterThan(10);
    for (const c of cards()) expect(cardProblems(c)).toEqual([]);
  });
});
