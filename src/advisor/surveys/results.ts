/**
 * Survey results, pure: the response rate, barriers ranked per key area by mean importance and by dots, the focus
 * group's most/least-important lists, the solutions rated, custom questions counted, free text grouped by key area
 * (unattributed, in a fixed order that says nothing about who answered when), breakdowns by country, sector and
 * company size for groups of at least K_ANONYMITY respondents only (smaller groups are folded into "other", which is
 * itself left out when it is still too small; no folded group is named), and the change between two rounds.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { K_ANONYMITY, PROFILE_FIELDS, type Answer, type ProfileField, type Question, type Survey, type SurveyResponse, type Text3 } from './model.js';

const Text3Schema = z.object({ en: z.string(), de: z.string(), sv: z.string() });
const RankedSchema = z.object({
  id: z.string(),
  label: Text3Schema,
  /** Mean importance 1–5 (two decimals) over those who rated it, and how many did. */
  mean: z.number().nullable(),
  ratings: z.number().int(),
  most: z.number().int(),
  least: z.number().int(),
  mostImportant: z.boolean(),
  leastImportant: z.boolean(),
});
export type Ranked = z.infer<typeof RankedSchema>;
const AreaSchema = z.object({ area: z.string(), barriers: z.array(RankedSchema), solutions: z.array(z.object({ id: z.string(), label: Text3Schema, mean: z.number().nullable(), ratings: z.number().int(), use: z.record(z.string(), z.number().int()), actors: z.record(z.string(), z.number().int()) })), texts: z.array(z.string()) });
const QuestionResultSchema = z.object({
  id: z.string(),
  text: Text3Schema,
  kind: z.string(),
  answered: z.number().int(),
  mean: z.number().nullable(),
  counts: z.array(z.object({ label: Text3Schema, count: z.number().int() })),
  texts: z.array(z.string()),
});
const GroupSchema = z.object({ group: z.string(), respondents: z.number().int(), top: z.array(z.object({ area: z.string(), id: z.string(), label: Text3Schema, mean: z.number().nullable() })) });
const BreakdownSchema = z.object({ field: z.enum(PROFILE_FIELDS), groups: z.array(GroupSchema), folded: z.number().int(), suppressed: z.number().int() });
export const SurveyResultsSchema = z.object({
  invited: z.number().int(),
  started: z.number().int(),
  finished: z.number().int(),
  /** Finished of invited, in percent. */
  rate: z.number(),
  threshold: z.number().int(),
  areas: z.array(AreaSchema),
  questions: z.array(QuestionResultSchema),
  breakdowns: z.array(BreakdownSchema),
  /** Fewer than K_ANONYMITY finished responses: nothing but the counts is shown (one person's results are their answers). */
  withheld: z.boolean().default(false),
});
export type SurveyResults = z.infer<typeof SurveyResultsSchema>;

