import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hodgesLehmannShift,
  mannWhitneyU,
  median,
  normalCdf,
  poissonRateP,
  twoProportionP,
} from '../../../lib/core/results/compare-stats.ts';

const close = (actual: number, expected: number, tolerance = 1e-4) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${actual} is not within ${tolerance} of ${expected}`,
  );

describe('median', () => {
  it('takes the middle value, or the mean of the middle two, of unsorted values', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});

describe('normalCdf', () => {
  it('matches the standard normal table', () => {
    close(normalCdf(0), 0.5);
    close(normalCdf(1.96), 0.975);
    close(normalCdf(-2.5758), 0.005);
  });
});

describe('mannWhitneyU', () => {
  it('gives the exact two-sided p of two fully separated samples of five: 2/252', () => {
    const result = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    assert.equal(result.method, 'exact');
    assert.equal(result.u, 0);
    close(result.pValue, 2 / 252, 1e-12);
  });

  it('gives the exact p of U = 3 for sizes 4 and 5: two-sided 14/126', () => {
    // Ranks of the first sample among the nine: 1, 2, 4, 6 → U = 13 - 4·5/2 = 3.
    const result = mannWhitneyU([1.1, 2.2, 4.4, 6.6], [3.3, 5.5, 7.7, 8.8, 9.9]);
    assert.equal(result.u, 3);
    // P(U ≤ 3) for (4, 5) is 7/126; two-sided doubles it.
    close(result.pValue, 14 / 126, 1e-12);
  });

  it('calls interleaved samples of one distribution not different', () => {
    const result = mannWhitneyU([1, 3, 5, 7, 9, 11], [2, 4, 6, 8, 10, 12]);
    assert.ok(result.pValue > 0.5, `p = ${result.pValue}`);
  });

  it('uses the normal approximation with a tie correction when values tie', () => {
    const result = mannWhitneyU([1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4]);
    assert.equal(result.method, 'normal');
    assert.ok(result.pValue < 0.01, `p = ${result.pValue}`);
  });

  it('gives p = 1 when every value is the same, or a sample is empty', () => {
    assert.equal(mannWhitneyU([20, 20, 20, 20, 20], [20, 20, 20, 20, 20]).pValue, 1);
    assert.equal(mannWhitneyU([], [1, 2]).pValue, 1);
  });
});

describe('hodgesLehmannShift', () => {
  it('is the median of the pairwise differences, unmoved by one wild window', () => {
    assert.equal(hodgesLehmannShift([1, 2, 3], [51, 52, 53]), 50);
    assert.equal(hodgesLehmannShift([1, 2, 3, 4, 5], [1, 2, 3, 4, 500]), 0);
  });
});

describe('poissonRateP', () => {
  it('calls 100 against 104 events in equal times noise, and 100 against 200 not', () => {
    assert.ok(poissonRateP(100, 60, 104, 60) > 0.5);
    assert.ok(poissonRateP(100, 60, 200, 60) < 1e-6);
  });

  it('compares rates, not counts, when the runs differ in length', () => {
    assert.ok(poissonRateP(100, 60, 200, 120) > 0.9);
  });

  it('gives p = 1 when nothing happened in either run', () => {
    assert.equal(poissonRateP(0, 10, 0, 10), 1);
  });
});

describe('twoProportionP', () => {
  it('calls 0 of 1000 against 1 of 1000 failures noise, and 0 against 50 not', () => {
    assert.ok(twoProportionP(0, 1000, 1, 1000) > 0.3);
    assert.ok(twoProportionP(0, 1000, 50, 1000) < 1e-6);
  });

  it('gives p = 1 when nothing failed or there were no requests', () => {
    assert.equal(twoProportionP(0, 100, 0, 100), 1);
    assert.equal(twoProportionP(0, 0, 3, 10), 1);
  });
});
