/**
 * The capacity figure: the highest arrival rate that held the SLO, from a stepped
 * `ramping-arrival-rate` run (see `capacitySteps` in scenario-shapes.ts).
 *
 * k6 thresholds aggregate over the whole run, so the moment an `abortOnFail` threshold stops the
 * test lags the moment the SLO broke, by the cumulative percentile catching up and by k6's
 * evaluation period (2 s). The figure therefore judges each step on its own samples (its `phase`
 * sub-metrics) and uses the run's length only to know which steps ran to their end: a step the
 * abort cut short never counts as held.
 */

import type { Phase } from '../scenario/shapes.ts';
import { type Breach, phaseBreaches, phaseMetric, type Slo } from './phases.ts';
import type { SummaryData } from './summary-data.ts';

/**
 * A step whose measured protected request rate falls below this share of its target did not get
 * the load it was meant to test: k6 ran out of VUs (MAX_VUS), usually because the responses
 * slowed down. It does not count as held.
 */
export const MIN_ACHIEVED_SHARE = 0.9;

/** At most this much (and 5 % of the hold) short of a step's end still counts as completed. */
const COMPLETION_SLACK_MAX_MS = 1000;

export interface StepResult {
  /** 1-based. */
  step: number;
  name: string;
  targetRate: number;
  /** Protected requests per second measured during the step's hold; null when unknown. */
  achievedRate: number | null;
  /** The step's hold began before the run stopped. */
  started: boolean;
  /** The step's hold ran to its end before the run stopped. */
  complete: boolean;
  breaches: Breach[];
  /** Complete, at (nearly) its target rate, and no SLO broken. */
  held: boolean;
}

export interface CapacityFigure {
  /** The highest step rate such that it and every step before it held; null when the first broke. */
  heldRate: number | null;
  /** The rate of the first step that did not hold; null when every step held. */
  brokeAtRate: number | null;
  /** The last step's rate (`PEAK_RATE`). */
  maxRate: number;
  /** Every step held: the limit is above `maxRate`. */
  heldAll: boolean;
  steps: StepResult[];
  /** One sentence for the terminal and the reports. */
  sentence: string;
}

/**
 * Judges each step and finds the capacity figure.
 *
 * @param steps - the planned steps (phases with a `rate`), in order.
 * @param slos - the thresholds profile's SLOs (`listSlos`).
 * @param data - k6's end-of-test data; `state.testRunDurationMs` says how far the run got.
 */
export function findCapacity(
  steps: readonly Phase[],
  slos: readonly Slo[],
  data: SummaryData,
): CapacityFigure {
  const ranMs = data.state.testRunDurationMs;
  const results: StepResult[] = steps.map((phase, index) => {
    const targetRate = phase.rate ?? 0;
    const holdMs = phase.endMs - phase.startMs;
    // k6's run clock and the executor's stage clock differ by some milliseconds: a run that
    // completed every stage can report a test run duration a little short of the plan.
    const complete = phase.endMs <= ranMs + Math.min(COMPLETION_SLACK_MAX_MS, holdMs * 0.05);
    const requests = phaseMetric(data, 'http_reqs{endpoint:protected}', phase.name)?.values.count;
    const holdSeconds = holdMs / 1000;
    const achievedRate = requests === undefined || holdSeconds <= 0 ? null : requests / holdSeconds;
    const breaches = phaseBreaches(data, phase.name, slos);
    // One iteration of slack: k6 starts the first one at the step's edge, which may fall either side.
    const fastEnough =
      requests === undefined || requests + 1 >= targetRate * holdSeconds * MIN_ACHIEVED_SHARE;
    return {
      step: index + 1,
      name: phase.name,
      targetRate,
      achievedRate,
      started: phase.startMs < ranMs,
      complete,
      breaches,
      held: complete && fastEnough && breaches.length === 0,
    };
  });
  const firstFailed = results.findIndex((step) => !step.held);
  const maxRate = steps[steps.length - 1]?.rate ?? 0;
  const heldAll = firstFailed === -1;
  const heldStep = heldAll ? results[results.length - 1] : results[firstFailed - 1];
  const broken = heldAll ? undefined : results[firstFailed];
  const figure = {
    heldRate: heldStep?.targetRate ?? null,
    brokeAtRate: broken?.targetRate ?? null,
    maxRate,
    heldAll,
    steps: results,
  };
  return { ...figure, sentence: describeCapacity(figure, broken) };
}

function describeCapacity(
  figure: Omit<CapacityFigure, 'sentence'>,
  broken: StepResult | undefined,
): string {
  if (figure.heldAll) {
    return `held at least ${figure.maxRate}/s: every step up to PEAK_RATE met the SLO (raise -e PEAK_RATE to find the limit)`;
  }
  const held =
    figure.heldRate === null
      ? `no step held the SLO (lower -e RATE below ${figure.brokeAtRate}/s)`
      : `highest rate that held the SLO: ${figure.heldRate}/s`;
  return `${held}; ${broken === undefined ? '' : whyNotHeld(broken)}`;
}

/** Why a step did not hold, in words. */
function whyNotHeld(step: StepResult): string {
  const at = `step ${step.step} (${step.targetRate}/s)`;
  const first = step.breaches[0];
  if (first !== undefined) {
    const more = step.breaches.length > 1 ? ` and ${step.breaches.length - 1} more` : '';
    return `${at} broke ${first.metric} ${first.expression} with ${first.observed}${more}`;
  }
  if (!step.started) return `the run stopped before ${at}`;
  if (!step.complete) return `the run stopped during ${at} before it completed`;
  const achieved = step.achievedRate === null ? '?' : step.achievedRate.toFixed(1);
  return `${at} reached only ${achieved}/s (k6 ran out of VUs: the responses slowed down, or raise -e MAX_VUS)`;
}

/** A step's verdict in a word or a few, for a table cell. */
export function stepVerdict(step: StepResult): string {
  if (step.held) return 'held';
  const first = step.breaches[0];
  if (first !== undefined) {
    const more = step.breaches.length > 1 ? ` (+${step.breaches.length - 1} more)` : '';
    return `broke ${first.metric} ${first.expression}: ${first.observed}${more}`;
  }
  if (!step.started) return 'not reached';
  if (!step.complete) return 'cut short';
  return 'below target rate';
}
