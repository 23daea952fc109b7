/**
 * Overlay charts of a comparison: baseline and current p95 per window for each endpoint, per step
 * for a capacity run, per window for a soak, as chart specs that charts.ts draws (the one SVG
 * writer), so they read like the result folder's own charts; compare.html is the page they make
 * on their own, and the same charts go into the result folder's index.html.
 */
import { type LineChart, PALETTE, type Point, renderLineChart, timeTicks } from './charts.ts';
import type { Comparison } from './compare.ts';
import { escapeXml } from './escape-xml.ts';
import type { RunDigest } from './run-digest.ts';
import { formatElapsed } from './scenario-report.ts';

const BASELINE_COLOR = PALETTE.grey;
const CURRENT_COLOR = PALETTE.red;

function pair(
  id: string,
  title: string,
  axes: Pick<LineChart, 'xLabel' | 'yLabel' | 'formatX'> & Partial<Pick<LineChart, 'ticksX'>>,
  baseline: Point[],
  current: Point[],
): LineChart | null {
  if (baseline.length === 0 && current.length === 0) return null;
  return {
    id,
    title,
    ...axes,
    series: [
      { label: 'baseline', color: BASELINE_COLOR, dashed: true, dots: true, points: baseline },
      { label: 'current', color: CURRENT_COLOR, dots: true, points: current },
    ],
  };
}

function windowPoints(digest: RunDigest, endpoint: string): Point[] {
  return (digest.windows.endpoints[endpoint] ?? []).flatMap((w): Point[] =>
    w.p95Ms === null ? [] : [[w.t, w.p95Ms]],
  );
}

/** The overlay charts a comparison has data for: capacity steps, then p95 per window per endpoint. */
export function comparisonCharts(baseline: RunDigest, current: RunDigest): LineChart[] {
  const charts: LineChart[] = [];
  if (baseline.capacity !== null && current.capacity !== null) {
    const steps = (d: RunDigest) =>
      (d.capacity?.steps ?? []).flatMap((s): Point[] =>
        s.protectedP95Ms === null ? [] : [[s.targetRate, s.protectedP95Ms]],
      );
    const chart = pair(
      'compare-capacity-steps',
      'protected p95 per capacity step',
      {
        xLabel: 'step target rate (iterations/s)',
        yLabel: 'p95 ms',
        formatX: (x) => `${Math.round(x * 10) / 10}/s`,
      },
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
      `compare-${endpoint.replace(/[^a-z0-9-]/g, '-')}-windows`,
      `${endpoint} p95 per window`,
      { xLabel: 'time into the run', yLabel: 'p95 ms', formatX: formatElapsed, ticksX: timeTicks },
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
  charts: readonly LineChart[],
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
      : charts.map((chart) => `<figure>${renderLineChart(chart)}</figure>`).join('\n'),
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
  charts: readonly LineChart[],
): string {
  const verdict = comparison.verdict;
  const section = [
    '<section id="comparison">',
    `<h2>Compared with the baseline: <span class="${verdict}">${verdict}</span></h2>`,
    ...comparison.worse.map(
      (r) => `<p class="worse">worse: ${escapeXml(`${r.group} ${r.label}`)}</p>`,
    ),
    ...charts.map((chart) => `<figure>${renderLineChart(chart)}</figure>`),
    '<p><a href="compare.md">compare.md</a> · <a href="compare.html">compare.html</a></p>',
    '</section>',
  ].join('\n');
  const without = indexHtml.replace(/<section id="comparison">[\s\S]*?<\/section>\n?/, '');
  const end = without.lastIndexOf('</body>');
  return end === -1
    ? `${without}${section}\n`
    : `${without.slice(0, end)}${section}\n${without.slice(end)}`;
}
