/**
 * The k6 `handleSummary` every scenario exports. k6 calls it once at the end of the test, also
 * when thresholds were crossed (exit code 99), and writes each returned key as a file (or to
 * stdout). The formatting lives in lib/core; this file only reads k6's environment.
 *
 * Where files go: `-e RESULTS_DIR=<existing folder>` (scripts/run-scenario.ts passes a staging
 * folder and moves it into place). Without it — a plain `k6 run dist/<name>.js` — they go flat into
 * results/ as `<scenario>-<UTC timestamp>.summary.json` etc., because k6 cannot create folders.
 * report.html is k6's web dashboard export: `K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_PORT=-1
 * K6_WEB_DASHBOARD_EXPORT=<file>`, which run-scenario sets.
 */
import type { SummaryData } from '../core/summary-data.ts';
import { renderSummaryOutputs } from '../core/summary-results.ts';
import { isSecretKey } from '../core/summary-sanitize.ts';

/** Values of environment variables whose names say secret (PASSWORD, TOKEN, …): masked on sight. */
function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  return Object.keys(env)
    .filter((name) => isSecretKey(name))
    .map((name) => env[name] ?? '')
    .filter((value) => value !== '');
}

/**
 * Makes the scenario's `handleSummary`.
 *
 * @param scenario - the scenario name, used in file names and report titles ("smoke").
 * @param now - the clock, injectable for tests.
 * @example
 * import { summaryHandler } from '../lib/k6/summary.ts';
 * export const handleSummary = summaryHandler('smoke');
 */
export function summaryHandler(
  scenario: string,
  now: () => number = () => Date.now(),
): (data: SummaryData) => Record<string, string> {
  return (data) =>
    renderSummaryOutputs(data, {
      scenario,
      resultsDir: __ENV.RESULTS_DIR?.trim() || undefined,
      generatedAtMs: now(),
      thresholdsProfile: __ENV.THRESHOLDS?.trim() ?? '',
      knownSecrets: secretsFromEnv(__ENV),
    });
}
