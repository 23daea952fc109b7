/**
 * Charts as SVG strings, for index.html (inlined) and for charts/*.svg beside summary.md (a CI job
 * summary can show them). Static: no script, no font or style from elsewhere, nothing fetched, so
 * they read the same offline, in a browser with JavaScript off, and in a Markdown viewer. Every
 * interpolated text is XML-escaped.
 */
import { escapeXml } from './escape-xml.ts';

/** A point's y is null where there is nothing to draw (a window without requests): a gap. */
export type Point = readonly [x: number, y: number | null];

export interface LineSeries {
  label: string;
  points: readonly Point[];
  color: string;
  /** Dashed, for a secondary line (a target next to what was achieved). */
  dashed?: boolean;
  /** A dot at every point (few points, each one a measurement: capacity steps, soak windows). */
  dots?: boolean;
}

/** A horizontal reference line: an SLO, a capacity figure. */
export interface ReferenceLine {
  y: number;
  label: string;
  color: string;
}

/** A vertical mark at an x: a step where the SLO broke. */
export interface MarkerLine {
  x: number;
  label: string;
  color: string;
}

export interface LineChart {
  /** Names the file and the element id: `[a-z0-9-]+`. */
  id: string;
  title: string;
  /** One sentence under the title (a verdict, what the line means). */
  caption?: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  references?: readonly ReferenceLine[];
  markers?: readonly MarkerLine[];
  formatX: (x: number) => string;
  /** The x ticks for a range (default `niceTicks`; `timeTicks` for ms into a run). */
  ticksX?: (min: number, max: number) => number[];
  /** The y axis starts at 0 unless the data goes below. */
  yMin?: number;
  /** At least this top, so a flat 0 line still gets an axis (e.g. 1 for a rate in %). */
  yMaxAtLeast?: number;
}

export const PALETTE = {
  blue: '#1f77b4',
  orange: '#ff7f0e',
  green: '#2ca02c',
  red: '#d62728',
  purple: '#9467bd',
  grey: '#7f7f7f',
  brown: '#8c564b',
} as const;

const WIDTH = 860;
const HEIGHT = 300;
const MARGIN = { top: 44, right: 24, bottom: 64, left: 68 } as const;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

/** About `count` round tick values (1, 2 or 5 × 10^k apart) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  // d3's rule: the factor nearest to the raw step on a log scale (√2, √10, √50 between them).
  const ratio = raw / magnitude;
  const step =
    (ratio >= Math.sqrt(50) ? 10 : ratio >= Math.sqrt(10) ? 5 : ratio >= Math.SQRT2 ? 2 : 1) *
    magnitude;
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
  }
  return ticks;
}

/** A tick label: no more digits than the step needs. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return `${Number((value / 1_000_000).toPrecision(3))}M`;
  if (abs >= 10_000) return `${Number((value / 1000).toPrecision(3))}k`;
  return `${Number(value.toPrecision(3))}`;
}

/** About what fits on one line of the chart at 12 px; the whole caption is in the <title>. */
const CAPTION_MAX_CHARS = 125;

function fitCaption(caption: string): string {
  return caption.length <= CAPTION_MAX_CHARS
    ? caption
    : `${caption.slice(0, CAPTION_MAX_CHARS - 1)}…`;
}

function num(value: number): string {
  return `${Math.round(value * 10) / 10}`;
}

/** The path data of a series: `M` at the start and after every gap, `L` between. */
export function pathData(points: readonly (readonly [number, number] | null)[]): string {
  let d = '';
  let drawing = false;
  for (const point of points) {
    if (point === null) {
      drawing = false;
      continue;
    }
    d += `${drawing ? 'L' : d === '' ? 'M' : ' M'}${num(point[0])},${num(point[1])}`;
    drawing = true;
  }
  return d;
}

function extent(chart: LineChart): { xMin: number; xMax: number; yMin: number; yMax: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const series of chart.series) {
    for (const [x, y] of series.points) {
      xs.push(x);
      if (y !== null) ys.push(y);
    }
  }
  for (const marker of chart.markers ?? []) xs.push(marker.x);
  const xMin = xs.length === 0 ? 0 : Math.min(...xs);
  const xMax = xs.length === 0 ? 1 : Math.max(...xs);
  const yMin = Math.min(chart.yMin ?? 0, ...ys);
  const dataTop = Math.max(chart.yMaxAtLeast ?? 0, ...ys);
  // A reference line far above the data would flatten it against the axis: such a line becomes
  // a note instead (the data is well within it, which is what the reader needs to see).
  const within = visibleReferences(chart, dataTop).map((reference) => reference.y);
  const top = Math.max(dataTop, ...within);
  const yMax = top > yMin ? top * 1.08 : yMin + 1;
  return { xMin, xMax: xMax > xMin ? xMax : xMin + 1, yMin, yMax };
}

/** A reference more than this many times the data's top is written as a note, not drawn. */
const FAR_ABOVE = 4;

function visibleReferences(chart: LineChart, dataTop: number): ReferenceLine[] {
  return (chart.references ?? []).filter(
    (reference) => dataTop <= 0 || reference.y <= dataTop * FAR_ABOVE,
  );
}

const TIME_STEPS_MS = [
  100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Ticks for a time axis in ms: whole seconds, minutes or hours, about six of them. */
export function timeTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const step =
    TIME_STEPS_MS.find((candidate) => candidate >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + 1e-9; tick += step) ticks.push(tick);
  return ticks;
}

