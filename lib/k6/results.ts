/**
 * The result files of a run, rendered by VU 0 when k6 calls `handleSummary` (lib/k6/summary.ts).
 * k6 writes each returned key as a file (or to stdout). The formatting lives in lib/core; this
 * file only reads k6's environment.
 *
 * Where files go: `-e RESULTS_DIR=<existing folder>` (cli/run-scenario.ts passes a staging
 * folder and moves it into place). Without it — a plain `k6 run dist/<name>.js` — they go flat into
 * results/ as `<scenario>-<UTC timestamp>.summary.json` etc., because k6 cannot create folders.
 * report.html is k6's web dashboard export: `K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_PORT=-1
 * K6_WEB_DASHBOARD_EXPORT=<file>`, which run-scenario sets.
 */
import { readEnvValue } from '../core/env-values.ts';
import type { MergeContext } from '../core/results/merge.ts';
import {
  renderSummaryOutputs,
  type SummaryContext,
  type SummaryExtras,
} from '../core/results/result-files.ts';
import { isSecretKey } from '../core/results/sanitize.ts';
import type { SummaryData } from '../core/results/summary-data.ts';
import {
  isDistributedInstance,
  thresholdOptions as resolveThresholdOptions,
} from '../core/scenario/thresholds.ts';
import { checkRemovedSettings } from '../core/settings/removed.ts';
import { openThresholdsFile } from './open-file.ts';

/**
 * The default profile `withThresholds` was given (lib/k6/options.ts): a script's `options` and its
 * `handleSummary` are made apart, and both run in VU 0, where this module lives once per test.
 */
let rememberedDefaultProfile: string | undefined;

/**
 * lib/core's `thresholdOptions`, remembering `defaultProfile` so that summary.md names the
 * profile a script of your own used when `-e THRESHOLDS` was unset.
 */
export function thresholdOptions(
  env: Record<string, string | undefined>,
  defaultProfile = 'smoke',
): ReturnType<typeof resolveThresholdOptions> {
  rememberedDefaultProfile = defaultProfile;
  checkRemovedSettings(env);
  return resolveThresholdOptions(env, defaultProfile, openThresholdsFile(env));
}

/**
 * What `handleSummary` returns: summary.json, junit.xml, summary.md and the end-of-test text.
 *
 * @param scenario - the scenario name, used in file names and report titles ("smoke").
 * @param extras - the scenario's own sections and files, made from the same data.
 * @param defaultThresholdsProfile - the profile used when `-e THRESHOLDS` is unset (a catalogue
 *   scenario's own; for a script, the one it gave `withThresholds`).
 */
export function renderResults(
  scenario: string,
  data: SummaryData,
  extras: SummaryExtras,
  defaultThresholdsProfile = rememberedDefaultProfile,
): Record<string, string> {
  const context: SummaryContext = {
    scenario,
    resultsDir: readEnvValue(__ENV, 'RESULTS_DIR'),
    generatedAtMs: Date.now(),
    thresholdsProfile: readEnvValue(__ENV, 'THRESHOLDS') ?? '',
    knownSecrets: secretsFromEnv(__ENV),
  };
  if (defaultThresholdsProfile !== undefined) {
    context.defaultThresholdsProfile = defaultThresholdsProfile;
  }
  if (!isDistributedInstance(__ENV)) return renderSummaryOutputs(data, context, extras);
  // One instance of a split test: the merge step renders the test's results again from every
  // instance's data, and needs the context this instance rendered with.
  const run: MergeContext = {
    scenario,
    thresholdsProfile: context.thresholdsProfile,
    ...(defaultThresholdsProfile === undefined ? {} : { defaultThresholdsProfile }),
  };
  return renderSummaryOutputs(data, context, {
    ...extras,
    files: { ...extras.files, 'merge-context.json': `${JSON.stringify(run, null, 2)}\n` },
  });
}

/** Values of environment variables whose names say secret (PASSWORD, TOKEN, …): masked on sight. */
function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  return Object.keys(env)
    .filter((name) => isSecretKey(name))
    .map((name) => env[name] ?? '')
    .filter((value) => value !== '');
}
