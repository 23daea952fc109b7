/**
 * `npm start`'s closing table: one row per auth mode, read from each run's summary data, so the
 * cost of each way of logging in shows side by side (requests/s, p95 protected, p95 refresh,
 * logins, refreshes, errors).
 */

import { escapeCell } from './markdown.ts';
import type { SummaryData } from './summary-data.ts';
import {
  alignColumns,
  collectAuthCounts,
  collectEndpointRows,
  formatFixed,
  MISSING,
} from './table.ts';

export interface ModeRun {
  mode: string;
  /** k6's exit code: 0 pass, 99 thresholds crossed, anything else a failed run. */
  exitCode: number;
  /** The run's summary.json; undefined when k6 wrote none. */
  data: SummaryData | undefined;
}

export interface ModeRow {
  mode: string;
  protectedPerSecond: number | null;
  protectedP95Ms: number | null;
  refreshP95Ms: number | null;
  logins: number | null;
  refreshes: number | null;
  /** Failed HTTP requests (`http_req_failed`), any endpoint. */
  errors: number | null;
  verdict: 'passed' | 'thresholds crossed' | 'failed';
}

const MODE_HEADERS = [
  'mode',
  'protected req/s',
  'p95 protected ms',
  'p95 refresh ms',
  'logins',
  'refreshes',
  'errors',
  'thresholds',
];

/** One row per run, in the order given. */
export function compareModes(runs: readonly ModeRun[]): ModeRow[] {
  return runs.map(({ mode, exitCode, data }) => {
    const verdict = exitCode === 0 ? 'passed' : exitCode === 99 ? 'thresholds crossed' : 'failed';
    if (data === undefined) {
      return {
        mode,
        protectedPerSecond: null,
        protectedP95Ms: null,
        refreshP95Ms: null,
        logins: null,
        refreshes: null,
        errors: null,
        verdict,
      };
    }
    const endpoints = collectEndpointRows(data);
    const protectedRow = endpoints.find((row) => row.endpoint === 'protected');
    const refreshRow = endpoints.find((row) => row.endpoint === 'refresh');
    const auth = collectAuthCounts(data);
    return {
      mode,
      protectedPerSecond: protectedRow?.requestsPerSecond ?? null,
      protectedP95Ms: protectedRow?.p95Ms ?? null,
      refreshP95Ms: refreshRow?.p95Ms ?? null,
      logins: auth.logins,
      refreshes: auth.refreshes,
      errors: data.metrics.http_req_failed?.values.passes ?? 0,
      verdict,
    };
  });
}

function cells(row: ModeRow): string[] {
  const count = (value: number | null) => (value === null ? MISSING : String(value));
  return [
    row.mode,
    formatFixed(row.protectedPerSecond),
    formatFixed(row.protectedP95Ms),
    formatFixed(row.refreshP95Ms),
    count(row.logins),
    count(row.refreshes),
    count(row.errors),
    row.verdict,
  ];
}

/** The terminal table. */
export function formatModeTable(rows: readonly ModeRow[]): string {
  return alignColumns([MODE_HEADERS, ...rows.map(cells)]);
}

/** The Markdown table, for comparison.md. */
export function formatModeMarkdown(rows: readonly ModeRow[]): string {
  const align = MODE_HEADERS.map((_, i) =>
    i === 0 || i === MODE_HEADERS.length - 1 ? ':--' : '--:',
  );
  return [MODE_HEADERS, align, ...rows.map((row) => cells(row).map(escapeCell))]
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n');
}

/**
 * The exit code for the whole demo: the first failed run's code (a broken run says more than a
 * crossed threshold), else 99 when any run crossed a threshold, else 0.
 */
export function overallExitCode(runs: readonly Pick<ModeRun, 'exitCode'>[]): number {
  const failed = runs.find((run) => run.exitCode !== 0 && run.exitCode !== 99);
  if (failed !== undefined) return failed.exitCode;
  return runs.some((run) => run.exitCode === 99) ? 99 : 0;
}

/** The result files one mode's run left in its folder (none when k6 wrote nothing). */
export interface ModeFiles {
  mode: string;
  /** File names in `<root>/<mode>/`, as found on disk after the run. */
  files: readonly string[];
}

/** The order a reader looks for them in; any other file follows, by name. */
const RESULT_FILE_ORDER = ['index.html', 'summary.md', 'report.html', 'summary.json', 'junit.xml'];

function orderFiles(files: readonly string[]): string[] {
  const rank = (file: string) => {
    const index = RESULT_FILE_ORDER.indexOf(file);
    return index === -1 ? RESULT_FILE_ORDER.length : index;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * The closing "Results:" line of `npm start`: each mode's folder with the files that are really
 * in it, so a failed mode (no summary, no report) is not promised files it never wrote.
 */
export function formatResultsLine(root: string, modes: readonly ModeFiles[]): string {
  const parts = modes.map(({ mode, files }) =>
    files.length === 0
      ? `${mode}/ (no files: k6 wrote none)`
      : `${mode}/ (${orderFiles(files).join(', ')})`,
  );
  return `Results: ${root}/: ${[...parts, 'comparison.md'].join('; ')}`;
}

/** comparison.md's links to each mode's summary.md, only for the modes that wrote one. */
export function formatModeLinks(modes: readonly ModeFiles[]): string {
  const linked = modes.filter(({ files }) => files.includes('summary.md'));
  if (linked.length === 0) return 'No mode wrote a summary.md.';
  return `Each mode's full results: ${linked.map(({ mode }) => `[${mode}](${mode}/summary.md)`).join(', ')}.`;
}

/**
 * The closing line when some mode did not pass: where to look, pointing at a summary.md only for
 * the modes that wrote one (a run that failed at init has only k6's error, printed above).
 */
export function formatNotPassedLine(
  notPassed: readonly string[],
  modes: readonly ModeFiles[],
  exitCode: number,
): string {
  const withSummary = notPassed.filter((mode) =>
    modes.some((entry) => entry.mode === mode && entry.files.includes('summary.md')),
  );
  const where =
    withSummary.length === notPassed.length
      ? 'see their summary.md'
      : withSummary.length === 0
        ? "no results were written: see k6's errors above"
        : `see the summary.md of ${withSummary.join(', ')}; the others wrote no results`;
  return `Not passed in: ${notPassed.join(', ')}; ${where} (exit code ${exitCode}).`;
}
