/**
 * index.html, the page a person opens first in a result folder: the verdict, the scenario's own
 * sentence (capacity figure, soak drift), every chart inline as SVG, the thresholds table, the
 * endpoints over the whole run, and links to the other files. One self-contained file: no
 * script, no stylesheet or font fetched, so it works offline and with JavaScript off. Every
 * interpolated text is HTML-escaped.
 */

import { escapeXml as escapeHtml } from './escape-xml.ts';
import { LogHistogram } from './histogram.ts';
import { orderEndpoints, type ResultFolder } from './result-charts.ts';
import { formatElapsed } from './scenario-report.ts';
import { listThresholds, round } from './summary-data.ts';

export { escapeHtml };

/** A chart as the page embeds it, and the file it is also written to (relative to the folder). */
export interface PageChart {
  id: string;
  title: string;
  svg: string;
  file: string;
}

/** A link to a file in the folder; `present` false renders it as missing, with the reason. */
export interface PageLink {
  file: string;
  label: string;
  present: boolean;
  missingReason?: string;
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 920px; color: #222; padding: 0 12px; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.verdict { font-size: 1.1em; padding: 8px 12px; border-radius: 4px; display: inline-block; }
.passed { background: #e6f4ea; color: #1e4620; } .failed { background: #fce8e6; color: #5f1410; }
.sentence { background: #f5f5f5; padding: 8px 12px; border-left: 4px solid #888; }
figure { margin: 16px 0; } figcaption { font-size: 0.9em; color: #555; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
table { border-collapse: collapse; font-size: 0.92em; } th, td { padding: 4px 10px; border-bottom: 1px solid #e5e5e5; text-align: right; }
th:first-child, td:first-child, td.text, th.text { text-align: left; } code { font-size: 0.95em; }
.ok { color: #1e7b34; } .crossed { color: #b3261e; font-weight: 600; } .missing { color: #888; }
`;

function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns = 1,
): string {
  const cell = (tag: string, value: string, index: number) =>
    `<${tag}${index < textColumns ? ' class="text"' : ''}>${value}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${headers.map((header, i) => cell('th', escapeHtml(header), i)).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.map((value, i) => cell('td', value, i)).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

function fixed(value: number | null, digits = 2): string {
  return value === null ? '–' : value.toFixed(digits);
}

function thresholdsSection(folder: ResultFolder): string {
  if (folder.summary === null)
    return '<p class="missing">No summary.json: k6 wrote no end-of-test summary.</p>';
  const thresholds = listThresholds(folder.summary);
  if (thresholds.length === 0) return '<p>The run had no thresholds.</p>';
  const rows = thresholds.map((result) => [
    `<code>${escapeHtml(result.metric)}</code>`,
    `<code>${escapeHtml(result.expression)}</code>`,
    escapeHtml(result.observed ?? '–'),
    result.ok ? '<span class="ok">held</span>' : '<span class="crossed">crossed</span>',
  ]);
  return table(['metric', 'threshold', 'observed', 'result'], rows, 2);
}

function endpointsSection(folder: ResultFolder): string {
  const series = folder.series;
  if (series === null) return '';
  const seconds = (series.auth.length * series.windowMs) / 1000;
  const rows = orderEndpoints(Object.keys(series.endpoints)).map((endpoint) => {
    const windows = series.endpoints[endpoint] ?? [];
    const requests = windows.reduce((sum, window) => sum + window.requests, 0);
    const errors = windows.reduce((sum, window) => sum + window.errors, 0);
    const encoded = series.histograms[endpoint];
    const histogram = encoded === undefined ? null : LogHistogram.decode(encoded);
    const quantile = (q: number) => fixed(histogram?.quantile(q) ?? null);
    return [
      escapeHtml(endpoint),
      String(requests),
      fixed(seconds > 0 ? requests / seconds : null),
      quantile(0.5),
      quantile(0.95),
      quantile(0.99),
      requests === 0 ? '–' : `${((errors / requests) * 100).toFixed(2)}%`,
    ];
  });
  return [
    '<h2>Endpoints over the whole run</h2>',
    '<p>From series.json: percentiles in ms from its whole-run histograms (within 1 %); errors are requests with <code>http_req_failed</code> true.</p>',
    table(['endpoint', 'requests', 'requests/s', 'p50', 'p95', 'p99', 'errors'], rows),
  ].join('\n');
}

function verdict(folder: ResultFolder): string {
  if (folder.summary === null)
    return '<p class="verdict failed">no summary: the run ended before k6 summarised it</p>';
  const thresholds = listThresholds(folder.summary);
  const crossed = thresholds.filter((result) => !result.ok).length;
  return crossed === 0
    ? `<p class="verdict passed">passed: all ${thresholds.length} thresholds held</p>`
    : `<p class="verdict failed">failed: ${crossed} of ${thresholds.length} thresholds crossed</p>`;
}

function facts(folder: ResultFolder): string {
  const items: string[] = [];
  if (folder.summary !== null) {
    items.push(
      `Test run duration: ${escapeHtml(round(folder.summary.state.testRunDurationMs / 1000))} s`,
    );
  }
  if (folder.series !== null) {
    items.push(
      `Started: ${escapeHtml(folder.series.startedAt)}`,
      `Time series: ${folder.series.auth.length} windows of ${escapeHtml(formatElapsed(folder.series.windowMs))}`,
    );
  }
  return items.length === 0 ? '' : `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
}

function linksSection(links: readonly PageLink[]): string {
  const items = links.map((link) =>
    link.present
      ? `<li><a href="${escapeHtml(link.file)}">${escapeHtml(link.file)}</a>: ${escapeHtml(link.label)}</li>`
      : `<li class="missing">${escapeHtml(link.file)}: ${escapeHtml(link.label)} (not written${link.missingReason ? `: ${escapeHtml(link.missingReason)}` : ''})</li>`,
  );
  return `<ul>${items.join('\n')}</ul>`;
}

/** The whole page. `charts` are in page order; `links` name the folder's other files. */
export function renderIndexPage(
  folder: ResultFolder,
  charts: readonly PageChart[],
  links: readonly PageLink[],
): string {
  const sentences = [folder.capacity?.sentence, folder.soak?.sentence].filter(
    (sentence): sentence is string => sentence !== undefined,
  );
  const figures = charts.map(
    (chart) =>
      `<figure id="figure-${escapeHtml(chart.id)}">\n${chart.svg}<figcaption>${escapeHtml(chart.title)} (<a href="${escapeHtml(chart.file)}">${escapeHtml(chart.file)}</a>)</figcaption></figure>`,
  );
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(folder.scenario)}: k6 results</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(folder.scenario)}: k6 results</h1>`,
    verdict(folder),
    ...sentences.map((sentence) => `<p class="sentence">${escapeHtml(sentence)}</p>`),
    facts(folder),
    '<h2>Charts</h2>',
    charts.length === 0
      ? '<p class="missing">No chart: the run left no time series (series.json) and no step or window data.</p>'
      : figures.join('\n'),
    '<h2>Thresholds</h2>',
    thresholdsSection(folder),
    endpointsSection(folder),
    '<h2>Files</h2>',
    linksSection(links),
    '</body></html>',
    '',
  ].join('\n');
}
