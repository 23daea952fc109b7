/**
 * The result files of a run, rendered by VU 0 when k6 calls `handleSummary` (lib/k6/summary.ts).
 * k6 writes each returned key as a file (or to stdout). The formatting lives in lib/core; this
 * file only reads k6's environment.
 *
 * Where files go: `-e RESULTS_DIR=<existing folder>` (scripts/run-scenario.ts passes a staging
 * folder and moves it into place). Without it — a plain `k6 run dist/<name>.js` — they go flat into
 * results/ as `<scenario>-<UTC timestamp>.summary.json` etc., because k6 cannot create folders.
 * report.html is k6's web dashboard export: `K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_PORT=-1
 * K6_WEB_DASHBOARD_EXPORT=<file>`, which run-scenario sets.
 */
import { readEnvValue } from '../core/env-values.ts';
import { renderSummaryOutputs, type SummaryExtras } from '../core/results/result-files.ts';
import { isSecretKey } from '../core/results/sanitize.ts';
import type { SummaryData } from '../core/results/summary-data.ts';

/**
 * What `handleSummary` returns: summary.json, junit.xml, summary.md and the end-of-test text.
 *
 * @param scenario - the scenario name, used in file names and report titles ("smoke").
 * @param extras - the scenario's own sections and files, made from the same data.
 */
export function renderResults(
  scenario: string,
  data: SummaryData,
  extras: SummaryExtras,
): Record<string, string> {
  return renderSummaryOutputs(
    data,
    {
      scenario,
      resultsDir: readEnvValue(__ENV, 'RESULTS_DIR'),
      generatedAtMs: Date.now(),
      thresholdsProfile: readEnvValue(__ENV, 'THRESHOLDS') ?? '',
      knownSecrets: secretsFromEnv(__ENV),
    },
    extras,
  );
}

/** Values of environment variables whose names say secret (PASSWORD, TOKEN, …): masked on sight. */
function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  return Object.keys(env)
    .filter((name) => isSecretKey(name))
    .map((name) => env[name] ?? '')
    .filter((value) => value !== '');
}
