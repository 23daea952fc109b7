/**
 * The one mergeable histogram of latencies, with its relative accuracy as a parameter: log-linear
 * buckets (the DDSketch mapping, Masson et al., VLDB 2019), bucket `i` holding the values in
 * (γ^(i−1), γ^i] with γ = (1 + α) / (1 − α). A value read from a bucket is within α of every
 * sample in it; no sample is kept, count, sum, min and max are exact, and two histograms of the
 * same α merge by adding their counts.
 *
 * Two accuracies are used: `SERIES_ACCURACY` (1 %) for series.json's windows (a few hundred
 * buckets per histogram, one per window and endpoint), and `MERGE_ACCURACY` (0.05 %) for a split
 * test's Trends, whose merged percentiles stand in for k6's own.
 *
 * Percentiles cannot be averaged across instances (the p95 of two halves is not the mean of their
 * p95s): merging the histograms and reading the percentile afterwards is what makes them right.
 */

import { ERROR_CODES, ToolkitError } from '../errors.ts';

/** series.json's windows: every quantile within 1 %. */
export const SERIES_ACCURACY = 0.01;
/** A split test's merged Trends: every percentile within 0.05 %. */
export const MERGE_ACCURACY = 0.0005;
/** Values at or below this (1 µs, in ms) count as 0: a connection refused before any byte. */
export const MIN_TRACKED_MS = 0.001;
/** Headroom added when the dense bucket array grows, so a slowly widening range reallocates rarely. */
const GROW_MARGIN = 16;

/** A histogram as JSON (series.json `histograms`, histograms.json `trends`). */
export interface EncodedHistogram {
  /** The bucket scheme, for readers: `log-linear` with `gamma` and `relativeAccuracy`. */
  scheme: 'log-linear';
  gamma: number;
  relativeAccuracy: number;
  /** Samples at or below `minTrackedMs`, reported as 0. */
  zeroCount: number;
  minTrackedMs: number;
  /** Index of `counts[0]`: bucket `i` holds the values in (γ^(i−1), γ^i] milliseconds. */
  offset: number;
  counts: number[];
  count: number;
  /** The exact sum of the samples (a Trend's `avg`); absent in series.json files written before. */
  sum?: number;
  /** Exact extremes, in ms; null when empty. */
  minMs: number | null;
  maxMs: number | null;
}

function gammaOf(relativeAccuracy: number): number {
  return (1 + relativeAccuracy) / (1 - relativeAccuracy);
}

export class LogHistogram {
  readonly relativeAccuracy: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private counts = new Float64Array(0);
  private offset = 0;
  private zeroCount = 0;
  private total = 0;
  private valueSum = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = Number.NEGATIVE_INFINITY;

