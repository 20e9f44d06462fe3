/**
 * Surveys in Teams: the real botbuilder adapter in the real server, the channel's members read through the fake Bot
 * Connector (TeamsInfo paged members), invitations sent proactively to the members' stored 1:1 conversation
 * references or to 1:1 chats created for those who never wrote to the bot, answered by Action.Execute and typed
 * messages; every card checked against the Adaptive Cards schema.
 */
import { describe, expect, it } from 'vitest';
import { cardProblems } from '../helpers/cards.js';
import { cardActions, cardOf, cardText, teamsActivity, type ConnectorCall } from '../helpers/fake-connector.js';
import { teamsRig } from '../helpers/teams-rig.js';

const CHANNEL = '19:cluster@thread.tacv2';
const mention = { type: 'mention', text: '<at>Advisor</at>', mentioned: { id: '28:bot', name: 'Advisor' } };
type Card = { body: Record<string, unknown>[] };

describe('surveys in Teams', () => {
  const { connector, post, cards } = teamsRig({ ADVISOR_FACILITATORS: '29:fac' });
  connector.members = ['fac', 'ann', 'bo', 'cy', 'dee'].map((u) => ({ id: `29:${u}`, name: `${u[0]!.toUpperCase()}${u.slice(1)} Member` }));
  connector.unreachable.add('29:dee');

  const inChannel = (user: string, text: string) => post(teamsActivity(connector, { user, conversationType: 'channel', conversationId: CHANNEL, text: `<at>Advisor</at> ${text}`, entities: [mention] }));
  const personal = (user: string, text: string) => post(teamsActivity(connector, { user, text }));
  const press = (user: string, replyToId: string, action: { verb: string; data: Record<string, unknown> }) =>
    post(teamsActivity(connector, { user, type: 'invoke', name: 'adaptiveCard/action', text: undefined, replyToId, value: { action: { type: 'Action.Execute', verb: action.verb, data: action.data } } }));
  const sentTo = (user: string) => connector.sent(`a:conv-${user}`);
  const textOf = (c: ConnectorCall) => (Array.isArray(c.body.attachments) ? cardText(cardOf(c) as Card) : String(c.body.text ?? ''));
  const shown = (r: { body?: Record<string, unknown> }) => (r.body?.type === 'application/vnd.microsoft.card.adaptive' ? cardText(r.body.value as Card) : String(r.body?.value));

  it('invites a channel’s members through their 1:1 references and runs the survey with card actions', async () => {
    // ann and bo have a 1:1 chat with the advisor (their conversation references are stored); cy and dee have none:
    // a chat is created for cy, and Teams refuses one for dee (the app is not installed for them).
    await personal('ann', 'help');
    await personal('bo', 'help');
    await inChannel('fac', 'survey new "Barriers 2026" --template solutions --areas networking --audience here --closes 10d');
    expect((await inChannel('fac', 'survey open')).status).toBe(200);
    await connector.waitFor(() => ['ann', 'bo', 'cy'].every((u) => sentTo(u).some((c) => /invites you to a short survey/.test(textOf(c)))));
    expect(sentTo('fac').some((c) => /invites you/.test(textOf(c)))).toBe(false);
    const created = connector.calls.filter((c) => c.method === 'POST' && c.path === '/v3/conversations');
    expect(created.map((c) => c.body)).toEqual(
      expect.arrayContaining(['29:cy', '29:dee'].map((id) => expect.objectContaining({ isGroup: false, bot: expect.objectContaining({ id: '28:bot' }), members: [expect.objectContaining({ id })], tenantId: 'tenant-1' }))),
    );
    expect(created.every((c) => c.authorization === undefined || /^Bearer /.test(c.authorization))).toBe(true);
    expect(created.some((c) => c.body.members && (c.body.members as { id: string }[])[0]!.id === '29:ann')).toBe(false);
    const invitation = sentTo('ann').find((c) => /invites you/.test(textOf(c)))!;
    const start = cardActions(cardOf(invitation)).find((a) => a.verb === 'surveys.start')!;

    // The start button; then profile questions by button and by typing; the solutions' questions.
    const first = await press('ann', invitation.id!, start);
    await connector.waitFor(() => [shown(first), ...sentTo('ann').map(textOf)].some((t) => /In which country/.test(t)));
    await personal('ann', 'Sweden');
    await personal('ann', 'ict');
    await personal('ann', '2');
    await connector.waitFor(() => sentTo('ann').some((c) => /How useful would this be for your company/.test(textOf(c))));
    const question = sentTo('ann').filter((c) => /How useful would this be/.test(textOf(c))).at(-1)!;
    const four = cardActions(cardOf(question)).find((a) => a.verb === 'surveys.answer' && a.title === '4')!;
    const pressed = await press('ann', question.id!, four);
    await connector.waitFor(() => [shown(pressed), ...sentTo('ann').map(textOf)].some((t) => /Would your company use it\?/.test(t)));

    // cy answers in the chat created for them, which is remembered (not created again).
    await personal('cy', 'continue survey');
    await connector.waitFor(() => sentTo('cy').some((c) => /In which country/.test(textOf(c))));
    // The status: dee could not be reached, completion only.
    await inChannel('fac', 'survey status');
    // It goes to the facilitator's 1:1 chat, created for them (they had only written in the channel).
    await connector.waitFor(() => sentTo('fac').some((c) => /Invited 4 · started 2 · finished 0[\s\S]*1 member could not be reached/.test(textOf(c))));
    expect(connector.calls.filter((c) => c.path === '/v3/conversations' && (c.body.members as { id: string }[])[0]!.id === '29:cy')).toHaveLength(1);
    // Who has not finished, by the names Teams listed (not by their ids); dee, unreachable, is counted apart.
    const status = sentTo('fac').filter((c) => /Invited 4/.test(textOf(c))).at(-1)!;
    expect(textOf(status)).toMatch(/Ann Member, Bo Member, Cy Member/);
    expect(textOf(status)).not.toMatch(/29:|Dee/);
    for (const card of cards()) expect(cardProblems(card)).toEqual([]);
  });
});
