/**
 * Peaks of a storm: how many refreshes (refresh-storm) or logins (login-storm) landed in the
 * busiest second, measured by k6 itself from per-bucket sub-metrics (`auth_refreshes{phase:t12}`),
 * so it works against any API. Jitter on the renewal time should keep the refresh peak well under
 * the VU count even though every VU logged in at the same moment.
 */

import type { Phase } from '../scenario/shapes.ts';
import { phaseMetric } from './phases.ts';
import type { SummaryData } from './summary-data.ts';

export interface StormPeaks {
  /** The counter measured: `auth_refreshes` or `auth_logins`. */
  metric: string;
  vus: number;
  total: number;
  /** The busiest bucket's count divided by its length in seconds. */
  peakPerSecond: number;
  /** When the busiest bucket started, seconds into the run. */
  peakAtSeconds: number | null;
  /** Seconds from the start until the counter reached `vus` (every VU did it once); null if never. */
  secondsUntilAllVus: number | null;
  /** Counts per bucket, in order (for a sparkline or a chart). */
  perBucket: number[];
  bucketSeconds: number;
  sentence: string;
}

/**
 * Reads a storm's per-bucket counts.
 *
 * @param what - "refreshes" or "logins", for the sentence.
 */
export function findStormPeaks(
  buckets: readonly Phase[],
  metric: 'auth_refreshes' | 'auth_logins',
  vus: number,
  data: SummaryData,
): StormPeaks {
  const first = buckets[0];
  const bucketSeconds = first === undefined ? 1 : (first.endMs - first.startMs) / 1000;
  const perBucket = buckets.map(
    (bucket) => phaseMetric(data, metric, bucket.name)?.values.count ?? 0,
  );
  let peakIndex = -1;
  perBucket.forEach((count, index) => {
    if (count > 0 && (peakIndex === -1 || count > (perBucket[peakIndex] ?? 0))) peakIndex = index;
  });
  const peak = peakIndex === -1 ? 0 : (perBucket[peakIndex] ?? 0);
  let running = 0;
  let secondsUntilAllVus: number | null = null;
  for (const [index, count] of perBucket.entries()) {
    running += count;
    if (running >= vus) {
      secondsUntilAllVus = (buckets[index]?.endMs ?? 0) / 1000;
      break;
    }
  }
  const total = perBucket.reduce((sum, count) => sum + count, 0);
  const peakPerSecond = peak / bucketSeconds;
  const what = metric === 'auth_refreshes' ? 'refreshes' : 'logins';
  const share = vus > 0 ? Math.round((peakPerSecond / vus) * 100) : 0;
  const peakAtSeconds = peakIndex === -1 ? null : (buckets[peakIndex]?.startMs ?? 0) / 1000;
  const sentence =
    total === 0
      ? `no ${what} happened${what === 'refreshes' ? ' (is AUTH_MODE=dual, and is the access token shorter-lived than DURATION?)' : ''}`
      : `peak ${round(peakPerSecond)} ${what}/s at ${peakAtSeconds} s, ${share}% of the ${vus} VUs; ${total} ${what} in all`;
  return {
    metric,
    vus,
    total,
    peakPerSecond,
    peakAtSeconds,
    secondsUntilAllVus,
    perBucket,
    bucketSeconds,
    sentence,
  };
}

function round(value: number): string {
  return `${Math.round(value * 10) / 10}`;
}
