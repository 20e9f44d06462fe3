/**
 * The questions of a survey: the profile questions every survey starts with (asked only when the participant's
 * profile lacks the answer), the dataset templates (`barriers`: per key area, the focus group's dots and a rating of
 * each barrier; `solutions`: per key area, each proposed solution for its critical barriers rated), and custom
 * questions typed by the facilitator. Template texts come in every language from the dataset; wording around them
 * comes from the catalog, so a German participant reads a German survey.
 */
import type { Lang } from '../../common/lang.js';
import type { Knowledge } from '../../knowledge/dataset.js';
import { tr } from '../../knowledge/localize.js';
import { Actor, type KeyArea } from '../../knowledge/schema.js';
import { LANGS } from '../../common/lang.js';
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

/** The focus group's voting list of a key area (its most and least important barriers; critical ones repeat them). */
export function votingBarriers(k: Knowledge, areaId: string) {
  const seen = new Set<string>();
  return k.data.barriers.filter((b) => b.keyArea === areaId && b.importance !== 'critical' && !seen.has(b.text) && seen.add(b.text)).slice(0, MAX_OPTIONS);
}

export function barrierQuestions(k: Knowledge, area: KeyArea, dots = DEFAULT_DOTS): DraftQuestion[] {
  const barriers = votingBarriers(k, area.id);
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

/** The key areas a typed list names (ids, or words of their names in any language); unknown words are returned apart. */
export function areasNamed(k: Knowledge, typed: string): { areas: KeyArea[]; unknown: string[] } {
  const fold = (s: string) => s.toLocaleLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const areas: KeyArea[] = [];
  const unknown: string[] = [];
  for (const part of typed.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
    const words = fold(part).split(' ').filter((w) => w.length >= 3);
    const scored = k.data.keyAreas
      .map((area) => {
        const names = fold([area.id.replace(/-/g, ' '), ...LANGS.map((l) => tr(area, 'name', l))].join(' ')).split(' ');
        return { area, score: fold(part) === fold(area.id) ? 100 : words.filter((w) => names.some((n) => n.startsWith(w))).length };
      })
      .sort((x, y) => y.score - x.score);
    const best = scored[0];
    if (!best || best.score === 0 || scored[1]?.score === best.score) unknown.push(part);
    else if (!areas.includes(best.area)) areas.push(best.area);
  }
  return { areas, unknown };
}
