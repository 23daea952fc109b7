/**
 * Makes a catalogue scenario from its name, so each file in scenarios/ is a few lines:
 *
 * ```ts
 * import { defineScenario } from '../lib/k6/scenario.ts';
 * const scenario = defineScenario('load');
 * export const options = scenario.options;
 * export const handleSummary = scenario.handleSummary;
 * export default scenario.iteration;
 * ```
 *
 * The executor comes from the `-e` knobs (lib/core/scenario-shapes.ts), the thresholds from
 * `-e THRESHOLDS` or the scenario's default profile, and the summary is the toolkit's, with the
 * scenario's own section (capacity figure, soak windows, storm peak) appended.
 */
import { sleep } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { listSlos, NO_PHASE, PHASE_TAG, phaseThresholds } from '../core/scenario-phases.ts';
import { renderPhaseReport } from '../core/scenario-report.ts';
import {
  formatDuration,
  peakVus,
  phaseAt,
  planScenario,
  type ScenarioName,
  type ScenarioPlan,
  thresholdEnv,
} from '../core/scenario-shapes.ts';
import type { SummaryData } from '../core/summary-data.ts';
import { resolveThresholds, SUMMARY_TREND_STATS } from '../core/thresholds.ts';
import { assertAccountsFor } from './credentials.ts';
import { authClient, profile, protectedCall, protectedCalls } from './index.ts';
import { summaryHandler } from './summary.ts';

export interface Scenario {
  plan: ScenarioPlan;
  options: Options;
  handleSummary: (data: SummaryData) => Record<string, string>;
  /**
   * One iteration: one protected request (smoke: `-e PARALLEL` at once) with the login or refresh
   * it needs, then think time.
   */
  iteration: () => Promise<void>;
}

/** Builds the scenario at init; a bad knob or threshold throws here, before any request. */
export function defineScenario(name: ScenarioName): Scenario {
  const plan = planScenario(name, __ENV);
  assertAccountsFor(peakVus(plan.executor));
  const thresholds = resolveThresholds(thresholdEnv(plan, __ENV, profile.mode), {
    defaultProfile: plan.defaultThresholds,
  });
  const slos = listSlos(thresholds);
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
    thresholds: {
      ...thresholds,
      ...(plan.phaseReport === null
        ? {}
        : phaseThresholds(plan.phases, plan.phaseReport, thresholds)),
    },
    summaryTrendStats: [...SUMMARY_TREND_STATS],
  };

  const handleSummary = summaryHandler(name, (data) => {
    const report = renderPhaseReport(plan, slos, data);
    return report === null ? {} : { sections: [report], files: report.files };
  });

  const iteration = async (): Promise<void> => {
    if (plan.phases.length > 0) {
      // A VU-wide tag: every request and auth metric of this iteration carries the phase.
      const phase = phaseAt(plan.phases, Date.now() - exec.scenario.startTime);
      exec.vu.metrics.tags[PHASE_TAG] = phase?.name ?? NO_PHASE;
    }
    // Reads a k6/secrets password once (-e AUTH_PASSWORD_SECRET); a no-op afterwards.
    await authClient().ready();
    if (plan.parallel === 1) protectedCall();
    else await protectedCalls(plan.parallel, plan.parallelVia);
    if (plan.pauseSeconds > 0) sleep(plan.pauseSeconds);
  };

  return { plan, options, handleSummary, iteration };
}
