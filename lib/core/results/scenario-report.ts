/**
 * The scenario-specific section of a run's results: the capacity figure, the soak's windows, or a
 * storm's peak. Rendered for the terminal and for summary.md (appended after the toolkit's own
 * summary), plus a JSON file for machines where one is useful (capacity.json for release gates,
 * soak.json for the soak's windows and drift verdict).
 */

import type { ScenarioPlan } from '../scenario/shapes.ts';
import { type CapacityFigure, findCapacity, stepVerdict } from './capacity.ts';
import { escapeCell } from './markdown.ts';
import type { Breach, Slo } from './phases.ts';
import { compareWindows, type SoakComparison } from './soak-windows.ts';
import { findStormPeaks, type StormPeaks } from './storm-peaks.ts';
import type { SummaryData } from './summary-data.ts';
import { alignColumns, formatFixed, formatPercent, MISSING } from './table.ts';

export interface PhaseReportOutput {
  /** For the terminal, after the endpoint table. */
  text: string;
  /** Appended to summary.md. */
  markdown: string;
  /** An extra result file, by name (e.g. "capacity.json"). */
  files: Record<string, string>;
}

function markdownTable(headers: string[], rows: string[][], leftAligned: number): string {
  const align = headers.map((_, index) => (index < leftAligned ? ':--' : '--:'));
  return [headers, align, ...rows.map((row) => row.map(escapeCell))]
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n');
}

/** Numbers right-aligned; the last column (a verdict in words) left-aligned after them. */
function textTable(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const lines = alignColumns(all.map((row) => row.slice(0, -1))).split('\n');
  const width = Math.max(...lines.map((line) => line.length));
  return lines
    .map((line, i) => {
      const row = all[i] ?? [];
      return `${line.padEnd(width)}  ${row[row.length - 1] ?? ''}`.trimEnd();
    })
    .join('\n');
}

function section(
  title: string,
  sentence: string,
  headers: string[],
  rows: string[][],
  verdictLast = true,
) {
  const table = verdictLast ? textTable(headers, rows) : alignColumns([headers, ...rows]);
  const text = `  █ ${title.toUpperCase()}\n\n  ${sentence}\n\n${table}\n`;
  const markdown = `\n## ${title}\n\n${escapeCell(sentence)}\n\n${markdownTable(headers, rows, 1)}\n`;
  return { text, markdown };
}

function breachCell(breaches: readonly Breach[]): string {
  const first = breaches[0];
  if (first === undefined) return 'held';
  const more = breaches.length > 1 ? ` (+${breaches.length - 1} more)` : '';
  return `broke ${first.metric} ${first.expression}: ${first.observed}${more}`;
}

/** A time into the run, short: 1500 → "1.5s", 90000 → "1m30s", 5400000 → "1h30m". */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
  return `${m}m${s > 0 ? `${s}s` : ''}`;
}

function capacitySection(figure: CapacityFigure) {
  const rows = figure.steps.map((step) => [
    String(step.step),
    String(step.targetRate),
    formatFixed(step.achievedRate),
    step.complete ? 'yes' : 'no',
    stepVerdict(step),
  ]);
  const headers = ['step', 'target/s', 'achieved/s', 'complete', 'SLO'];
  return section('Capacity', figure.sentence, headers, rows);
}

function soakSection(comparison: SoakComparison) {
  const rows = comparison.windows.map((row) => [
    row.name,
    formatElapsed(row.startMs),
    formatElapsed(row.endMs),
    formatFixed(row.protectedPerSecond),
    formatFixed(row.protectedP95Ms),
    formatFixed(row.refreshP95Ms),
    formatFixed(row.refreshesPerMinute),
    row.relogins === null ? MISSING : String(row.relogins),
    formatPercent(row.errorRate),
    breachCell(row.breaches),
  ]);
  const headers = [
    'window',
    'from',
    'to',
    'protected/s',
    'p95 protected ms',
    'p95 refresh ms',
    'refreshes/min',
    'relogins',
    'errors',
    'SLO',
  ];
  return section('Soak windows', comparison.sentence, headers, rows);
}

function stormSection(title: string, peaks: StormPeaks) {
  const sentence =
    peaks.metric === 'auth_logins' && peaks.secondsUntilAllVus !== null
      ? `${peaks.sentence}; all ${peaks.vus} VUs logged in within ${peaks.secondsUntilAllVus} s`
      : peaks.sentence;
  // The busiest buckets, busiest first: the whole timeline is in the dashboard (report.html).
  const busiest = peaks.perBucket
    .map((count, index) => ({ count, index }))
    .filter((bucket) => bucket.count > 0)
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .slice(0, 5);
  const rows = busiest.map(({ count, index }) => [
    `${index * peaks.bucketSeconds}s`,
    String(count),
    formatFixed(count / peaks.bucketSeconds),
  ]);
  const what = peaks.metric === 'auth_logins' ? 'logins' : 'refreshes';
  return section(title, sentence, ['busiest seconds', what, `${what}/s`], rows, false);
}

/** The scenario's extra section, or null when it has none (smoke, load, stress, spike). */
export function renderPhaseReport(
  plan: ScenarioPlan,
  slos: readonly Slo[],
  data: SummaryData,
): PhaseReportOutput | null {
  switch (plan.phaseReport) {
    case null:
      return null;
    case 'capacity': {
      const figure = findCapacity(plan.phases, slos, data);
      const json = {
        heldRate: figure.heldRate,
        brokeAtRate: figure.brokeAtRate,
        maxRate: figure.maxRate,
        heldAll: figure.heldAll,
        unit: 'iterations/s (one protected request each)',
        sentence: figure.sentence,
        steps: figure.steps,
      };
      return {
        ...capacitySection(figure),
        files: { 'capacity.json': `${JSON.stringify(json, null, 2)}\n` },
      };
    }
    case 'soak': {
      // soak.json: the windows and the verdict for index.html and for comparing with last night.
      const comparison = compareWindows(plan.phases, slos, data);
      return {
        ...soakSection(comparison),
        files: { 'soak.json': `${JSON.stringify(comparison, null, 2)}\n` },
      };
    }
    case 'refresh-storm':
    case 'login-storm': {
      const vus = plan.executor.executor === 'constant-vus' ? plan.executor.vus : 0;
      const metric = plan.phaseReport === 'refresh-storm' ? 'auth_refreshes' : 'auth_logins';
      const title = plan.phaseReport === 'refresh-storm' ? 'Refresh storm' : 'Login storm';
      return { ...stormSection(title, findStormPeaks(plan.phases, metric, vus, data)), files: {} };
    }
  }
}
