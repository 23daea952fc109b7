import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareWindows, refreshRatesDiffer } from '../../../lib/core/results/soak-windows.ts';
import type { MetricSummary, SummaryData } from '../../../lib/core/results/summary-data.ts';
import type { Phase } from '../../../lib/core/scenario/shapes.ts';

/** Four 30-minute windows. */
const WINDOWS: Phase[] = [0, 1, 2, 3].map((i) => ({
  name: `window-${i + 1}`,
  startMs: i * 1_800_000,
  endMs: (i + 1) * 1_800_000,
}));
const SLOS = [{ metric: 'http_req_duration{endpoint:protected}', expression: 'p(95)<300' }];

interface WindowSample {
  protectedP95Ms: number;
  refreshP95Ms: number;
  refreshes: number;
  requests?: number;
  failed?: number;
  relogins?: number;
}

function soakData(ranMs: number, samples: WindowSample[]): SummaryData {
  const metrics: Record<string, MetricSummary> = {};
  samples.forEach((sample, i) => {
    const phase = `window-${i + 1}`;
    const requests = sample.requests ?? 36_000;
    const failed = sample.failed ?? 0;
    const counter = (count: number): MetricSummary => ({
      type: 'counter',
      contains: 'default',
      values: { count, rate: 0 },
    });
    metrics[`http_reqs{endpoint:protected,phase:${phase}}`] = counter(requests);
    metrics[`http_req_duration{endpoint:protected,phase:${phase}}`] = {
      type: 'trend',
      contains: 'time',
      values: { 'p(95)': sample.protectedP95Ms, count: requests },
    };
    metrics[`http_req_duration{endpoint:refresh,phase:${phase}}`] = {
      type: 'trend',
      contains: 'time',
      values: { 'p(95)': sample.refreshP95Ms, count: sample.refreshes },
    };
    metrics[`http_req_failed{phase:${phase}}`] = {
      type: 'rate',
      contains: 'default',
      values: { rate: failed / requests, passes: failed, fails: requests - failed },
    };
    metrics[`auth_refreshes{phase:${phase}}`] = counter(sample.refreshes);
    metrics[`auth_relogins{phase:${phase}}`] = counter(sample.relogins ?? 0);
  });
  return {
    metrics,
    root_group: { name: '', path: '', id: '', groups: [], checks: [] },
    options: { summaryTrendStats: [], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: ranMs },
  };
}

const steady: WindowSample = { protectedP95Ms: 40, refreshP95Ms: 60, refreshes: 60 };

