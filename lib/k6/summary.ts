/**
 * The k6 `handleSummary` every scenario exports. k6 calls it once at the end of the test, in VU 0,
 * also when thresholds were crossed (exit code 99); the rendering is VU 0's code
 * (lib/k6/results.ts, in dist/controller.js), so the other VUs never carry it.
 */

import type { SummaryExtras } from '../core/results/result-files.ts';
import type { SummaryData } from '../core/results/summary-data.ts';
import { controller } from './vu-zero.ts';

export type SummaryHandler = ((data: SummaryData) => Record<string, string>) | undefined;

/**
 * Makes the script's `handleSummary`: a function in VU 0, undefined in the other VUs (k6 only
 * calls it in VU 0).
 *
 * @param scenario - the scenario name, used in file names and report titles ("smoke").
 * @param extras - the script's own sections and files, made from the same data.
 * @example
 * import { summaryHandler } from '../lib/k6/index.ts';
 * export const handleSummary = summaryHandler('orders');
 */
export function summaryHandler(
  scenario: string,
  extras: (data: SummaryData) => SummaryExtras = () => ({}),
): SummaryHandler {
  const vuZero = controller; // narrowed once, for the closure below
  if (vuZero === undefined) return undefined;
  return (data) => vuZero.renderResults(scenario, data, extras(data));
}
