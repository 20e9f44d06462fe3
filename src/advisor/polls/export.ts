/**
 * A poll's results as files: CSV (csv-stringify, UTF-8 with a BOM, formula cells neutralised) and a PNG bar chart
 * (echarts rendered to SVG on the server, drawn by resvg with the DejaVu Sans font that ships as a dependency: resvg
 * draws no text without a font file and says nothing).
 */
import { barChartPng } from '../../common/chart.js';
import { csvBytes as csv } from '../../common/csv.js';
import type { Lang } from '../../common/lang.js';
import type { Attachment } from '../../core/message.js';
import { pollMessages as m } from './messages.js';
import { resultsOf, type Poll, type Tally, type Vote } from './model.js';

/** The results table: one row per option (votes or dots, percent, and in a dot vote the important lists). */
export function resultsCsv(poll: Poll, tally: Tally, lang: Lang): Attachment {
  const c = m(lang).csv;
  const r = resultsOf(poll, tally);
  const unit = poll.kind === 'dots' ? c.dots : c.votes;
  const header = [c.poll, c.question, c.option, unit, c.percent, ...(poll.least ? [c.leastDots] : []), ...(poll.kind === 'dots' ? [c.important] : []), ...(poll.least ? [c.unimportant] : [])];
  const important = new Set(r.mostImportant.map((x) => x.index));
  const unimportant = new Set(r.leastImportant.map((x) => x.index));
  const rows = r.most.map((row) => [
    poll.id,
    poll.question,
    row.label,
    row.count,
    row.percent,
    ...(poll.least ? [r.least[row.index]?.count ?? 0] : []),
    ...(poll.kind === 'dots' ? [important.has(row.index) ? 'x' : ''] : []),
    ...(poll.least ? [unimportant.has(row.index) ? 'x' : ''] : []),
  ]);
  return { name: `poll-${poll.id}-results.csv`, mimeType: 'text/csv', data: csv([header, ...rows]), asFile: true };
}

/** One row per vote of a named poll: who, which options (dots as counts), when. Never called for an anonymous poll. */
export function votesCsv(poll: Poll, rows: readonly Vote[], lang: Lang): Attachment {
  if (poll.anonymous) throw new Error('an anonymous poll has no voter rows');
  const c = m(lang).csv;
  const header = [c.voter, ...poll.options, ...(poll.least ? poll.options.map((o) => `${c.leastDots}: ${o}`) : []), c.at];
  const body = rows.map((v) => [v.user ?? '', ...v.most, ...(poll.least ? v.least : []), v.at]);
  return { name: `poll-${poll.id}-votes.csv`, mimeType: 'text/csv', data: csv([header, ...body]), asFile: true };
}

/** A horizontal bar chart of the results (most important, and least important in a second series), as PNG. */
export async function resultsChart(poll: Poll, tally: Tally, lang: Lang): Promise<Attachment> {
  const t = m(lang);
  const r = resultsOf(poll, tally);
  const unit = poll.kind === 'dots' ? t.csv.dots : t.csv.votes;
  const png = await barChartPng({
    title: poll.question,
    labels: r.most.map((row) => `${row.index + 1}. ${row.label}`),
    counts: true,
    series: [
      { name: unit, values: r.most.map((row) => row.count), color: '#2a6f97' },
      ...(poll.least ? [{ name: t.csv.leastDots, values: r.least.map((row) => row.count), color: '#c44536' }] : []),
    ],
  });
  return { name: `poll-${poll.id}-chart.png`, mimeType: 'image/png', data: png, alt: t.chartAlt(poll.question) };
}
