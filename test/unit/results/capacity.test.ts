import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findCapacity,
  MIN_ACHIEVED_SHARE,
  stepVerdict,
} from '../../../lib/core/results/capacity.ts';
import type { MetricSummary, SummaryData } from '../../../lib/core/results/summary-data.ts';
import type { Phase } from '../../../lib/core/scenario/shapes.ts';

/** Steps of 10 s at 10, 20, 30 and 40/s, with 2-second ramps between them. */
const STEPS: Phase[] = [10, 20, 30, 40].map((rate, i) => ({
  name: `step-${i + 1}`,
  startMs: i * 12_000,
  endMs: i * 12_000 + 10_000,
  rate,
}));
const PLANNED_MS = 46_000;
const SLOS = [
  { metric: 'http_req_duration{endpoint:protected}', expression: 'p(95)<250' },
  { metric: 'http_req_failed{endpoint:protected}', expression: 'rate<0.01' },
];

interface StepSample {
  p95Ms: number;
  failed?: number;
  /** Protected requests sent in the step; its target rate × 10 s by default. */
  requests?: number;
}

/** k6 end-of-test data with per-step sub-metrics, as the capacity scenario produces it. */
function runData(ranMs: number, samples: Record<string, StepSample>): SummaryData {
  const metrics: Record<string, MetricSummary> = {};
  for (const step of STEPS) {
    const sample = samples[step.name];
    if (sample === undefined) continue;
    const requests = sample.requests ?? (step.rate ?? 0) * 10;
    const failed = sample.failed ?? 0;
    metrics[`http_req_duration{endpoint:protected,phase:${step.name}}`] = {
      type: 'trend',
      contains: 'time',
      values: { 'p(95)': sample.p95Ms, count: requests },
    };
    metrics[`http_req_failed{endpoint:protected,phase:${step.name}}`] = {
      type: 'rate',
      contains: 'default',
      values: { rate: failed / requests, passes: failed, fails: requests - failed },
    };
    metrics[`http_reqs{endpoint:protected,phase:${step.name}}`] = {
      type: 'counter',
      contains: 'default',
      values: { count: requests, rate: requests / (ranMs / 1000) },
    };
  }
  return {
    metrics,
    root_group: { name: '', path: '', id: '', groups: [], checks: [] },
    options: { summaryTrendStats: [], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: ranMs },
  };
}

const fast = { p95Ms: 20 };

describe('findCapacity', () => {
  it('says "held at least" the last rate when every step held to the end', () => {
    const figure = findCapacity(
      STEPS,
      SLOS,
      runData(PLANNED_MS + 12, { 'step-1': fast, 'step-2': fast, 'step-3': fast, 'step-4': fast }),
    );
    assert.equal(figure.heldAll, true);
    assert.equal(figure.heldRate, 40);
    assert.equal(figure.brokeAtRate, null);
    assert.equal(figure.maxRate, 40);
    assert.equal(
      figure.sentence,
      'held at least 40/s: every step up to PEAK_RATE met the SLO (raise -e PEAK_RATE to find the limit)',
    );
  });

  it('takes the step before the first one whose own samples broke an SLO', () => {
    // Aborted 3 s into step 4: step 3 completed, but its own p95 was over the limit.
    const figure = findCapacity(
      STEPS,
      SLOS,
      runData(39_000, {
        'step-1': fast,
        'step-2': fast,
        'step-3': { p95Ms: 480.5 },
        'step-4': { p95Ms: 900, requests: 120 },
      }),
    );
    assert.equal(figure.heldRate, 20);
    assert.equal(figure.brokeAtRate, 30);
    assert.equal(figure.heldAll, false);
    assert.equal(
      figure.sentence,
      'highest rate that held the SLO: 20/s; step 3 (30/s) broke http_req_duration{endpoint:protected} p(95)<250 with p(95)=480.5',
    );
    assert.deepEqual(
      figure.steps.map((step) => [step.complete, step.held]),
      [
        [true, true],
        [true, true],
        [true, false],
        [false, false],
      ],
    );
  });

  it('never counts a step the abort cut short, even when its samples so far were fine', () => {
    // The cumulative thresholds tripped 4 s into step 3 (k6 thresholds lag the break).
    const figure = findCapacity(
      STEPS,
      SLOS,
      runData(28_000, { 'step-1': fast, 'step-2': fast, 'step-3': { p95Ms: 30, requests: 120 } }),
    );
    assert.equal(figure.heldRate, 20);
    assert.equal(figure.brokeAtRate, 30);
    assert.equal(
      figure.sentence,
      'highest rate that held the SLO: 20/s; the run stopped during step 3 (30/s) before it completed',
    );
    assert.deepEqual(
      figure.steps.map((step) => stepVerdict(step)),
      ['held', 'held', 'cut short', 'not reached'],
    );
  });

  it('reports no held rate when the first step already broke', () => {
    const figure = findCapacity(
      STEPS,
      SLOS,
      runData(14_000, { 'step-1': { p95Ms: 20, failed: 5 }, 'step-2': fast }),
    );
    assert.equal(figure.heldRate, null);
    assert.equal(figure.brokeAtRate, 10);
    assert.equal(
      figure.sentence,
      'no step held the SLO (lower -e RATE below 10/s); step 1 (10/s) broke http_req_failed{endpoint:protected} rate<0.01 with rate=0.05',
    );
  });

  it('does not count a step k6 could not drive at its target rate', () => {
    const starved = Math.floor(20 * 10 * MIN_ACHIEVED_SHARE) - 5;
    const figure = findCapacity(
      STEPS,
      SLOS,
      runData(PLANNED_MS, {
        'step-1': fast,
        'step-2': { p95Ms: 20, requests: starved },
        'step-3': fast,
        'step-4': fast,
      }),
    );
    assert.equal(figure.heldRate, 10);
    assert.equal(figure.steps[1]?.achievedRate, starved / 10);
    assert.match(figure.sentence, /step 2 \(20\/s\) reached only 17\.5\/s \(k6 ran out of VUs/);
    assert.equal(stepVerdict(figure.steps[1] ?? assert.fail()), 'below target rate');
  });

  it('allows one iteration short of the target share at a step edge', () => {
    const edge = Math.ceil(10 * 10 * MIN_ACHIEVED_SHARE) - 1;
    const figure = findCapacity(
      STEPS.slice(0, 1),
      SLOS,
      runData(10_000, { 'step-1': { p95Ms: 20, requests: edge } }),
    );
    assert.equal(figure.heldAll, true);
  });

  it('counts a step as completed when k6 reports a run a few milliseconds short of the plan', () => {
    const figure = findCapacity(
      STEPS,
      SLOS,
      runData(PLANNED_MS - 28, { 'step-1': fast, 'step-2': fast, 'step-3': fast, 'step-4': fast }),
    );
    assert.equal(figure.heldAll, true);
    assert.equal(figure.steps[3]?.complete, true);
  });

  it('does not count a step the run ended more than 5% of its hold before its end', () => {
    const figure = findCapacity(
      STEPS,
      SLOS,
      runData(PLANNED_MS - 600, { 'step-1': fast, 'step-2': fast, 'step-3': fast, 'step-4': fast }),
    );
    assert.equal(figure.steps[3]?.complete, false);
    assert.equal(figure.heldRate, 30);
  });
});
