/**
 * The real k6 for integration tests: scripts/k6-run.ts (shared with `npm run chaos`), plus a
 * build of dist/ once per test process.
 */
export {
  checkTotals,
  counterCount,
  findLeaks,
  findLeaksIn,
  type K6Point,
  type K6Run,
  type K6RunOptions,
  type K6Summary,
  REPO_ROOT,
  rateSamples,
  readPoints,
  runK6,
  SHORT_LEEWAY,
  type SummaryMetric,
  THRESHOLDS_FOR_FAULTS,
  waitFor,
} from '../../scripts/k6-run.ts';

let built: Promise<unknown> | undefined;

/** Builds dist/ once per test process, so a test file run alone never uses a stale bundle. */
export function ensureBuilt(): Promise<unknown> {
  if (built === undefined) {
    built = import('../../build.mjs').then(({ buildScenarios }) => buildScenarios());
  }
  return built;
}
