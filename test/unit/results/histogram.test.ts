import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ToolkitError } from '../../../lib/core/errors.ts';
import {
  LogHistogram,
  MERGE_ACCURACY,
  MIN_TRACKED_MS,
  mergeHistograms,
  SERIES_ACCURACY,
  trendValues,
} from '../../../lib/core/results/histogram.ts';
import { k6JsonLineReader } from '../../../lib/core/results/k6-samples.ts';
import { parseMetricKey, SampleReducer } from '../../../lib/core/results/sample-histograms.ts';
import { k6Percentile } from '../../helpers/k6-percentile.ts';

function histogramOf(samples: readonly number[], accuracy = MERGE_ACCURACY): LogHistogram {
  const histogram = new LogHistogram(accuracy);
  for (const value of samples) histogram.record(value);
  return histogram;
}

/** A fixed pseudo-random latency series (no Math.random: the test must not vary). */
function cubedLatencies(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return 0.4 + (state / 2_147_483_648) ** 3 * 80;
  });
}

/** A deterministic PRNG (mulberry32): the same "random" latencies on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Latencies shaped like a real endpoint: log-normal around 2 ms with a long tail. */
function latencies(count: number, seed: number): number[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    const gaussian = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    return Math.exp(Math.log(2) + gaussian * 0.8);
  });
}

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}

describe('LogHistogram at the series accuracy (1 %)', () => {
  it('gives every quantile within 1 % of the exact sample at that rank', () => {
    const values = latencies(50_000, 7);
    const histogram = histogramOf(values, SERIES_ACCURACY);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactQuantile(sorted, q);
      const estimate = histogram.quantile(q) ?? Number.NaN;
      assert.ok(
        Math.abs(estimate - exact) <= exact * SERIES_ACCURACY,
        `q=${q}: estimate ${estimate} vs exact ${exact}`,
      );
    }
    assert.equal(histogram.count, 50_000);
  });

  it('is exact at the extremes and answers null when empty', () => {
    const histogram = new LogHistogram();
    assert.equal(histogram.quantile(0.5), null);
    for (const value of [3.3, 1.1, 2.2]) histogram.record(value);
    assert.equal(histogram.quantile(0), 1.1);
    assert.equal(histogram.quantile(1), 3.3);
  });

  it('merges into the same histogram as recording every sample in one', () => {
    const values = latencies(10_000, 11);
    const whole = new LogHistogram();
    const left = new LogHistogram();
    const right = new LogHistogram();
    values.forEach((value, i) => {
      whole.record(value);
      (i % 3 === 0 ? left : right).record(value);
    });
    left.merge(right);
    const { sum: leftSum, ...leftRest } = left.encode();
    const { sum: wholeSum, ...wholeRest } = whole.encode();
    assert.deepEqual(leftRest, wholeRest);
    assert.ok(Math.abs((leftSum ?? 0) - (wholeSum ?? 0)) < 1e-6);
  });

  it('counts values at or below 1 µs (a refused connection) as 0', () => {
    const histogram = new LogHistogram();
    histogram.record(0);
    histogram.record(MIN_TRACKED_MS);
    histogram.record(5);
    assert.equal(histogram.encode().zeroCount, 2);
    assert.equal(histogram.quantile(0.5), 0);
    assert.ok(Math.abs((histogram.quantile(1) ?? 0) - 5) < 1e-9);
  });

  it('survives its JSON form: decode(encode(h)) answers the same quantiles', () => {
    for (const accuracy of [SERIES_ACCURACY, MERGE_ACCURACY]) {
      const histogram = histogramOf(latencies(2000, 3), accuracy);
      const decoded = LogHistogram.decode(JSON.parse(JSON.stringify(histogram.encode())));
      for (const q of [0.5, 0.95, 0.99]) assert.equal(decoded.quantile(q), histogram.quantile(q));
      assert.deepEqual(decoded.encode(), histogram.encode());
    }
  });

  it('refuses a histogram whose gamma does not match its accuracy with SERIES_INPUT_INVALID', () => {
    const encoded = { ...new LogHistogram().encode(), gamma: 1.05 };
    assert.throws(
      () => LogHistogram.decode(encoded),
      (error: unknown) =>
        error instanceof ToolkitError &&
        error.code === 'SERIES_INPUT_INVALID' &&
        error.message ===
          'histogram; reason: expected scheme log-linear with gamma (1 + α) / (1 − α) for relativeAccuracy α 0.01, got log-linear with gamma 1.05',
    );
  });

  it('refuses to merge histograms of two accuracies with SERIES_INPUT_INVALID', () => {
    assert.throws(
      () => new LogHistogram(SERIES_ACCURACY).merge(histogramOf([1], MERGE_ACCURACY)),
      (error: unknown) =>
        error instanceof ToolkitError &&
        error.code === 'SERIES_INPUT_INVALID' &&
        error.message === 'histogram merge; reason: expected accuracy 0.01, got 0.0005',
    );
  });

  it('keeps a bounded number of buckets: 1 µs to 10 minutes fits in about a thousand', () => {
    const histogram = new LogHistogram();
    histogram.record(0.0011);
    histogram.record(600_000);
    assert.ok(histogram.encode().counts.length < 1100);
  });
});

