/**
 * Makes a catalogue scenario from its name, so each file in scenarios/ is a few lines:
 *
 * ```ts
 * import { defineScenario } from '../lib/k6/index.ts';
 * const scenario = defineScenario('load');
 * export const options = scenario.options;
 * export const handleSummary = scenario.handleSummary;
 * export default scenario.iteration;
 * ```
 *
 * VU 0 plans the run (lib/k6/scenario-plan.ts, in dist/controller.js): the options, and at the end
 * the summary with the scenario's own section. The other VUs only get what an iteration needs.
 */
import { sleep } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { NO_PHASE, PHASE_TAG, phaseAt } from '../core/scenario/phase-tag.ts';
import type { ScenarioName } from '../core/scenario/shapes.ts';
import { authMode } from './auth-mode.ts';
import { profile } from './config.ts';
import { assertAccountsFor } from './credentials.ts';
import { atInit } from './init-errors.ts';
import type { SummaryHandler } from './summary.ts';
import {
  authClient,
  protectedCall,
  protectedCalls,
  type SetupData,
  setup,
  useSetupData,
} from './vu-requests.ts';
import { controller, sharedFromVuZero } from './vu-zero.ts';

export interface Scenario {
  /** k6's options in VU 0, where k6 reads them; undefined in the other VUs. */
  options: Options | undefined;
  handleSummary: SummaryHandler;
  /** k6's `setup()`: OIDC discovery, once per test (lib/k6/index.ts). */
  setup: () => SetupData;
  /**
   * One iteration: one protected request (smoke: `-e PARALLEL` at once) with the login or refresh
   * it needs, then think time.
   */
  iteration: (data?: SetupData) => Promise<void>;
}

/** Builds the scenario at init; a bad knob or threshold throws here (VU 0), before any request. */
export function defineScenario(name: ScenarioName): Scenario {
  const run = atInit(() => {
    const planned = controller?.planScenarioRun(name, profile.mode, profile.protected.path);
    if (planned !== undefined && authMode.plugin.usesAccounts) assertAccountsFor(planned.peakVus);
    return planned;
  });
  const plan = sharedFromVuZero(`k6-auth-toolkit ${name} plan`, () => {
    if (run === undefined)
      throw new Error(`Cannot plan ${name}; reason: expected VU 0, got VU ${__VU}`);
    return run.iteration;
  });

  const iteration = async (data?: SetupData): Promise<void> => {
    useSetupData(data);
    if (plan.phases.length > 0) {
      // A VU-wide tag: every request and auth metric of this iteration carries the phase.
      const phase = phaseAt(plan.phases, Date.now() - exec.scenario.startTime);
      exec.vu.metrics.tags[PHASE_TAG] = phase?.name ?? NO_PHASE;
    }
    // Reads a k6/secrets password once (-e AUTH_PASSWORD_SECRET); a no-op afterwards.
    await authClient().ready();
    if (plan.sessionRequests > 0) {
      // One user session: the first request logs in, the logout ends it (endpoint:logout).
      for (let i = 0; i < plan.sessionRequests; i += 1) {
        protectedCall();
        if (plan.pauseSeconds > 0) sleep(plan.pauseSeconds);
      }
      authClient().logout();
      return;
    }
    if (plan.parallel === 1) protectedCall();
    else await protectedCalls(plan.parallel, plan.parallelVia);
    if (plan.pauseSeconds > 0) sleep(plan.pauseSeconds);
  };

  return {
    options: run?.options,
    handleSummary: run?.renderSummary,
    setup,
    iteration,
  };
}
