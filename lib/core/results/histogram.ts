/**
 * A mergeable histogram of one k6 Trend, and k6's own percentile rule over it.
 *
 * Percentiles cannot be averaged across instances (the p95 of two halves is not the mean of their
 * p95s), so each instance of a split test reduces its raw samples (`--out json`) to one of these
 * per Trend key; merging adds the bucket counts, and the merged percentiles are computed as k6 does
 * on a single instance (lib/metrics/sink.go `TrendSink.P`: linear interpolation between the
 * sorted samples at rank `p · (count − 1)`).
 *
 * Buckets are the sample rounded to `HISTOGRAM_DIGITS` significant digits: a percentile is off by
 * at most half a unit in the 4th digit (0.05 %), whatever the number of instances; count, sum, min
 * and max are exact. 4 digits keep at most 9,000 buckets per decade of latency.
 */

/** Significant digits a bucket keeps. */
export const HISTOGRAM_DIGITS = 4;

export interface Histogram {
  count: number;
  sum: number;
  /** Exact; 0 when empty. */
  min: number;
  /** Exact; 0 when empty. */
  max: number;
  /** Bucket value (`value.toPrecision(HISTOGRAM_DIGITS)`) → samples in it. */
  buckets: Record<string, number>;
}

/** A histogram with no sample. */
export function emptyHistogram(): Histogram {
  return { count: 0, sum: 0, min: 0, max: 0, buckets: {} };
}

/** The bucket a sample falls in. */
export function bucketOf(value: number): string {
  return value === 0 ? '0' : value.toPrecision(HISTOGRAM_DIGITS);
}

/** Adds one sample, in place. */
export function addSample(histogram: Histogram, value: number): void {
  if (histogram.count === 0) {
    histogram.min = value;
    histogram.max = value;
  } else {
    if (value < histogram.min) histogram.min = value;
    if (value > histogram.max) histogram.max = value;
  }
  histogram.count += 1;
  histogram.sum += value;
  const bucket = bucketOf(value);
  histogram.buckets[bucket] = (histogram.buckets[bucket] ?? 0) + 1;
}

/** The histogram of all the samples of `histograms` together. */
export function mergeHistograms(histograms: readonly Histogram[]): Histogram {
  const merged = emptyHistogram();
  for (const histogram of histograms) {
    if (histogram.count === 0) continue;
    merged.min = merged.count === 0 ? histogram.min : Math.min(merged.min, histogram.min);
    merged.max = merged.count === 0 ? histogram.max : Math.max(merged.max, histogram.max);
    merged.count += histogram.count;
    merged.sum += histogram.sum;
    for (const [bucket, count] of Object.entries(histogram.buckets)) {
      merged.buckets[bucket] = (merged.buckets[bucket] ?? 0) + count;
    }
  }
  return merged;
}

/** Buckets in ascending order with their cumulative counts, for rank look-ups. */
interface Ranked {
  values: number[];
  /** `upTo[i]`: samples in buckets 0..i. */
  upTo: number[];
}

function rank(histogram: Histogram): Ranked {
  const entries = Object.entries(histogram.buckets)
    .map(([bucket, count]) => [Number(bucket), count] as const)
    .sort((a, b) => a[0] - b[0]);
  const values: number[] = [];
  const upTo: number[] = [];
  let running = 0;
  for (const [value, count] of entries) {
    running += count;
    values.push(value);
    upTo.push(running);
  }
  return { values, upTo };
}

/** The sample at 0-based `index` in sorted order; the ends are the exact min and max. */
function sampleAt(histogram: Histogram, ranked: Ranked, index: number): number {
  if (index <= 0) return histogram.min;
  if (index >= histogram.count - 1) return histogram.max;
  let low = 0;
  let high = ranked.upTo.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((ranked.upTo[middle] ?? 0) > index) high = middle;
    else low = middle + 1;
  }
  const value = ranked.values[low] ?? histogram.max;
  return Math.min(histogram.max, Math.max(histogram.min, value));
}

function percentileOf(histogram: Histogram, ranked: Ranked, fraction: number): number {
  if (histogram.count === 0) return 0;
  if (histogram.count === 1) return histogram.min;
  const position = fraction * (histogram.count - 1);
  const below = sampleAt(histogram, ranked, Math.floor(position));
  const above = sampleAt(histogram, ranked, Math.ceil(position));
  return below + (above - below) * (position - Math.floor(position));
}

/** k6's percentile (`p` from 0 to 1) of the histogram's samples; 0 when empty, as k6 reports. */
export function histogramPercentile(histogram: Histogram, fraction: number): number {
  return percentileOf(histogram, rank(histogram), fraction);
}

const PERCENTILE_STAT = /^p\((\d+(?:\.\d+)?)\)$/;

/**
 * The Trend's summary values for `stats` (k6's `summaryTrendStats`: avg, min, med, max, p(N),
 * count), as k6 puts them in `handleSummary` data.
 */
export function trendValues(
  histogram: Histogram,
  stats: readonly string[],
): Record<string, number> {
  const ranked = rank(histogram);
  const values: Record<string, number> = {};
  for (const stat of stats) {
    if (stat === 'avg') values.avg = histogram.count === 0 ? 0 : histogram.sum / histogram.count;
    else if (stat === 'min') values.min = histogram.min;
    else if (stat === 'max') values.max = histogram.max;
    else if (stat === 'count') values.count = histogram.count;
    else if (stat === 'med') values.med = percentileOf(histogram, ranked, 0.5);
    else {
      const percent = PERCENTILE_STAT.exec(stat)?.[1];
      if (percent !== undefined)
        values[stat] = percentileOf(histogram, ranked, Number(percent) / 100);
    }
  }
  return values;
}