describe('LogHistogram at the merge accuracy (0.05 %)', () => {
  it("gives k6's percentiles of the samples, within 0.05 %", () => {
    const samples = cubedLatencies(5000, 7);
    const histogram = histogramOf(samples);
    for (const fraction of [0.5, 0.9, 0.95, 0.99]) {
      const exact = k6Percentile(samples, fraction);
      assert.ok(
        Math.abs(histogram.percentile(fraction) - exact) <= exact * MERGE_ACCURACY,
        `p(${fraction * 100})`,
      );
    }
  });

  it('merges instances into the percentiles of all their samples together, not their average', () => {
    const fast = cubedLatencies(3000, 1).map((v) => v / 10);
    const slow = cubedLatencies(1000, 2).map((v) => v * 3);
    const merged = mergeHistograms([histogramOf(fast), histogramOf(slow)]);
    const exact = k6Percentile([...fast, ...slow], 0.95);
    const p95 = merged.percentile(0.95);
    assert.ok(Math.abs(p95 - exact) <= exact * MERGE_ACCURACY);
    const averaged = (histogramOf(fast).percentile(0.95) + histogramOf(slow).percentile(0.95)) / 2;
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
    const { 'p(95)': p95, med, ...rest } = values;
    assert.deepEqual(rest, { avg: 2.5, min: 1, max: 4, count: 4 });
    assert.ok(Math.abs((med ?? 0) - 2.5) <= 2.5 * MERGE_ACCURACY, `med=${med}`);
    assert.ok(Math.abs((p95 ?? 0) - 3.85) <= 3.85 * MERGE_ACCURACY, `p(95)=${p95}`);
  });

  it('reports zeros for a trend with no sample, as k6 does', () => {
    assert.deepEqual(trendValues(new LogHistogram(MERGE_ACCURACY), ['avg', 'p(95)', 'count']), {
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
    const read = k6JsonLineReader(reducer.metrics);
    const point = (metric: string, value: number, tags: Record<string, string>) =>
      JSON.stringify({ type: 'Point', metric, data: { time: '', value, tags } });
    for (const line of [
      JSON.stringify({ type: 'Metric', metric: 'http_req_duration', data: {} }),
      point('http_req_duration', 2, { endpoint: 'login' }),
      point('http_req_duration', 4, { endpoint: 'protected' }),
      point('http_reqs', 1, { group: '::setup' }),
      point('iteration_duration', 9, {}),
      '',
    ]) {
      const sample = read(line);
      if (sample !== null) reducer.addSample(sample);
    }
    const result = reducer.result();
    assert.equal(result.trends.http_req_duration?.count, 2);
    assert.equal(result.trends['http_req_duration{endpoint:login}']?.count, 1);
    assert.equal(result.trends['http_req_duration{endpoint:login}']?.maxMs, 2);
    assert.equal(result.setupRequests, 1);
  });
});