/**
 * A line chart as a standalone SVG document: axes with round ticks, one line per series (dots
 * where a point stands alone), dashed reference lines with their labels, and a legend.
 */
export function renderLineChart(chart: LineChart): string {
  const { xMin, xMax, yMin, yMax: rawMax } = extent(chart);
  const yTicks = niceTicks(yMin, rawMax);
  const yMax = Math.max(rawMax, yTicks[yTicks.length - 1] ?? rawMax);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
  const bottom = MARGIN.top + plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" id="chart-${escapeXml(chart.id)}" class="chart" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-${escapeXml(chart.id)}-title" ${FONT} font-size="12">`,
    `<title id="chart-${escapeXml(chart.id)}-title">${escapeXml(chart.title)}${chart.caption ? `: ${escapeXml(chart.caption)}` : ''}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="15" font-weight="600" fill="#222">${escapeXml(chart.title)}</text>`,
  );
  if (chart.caption) {
    parts.push(
      `<text x="${MARGIN.left}" y="36" fill="#555">${escapeXml(fitCaption(chart.caption))}</text>`,
    );
  }
  // Grid and y ticks.
  parts.push('<g class="y-axis">');
  for (const tick of yTicks) {
    const y = num(sy(tick));
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${y}" dy="4" text-anchor="end" fill="#444">${escapeXml(formatTick(tick))}</text>`,
    );
  }
  parts.push(
    `<text x="16" y="${num(MARGIN.top + plotH / 2)}" transform="rotate(-90 16 ${num(MARGIN.top + plotH / 2)})" text-anchor="middle" fill="#444">${escapeXml(chart.yLabel)}</text>`,
    '</g>',
  );
  parts.push('<g class="x-axis">');
  for (const x of (chart.ticksX ?? niceTicks)(xMin, xMax)) {
    parts.push(
      `<line x1="${num(sx(x))}" x2="${num(sx(x))}" y1="${bottom}" y2="${bottom + 4}" stroke="#444"/>`,
      `<text class="tick" x="${num(sx(x))}" y="${bottom + 17}" text-anchor="middle" fill="#444">${escapeXml(chart.formatX(x))}</text>`,
    );
  }
  parts.push(
    `<text x="${num(MARGIN.left + plotW / 2)}" y="${bottom + 34}" text-anchor="middle" fill="#444">${escapeXml(chart.xLabel)}</text>`,
    '</g>',
    `<path class="axis" d="M${MARGIN.left},${MARGIN.top}V${bottom}H${MARGIN.left + plotW}" fill="none" stroke="#444"/>`,
  );
  const dataTop = Math.max(
    chart.yMaxAtLeast ?? 0,
    ...chart.series.flatMap((series) => series.points.map(([, y]) => y ?? 0)),
  );
  const shown = visibleReferences(chart, dataTop);
  const notes = (chart.references ?? []).filter((reference) => !shown.includes(reference));
  notes.forEach((reference, i) => {
    parts.push(
      `<text class="reference-note" x="${MARGIN.left + plotW - 4}" y="${MARGIN.top + 12 + i * 14}" text-anchor="end" fill="${reference.color}">${escapeXml(`${reference.label}: far above this chart`)}</text>`,
    );
  });
  for (const reference of shown) {
    const y = num(sy(reference.y));
    parts.push(
      `<g class="reference"><line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="${reference.color}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      `<text x="${MARGIN.left + plotW - 4}" y="${y}" dy="-4" text-anchor="end" fill="${reference.color}">${escapeXml(reference.label)}</text></g>`,
    );
  }
  for (const [markerIndex, marker] of (chart.markers ?? []).entries()) {
    const x = num(sx(marker.x));
    parts.push(
      `<g class="marker"><line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${bottom}" stroke="${marker.color}" stroke-width="1.5" stroke-dasharray="3 3"/>`,
      // Labels right of their line, or left of it in the right half, so they stay inside.
      sx(marker.x) > MARGIN.left + plotW / 2
        ? `<text x="${x}" y="${MARGIN.top + 12 + markerIndex * 14}" dx="-4" text-anchor="end" fill="${marker.color}">${escapeXml(marker.label)}</text></g>`
        : `<text x="${x}" y="${MARGIN.top + 12 + markerIndex * 14}" dx="4" fill="${marker.color}">${escapeXml(marker.label)}</text></g>`,
    );
  }
  for (const series of chart.series) {
    const scaled = series.points.map(([x, y]) => (y === null ? null : ([sx(x), sy(y)] as const)));
    const d = pathData(scaled);
    parts.push(
      `<g class="series" data-label="${escapeXml(series.label)}"><path class="data" d="${d}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 3"' : ''} stroke-linejoin="round"/>`,
    );
    // A point with gaps on both sides draws no line: a dot shows it.
    scaled.forEach((point, i) => {
      if (point === null || (!series.dots && (scaled[i - 1] || scaled[i + 1]))) return;
      parts.push(
        `<circle cx="${num(point[0])}" cy="${num(point[1])}" r="2.5" fill="${series.color}"/>`,
      );
    });
    parts.push('</g>');
  }
  // Legend, under the x axis label.
  let legendX = MARGIN.left;
  const legendY = HEIGHT - 10;
  parts.push('<g class="legend">');
  for (const series of chart.series) {
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 18}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="3"${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      `<text x="${legendX + 22}" y="${legendY}" fill="#222">${escapeXml(series.label)}</text>`,
    );
    legendX += 34 + series.label.length * 7;
  }
  parts.push('</g></svg>');
  return `${parts.join('\n')}\n`;
}
