/**
 * Polls for cluster managers: single and multiple choice, and the GIVE focus group's dot voting with a most/least
 * important threshold. Created by typed command (every channel), by form (Slack modal, Teams card, web form) or from
 * a key area's barriers; voted by buttons or typed numbers; the poll message is updated in place about once a second;
 * closed by command, button or the scheduler; exported as CSV and a PNG chart.
 *
 * Exactly once: a vote and the poll's tally change in one atomic updateMany (a vote touches its own record and the
 * small tally, never a list of all votes), and a vote remembers the delivery ids it applied, so a redelivered press
 * changes nothing while a second deliberate press places a second dot. Anonymous by construction: a vote is keyed by
 * an HMAC of the poll and the voter under a secret (ADVISOR_VOTE_SECRET, else one kept in the store), and an anonymous
 * poll's vote stores no voter id at all.
 */
import type { Lang } from '../../common/lang.js';
import type { TurnContext } from '../../core/context.js';
import { command, defineFeature, wordsIn as words, type ActionInput } from '../../core/feature.js';
import { pollMessages as m } from './messages.js';
import { latestPolls, polls, tallies, votes, type Poll } from './model.js';
import { CREATE_FLAGS, DOT_FLAGS, RawArgs } from './parse.js';
import { leastPanel } from './render.js';
import { idArg, ownVote, pollHere, pollOfButton } from './access.js';
import { createFromForm, createFromTemplate, createTyped, openForm } from './create.js';
import { dotsTyped, showMine, vote, votePressed, voteTyped } from './voting.js';
import { cancelPoll, closeCommand, closeDue, editPoll, exportPoll, extendPoll, forgetVoter, remindDue, renderDue, showResults } from './manage.js';

const POLLS = 'polls';

const usage = (key: keyof ReturnType<typeof m>['usage']) => (lang: Lang) => m(lang).usage[key];
const VOTE_FLAGS = { poll: 'value' } as const;
const withPoll =
  (run: (ctx: TurnContext, poll: Poll) => Promise<void>) =>
  async (ctx: TurnContext, a: RawArgs): Promise<void> =>
    run(ctx, await pollHere(ctx, idArg(a)));
const withButtonPoll =
  (run: (ctx: TurnContext, poll: Poll) => Promise<void>) =>
  async (ctx: TurnContext, a: ActionInput): Promise<void> =>
    run(ctx, await pollOfButton(ctx, a));

export const pollsFeature = defineFeature({
  id: POLLS,
  collections: [polls, tallies, votes, latestPolls],
  commands: [
    command(POLLS, { id: 'polls.create', words: words(['poll', 'new poll', 'create poll'], ['umfrage', 'neue umfrage', 'umfrage anlegen'], ['omröstning', 'ny omröstning', 'skapa omröstning']), args: RawArgs, flags: CREATE_FLAGS, usage: usage('create'), run: (ctx, a) => createTyped(ctx, 'single', a) }),
    command(POLLS, { id: 'polls.dots', words: words(['poll dots', 'dot vote', 'dot poll'], ['umfrage punkte', 'punktabfrage'], ['omröstning prickar', 'prickröstning']), args: RawArgs, flags: DOT_FLAGS, usage: usage('dots'), run: (ctx, a) => createTyped(ctx, 'dots', a) }),
    command(POLLS, { id: 'polls.template', words: words(['poll template', 'poll template dots'], ['umfrage vorlage', 'umfrage vorlage punkte'], ['omröstning mall', 'omröstning mall prickar']), args: RawArgs, flags: DOT_FLAGS, usage: usage('template'), run: createFromTemplate }),
    command(POLLS, { id: 'polls.results', words: words(['poll results', 'poll result'], ['umfrage ergebnisse', 'umfrage ergebnis'], ['omröstning resultat']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(showResults) }),
    command(POLLS, { id: 'polls.close', words: words(['poll close', 'close poll'], ['umfrage schließen', 'umfrage beenden'], ['omröstning stäng', 'stäng omröstning']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(closeCommand) }),
    command(POLLS, { id: 'polls.export', words: words(['poll export', 'export poll'], ['umfrage exportieren'], ['omröstning exportera', 'exportera omröstning']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(exportPoll) }),
    command(POLLS, { id: 'polls.edit', words: words(['poll edit', 'edit poll'], ['umfrage bearbeiten', 'umfrage ändern'], ['omröstning ändra', 'ändra omröstning']), args: RawArgs, usage: usage('edit'), run: editPoll }),
    command(POLLS, { id: 'polls.extend', words: words(['poll extend', 'extend poll'], ['umfrage verlängern'], ['omröstning förläng', 'förläng omröstning']), args: RawArgs, flags: { closes: 'value' }, usage: usage('extend'), run: extendPoll }),
    command(POLLS, { id: 'polls.cancel', words: words(['poll cancel', 'cancel poll', 'poll delete', 'delete poll'], ['umfrage löschen', 'umfrage abbrechen'], ['omröstning radera', 'omröstning avbryt', 'radera omröstning']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(cancelPoll) }),
    command(POLLS, { id: 'polls.vote', words: words(['vote'], ['abstimmen', 'stimme'], ['rösta']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('vote'), run: voteTyped }),
    command(POLLS, { id: 'polls.place', words: words(['dots'], ['punkte'], ['prickar']), args: RawArgs, flags: { ...VOTE_FLAGS, least: 'boolean' }, usage: usage('place'), run: dotsTyped }),
    command(POLLS, {
      id: 'polls.withdraw',
      words: words(['withdraw', 'withdraw vote', 'withdraw my vote'], ['stimme zurückziehen', 'zurückziehen'], ['ta tillbaka röst', 'ta tillbaka min röst']),
      args: RawArgs,
      flags: VOTE_FLAGS,
      usage: usage('ref'),
      run: withPoll((ctx, poll) => vote(ctx, poll, { kind: 'withdraw' })),
    }),
    command(POLLS, { id: 'polls.mine', words: words(['my vote', 'my dots'], ['meine stimme', 'meine punkte'], ['min röst', 'mina prickar']), args: RawArgs, flags: VOTE_FLAGS, usage: usage('ref'), run: withPoll(showMine) }),
  ],
  intents: { create_poll: (ctx) => openForm(ctx) },
  actions: {
    create: createFromForm,
    vote: (ctx, a) => votePressed(ctx, a, 'press'),
    take: (ctx, a) => votePressed(ctx, a, 'take'),
    least: withButtonPoll(async (ctx, poll) => void (await ctx.say(leastPanel(poll, await ownVote(ctx, poll), ctx.lang), { audience: 'private' }))),
    mine: withButtonPoll(showMine),
    withdraw: withButtonPoll((ctx, poll) => vote(ctx, poll, { kind: 'withdraw' })),
    results: withButtonPoll(showResults),
    close: withButtonPoll(closeCommand),
    export: withButtonPoll(exportPoll),
  },
  jobs: { close: closeDue, remind: remindDue, render: renderDue },
  forget: forgetVoter,
  help: (lang) => m(lang).help,
});
