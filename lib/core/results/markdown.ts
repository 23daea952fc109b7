/**
 * summary.md: the run at a glance for a pull request or a wiki page: verdict, the per-endpoint
 * table, the auth counters and every threshold.
 */
import type { SummaryData } from './summary-data.ts';
import { listThresholds, round } from './summary-data.ts';
import {
  AUTH_HEADERS,
  authCells,
  collectAuthCounts,
  collectEndpointRows,
  ENDPOINT_HEADERS,
  endpointCells,
} from './table.ts';
import { runFailureCauses } from './test-stop.ts';

export interface MarkdownOptions {
  scenario: string;
  /** The `THRESHOLDS` profile name, shown as given; empty when the scenario's default was used. */
  thresholdsProfile: string;
  /** The default profile's name, shown when `thresholdsProfile` is empty ("load"). */
  defaultThresholdsProfile?: string;
  /** When the summary was made, epoch milliseconds. */
  generatedAtMs: number;
}

/** Escapes text for a table cell or a line: a pipe would split a cell, markup would format. */
export function escapeCell(text: string): string {
  return text.replace(/([\\|`*_[\]<>#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** A code span: metric names and expressions read as written (`p(95)<300`, `http_reqs`). */
export function codeCell(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}\``;
}

/** A GFM table; cells are already escaped. */
function table(headers: string[], rows: string[][], leftAligned: number): string {
  const align = headers.map((_, index) => (index < leftAligned ? ':--' : '--:'));
  return [headers, align, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** The profile as given with `-e THRESHOLDS`, else the scenario's default, by name when known. */
function profileLabel(options: MarkdownOptions): string {
  if (options.thresholdsProfile) return options.thresholdsProfile;
  const name = options.defaultThresholdsProfile;
  return name ? `scenario default (${name})` : 'scenario default';
}

/** The Markdown report, from sanitised summary data. */
export function formatMarkdown(data: SummaryData, options: MarkdownOptions): string {
  const thresholds = listThresholds(data);
  const crossed = thresholds.filter((result) => !result.ok);
  const causes = runFailureCauses(data);
  const counted = `${crossed.length} of ${thresholds.length} thresholds crossed`;
  // The cause first: a run that stopped or never reached the API is not an SLO failure.
  const verdict =
    causes.length > 0
      ? `**failed**: ${escapeCell(causes.join('; '))} (${counted})`
      : crossed.length === 0
        ? `**passed**: all ${thresholds.length} thresholds held`
        : `**failed**: ${counted}`;
  const thresholdRows = thresholds.map((result) => [
    result.ok ? '✓' : '✗',
    codeCell(result.metric),
    codeCell(result.expression),
    result.observed === undefined ? '–' : codeCell(result.observed),
  ]);
  return [
    `# ${escapeCell(options.scenario)}: k6 results`,
    '',
    `- Result: ${verdict}`,
    `- Thresholds profile: ${escapeCell(profileLabel(options))}`,
    `- Test run duration: ${round(data.state.testRunDurationMs / 1000)} s`,
    `- Generated: ${new Date(options.generatedAtMs).toISOString()}`,
    '',
    '## Endpoints',
    '',
    'Latencies are `http_req_duration` percentiles in milliseconds; errors is the `http_req_failed` rate.',
    '',
    table(
      ENDPOINT_HEADERS,
      collectEndpointRows(data).map((row) => endpointCells(row).map(escapeCell)),
      1,
    ),
    '',
    '## Auth',
    '',
    table(AUTH_HEADERS, [authCells(collectAuthCounts(data)).map(escapeCell)], 0),
    '',
    '## Thresholds',
    '',
    thresholdRows.length === 0
      ? 'No thresholds were set.'
      : table(['', 'metric', 'threshold', 'observed'], thresholdRows, 3),
    '',
  ].join('\n');
}
