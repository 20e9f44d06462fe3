/**
 * Surveys in process (real feature list, pipeline and scheduler, in-memory store, fake clock): creating, opening,
 * answering every kind of question, reminders in working hours only, closing and results, forget me, rounds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestAdvisor } from '../helpers/advisor.js';

const ENV = { ADVISOR_FACILITATORS: 'fac', ADVISOR_DEFAULT_TIMEZONE: 'Europe/Brussels' };
const postsTo = (t: TestAdvisor, user: string) => t.messenger.posts.filter((p) => p.to.conversation === `dm:${user}`);

describe('surveys in process', () => {
  let t: TestAdvisor;
  beforeEach(async () => {
    t = await TestAdvisor.start(ENV);
  });
  afterEach(() => t.close());

  it('refuses non-facilitators, bad audiences, past deadlines and surveys without questions', async () => {
    (await t.as('ann').send('survey new "Barriers" --template custom --audience bo --closes 10d')).expectReply(/Only facilitators can run surveys/);
    (await t.as('fac').send('survey new "Barriers" --template barriers --audience bo --closes 10d')).expectReply(/Choose the key areas with --areas/);
    (await t.as('fac').send('survey new "Barriers" --template custom --audience bo --closes 2020-01-01')).expectReply(/already passed/);
    (await t.as('fac').send('survey new "Barriers" --template custom --closes 10d')).expectReply(/Who should answer/);
    (await t.as('fac').send('survey new "Barriers" --template custom --audience bo --closes 10d')).expectReply(/is ready as a draft/);
    (await t.as('fac').send('survey open')).expectReply(/has no questions yet/);
    (await t.as('fac').send('survey question add "Which markets?" --choice "Nordics" "DACH" --optional')).expectReply(/Added question 4/);
    (await t.as('fac').send('survey question add "Rate us" --rating 1-12')).expectReply(/A rating goes from 1/);
  });

  it('runs a barrier survey end to end: invitation, dots, ratings, back, stop and continue, reminders, results', async () => {
    const created = await t.as('fac').send('survey new "Barriers 2026" --template barriers --areas knowledge readiness --audience ann, bo, cy, dan --closes 2026-12-11T17:00 --threshold 2');
    created.expectReply(/Survey \*\*([a-z2-9]{6})\*\* “Barriers 2026” is ready as a draft/);
    const id = /Survey \*\*([a-z2-9]{6})\*\*/.exec(created.text())![1]!;
    const opened = await t.as('fac').send('survey open');
    opened.expectReply(/invitations are going out to 4 members/);
    opened.expectReply(/Invited 4 · started 0 · finished 0/);
    await t.runDue();
    const invite = postsTo(t, 'ann').at(-1)!;
    expect(invite.message.text).toMatch(/Barriers 2026[\s\S]*anonymous/);
    const start = invite.message.buttons!.find((b) => b.action.id === 'surveys.start')!;

    // ann: profile questions first (asked once), then the dots, ratings, free text.
    let r = await t.as('ann').press(start.action);
    r.expectReply(/Question 1 of \d+[\s\S]*In which country/);
    r = await t.as('ann').send('Sweden');
    r.expectReply(/Which sector/);
    r = await t.as('ann').send('2');
    r.expectReply(/How many people/);
    r = await t.as('ann').press(r.button(/10–49/));
    r.expectReply(/which barriers hold your company back most\? Spread 3 dots/);
    r = await t.as('ann').press(r.button('surveys.answer'));
    r.expectReply(/Dot placed; 2 dots left/);
    r = await t.as('ann').press(r.button('surveys.answer'));
    // The last dot moves on by itself.
    r = await t.as('ann').press(r.button('surveys.answer'));
    r.expectReply(/Question 5 of 13[\s\S]*matter least/);
    r = await t.as('ann').send('skip');
    r.expectReply(/Question 6 of 13[\s\S]*How important is this barrier/);
    r = await t.as('ann').send('7');
    r.expectReply(/That number is outside the scale[\s\S]*Question 6 of 13/);
    r = await t.as('ann').send('5');
    r.expectReply(/Question 7 of 13/);
    r = await t.as('ann').send('back');
    r.expectReply(/Question 6 of 13[\s\S]*Your answer so far: 5 \/ 5/);
    r = await t.as('ann').send('4');
    for (let i = 0; i < 6; i++) r = await t.as('ann').send(String(1 + (i % 5)));
    r.expectReply(/Question 13 of 13[\s\S]*other barriers or root causes/);
    r = await t.as('ann').send('No export insurance for small orders');
    r.expectReply(/Thank you, you have finished!/);
    // Back in normal conversation: a question goes to the advisor, not to the survey.
    (await t.as('ann').send('what is an EORI number?')).expectReply(/EORI/);

    // bo stops halfway and continues later; cy never starts; dan is out of working hours at the reminder.
    const boStart = postsTo(t, 'bo').at(-1)!.message.buttons!.find((b) => b.action.id === 'surveys.start')!;
    await t.as('bo').press(boStart.action);
    // Any country, also one that is not among the buttons.
    (await t.as('bo').send('Finland')).expectReply(/Which sector/);
    (await t.as('bo').send('stop')).expectReply(/Paused; your answers are saved/);
    (await t.as('bo').send('continue survey')).expectReply(/Which sector/);

    // Reminders: due 2 days after opening (Thu 3 Dec 09:00 UTC = 10:00 Brussels), only to those not finished.
    t.messenger.zones.set('dan', 'Pacific/Auckland');
    t.clock.advance({ days: 2 });
    await t.runDue();
    expect(postsTo(t, 'cy').filter((p) => /Reminder/.test(p.message.text))).toHaveLength(1);
    expect(postsTo(t, 'bo').filter((p) => /Reminder/.test(p.message.text))).toHaveLength(1);
    expect(postsTo(t, 'ann').filter((p) => /Reminder/.test(p.message.text))).toHaveLength(0);
    // 22:00 in Auckland: dan's waits for his next working morning.
    expect(postsTo(t, 'dan').filter((p) => /Reminder/.test(p.message.text))).toHaveLength(0);
    t.clock.advance({ hours: 12 });
    await t.runDue();
    expect(postsTo(t, 'dan').filter((p) => /Reminder/.test(p.message.text))).toHaveLength(1);
    await t.runDue();
    expect(postsTo(t, 'cy').filter((p) => /Reminder/.test(p.message.text))).toHaveLength(1);

    // A participant asking for results is refused; the facilitator sees the status and closes.
    (await t.as('bo').send('survey results')).expectReply(/Survey results are for the facilitator/);
    (await t.as('fac').send('survey status')).expectReply(/Invited 4 · started 2 · finished 1[\s\S]*Not finished yet: bo, cy, dan/);
    const closed = await t.as('fac').send('survey close');
    const results = postsTo(t, 'fac').at(-1)!.message;
    expect(results.text).toMatch(/Response rate: 1 of 4 finished \(25 %\)/);
    // One finished response: its "results" would be ann's answers, so only the counts are shown.
    expect(results.text).toMatch(/Fewer than 3 participants have finished/);
    expect(results.text).not.toMatch(/No export insurance for small orders/);
    expect(results.attachments?.[0]?.mimeType).toBe('image/png');
    expect(closed.text()).toBe('');
    // Answers after closing are refused.
    (await t.as('bo').send('continue survey')).expectReply(/no survey to continue|closed/i);
    (await t.as('fac').send(`survey results ${id}`)).expectReply(/Results: Barriers 2026/);

    // Forget me: ann's answers leave the results; she still counts as invited.
    await t.as('ann').send('forget me');
    await t.as('ann').send('yes');
    (await t.as('fac').send('survey results')).expectReply(/Response rate: 0 of 4 finished/);
  });

  it('runs rounds: share, archive, again with the same questions, compare; extend and cancel', async () => {
    const created = await t.as('fac').send('survey new "Solutions" --template solutions --areas production readiness --audience ann, bo, cy --closes 2026-12-04T17:00 --remind none');
    const id = /Survey \*\*([a-z2-9]{6})\*\*/.exec(created.text())![1]!;
    (await t.as('fac').send('survey extend --closes 2026-12-05T17:00')).expectReply(/now closes Sat 5 Dec 2026, 17:00/);
    await t.as('fac').send('survey open');
    await t.runDue();
    // Each participant answers every question the same way: the first option, rating 5.
    const answerAll = async (user: string, rating: string) => {
      const start = postsTo(t, user).at(-1)!.message.buttons!.find((b) => b.action.id === 'surveys.start')!;
      let r = await t.as(user).press(start.action);
      for (let i = 0; i < 40 && !/Thank you/.test(r.text()); i++) r = await t.as(user).send(/How useful/.test(r.text()) ? rating : /Type your answer/.test(r.text()) ? 'More mentoring' : '1');
      r.expectReply(/Thank you, you have finished/);
    };
    for (const u of ['ann', 'bo', 'cy']) await answerAll(u, '5');
    (await t.as('fac').send('survey share')).expectReply(/Results are shared after the survey closes/);
    await t.as('fac').send('survey close');
    (await t.as('fac').send('survey results')).expectReply(/Response rate: 3 of 3 finished \(100 %\)[\s\S]*usefulness 5[.,]0/);
    await t.as('fac').send('survey share');
    expect(t.messenger.posts.some((p) => p.to.conversation === 'dm:fac' && /Results: Solutions/.test(p.message.text))).toBe(true);
    (await t.as('fac').send('survey archive')).expectReply(/individual answers are deleted/);
    // Archived: the results stay.
    (await t.as('fac').send(`survey results ${id}`)).expectReply(/Response rate: 3 of 3 finished/);
    (await t.as('fac').send('survey compare')).expectReply(/first round of this survey/);

    const again = await t.as('fac').send('survey again');
    again.expectReply(/Round 2 is ready as survey \*\*([a-z2-9]{6})\*\*/);
    await t.as('fac').send('survey open');
    await t.runDue();
    for (const u of ['ann', 'bo', 'cy']) await answerAll(u, '2');
    await t.as('fac').send('survey close');
    (await t.as('fac').send('survey compare')).expectReply(/Change in ranking: Solutions\*\*, round 1 → round 2/);

    // A cancelled draft is gone with everything it held.
    await t.as('fac').send('survey new "Scratch" --template custom --audience ann --closes 3d');
    (await t.as('fac').send('survey cancel')).expectReply(/“Scratch” is cancelled and deleted/);
    (await t.as('ann').send('my survey answers')).expectReply(/Your answers: Solutions/);
  });

  it('speaks German and Swedish to participants, with the dataset templates in their language', async () => {
    await t.as('fac').send('survey new "Hemmnisse" --template barriers --areas networking --audience ann, bo --closes 10d');
    await t.as('fac').send('survey open');
    await t.runDue();
    await t.as('ann').send('Sprache: Deutsch');
    await t.as('bo').send('svara på svenska');
    const de = await t.as('ann').send('befragung fortsetzen');
    de.expectReply(/Frage 1 von \d+[\s\S]*In welchem Land/);
    const sv = await t.as('bo').send('fortsätt enkät');
    sv.expectReply(/Fråga 1 av \d+/);
    for (const x of ['Schweden', '2', '1']) await t.as('ann').send(x);
    const dots = await t.as('ann').send('1');
    dots.expectReply(/Netzwerkarbeit zur Unterstützung der Internationalisierung/);
  });
});
