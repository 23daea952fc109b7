import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ToolkitError } from '../../../lib/core/errors.ts';
import {
  LogHistogram,
  MIN_TRACKED_MS,
  RELATIVE_ACCURACY,
} from '../../../lib/core/results/series-histogram.ts';

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

describe('LogHistogram', () => {
  it('gives every quantile within 1 % of the exact sample at that rank', () => {
    const values = latencies(50_000, 7);
    const histogram = new LogHistogram();
    for (const value of values) histogram.record(value);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactQuantile(sorted, q);
      const estimate = histogram.quantile(q) ?? Number.NaN;
      assert.ok(
        Math.abs(estimate - exact) <= exact * RELATIVE_ACCURACY,
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
      (i % 3 === 0 ? left : right).record(value * (i % 3 === 0 ? 1 : 1));
    });
    left.merge(right);
    assert.deepEqual(left.encode(), whole.encode());
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
    const histogram = new LogHistogram();
    for (const value of latencies(2000, 3)) histogram.record(value);
    const decoded = LogHistogram.decode(JSON.parse(JSON.stringify(histogram.encode())));
    for (const q of [0.5, 0.95, 0.99]) assert.equal(decoded.quantile(q), histogram.quantile(q));
    assert.deepEqual(decoded.encode(), histogram.encode());
  });

  it('refuses a histogram of another bucket scheme with SERIES_INPUT_INVALID', () => {
    const encoded = { ...new LogHistogram().encode(), gamma: 1.05 };
    assert.throws(
      () => LogHistogram.decode(encoded),
      (error: unknown) =>
        error instanceof ToolkitError &&
        error.code === 'SERIES_INPUT_INVALID' &&
        /^histogram; reason: expected scheme log-linear with gamma 1\.0202\d*, got log-linear with gamma 1\.05$/.test(
          error.message,
        ),
    );
  });

  it('keeps a bounded number of buckets: 1 µs to 10 minutes fits in about a thousand', () => {
    const histogram = new LogHistogram();
    histogram.record(0.0011);
    histogram.record(600_000);
    assert.ok(histogram.encode().counts.length < 1100);
  });
});