  /** @param relativeAccuracy - α: every value read back is within this share of the samples'. */
  constructor(relativeAccuracy: number = SERIES_ACCURACY) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
      throw new ToolkitError(
        ERROR_CODES.SERIES_INPUT_INVALID,
        `histogram accuracy; reason: expected a number between 0 and 1, got ${relativeAccuracy}`,
      );
    }
    this.relativeAccuracy = relativeAccuracy;
    this.gamma = gammaOf(relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  /** Samples recorded. */
  get count(): number {
    return this.total;
  }

  /** The exact sum of the samples. */
  get sum(): number {
    return this.valueSum;
  }

  /** The exact smallest sample; 0 when empty, as k6 reports. */
  get min(): number {
    return this.total === 0 ? 0 : this.minValue;
  }

  /** The exact largest sample; 0 when empty, as k6 reports. */
  get max(): number {
    return this.total === 0 ? 0 : this.maxValue;
  }

  /** The bucket of a value above `MIN_TRACKED_MS`. */
  bucketIndex(valueMs: number): number {
    return Math.ceil(Math.log(valueMs) / this.logGamma);
  }

  /** The value a bucket stands for: the point with the same relative distance to both its edges. */
  bucketValue(index: number): number {
    return (2 * this.gamma ** index) / (this.gamma + 1);
  }

  /** Records one value in milliseconds (`times` of it); NaN is ignored. */
  record(valueMs: number, times = 1): void {
    if (Number.isNaN(valueMs) || times <= 0) return;
    this.total += times;
    this.valueSum += valueMs * times;
    if (valueMs < this.minValue) this.minValue = valueMs;
    if (valueMs > this.maxValue) this.maxValue = valueMs;
    if (valueMs <= MIN_TRACKED_MS) {
      this.zeroCount += times;
      return;
    }
    this.addToBucket(this.bucketIndex(valueMs), times);
  }

  private addToBucket(index: number, times: number): void {
    if (this.counts.length === 0) {
      this.counts = new Float64Array(GROW_MARGIN * 2 + 1);
      this.offset = index - GROW_MARGIN;
    } else if (index < this.offset || index >= this.offset + this.counts.length) {
      const low = Math.min(this.offset, index - GROW_MARGIN);
      const high = Math.max(this.offset + this.counts.length, index + GROW_MARGIN + 1);
      const grown = new Float64Array(high - low);
      grown.set(this.counts, this.offset - low);
      this.counts = grown;
      this.offset = low;
    }
    this.counts[index - this.offset] = (this.counts[index - this.offset] ?? 0) + times;
  }

  /** Adds every sample of `other` (of the same accuracy) to this one. */
  merge(other: LogHistogram): void {
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw new ToolkitError(
        ERROR_CODES.SERIES_INPUT_INVALID,
        `histogram merge; reason: expected accuracy ${this.relativeAccuracy}, got ${other.relativeAccuracy}`,
      );
    }
    if (other.total === 0) return;
    this.total += other.total;
    this.valueSum += other.valueSum;
    this.zeroCount += other.zeroCount;
    this.minValue = Math.min(this.minValue, other.minValue);
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    for (let i = 0; i < other.counts.length; i += 1) {
      const times = other.counts[i] ?? 0;
      if (times > 0) this.addToBucket(other.offset + i, times);
    }
  }

  /** The sample at 0-based `rank` in sorted order, within α; the exact min and max at the ends. */
  private sampleAt(rank: number): number {
    if (rank <= 0) return this.minValue;
    if (rank >= this.total - 1) return this.maxValue;
    if (rank < this.zeroCount) return Math.max(0, this.minValue);
    let seen = this.zeroCount;
    for (let i = 0; i < this.counts.length; i += 1) {
      seen += this.counts[i] ?? 0;
      if (seen > rank) {
        return Math.min(this.maxValue, Math.max(this.minValue, this.bucketValue(this.offset + i)));
      }
    }
    return this.maxValue;
  }

  /**
   * The value at quantile `q` (0..1): within α of the sample at rank ⌊q·(count − 1)⌋ of the
   * sorted samples (series.json's rule). Null when empty.
   */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    return this.sampleAt(Math.floor(Math.min(1, Math.max(0, q)) * (this.total - 1)));
  }

  /**
   * k6's percentile (`fraction` from 0 to 1) as k6 computes it on one instance
   * (lib/metrics/sink.go `TrendSink.P`: linear interpolation between the sorted samples at rank
   * `fraction · (count − 1)`), each sample read within α; 0 when empty, as k6 reports.
   */
  percentile(fraction: number): number {
    if (this.total === 0) return 0;
    if (this.total === 1) return this.minValue;
    const position = fraction * (this.total - 1);
    const below = this.sampleAt(Math.floor(position));
    const above = this.sampleAt(Math.ceil(position));
    return below + (above - below) * (position - Math.floor(position));
  }

  /** The JSON form, trimmed to the buckets in use. */
  encode(): EncodedHistogram {
    let first = 0;
    let last = this.counts.length - 1;
    while (first <= last && (this.counts[first] ?? 0) === 0) first += 1;
    while (last >= first && (this.counts[last] ?? 0) === 0) last -= 1;
    return {
      scheme: 'log-linear',
      gamma: this.gamma,
      relativeAccuracy: this.relativeAccuracy,
      zeroCount: this.zeroCount,
      minTrackedMs: MIN_TRACKED_MS,
      offset: first <= last ? this.offset + first : 0,
      counts: first <= last ? Array.from(this.counts.subarray(first, last + 1)) : [],
      count: this.total,
      sum: this.valueSum,
      minMs: this.total === 0 ? null : this.minValue,
      maxMs: this.total === 0 ? null : this.maxValue,
    };
  }

  /**
   * Reads the JSON form back (a baseline's whole-run histogram, an instance's Trend); the
   * accuracy is the one it was written with. `sum` may be absent (series.json before it had one).
   */
  static decode(encoded: EncodedHistogram): LogHistogram {
    const accuracy = encoded.relativeAccuracy;
    const valid =
      accuracy > 0 && accuracy < 1 && Math.abs(encoded.gamma - gammaOf(accuracy)) < 1e-12;
    if (encoded.scheme !== 'log-linear' || !valid) {
      throw new ToolkitError(
        ERROR_CODES.SERIES_INPUT_INVALID,
        `histogram; reason: expected scheme log-linear with gamma (1 + α) / (1 − α) for relativeAccuracy α ${accuracy}, got ${encoded.scheme} with gamma ${encoded.gamma}`,
      );
    }
    const histogram = new LogHistogram(accuracy);
    encoded.counts.forEach((times, i) => {
      if (times > 0) histogram.addToBucket(encoded.offset + i, times);
    });
    histogram.zeroCount = encoded.zeroCount;
    histogram.total = encoded.count;
    histogram.valueSum = encoded.sum ?? 0;
    histogram.minValue = encoded.minMs ?? Number.POSITIVE_INFINITY;
    histogram.maxValue = encoded.maxMs ?? Number.NEGATIVE_INFINITY;
    return histogram;
  }
}

/** The histogram of all the samples of `histograms` together (of one accuracy). */
export function mergeHistograms(
  histograms: readonly LogHistogram[],
  relativeAccuracy: number = MERGE_ACCURACY,
): LogHistogram {
  const merged = new LogHistogram(relativeAccuracy);
  for (const histogram of histograms) merged.merge(histogram);
  return merged;
}

const PERCENTILE_STAT = /^p\((\d+(?:\.\d+)?)\)$/;

/**
 * The Trend's summary values for `stats` (k6's `summaryTrendStats`: avg, min, med, max, p(N),
 * count), as k6 puts them in `handleSummary` data.
 */
export function trendValues(
  histogram: LogHistogram,
  stats: readonly string[],
): Record<string, number> {
  const values: Record<string, number> = {};
  for (const stat of stats) {
    if (stat === 'avg') values.avg = histogram.count === 0 ? 0 : histogram.sum / histogram.count;
    else if (stat === 'min') values.min = histogram.min;
    else if (stat === 'max') values.max = histogram.max;
    else if (stat === 'count') values.count = histogram.count;
    else if (stat === 'med') values.med = histogram.percentile(0.5);
    else {
      const percent = PERCENTILE_STAT.exec(stat)?.[1];
      if (percent !== undefined) values[stat] = histogram.percentile(Number(percent) / 100);
    }
  }
  return values;
}
