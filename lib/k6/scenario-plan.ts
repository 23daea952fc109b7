/**
 * A catalogue scenario's plan, made by VU 0 only (lib/k6/vu-zero.ts): the executor from the `-e`
 * knobs (lib/core/scenario/shapes.ts), the thresholds from `-e THRESHOLDS` or the scenario's
 * default profile, and, at the end, the scenario's own summary section (capacity figure, soak
 * windows, storm peak).
 */
import type { Options } from 'k6/options';
import { type AuthMode, walkEndpoints } from '../core/auth/profile.ts';
import { readEnvValue } from '../core/env-values.ts';
import type { MergePlan } from '../core/results/merge.ts';
import { listSlos, phaseThresholds } from '../core/results/phases.ts';
import { formatRunIdentity, profileLabel } from '../core/results/run-identity.ts';
import { renderPhaseReport } from '../core/results/scenario-report.ts';
import type { SummaryData } from '../core/results/summary-data.ts';
import {
  formatDuration,
  type ParallelVia,
  type Phase,
  peakVus,
  planScenario,
  planThresholds,
  type ScenarioName,
} from '../core/scenario/shapes.ts';
import {
  isDistributedInstance,
  resolveThresholds,
  SUMMARY_TREND_STATS,
  withProtectedSuccessGuard,
} from '../core/scenario/thresholds.ts';
import { checkRemovedSettings } from '../core/settings/removed.ts';
import { openThresholdsFile } from './open-file.ts';
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
export function planScenarioRun(
  name: ScenarioName,
  mode: AuthMode,
  protectedPath: string,
): ScenarioRun {
  checkRemovedSettings(__ENV);
  const plan = planScenario(name, __ENV);
  const fileJson = openThresholdsFile(__ENV);
  const thresholds = resolveThresholds(__ENV, {
    defaultProfile: plan.defaultThresholds,
    planned: planThresholds(plan, mode),
    endpoints: walkEndpoints(mode),
    ...(fileJson === undefined ? {} : { fileJson }),
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
      // What `npm run compare` needs to know the run by (lib/core/results/run-identity.ts).
      const identity = formatRunIdentity({
        version: 1,
        scenario: name,
        authMode: mode,
        profile: profileLabel(readEnvValue(__ENV, 'PROFILE')),
        protectedPath,
        thresholdsProfile: readEnvValue(__ENV, 'THRESHOLDS') ?? plan.defaultThresholds,
        knobs: plan.knobs,
        phaseReport: plan.phaseReport,
        phases: plan.phases,
        plannedMs: plan.totalMs,
      });
      const files: Record<string, string> = { ...report?.files, 'run.json': identity };
      // The merge step computes the phase report again on the whole test's data.
      if (isDistributedInstance(__ENV)) {
        const merged: MergePlan = { plan, slos };
        files['plan.json'] = `${JSON.stringify(merged, null, 2)}\n`;
      }
      return renderResults(
        name,
        data,
        report === null ? { files } : { sections: [report], files },
        plan.defaultThresholds,
      );
    },
  };
}