const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: readonly number[]): number | null => (xs.length ? round2(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

/** Groups of a profile field folded for k-anonymity: each value with at least K respondents; the rest as "other". */
export function foldGroups(values: readonly (string | undefined)[]): { keep: Set<string>; otherSize: number } {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  const keep = new Set([...counts].filter(([, n]) => n >= K_ANONYMITY).map(([v]) => v));
  const otherSize = values.filter((v) => v && !keep.has(v)).length;
  return { keep, otherSize };
}

/** The value shown for a respondent in a breakdown: their group, "other", or nothing (suppressed). */
export const OTHER = 'other';
export function foldedValue(v: string | undefined, fold: { keep: Set<string>; otherSize: number }): string | undefined {
  if (!v) return undefined;
  if (fold.keep.has(v)) return v;
  return fold.otherSize >= K_ANONYMITY ? OTHER : undefined;
}

/**
 * Which profile columns an export may carry: the largest set whose every combination of (folded) values holds at
 * least K respondents, so that no row singles out a group smaller than K even when columns are combined.
 */
export function safeColumns(rows: readonly Record<ProfileField, string | undefined>[]): ProfileField[] {
  const sets: ProfileField[][] = [['country', 'sector', 'size'], ['country', 'sector'], ['country', 'size'], ['sector', 'size'], ['country'], ['sector'], ['size'], []];
  // A field nobody answered is no column at all.
  const answered = new Set(PROFILE_FIELDS.filter((f) => rows.some((r) => r[f] !== undefined)));
  for (const set of sets.filter((x) => x.every((f) => answered.has(f)))) {
    const counts = new Map<string, number>();
    for (const r of rows) {
      const k = set.map((f) => r[f] ?? '').join('\u0000');
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    if ([...counts.values()].every((n) => n >= K_ANONYMITY)) return set;
  }
  return [];
}

/** A fixed, meaningless order for free text: by a hash of the text, so neither time nor respondent shows. */
const unordered = (texts: string[]): string[] =>
  texts.map((t) => [crypto.createHash('sha256').update(t).digest('hex'), t] as const).sort((a, b) => a[0].localeCompare(b[0])).map(([, t]) => t);

const answered = (a: Answer | undefined): a is Answer => a !== undefined && !('skipped' in a);

export interface ResultsInput {
  survey: Survey;
  /** Every response (finished or not) of participants who were not forgotten. */
  responses: readonly SurveyResponse[];
  invited: number;
  optionLabel: (q: Question, i: number) => Text3;
}

export function aggregate({ survey, responses, invited, optionLabel }: ResultsInput): SurveyResults {
  const done = responses.filter((r) => r.finished);
  const threshold = 'dots' in survey.threshold ? survey.threshold.dots : Math.max(1, Math.ceil((survey.threshold.percent / 100) * done.length));
  const byId = new Map(survey.questions.map((q) => [q.id, q]));
  const answersOf = (qid: string) => done.map((r) => r.answers[qid]).filter(answered);

  const areas = survey.areas.map((area) => {
    const qs = survey.questions.filter((q) => q.area === area);
    const most = qs.find((q) => q.kind === 'dots' && q.set === 'most');
    const least = qs.find((q) => q.kind === 'dots' && q.set === 'least');
    const dotsOf = (q: Question | undefined): number[] => {
      const total = (q?.options ?? []).map(() => 0);
      if (q) for (const a of answersOf(q.id)) if ('dots' in a) a.dots.forEach((n, i) => (total[i] = (total[i] ?? 0) + n));
      return total;
    };
    const mostDots = dotsOf(most);
    const leastDots = dotsOf(least);
    const ratingOf = new Map(qs.filter((q) => q.kind === 'rating' && q.barrier).map((q) => [q.barrier!, q]));
    const options = (most ?? least)?.options ?? [];
    const barriers: Ranked[] = options
      .map((o, i) => {
        const rq = ratingOf.get(o.id);
        const ratings = rq ? answersOf(rq.id).flatMap((a) => ('rating' in a ? [a.rating] : [])) : [];
        return { id: o.id, label: o.text, mean: mean(ratings), ratings: ratings.length, most: mostDots[i] ?? 0, least: leastDots[i] ?? 0, mostImportant: (mostDots[i] ?? 0) >= threshold, leastImportant: (leastDots[i] ?? 0) >= threshold };
      })
      .sort((a, b) => (b.mean ?? 0) - (a.mean ?? 0) || b.most - a.most || a.least - b.least || a.id.localeCompare(b.id));
    const solutionIds = [...new Set(qs.filter((q) => q.solution).map((q) => q.solution!))];
    const solutions = solutionIds
      .map((id) => {
        const useful = qs.find((q) => q.solution === id && q.aspect === 'useful');
        const use = qs.find((q) => q.solution === id && q.aspect === 'use');
        const actor = qs.find((q) => q.solution === id && q.aspect === 'actor');
        const ratings = useful ? answersOf(useful.id).flatMap((a) => ('rating' in a ? [a.rating] : [])) : [];
        const count = (q: Question | undefined, pick: (a: Answer) => number[]) => {
          const out: Record<string, number> = {};
          for (const o of q?.options ?? []) out[o.id] = 0;
          if (q) for (const a of answersOf(q.id)) for (const i of pick(a)) { const o = q.options?.[i]; if (o) out[o.id] = (out[o.id] ?? 0) + 1; }
          return out;
        };
        const label = useful?.text ?? { en: id, de: id, sv: id };
        return { id, label, mean: mean(ratings), ratings: ratings.length, use: count(use, (a) => ('choice' in a ? [a.choice] : [])), actors: count(actor, (a) => ('multi' in a ? a.multi : [])) };
      })
      .sort((a, b) => (b.mean ?? 0) - (a.mean ?? 0) || a.id.localeCompare(b.id));
    const texts = unordered(qs.filter((q) => q.kind === 'text').flatMap((q) => answersOf(q.id).flatMap((a) => ('text' in a ? [a.text] : []))));
    return { area, barriers, solutions, texts };
  });

  const questions = survey.questions
    .filter((q) => !q.area && q.kind !== 'profile')
    .map((q) => {
      const as = answersOf(q.id);
      const counts = (q.options ?? []).map((_, i) => ({ label: optionLabel(q, i), count: 0 }));
      for (const a of as) {
        const picked = 'choice' in a ? [a.choice] : 'multi' in a ? a.multi : [];
        for (const i of picked) if (counts[i]) counts[i]!.count++;
        if ('dots' in a) a.dots.forEach((n, i) => counts[i] && (counts[i]!.count += n));
      }
      if (q.kind === 'rating') for (let v = 1; v <= (q.scale ?? 5); v++) counts.push({ label: { en: String(v), de: String(v), sv: String(v) }, count: as.filter((a) => 'rating' in a && a.rating === v).length });
      return {
        id: q.id,
        text: byId.get(q.id)!.text,
        kind: q.kind,
        answered: as.length,
        mean: q.kind === 'rating' ? mean(as.flatMap((a) => ('rating' in a ? [a.rating] : []))) : null,
        counts,
        texts: q.kind === 'text' ? unordered(as.flatMap((a) => ('text' in a ? [a.text] : []))) : [],
      };
    });

  const breakdowns = PROFILE_FIELDS.map((field) => {
    const fold = foldGroups(done.map((r) => r.profile[field]));
    const groups = new Map<string, SurveyResponse[]>();
    let suppressed = 0;
    for (const r of done) {
      const g = foldedValue(r.profile[field], fold);
      if (g === undefined) {
        suppressed++;
        continue;
      }
      groups.set(g, [...(groups.get(g) ?? []), r]);
    }
    const top = (rs: SurveyResponse[]) =>
      areas.flatMap((a) => {
        const ranked = a.barriers
          .map((b) => {
            const rq = survey.questions.find((q) => q.area === a.area && q.barrier === b.id && q.kind === 'rating');
            const ratings = rq ? rs.map((r) => r.answers[rq.id]).flatMap((x) => (x && 'rating' in x ? [x.rating] : [])) : [];
            return { area: a.area, id: b.id, label: b.label, mean: mean(ratings) };
          })
          .sort((x, y) => (y.mean ?? 0) - (x.mean ?? 0) || x.id.localeCompare(y.id));
        return ranked.slice(0, 1);
      });
    return {
      field,
      groups: [...groups].sort((a, b) => (a[0] === OTHER ? 1 : b[0] === OTHER ? -1 : b[1].length - a[1].length || a[0].localeCompare(b[0]))).map(([group, rs]) => ({ group, respondents: rs.length, top: top(rs) })),
      folded: fold.otherSize >= K_ANONYMITY ? fold.otherSize : 0,
      suppressed,
    };
  });

  const counts = { invited, started: responses.length, finished: done.length, rate: invited ? Math.round((done.length / invited) * 1000) / 10 : 0, threshold };
  // Below K the aggregates would be one or two people's answers: withheld, like a breakdown group that small.
  if (done.length < K_ANONYMITY) return { ...counts, areas: [], questions: [], breakdowns: [], withheld: done.length > 0 };
  return { ...counts, areas, questions, breakdowns, withheld: false };
}

export interface RankChange {
  area: string;
  id: string;
  label: Text3;
  before?: number;
  after: number;
  meanBefore: number | null;
  meanAfter: number | null;
}

/** The change in ranking between two rounds: each barrier's rank (1 = most important) before and after. */
export function compareRounds(before: SurveyResults, after: SurveyResults): RankChange[] {
  return after.areas.flatMap((a) => {
    const prior = before.areas.find((x) => x.area === a.area);
    return a.barriers.map((b, i) => {
      const j = prior?.barriers.findIndex((x) => x.id === b.id) ?? -1;
      return { area: a.area, id: b.id, label: b.label, ...(j >= 0 ? { before: j + 1 } : {}), after: i + 1, meanBefore: j >= 0 ? prior!.barriers[j]!.mean : null, meanAfter: b.mean };
    });
  });
}
