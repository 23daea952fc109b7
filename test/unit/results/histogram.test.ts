import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addSample,
  bucketOf,
  emptyHistogram,
  type Histogram,
  histogramPercentile,
  mergeHistograms,
  trendValues,
} from '../../../lib/core/results/histogram.ts';
import { parseMetricKey, SampleReducer } from '../../../lib/core/results/sample-histograms.ts';
import { k6Percentile } from '../../helpers/k6-percentile.ts';

function histogramOf(samples: readonly number[]): Histogram {
  const histogram = emptyHistogram();
  for (const value of samples) addSample(histogram, value);
  return histogram;
}

/** A fixed pseudo-random latency series (no Math.random: the test must not vary). */
function latencies(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return 0.4 + (state / 2_147_483_648) ** 3 * 80;
  });
}

describe('mergeable histograms', () => {
  it('keeps four significant digits per bucket', () => {
    assert.equal(bucketOf(1.23456), '1.235');
    assert.equal(bucketOf(123.456), '123.5');
    assert.equal(bucketOf(0), '0');
  });

  it("gives k6's percentiles of the samples, within half a unit of the fourth digit", () => {
    const samples = latencies(5000, 7);
    const histogram = histogramOf(samples);
    for (const fraction of [0.5, 0.9, 0.95, 0.99]) {
      const exact = k6Percentile(samples, fraction);
      assert.ok(
        Math.abs(histogramPercentile(histogram, fraction) - exact) <= exact * 0.0005,
        `p(${fraction * 100})`,
      );
    }
  });

  it('merges instances into the percentiles of all their samples together, not their average', () => {
    const fast = latencies(3000, 1).map((v) => v / 10);
    const slow = latencies(1000, 2).map((v) => v * 3);
    const merged = mergeHistograms([histogramOf(fast), histogramOf(slow)]);
    const exact = k6Percentile([...fast, ...slow], 0.95);
    const p95 = histogramPercentile(merged, 0.95);
    assert.ok(Math.abs(p95 - exact) <= exact * 0.0005);
    const averaged =
      (histogramPercentile(histogramOf(fast), 0.95) +
        histogramPercentile(histogramOf(slow), 0.95)) /
      2;
    assert.ok(Math.abs(averaged - exact) > exact * 0.1, 'averaging would have been wrong here');
    assert.equal(merged.count, 4000);
    assert.equal(merged.min, Math.min(...fast, ...slow));
    assert.equal(merged.max, Math.max(...fast, ...slow));
  });

  it("reports k6's trend stats, with exact count, average, min and max", () => {
    const values = trendValues(histogramOf([1, 2, 3, 4]), [
      'avg',
      'min',
      'med',
      'max',
      'p(95)',
      'count',
    ]);
    const { 'p(95)': p95, ...rest } = values;
    assert.deepEqual(rest, { avg: 2.5, min: 1, med: 2.5, max: 4, count: 4 });
    assert.ok(Math.abs((p95 ?? 0) - 3.85) < 1e-9, `p(95)=${p95}`);
  });

  it('reports zeros for a trend with no sample, as k6 does', () => {
    assert.deepEqual(trendValues(emptyHistogram(), ['avg', 'p(95)', 'count']), {
      avg: 0,
      'p(95)': 0,
      count: 0,
    });
  });
});

describe('SampleReducer', () => {
  it("splits a sub-metric key into k6's tag filter", () => {
    assert.deepEqual(parseMetricKey('http_req_duration{endpoint:protected,phase:s1}'), {
      metric: 'http_req_duration',
      tags: [
        ['endpoint', 'protected'],
        ['phase', 's1'],
      ],
    });
    assert.deepEqual(parseMetricKey('iteration_duration'), {
      metric: 'iteration_duration',
      tags: [],
    });
  });

  it('files each point under its metric and every sub-metric whose tags it carries, and counts setup requests', () => {
    const reducer = new SampleReducer(['http_req_duration', 'http_req_duration{endpoint:login}']);
    const point = (metric: string, value: number, tags: Record<string, string>) =>
      JSON.stringify({ type: 'Point', metric, data: { time: '', value, tags } });
    reducer.addLine(JSON.stringify({ type: 'Metric', metric: 'http_req_duration', data: {} }));
    reducer.addLine(point('http_req_duration', 2, { endpoint: 'login' }));
    reducer.addLine(point('http_req_duration', 4, { endpoint: 'protected' }));
    reducer.addLine(point('http_reqs', 1, { group: '::setup' }));
    reducer.addLine('');
    const result = reducer.result();
    assert.equal(result.trends.http_req_duration?.count, 2);
    assert.equal(result.trends['http_req_duration{endpoint:login}']?.count, 1);
    assert.equal(result.trends['http_req_duration{endpoint:login}']?.max, 2);
    assert.equal(result.setupRequests, 1);
  });
});
