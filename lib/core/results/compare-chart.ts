/**
 * Overlay charts of a comparison as inline SVG (no script, no CDN): baseline and current p95 per
 * window for each endpoint, per step for a capacity run, per window for a soak. Pure strings, so
 * the same charts can move into a result folder's index.html; compare.html is the page they make
 * on their own.
 */
import type { Comparison } from './compare.ts';
import type { RunDigest } from './run-digest.ts';

export interface ChartSeries {
  label: string;
  /** A CSS colour. */
  color: string;
  /** Dashed line (the baseline), for telling the two apart in greyscale too. */
  dashed: boolean;
  points: ReadonlyArray<{ x: number; y: number }>;
}

export interface OverlayChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
}

const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** About five round tick values from 0 to at least `max`. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  const ticks: number[] = [];
  for (let value = 0; value < max + step * 0.999; value += step)
    ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

function tickText(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : `${Number(value.toPrecision(3))}`;
}

/** One chart as an `<svg>` element: axes with ticks, a line and dots per series, a legend. */
export function renderOverlaySvg(chart: OverlayChart): string {
  const all = chart.series.flatMap((s) => s.points);
  const xMax = Math.max(1e-9, ...all.map((p) => p.x));
  const xMin = Math.min(xMax, ...all.map((p) => p.x));
  const yTicks = niceTicks(Math.max(0, ...all.map((p) => p.y)));
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) =>
    MARGIN.left + (xMax === xMin ? plotW / 2 : ((x - xMin) / (xMax - xMin)) * plotW);
  const sy = (y: number) => MARGIN.top + plotH - (y / yMax) * plotH;
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(chart.title)}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<text x="${MARGIN.left}" y="16" font-size="13" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  for (const tick of yTicks) {
    const y = f(sy(tick));
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text class="y-tick" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickText(tick)}</text>`,
    );
  }
  const xTicks = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const every = Math.max(1, Math.ceil(xTicks.length / 10));
  xTicks.forEach((tick, index) => {
    if (index % every !== 0) return;
    parts.push(
      `<text class="x-tick" x="${f(sx(tick))}" y="${HEIGHT - MARGIN.bottom + 14}" text-anchor="middle">${tickText(tick)}</text>`,
    );
  });
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text x="12" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 12 ${MARGIN.top + plotH / 2})">${escapeXml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, index) => {
    const sorted = [...series.points].sort((a, b) => a.x - b.x);
    const path = sorted.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(' ');
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<polyline class="series" data-series="${escapeXml(series.label)}" fill="none" stroke="${series.color}" stroke-width="2"${dash} points="${path}"/>`,
      ...sorted.map(
        (p) => `<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="2.5" fill="${series.color}"/>`,
      ),
    );
    const lx = WIDTH - MARGIN.right - 150;
    const ly = MARGIN.top + 4 + index * 16;
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 28}" y="${ly}" dominant-baseline="middle">${escapeXml(series.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const BASELINE_COLOR = '#7a7a7a';
const CURRENT_COLOR = '#d62728';

function pair(
  title: string,
  xLabel: string,
  yLabel: string,
  baseline: Array<{ x: number; y: number }>,
  current: Array<{ x: number; y: number }>,
): OverlayChart | null {
  if (baseline.length === 0 && current.length === 0) return null;
  return {
    title,
    xLabel,
    yLabel,
    series: [
      { label: 'baseline', color: BASELINE_COLOR, dashed: true, points: baseline },
      { label: 'current', color: CURRENT_COLOR, dashed: false, points: current },
    ],
  };
}

function windowPoints(digest: RunDigest, endpoint: string): Array<{ x: number; y: number }> {
  return (digest.windows.endpoints[endpoint] ?? []).flatMap((w) =>
    w.p95Ms === null ? [] : [{ x: w.t / 1000, y: w.p95Ms }],
  );
}

/** The overlay charts a comparison has data for: capacity steps, then p95 per window per endpoint. */
export function comparisonCharts(baseline: RunDigest, current: RunDigest): OverlayChart[] {
  const charts: OverlayChart[] = [];
  if (baseline.capacity !== null && current.capacity !== null) {
    const steps = (d: RunDigest) =>
      (d.capacity?.steps ?? []).flatMap((s) =>
        s.protectedP95Ms === null ? [] : [{ x: s.targetRate, y: s.protectedP95Ms }],
      );
    const chart = pair(
      'protected p95 per capacity step',
      'step target rate (iterations/s)',
      'p95 ms',
      steps(baseline),
      steps(current),
    );
    if (chart !== null) charts.push(chart);
  }
  const endpoints = [
    ...new Set([
      ...Object.keys(baseline.windows.endpoints),
      ...Object.keys(current.windows.endpoints),
    ]),
  ];
  for (const endpoint of endpoints) {
    const chart = pair(
      `${endpoint} p95 per window`,
      'seconds into the run',
      'p95 ms',
      windowPoints(baseline, endpoint),
      windowPoints(current, endpoint),
    );
    if (chart?.series.some((s) => s.points.length > 0)) charts.push(chart);
  }
  return charts;
}

/** compare.html: the verdict, the overlay charts and compare.md's table as preformatted text. */
export function renderCompareHtml(
  comparison: Comparison,
  charts: readonly OverlayChart[],
  markdown: string,
): string {
  const verdict = comparison.verdict;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>k6 compare: ${escapeXml(comparison.scenario)} (${verdict})</title>`,
    '<style>body{font-family:sans-serif;margin:1.5rem;max-width:60rem}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}.worse{color:#b00}.better{color:#070}</style>',
    '</head><body>',
    `<h1>k6 compare: ${escapeXml(comparison.scenario)} — <span class="${verdict}">${verdict}</span></h1>`,
    ...comparison.worse.map(
      (r) => `<p class="worse">worse: ${escapeXml(`${r.group} ${r.label}`)}</p>`,
    ),
    charts.length === 0
      ? '<p>No per-window values in either run: nothing to chart.</p>'
      : charts.map((chart) => `<figure>${renderOverlaySvg(chart)}</figure>`).join('\n'),
    `<pre>${escapeXml(markdown)}</pre>`,
    '</body></html>',
    '',
  ].join('\n');
}

/**
 * A result folder's index.html with the comparison as its own section (the verdict, what got
 * worse, the overlay charts, a link to compare.md and compare.html) before `</body>`; an earlier
 * comparison's section is replaced, so compare can run again.
 */
export function withComparisonSection(
  indexHtml: string,
  comparison: Comparison,
  charts: readonly OverlayChart[],
): string {
  const verdict = comparison.verdict;
  const section = [
    '<section id="comparison">',
    `<h2>Compared with the baseline: <span class="${verdict}">${verdict}</span></h2>`,
    ...comparison.worse.map(
      (r) => `<p class="worse">worse: ${escapeXml(`${r.group} ${r.label}`)}</p>`,
    ),
    ...charts.map((chart) => `<figure>${renderOverlaySvg(chart)}</figure>`),
    '<p><a href="compare.md">compare.md</a> · <a href="compare.html">compare.html</a></p>',
    '</section>',
  ].join('\n');
  const without = indexHtml.replace(/<section id="comparison">[\s\S]*?<\/section>\n?/, '');
  const end = without.lastIndexOf('</body>');
  return end === -1
    ? `${without}${section}\n`
    : `${without.slice(0, end)}${section}\n${without.slice(end)}`;
}
