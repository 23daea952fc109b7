/**
 * A catalogue scenario's plan, made by VU 0 only (lib/k6/vu-zero.ts): the executor from the `-e`
 * knobs (lib/core/scenario/shapes.ts), the thresholds from `-e THRESHOLDS` or the scenario's
 * default profile, and, at the end, the scenario's own summary section (capacity figure, soak
 * windows, storm peak).
 */
import type { Options } from 'k6/options';
import { type AuthMode, walkEndpoints } from '../core/auth/profile.ts';
import { listSlos, phaseThresholds } from '../core/results/phases.ts';
import { renderPhaseReport } from '../core/results/scenario-report.ts';
import type { SummaryData } from '../core/results/summary-data.ts';
import {
  formatDuration,
  type ParallelVia,
  type Phase,
  peakVus,
  planScenario,
  type ScenarioName,
  thresholdEnv,
} from '../core/scenario/shapes.ts';
import {
  resolveThresholds,
  SUMMARY_TREND_STATS,
  withProtectedSuccessGuard,
} from '../core/scenario/thresholds.ts';
import { renderResults } from './results.ts';

/** What the VUs that run iterations need of the plan. */
export interface IterationPlan {
  /** The phases to tag requests with (capacity steps, soak windows, storm buckets); may be empty. */
  phases: Phase[];
  parallel: number;
  parallelVia: ParallelVia;
  pauseSeconds: number;
  /** session-churn: requests per session between its login and its logout; 0: never log out. */
  sessionRequests: number;
}

export interface ScenarioRun {
  options: Options;
  iteration: IterationPlan;
  /** The most VUs the executor may start: each needs its own account. */
  peakVus: number;
  /** `handleSummary`: the toolkit's results with the scenario's own section appended. */
  renderSummary: (data: SummaryData) => Record<string, string>;
}

/** Plans the run; a bad knob or threshold throws here, at init, before any request. */
export function planScenarioRun(name: ScenarioName, mode: AuthMode): ScenarioRun {
  const plan = planScenario(name, __ENV);
  const thresholds = resolveThresholds(thresholdEnv(plan, __ENV, mode), {
    defaultProfile: plan.defaultThresholds,
    endpoints: walkEndpoints(mode),
  });
  const scenarios: NonNullable<Options['scenarios']> = { [name]: plan.executor };
  if (plan.sessionLossAtMs !== null) {
    scenarios.session_loss = {
      executor: 'shared-iterations',
      vus: 1,
      iterations: 1,
      startTime: formatDuration(plan.sessionLossAtMs),
      maxDuration: '30s',
      exec: 'loseAllSessions',
    };
  }
  const options: Options = {
    scenarios,
    // The guard goes on last: no profile, override or phase report can take it away.
    thresholds: withProtectedSuccessGuard({
      ...thresholds,
      ...(plan.phaseReport === null
        ? {}
        : phaseThresholds(plan.phases, plan.phaseReport, thresholds)),
    }),
    summaryTrendStats: [...SUMMARY_TREND_STATS],
  };
  const slos = listSlos(thresholds);
  return {
    options,
    iteration: {
      phases: plan.phases,
      parallel: plan.parallel,
      parallelVia: plan.parallelVia,
      pauseSeconds: plan.pauseSeconds,
      sessionRequests: plan.sessionRequests,
    },
    peakVus: peakVus(plan.executor),
    renderSummary: (data) => {
      const report = renderPhaseReport(plan, slos, data);
      return renderResults(
        name,
        data,
        report === null ? {} : { sections: [report], files: report.files },
        plan.defaultThresholds,
      );
    },
  };
}
