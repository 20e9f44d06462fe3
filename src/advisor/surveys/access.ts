/** Surveys: finding a facilitator's survey, who may act on it, and the keyed hashes that stand for participants. */
import type { TurnContext } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import type { ActionInput } from '../../core/feature.js';
import type { Ports } from '../../core/ports.js';
import { keyedId } from '../../core/secrets.js';
import { quoteUserText } from '../../core/text.js';
import type { CommandArgs } from '../../core/commands.js';
import { SHORT_ID } from '../../common/short-id.js';
import { hasRole } from '../roles/model.js';
import { surveyMessages as m } from './messages.js';
import { latestSurveys, surveyKey, surveys, type Survey } from './model.js';

/** Survey ids are short ids, as poll ids are: six characters, a letter first, no look-alikes. */
export const SURVEY_ID = SHORT_ID;
export const bad = (text: string) => new AdvisorError('BAD_INPUT', text);

/** A participant's response key: a keyed hash of the survey and the member, so that a response names nobody. */
export const respondentKey = (ports: Pick<Ports, 'store' | 'settings'>, surveyId: string, userKey: string): Promise<string> => keyedId(ports, `survey-response:${surveyId}`, userKey);
/** A roster entry's key: another keyed hash (a job or an export that names an entry names no member). */
export const rosterKey = (ports: Pick<Ports, 'store' | 'settings'>, surveyId: string, userKey: string): Promise<string> => keyedId(ports, `survey-roster:${surveyId}`, userKey);

export async function requireFacilitator(ctx: TurnContext): Promise<void> {
  if (await hasRole(ctx.ports, ctx.user, 'facilitator')) return;
  throw new AdvisorError('NOT_ALLOWED', m(ctx.lang).notFacilitator(ctx.ports.settings.roles.owners.map((o) => quoteUserText(o, 60)).join(', ')));
}

/** The facilitator who runs it (or an owner) may act on a survey. */
export async function mayRun(ctx: TurnContext, survey: Survey): Promise<boolean> {
  return survey.facilitator?.key === ctx.userKey || (await hasRole(ctx.ports, ctx.user, 'owner'));
}

export async function requireRunner(ctx: TurnContext, survey: Survey, refusal: 'notYours' | 'resultsRefused' = 'notYours'): Promise<void> {
  if (!(await mayRun(ctx, survey))) throw new AdvisorError('NOT_ALLOWED', m(ctx.lang)[refusal]);
}

/** The survey named by id, or the user's latest; refused (in their language) when there is none they may run. */
export async function ownSurvey(ctx: TurnContext, id: string | undefined, refusal: 'notYours' | 'resultsRefused' = 'notYours'): Promise<Survey> {
  const t = m(ctx.lang);
  const surveyId = id ?? (await latestSurveys.get(ctx.ports.store, ctx.userKey))?.survey;
  if (!surveyId) {
    if (!(await hasRole(ctx.ports, ctx.user, 'facilitator'))) throw new AdvisorError('NOT_ALLOWED', refusal === 'resultsRefused' ? t.resultsRefused : t.notFacilitator(''));
    throw new AdvisorError('NOT_FOUND', t.noSurvey);
  }
  const survey = SURVEY_ID.test(surveyId) ? await surveys.get(ctx.ports.store, surveyKey(surveyId)) : undefined;
  if (!survey) throw new AdvisorError('NOT_FOUND', t.unknownSurvey(quoteUserText(surveyId, 20)));
  await requireRunner(ctx, survey, refusal);
  return survey;
}

export const idArg = (a: CommandArgs): string | undefined => a.args.find((x) => SURVEY_ID.test(x)) ?? (typeof a.flags.survey === 'string' ? a.flags.survey : undefined);

/** The survey a button names (its value starts with the id); undefined when none. */
export async function surveyOfButton(ctx: TurnContext, a: Pick<ActionInput, 'value'>): Promise<Survey | undefined> {
  const id = a.value.split('|')[0] ?? '';
  return SURVEY_ID.test(id) ? surveys.get(ctx.ports.store, surveyKey(id)) : undefined;
}
