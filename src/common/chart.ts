/**
 * Horizontal bar charts as PNG: echarts rendered to SVG on the server, drawn by resvg with the DejaVu Sans font that
 * ships as a dependency (resvg draws no text without a font file, and says nothing). Polls and surveys use it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const CHART_WIDTH = 900;
const FONT_FAMILY = 'DejaVu Sans';

export interface BarSeries {
  name: string;
  values: number[];
  color: string;
}

export interface BarChart {
  title: string;
  /** One label per bar, top to bottom. */
  labels: string[];
  series: BarSeries[];
  /** The value axis' upper end (e.g. 5 for a 1–5 scale); default: fitted to the data. */
  max?: number;
  /** Whole numbers only on the value axis (counts). */
  counts?: boolean;
}

let fontFile: string | undefined;
function font(): string {
  fontFile ??= path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
  return fontFile;
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The chart as PNG bytes; its height grows with the number of bars. */
export async function barChartPng(spec: BarChart): Promise<Uint8Array> {
  // Loaded on first use: a server that never draws a chart never loads them.
  const [echarts, { Resvg }] = await Promise.all([import('echarts'), import('@resvg/resvg-js')]);
  const several = spec.series.length > 1;
  const height = 120 + spec.labels.length * (several ? 56 : 40);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: { text: cut(spec.title, 90), left: 16, top: 12, textStyle: { fontSize: 16, fontFamily: FONT_FAMILY } },
    legend: several ? { top: 40, data: spec.series.map((s) => s.name) } : undefined,
    grid: { left: 16, right: 48, top: several ? 72 : 52, bottom: 16, containLabel: true },
    xAxis: { type: 'value', ...(spec.counts ? { minInterval: 1 } : {}), ...(spec.max !== undefined ? { max: spec.max } : {}) },
    yAxis: { type: 'category', data: spec.labels.map((l) => cut(l, 52)).reverse() },
    series: spec.series.map((s) => ({ name: s.name, type: 'bar', data: [...s.values].reverse(), label: { show: true, position: 'right' }, itemStyle: { color: s.color } })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  const png = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: [font()], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY } }).render().asPng();
  return new Uint8Array(png);
}
