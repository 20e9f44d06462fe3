/**
 * Asynchronous barrier surveys for facilitators, by direct message: prepared from the dataset's templates (the focus
 * group's barriers and dots, the solutions for the critical barriers) or custom questions, opened to the members of
 * channels or named members, answered one question at a time in each participant's DM, reminded in their working
 * hours, closed at the deadline, and reported as prioritised, k-anonymous results with a chart and exports.
 */
import type { Lang } from '../../common/lang.js';
import type { TurnContext } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import { command, defineFeature, wordsIn as words, type ActionInput } from '../../core/feature.js';
import { AnyCommandArgs as RawArgs, type CommandArgs } from '../../core/commands.js';
import { idArg, ownSurvey, surveyOfButton } from './access.js';
import { CREATE_FLAGS, QUESTION_FLAGS, addQuestion, createFromForm, createTyped, flagGroups, newSurveyId, openForm, preview } from './create.js';
import { answeringDialog, buttonPressed, changeAnswers, continueSurvey } from './flow.js';
import { againSurvey, cancelSurvey, closeCommand, closeDue, extendSurvey, inviteDue, openSurvey, postStatus, remindDue, remindNow, statusDue } from './lifecycle.js';
import { surveyMessages as m } from './messages.js';
import { latestSurveys, participants, responses, surveys, type Survey } from './model.js';
import { archiveSurvey, compareSurvey, exportSurvey, forgetParticipant, shareResults, showMine, showResults } from './report.js';

const SURVEYS = 'surveys';
const REF_FLAGS = { survey: 'value' } as const;
const usage = (key: keyof ReturnType<typeof m>['usage']) => (lang: Lang) => m(lang).usage[key];

/** A facilitator's command on a survey: the one named by id, else their latest. */
const onSurvey =
  (run: (ctx: TurnContext, survey: Survey, a: CommandArgs) => Promise<void>, refusal: 'notYours' | 'resultsRefused' = 'notYours') =>
  async (ctx: TurnContext, a: CommandArgs): Promise<void> =>
    run(ctx, await ownSurvey(ctx, idArg(a), refusal), a);
const onButton =
  (run: (ctx: TurnContext, survey: Survey) => Promise<void>) =>
  async (ctx: TurnContext, a: ActionInput): Promise<void> => {
    const survey = await surveyOfButton(ctx, a);
    if (!survey) throw new AdvisorError('BAD_INPUT', m(ctx.lang).forged);
    await run(ctx, survey);
  };
const ref = (id: string, en: string[], de: string[], sv: string[], run: (ctx: TurnContext, survey: Survey, a: CommandArgs) => Promise<void>, refusal?: 'resultsRefused') =>
  command(SURVEYS, { id, words: words(en, de, sv), args: RawArgs, flags: REF_FLAGS, usage: usage('ref'), run: onSurvey(run, refusal) });

