/**
 * Where a run's results go and what each result file holds: the map `handleSummary` returns,
 * built from sanitised data only.
 */

import { formatJunit } from './junit.ts';
import { formatMarkdown } from './markdown.ts';
import { sanitizeSummary } from './sanitize.ts';
import type { SummaryData } from './summary-data.ts';
import { formatEndpointTable } from './table.ts';
import { formatTextSummary } from './text.ts';

/** A UTC timestamp that is safe in a file name and sorts by time: 2025-11-30T07:27:12Z → "20251130T072712Z". */
export function formatUtcTimestamp(atMs: number): string {
  return new Date(atMs)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The default results folder, relative to the working folder: `results/<scenario>-<UTC timestamp>`. */
export function defaultResultsDir(scenario: string, atMs: number): string {
  return `results/${scenario}-${formatUtcTimestamp(atMs)}`;
}

export interface SummaryContext {
  /** Scenario name, e.g. "smoke". */
  scenario: string;
  /**
   * The existing folder to write into (`RESULTS_DIR`). k6 cannot create folders, so without one the
   * files go flat into results/ as `<scenario>-<UTC timestamp>.<file>`.
   */
  resultsDir: string | undefined;
  /** Epoch milliseconds when the summary is made. */
  generatedAtMs: number;
  /** `THRESHOLDS` as given, or "" for the scenario's default profile. */
  thresholdsProfile: string;
  /** The scenario's default profile ("load"), named in summary.md when `THRESHOLDS` is unset. */
  defaultThresholdsProfile?: string;
  /** Exact values known to be secret (e.g. passwords from `-e`), masked wherever they appear. */
  knownSecrets?: readonly string[];
}

/** What a scenario adds to the toolkit's results (e.g. lib/core/results/scenario-report.ts). */
export interface SummaryExtras {
  /** Appended in order: `text` to the terminal output, `markdown` to summary.md. */
  sections?: readonly { text: string; markdown: string }[];
  /** More result files beside summary.md, by file name (e.g. "capacity.json"). */
  files?: Readonly<Record<string, string>>;
}

/** Path of one result file for this run. */
export function resultPath(context: SummaryContext, file: string): string {
  const dir = context.resultsDir?.replace(/[\\/]+$/, '');
  if (dir) return `${dir}/${file}`;
  return `${defaultResultsDir(context.scenario, context.generatedAtMs)}.${file}`;
}

/**
 * The `handleSummary` return value: summary.json, junit.xml and summary.md under their paths,
 * `stdout` with the text summary and the per-endpoint table, and the scenario's `extras`.
 */
export function renderSummaryOutputs(
  data: SummaryData,
  context: SummaryContext,
  extras: SummaryExtras = {},
): Record<string, string> {
  const safe = sanitizeSummary(data, context.knownSecrets) as SummaryData;
  // With RESULTS_DIR the caller knows the folder (run-scenario prints the final one, not its
  // staging folder); without it, say where the flat files went and why.
  const where = context.resultsDir
    ? ''
    : `  results: ${resultPath(context, '*')} (k6 cannot create folders: set -e RESULTS_DIR to an existing one, or use npm run scenario)\n\n`;
  const sections = extras.sections ?? [];
  const outputs: Record<string, string> = {
    [resultPath(context, 'summary.json')]: `${JSON.stringify(safe, null, 2)}\n`,
    [resultPath(context, 'junit.xml')]: formatJunit(safe, context),
    [resultPath(context, 'summary.md')]:
      formatMarkdown(safe, context) + sections.map((section) => section.markdown).join(''),
    stdout:
      `${formatTextSummary(safe)}\n${formatEndpointTable(safe)}\n${where}` +
      sections.map((section) => `${section.text}\n`).join(''),
  };
  for (const [file, content] of Object.entries(extras.files ?? {})) {
    outputs[resultPath(context, file)] = content;
  }
  return outputs;
}
