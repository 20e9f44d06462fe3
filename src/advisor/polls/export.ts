/**
 * A poll's results as files: CSV (csv-stringify, UTF-8 with a BOM, formula cells neutralised) and a PNG bar chart
 * (echarts rendered to SVG on the server, drawn by resvg with the DejaVu Sans font that ships as a dependency: resvg
 * draws no text without a font file and says nothing).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Lang } from '../../common/lang.js';
import type { Attachment } from '../../core/message.js';
import { pollMessages as m } from './messages.js';
import { resultsOf, type Poll, type Tally, type Vote } from './model.js';

const CHART_WIDTH = 900;
const FONT_FAMILY = 'DejaVu Sans';

/**
 * csv-stringify's escape_formulas prefixes ' to cells that begin with = + - @ tab or carriage return; a leading line
 * feed, NUL or a full-width ＝＋－＠ (which some spreadsheets read as formulas too) get the same prefix here.
 */
function guard(cell: string | number): string | number {
  return typeof cell === 'string' && /^[\n\u0000＝＋－＠]/.test(cell) ? `'${cell}` : cell;
}

function csv(rows: (string | number)[][]): Attachment['data'] {
  const text = stringify(rows.map((r) => r.map(guard)), { bom: true, escape_formulas: true, record_delimiter: 'windows' });
  return new TextEncoder().encode(text);
}

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

let fontFile: string | undefined;
function font(): string {
  fontFile ??= path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
  return fontFile;
}

/** A horizontal bar chart of the results (most important, and least important in a second series), as PNG. */
export async function resultsChart(poll: Poll, tally: Tally, lang: Lang): Promise<Attachment> {
  // Loaded on first use: a server that never draws a chart never loads them.
  const [echarts, { Resvg }] = await Promise.all([import('echarts'), import('@resvg/resvg-js')]);
  const t = m(lang);
  const r = resultsOf(poll, tally);
  const labels = r.most.map((row) => `${row.index + 1}. ${row.label.length > 48 ? `${row.label.slice(0, 47)}…` : row.label}`).reverse();
  const height = 120 + r.most.length * (poll.least ? 56 : 40);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  const unit = poll.kind === 'dots' ? t.csv.dots : t.csv.votes;
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: { text: poll.question.length > 90 ? `${poll.question.slice(0, 89)}…` : poll.question, left: 16, top: 12, textStyle: { fontSize: 16, fontFamily: FONT_FAMILY } },
    legend: poll.least ? { top: 40, data: [unit, t.csv.leastDots] } : undefined,
    grid: { left: 16, right: 48, top: poll.least ? 72 : 52, bottom: 16, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: labels },
    series: [
      { name: unit, type: 'bar', data: r.most.map((row) => row.count).reverse(), label: { show: true, position: 'right' }, itemStyle: { color: '#2a6f97' } },
      ...(poll.least ? [{ name: t.csv.leastDots, type: 'bar', data: r.least.map((row) => row.count).reverse(), label: { show: true, position: 'right' }, itemStyle: { color: '#c44536' } }] : []),
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  const png = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: [font()], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY } }).render().asPng();
  return { name: `poll-${poll.id}-chart.png`, mimeType: 'image/png', data: new Uint8Array(png), alt: t.chartAlt(poll.question) };
}