describe('compareWindows', () => {
  it('measures each window on its own samples', () => {
    const result = compareWindows(
      WINDOWS,
      SLOS,
      soakData(7_200_000, [steady, steady, steady, steady]),
    );
    assert.equal(result.windows.length, 4);
    const first = result.windows[0];
    assert.equal(first?.protectedPerSecond, 20);
    assert.equal(first?.protectedP95Ms, 40);
    assert.equal(first?.refreshP95Ms, 60);
    assert.equal(first?.refreshesPerMinute, 2);
    assert.equal(first?.errorRate, 0);
    assert.equal(first?.relogins, 0);
    assert.deepEqual(first?.breaches, []);
  });

  it('calls a run whose last window matches its first flat', () => {
    const result = compareWindows(
      WINDOWS,
      SLOS,
      soakData(7_200_000, [steady, steady, steady, { ...steady, protectedP95Ms: 44 }]),
    );
    assert.equal(result.flat, true);
    assert.equal(result.sloHeldInEveryWindow, true);
    assert.equal(
      result.sentence,
      'flat over time (last vs first window: protected p95 +10%, refresh p95 +0%, refreshes/min +0% (vs window-2)); SLO held in every window',
    );
  });

  it('flags latency that grew by more than half and by more than 10 ms as drift', () => {
    const result = compareWindows(
      WINDOWS,
      SLOS,
      soakData(7_200_000, [steady, steady, steady, { ...steady, protectedP95Ms: 320 }]),
    );
    assert.equal(result.flat, false);
    assert.equal(result.sloHeldInEveryWindow, false);
    assert.equal(result.drift.protectedP95Ratio, 8);
    assert.deepEqual(result.windows[3]?.breaches, [
      {
        metric: 'http_req_duration{endpoint:protected}',
        expression: 'p(95)<300',
        observed: 'p(95)=320',
      },
    ]);
    assert.match(
      result.sentence,
      /^drifted over time \(last vs first window: protected p95 \+700%/,
    );
  });

  it('does not call a millisecond-sized latency change drift, whatever its ratio', () => {
    const tiny = { ...steady, protectedP95Ms: 1 };
    const result = compareWindows(
      WINDOWS,
      SLOS,
      soakData(7_200_000, [tiny, tiny, tiny, { ...tiny, protectedP95Ms: 3 }]),
    );
    assert.equal(result.flat, true);
  });

  it('flags a refresh rate that fell to a third as drift', () => {
    const result = compareWindows(
      WINDOWS,
      SLOS,
      soakData(7_200_000, [steady, steady, steady, { ...steady, refreshes: 20 }]),
    );
    assert.equal(result.flat, false);
    assert.equal(result.drift.refreshRateRatio?.toFixed(3), '0.333');
  });

  it('leaves out windows an aborted run never reached or barely began', () => {
    // Stopped 10 minutes into window 3: a third of it, too little to compare.
    const result = compareWindows(WINDOWS, SLOS, soakData(4_200_000, [steady, steady, steady]));
    assert.deepEqual(
      result.windows.map((w) => w.name),
      ['window-1', 'window-2'],
    );
  });

  it('says so when fewer than two windows ran', () => {
    const result = compareWindows(WINDOWS, SLOS, soakData(2_000_000, [steady, steady]));
    assert.equal(result.flat, false);
    assert.equal(result.sentence, 'too short to compare windows: fewer than two windows ran');
  });

  it('shows no refresh latency for a window without refreshes instead of a zero', () => {
    const none = { ...steady, refreshes: 0, refreshP95Ms: 0 };
    const result = compareWindows(
      WINDOWS,
      SLOS,
      soakData(7_200_000, [none, steady, steady, steady]),
    );
    assert.equal(result.windows[0]?.refreshP95Ms, null);
    assert.equal(result.drift.refreshP95Ratio, null);
  });

  it('compares the refresh rate with the second window, since the first holds the logins', () => {
    const warming = { ...steady, refreshes: 20 };
    const result = compareWindows(
      WINDOWS,
      SLOS,
      soakData(7_200_000, [warming, steady, steady, steady]),
    );
    assert.equal(result.drift.refreshBaseline, 'window-2');
    assert.equal(result.drift.refreshRateRatio, 1);
    assert.equal(result.flat, true);
  });

  it('compares with the first window when there are only two', () => {
    const result = compareWindows(
      WINDOWS.slice(0, 2),
      SLOS,
      soakData(3_600_000, [steady, { ...steady, refreshes: 90 }]),
    );
    assert.equal(result.drift.refreshBaseline, 'window-1');
    assert.equal(result.drift.refreshRateRatio, 1.5);
    assert.match(result.sentence, /refreshes\/min \+50%\); SLO/);
  });

  it('does not call a change of a few refreshes in short windows drift', () => {
    const short = WINDOWS.map((w, i) => ({ ...w, startMs: i * 4000, endMs: (i + 1) * 4000 }));
    const few = (refreshes: number) => ({ ...steady, refreshes, requests: 40 });
    const result = compareWindows(short, SLOS, soakData(16_000, [few(2), few(4), few(5), few(7)]));
    assert.equal(result.drift.refreshRateRatio, 1.75);
    assert.equal(result.flat, true);
  });
});

describe('refreshRatesDiffer', () => {
  const row = (refreshes: number, coveredSeconds: number) =>
    ({ refreshes, coveredSeconds }) as Parameters<typeof refreshRatesDiffer>[0];

  it('sees a real change in large counts and none in small ones', () => {
    assert.equal(refreshRatesDiffer(row(700, 1800), row(400, 1800)), true);
    assert.equal(refreshRatesDiffer(row(7, 4), row(4, 4)), false);
    assert.equal(refreshRatesDiffer(row(420, 1800), row(400, 1800)), false);
  });

  it('compares rates, so a shorter window with fewer refreshes is no change', () => {
    assert.equal(refreshRatesDiffer(row(200, 900), row(400, 1800)), false);
  });
});
