import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findStormPeaks } from '../../../lib/core/results/storm-peaks.ts';
import type { MetricSummary, SummaryData } from '../../../lib/core/results/summary-data.ts';
import { stormBuckets } from '../../../lib/core/scenario/shapes.ts';

function stormData(metric: string, counts: Record<string, number>): SummaryData {
  const metrics: Record<string, MetricSummary> = {};
  for (const [bucket, count] of Object.entries(counts)) {
    metrics[`${metric}{phase:${bucket}}`] = {
      type: 'counter',
      contains: 'default',
      values: { count, rate: 0 },
    };
  }
  return {
    metrics,
    root_group: { name: '', path: '', id: '', groups: [], checks: [] },
    options: { summaryTrendStats: [], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 10_000 },
  };
}

describe('findStormPeaks', () => {
  const buckets = stormBuckets(10_000);

  it('finds the busiest second and compares it with the VU count', () => {
    const peaks = findStormPeaks(
      buckets,
      'auth_refreshes',
      40,
      stormData('auth_refreshes', { t5: 6, t6: 13, t7: 9, t8: 12, t9: 0 }),
    );
    assert.equal(peaks.peakPerSecond, 13);
    assert.equal(peaks.peakAtSeconds, 6);
    assert.equal(peaks.total, 40);
    assert.deepEqual(peaks.perBucket, [0, 0, 0, 0, 0, 6, 13, 9, 12, 0]);
    assert.equal(
      peaks.sentence,
      'peak 13 refreshes/s at 6 s, 33% of the 40 VUs; 40 refreshes in all',
    );
  });

  it('takes the earliest of equally busy seconds', () => {
    const peaks = findStormPeaks(
      buckets,
      'auth_logins',
      20,
      stormData('auth_logins', { t0: 10, t3: 10 }),
    );
    assert.equal(peaks.peakAtSeconds, 0);
  });

  it('says when every VU had logged in', () => {
    const peaks = findStormPeaks(
      buckets,
      'auth_logins',
      30,
      stormData('auth_logins', { t0: 18, t1: 12, t4: 30 }),
    );
    assert.equal(peaks.secondsUntilAllVus, 2);
    assert.equal(
      findStormPeaks(buckets, 'auth_logins', 30, stormData('auth_logins', { t0: 3 }))
        .secondsUntilAllVus,
      null,
    );
  });

  it('divides by the bucket length when long storms use wider buckets', () => {
    const wide = stormBuckets(2 * 3_600_000);
    const peaks = findStormPeaks(
      wide,
      'auth_refreshes',
      100,
      stormData('auth_refreshes', { t24: 60 }),
    );
    assert.equal(peaks.bucketSeconds, 12);
    assert.equal(peaks.peakPerSecond, 5);
  });

  it('says plainly when no refresh happened, with the likely reasons', () => {
    const peaks = findStormPeaks(buckets, 'auth_refreshes', 10, stormData('auth_refreshes', {}));
    assert.equal(peaks.total, 0);
    assert.equal(peaks.peakAtSeconds, null);
    assert.equal(
      peaks.sentence,
      'no refreshes happened (is AUTH_MODE=dual, and is the access token shorter-lived than DURATION?)',
    );
  });
});
