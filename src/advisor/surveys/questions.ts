/**
 * The questions of a survey: the profile questions every survey starts with (asked only when the participant's
 * profile lacks the answer), the dataset templates (`barriers`: per key area, the focus group's dots and a rating of
 * each barrier; `solutions`: per key area, each proposed solution for its critical barriers rated), and custom
 * questions typed by the facilitator. Template texts come in every language from the dataset; wording around them
 * comes from the catalog, so a German participant reads a German survey.
 */
import type { Lang } from '../../common/lang.js';
import type { Knowledge } from '../../knowledge/dataset.js';
import { keyAreaNamed, votingBarriers } from '../../knowledge/key-areas.js';
import { tr } from '../../knowledge/localize.js';
import { Actor, type KeyArea } from '../../knowledge/schema.js';
import { surveyMessages as m } from './messages.js';
import { DEFAULT_DOTS, MAX_OPTIONS, PROFILE_FIELDS, type Question, type Template, type Text3 } from './model.js';

/** A text made by the catalog in each language. */
const each = (make: (lang: Lang) => string): Text3 => ({ en: make('en'), de: make('de'), sv: make('sv') });
const dataText = <R extends { text: string; i18n?: Partial<Record<'de' | 'sv', { text?: string }>> }>(r: R): Text3 => ({
  en: r.text,
  de: r.i18n?.de?.text ?? r.text,
  sv: r.i18n?.sv?.text ?? r.text,
});
const areaName = (area: KeyArea): Text3 => ({ en: area.name, de: tr(area, 'name', 'de'), sv: tr(area, 'name', 'sv') });

/** Draft questions have no id yet: `numbered` gives them q1, q2, … in order. */
export type DraftQuestion = Omit<Question, 'id'>;
export const numbered = (questions: readonly DraftQuestion[], from = 1): Question[] => questions.map((q, i) => ({ id: `q${from + i}`, ...q }));

export function profileQuestions(): DraftQuestion[] {
  return PROFILE_FIELDS.map((field) => ({ kind: 'profile', profile: field, optional: true, text: each((lang) => m(lang).profileQuestion[field]) }));
}

export function barrierQuestions(k: Knowledge, area: KeyArea, dots = DEFAULT_DOTS): DraftQuestion[] {
  const barriers = votingBarriers(k, area.id).slice(0, MAX_OPTIONS);
  const options = barriers.map((b) => ({ id: b.id, text: dataText(b) }));
  const name = areaName(area);
  return [
    { kind: 'dots', set: 'most', dots, area: area.id, optional: false, options, text: each((lang) => m(lang).template.dotsMost(name[lang], dots)) },
    { kind: 'dots', set: 'least', dots, area: area.id, optional: true, options, text: each((lang) => m(lang).template.dotsLeast(name[lang], dots)) },
    ...barriers.map((b): DraftQuestion => ({ kind: 'rating', scale: 5, area: area.id, barrier: b.id, optional: false, text: each((lang) => m(lang).template.rateBarrier(tr(b, 'text', lang))) })),
    { kind: 'text', area: area.id, optional: true, text: each((lang) => m(lang).template.moreBarriers(name[lang])) },
  ];
}

export function solutionQuestions(k: Knowledge, area: KeyArea): DraftQuestion[] {
  const critical = new Set(k.data.barriers.filter((b) => b.keyArea === area.id && b.importance === 'critical').map((b) => b.id));
  const solutions = k.data.solutions.filter((s) => s.barriers.some((b) => critical.has(b))).slice(0, 6);
  const actors = Actor.options.map((a) => ({ id: a, text: each((lang) => m(lang).actors[a]) }));
  const yesNo = (['yes', 'maybe', 'no'] as const).map((v) => ({ id: v, text: each((lang) => m(lang).wouldUse[v]) }));
  return [
    ...solutions.flatMap((s): DraftQuestion[] => [
      { kind: 'rating', scale: 5, aspect: 'useful', area: area.id, solution: s.id, optional: false, text: each((lang) => m(lang).template.useful(tr(s, 'text', lang))) },
      { kind: 'choice', aspect: 'use', area: area.id, solution: s.id, optional: true, options: yesNo, text: each((lang) => m(lang).template.wouldUse) },
      { kind: 'multi', aspect: 'actor', area: area.id, solution: s.id, optional: true, options: actors, text: each((lang) => m(lang).template.whoActs) },
    ]),
    { kind: 'text', area: area.id, optional: true, text: each((lang) => m(lang).template.moreSolutions(areaName(area)[lang])) },
  ];
}

/** The questions of a template for the chosen key areas, profile questions first. */
export function templateQuestions(k: Knowledge, template: Template, areas: readonly KeyArea[]): DraftQuestion[] {
  if (template === 'custom') return profileQuestions();
  return [...profileQuestions(), ...areas.flatMap((a) => (template === 'barriers' ? barrierQuestions(k, a) : solutionQuestions(k, a)))];
}

/** The key areas a typed list names (comma-separated; see keyAreaNamed); parts that name none are returned apart. */
export function areasNamed(k: Knowledge, typed: string): { areas: KeyArea[]; unknown: string[] } {
  const areas: KeyArea[] = [];
  const unknown: string[] = [];
  for (const part of typed.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
    const area = keyAreaNamed(k, part);
    if (!area) unknown.push(part);
    else if (!areas.includes(area)) areas.push(area);
  }
  return { areas, unknown };
}
