import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogHistogram, MERGE_ACCURACY } from '../../../lib/core/results/histogram.ts';
import {
  type InstanceResults,
  MergeError,
  mergeContexts,
  mergedExitCode,
  mergeSummaries,
} from '../../../lib/core/results/merge.ts';
import { HISTOGRAMS_FORMAT } from '../../../lib/core/results/sample-histograms.ts';
import type { MetricSummary, SummaryData } from '../../../lib/core/results/summary-data.ts';

const STATS = ['avg', 'min', 'med', 'max', 'p(95)', 'count'];

function histogramOf(samples: readonly number[]): LogHistogram {
  const histogram = new LogHistogram(MERGE_ACCURACY);
  for (const value of samples) histogram.record(value);
  return histogram;
}

/** One instance: `latencies` as its protected durations, `logins` logins, `failed` failed requests. */
function instance(
  name: string,
  latencies: number[],
  logins: number,
  failed: number,
  ok: boolean,
  durationMs = 10_000,
): InstanceResults {
  const h = histogramOf(latencies);
  const metrics: Record<string, MetricSummary> = {
    'http_req_duration{endpoint:protected}': {
      type: 'trend',
      contains: 'time',
      values: { count: h.count, 'p(95)': 0 },
      thresholds: { 'p(95)<10': { ok } },
    },
    auth_logins: { type: 'counter', contains: 'default', values: { count: logins, rate: 0 } },
    http_req_failed: {
      type: 'rate',
      contains: 'default',
      values: { rate: 0, passes: failed, fails: latencies.length - failed },
      thresholds: { 'rate<0.1': { ok: true } },
    },
    vus_max: { type: 'gauge', contains: 'default', values: { value: 5, min: 5, max: 5 } },
  };
  const summary: SummaryData = {
    metrics,
    root_group: {
      name: '',
      path: '',
      id: 'r',
      groups: [],
      checks: [
        { name: 'ok', path: '::ok', id: 'c', passes: latencies.length - failed, fails: failed },
      ],
    },
    options: { summaryTrendStats: STATS, summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
    setup_data: { secret: 'never merged' },
  };
  return {
    name,
    summary,
    histograms: {
      format: HISTOGRAMS_FORMAT,
      trends: { 'http_req_duration{endpoint:protected}': h.encode() },
      setupRequests: 1,
    },
  };
}

const ones = (n: number, value: number) => Array.from({ length: n }, () => value);

describe('mergeSummaries', () => {
  it('adds counters and recomputes their rate over the longest instance', () => {
    const merged = mergeSummaries([
      instance('a', ones(10, 1), 3, 0, true, 10_000),
      instance('b', ones(10, 1), 2, 0, true, 10_500),
    ]);
    assert.deepEqual(merged.metrics.auth_logins?.values, { count: 5, rate: 5 / 10.5 });
    assert.equal(merged.state.testRunDurationMs, 10_500);
    assert.equal(merged.setup_data, undefined);
  });

  it('recomputes rates from the passes and fails of all instances', () => {
    const merged = mergeSummaries([
      instance('a', ones(90, 1), 0, 9, true),
      instance('b', ones(10, 1), 0, 1, true),
    ]);
    assert.deepEqual(merged.metrics.http_req_failed?.values, { rate: 0.1, passes: 10, fails: 90 });
  });

  it('adds gauges (each instance holds its own VUs) and checks', () => {
    const merged = mergeSummaries([
      instance('a', ones(4, 1), 0, 1, true),
      instance('b', ones(4, 1), 0, 0, true),
    ]);
    assert.deepEqual(merged.metrics.vus_max?.values, { value: 10, min: 10, max: 10 });
    assert.deepEqual(merged.root_group.checks[0], {
      name: 'ok',
      path: '::ok',
      id: 'c',
      passes: 7,
      fails: 1,
    });
  });

  it('takes trends from the merged histograms: a p95 over all samples', () => {
    const merged = mergeSummaries([
      instance('a', ones(95, 1), 0, 0, true),
      instance('b', ones(5, 50), 0, 0, true),
    ]);
    const values = merged.metrics['http_req_duration{endpoint:protected}']?.values;
    assert.equal(values?.count, 100);
    assert.equal(values?.max, 50);
    // Rank 0.95 × 99 = 94.05: between the last 1 and the first 50, each read within 0.05 %.
    const exact = 1 + 49 * 0.05;
    assert.ok(Math.abs((values?.['p(95)'] ?? 0) - exact) <= exact * MERGE_ACCURACY);
  });

  it('judges thresholds again on the merged data: two halves that each held can cross together', () => {
    const merged = mergeSummaries([
      instance('a', ones(95, 1), 0, 0, true),
      instance('b', ones(5, 50), 0, 0, true),
    ]);
    assert.deepEqual(merged.metrics['http_req_duration{endpoint:protected}']?.thresholds, {
      'p(95)<10': { ok: true },
    });
    const crossed = mergeSummaries([
      instance('a', ones(90, 1), 0, 0, true),
      instance('b', ones(10, 50), 0, 0, true),
    ]);
    assert.deepEqual(crossed.metrics['http_req_duration{endpoint:protected}']?.thresholds, {
      'p(95)<10': { ok: false },
    });
    assert.equal(mergedExitCode([0, 0], crossed), 99);
    assert.equal(mergedExitCode([0, 99], merged), 0);
  });

  it("keeps the instances' verdict for a metric with no sample anywhere", () => {
    const merged = mergeSummaries([instance('a', [], 0, 0, true), instance('b', [], 0, 0, false)]);
    assert.deepEqual(merged.metrics['http_req_duration{endpoint:protected}']?.thresholds, {
      'p(95)<10': { ok: false },
    });
  });

  it('refuses an instance whose histogram does not hold the samples its summary counted', () => {
    const broken = instance('b', ones(3, 1), 0, 0, true);
    broken.histograms.trends = {};
    assert.throws(
      () => mergeSummaries([instance('a', ones(3, 1), 0, 0, true), broken]),
      (error: unknown) =>
        error instanceof MergeError &&
        error.code === 'MERGE_INVALID' &&
        error.message ===
          'Cannot merge http_req_duration{endpoint:protected} of b; reason: expected its histogram in histograms.json, got none',
    );
  });
});

describe('mergedExitCode', () => {
  it("puts an instance's own failure first, in instance order", () => {
    assert.equal(mergedExitCode([0, 107, 108], null), 107);
    assert.equal(mergedExitCode([99, 99], null), 1);
  });
});

describe('mergeContexts', () => {
  it('refuses instances of different runs', () => {
    assert.throws(
      () =>
        mergeContexts(
          [
            { scenario: 'load', thresholdsProfile: '' },
            { scenario: 'smoke', thresholdsProfile: '' },
          ],
          ['a', 'b'],
        ),
      /^MERGE_INVALID MergeError: Cannot merge b; reason: expected the same run as the first instance/,
    );
  });
});