export const surveysFeature = defineFeature({
  id: SURVEYS,
  collections: [surveys, participants, responses, latestSurveys],
  dialogs: [answeringDialog],
  commands: [
    command(SURVEYS, { id: 'surveys.create', words: words(['survey new', 'new survey', 'create survey'], ['befragung neu', 'neue befragung', 'befragung anlegen'], ['enkät ny', 'ny enkät', 'skapa enkät']), args: RawArgs, flags: CREATE_FLAGS, usage: usage('create'), run: createTyped }),
    // The bare word alone opens the form; a question that starts with "survey" still goes to the matcher.
    command(SURVEYS, { id: 'surveys.form', words: words(['survey'], ['befragung'], ['enkät']), run: (ctx) => openForm(ctx) }),
    command(SURVEYS, { id: 'surveys.question', words: words(['survey question add', 'survey question', 'survey add question'], ['befragung frage hinzufügen', 'befragung frage'], ['enkät fråga lägg till', 'enkät fråga']), args: RawArgs, flags: QUESTION_FLAGS, usage: usage('question'), run: addQuestion }),
    command(SURVEYS, { id: 'surveys.preview', words: words(['survey preview', 'preview survey'], ['befragung vorschau'], ['enkät förhandsvisning', 'förhandsvisa enkät']), args: RawArgs, flags: REF_FLAGS, usage: usage('ref'), run: onSurvey((ctx, s) => preview(ctx, s)) }),
    ref('surveys.open', ['survey open', 'open survey'], ['befragung öffnen', 'befragung starten'], ['enkät öppna', 'öppna enkät'], (ctx, s) => openSurvey(ctx, s)),
    ref('surveys.status', ['survey status'], ['befragung status', 'befragung stand'], ['enkät status', 'enkätstatus'], (ctx, s) => postStatus(ctx, s)),
    ref('surveys.results', ['survey results', 'survey result'], ['befragung ergebnisse', 'befragung ergebnis'], ['enkät resultat', 'enkätresultat'], (ctx, s) => showResults(ctx, s), 'resultsRefused'),
    ref('surveys.close', ['survey close', 'close survey'], ['befragung schließen', 'befragung beenden'], ['enkät stäng', 'stäng enkät'], (ctx, s) => closeCommand(ctx, s)),
    ref('surveys.share', ['survey share', 'share survey'], ['befragung teilen', 'befragung veröffentlichen'], ['enkät dela', 'dela enkät'], (ctx, s) => shareResults(ctx, s)),
    ref('surveys.export', ['survey export', 'export survey'], ['befragung exportieren', 'befragung export'], ['enkät exportera', 'exportera enkät'], (ctx, s, a) => exportSurvey(ctx, s, a.args.find((x) => /^(csv|json)$/i.test(x)) ?? a.args.find((x) => !/^[a-z0-9]{6}$/.test(x))), 'resultsRefused'),
    ref('surveys.cancel', ['survey cancel', 'cancel survey', 'survey delete', 'delete survey'], ['befragung löschen', 'befragung abbrechen'], ['enkät radera', 'enkät avbryt', 'radera enkät'], (ctx, s) => cancelSurvey(ctx, s)),
    command(SURVEYS, {
      id: 'surveys.extend',
      words: words(['survey extend', 'extend survey'], ['befragung verlängern'], ['enkät förläng', 'förläng enkät']),
      args: RawArgs,
      flags: { ...REF_FLAGS, closes: 'value' },
      usage: usage('extend'),
      run: async (ctx, a) => extendSurvey(ctx, await ownSurvey(ctx, idArg(a)), flagGroups(a.rest).flags.get('closes')?.join(' ')),
    }),
    ref('surveys.again', ['survey again', 'survey new round', 'survey repeat'], ['befragung wiederholen', 'befragung neue runde'], ['enkät igen', 'enkät ny omgång', 'upprepa enkät'], async (ctx, s) => againSurvey(ctx, s, (await newSurveyId(ctx)).id)),
    ref('surveys.compare', ['survey compare', 'compare survey'], ['befragung vergleichen'], ['enkät jämför', 'jämför enkät'], (ctx, s) => compareSurvey(ctx, s), 'resultsRefused'),
    ref('surveys.archive', ['survey archive', 'archive survey'], ['befragung archivieren'], ['enkät arkivera', 'arkivera enkät'], (ctx, s) => archiveSurvey(ctx, s)),
    ref('surveys.remind', ['survey remind', 'remind survey'], ['befragung erinnern'], ['enkät påminn', 'påminn enkät'], (ctx, s) => remindNow(ctx, s)),
    command(SURVEYS, { id: 'surveys.continue', words: words(['continue survey', 'survey continue', 'resume survey', 'start survey'], ['befragung fortsetzen', 'weiter mit der befragung', 'befragung beginnen'], ['fortsätt enkät', 'fortsätt enkäten', 'börja enkät']), run: continueSurvey }),
    command(SURVEYS, { id: 'surveys.change', words: words(['change answers', 'change my answers'], ['antworten ändern', 'meine antworten ändern'], ['ändra svar', 'ändra mina svar']), run: changeAnswers }),
    command(SURVEYS, { id: 'surveys.mine', words: words(['my survey answers', 'my answers'], ['meine antworten', 'meine befragungsantworten'], ['mina svar', 'mina enkätsvar']), run: showMine }),
    // Inside a survey the answering dialogue reads it; outside there is nothing to skip.
    command(SURVEYS, { id: 'surveys.skip', words: words(['skip'], ['überspringen', 'ueberspringen'], ['hoppa över', 'hoppa over']), run: async (ctx) => void (await ctx.say({ text: m(ctx.lang).nothingToContinue }, { audience: 'private' })) }),
  ],
  intents: { create_survey: (ctx) => openForm(ctx) },
  actions: {
    create: createFromForm,
    start: buttonPressed,
    answer: buttonPressed,
    back: buttonPressed,
    skip: buttonPressed,
    stop: buttonPressed,
    change: buttonPressed,
    results: onButton(showResults),
    close: onButton(closeCommand),
    remind: onButton(remindNow),
  },
  jobs: { invite: inviteDue, remind: remindDue, close: closeDue, status: statusDue },
  forget: forgetParticipant,
  help: (lang) => m(lang).help,
});
