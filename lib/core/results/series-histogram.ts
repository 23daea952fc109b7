/**
 * A mergeable streaming histogram of latencies with a bounded relative error: log-linear buckets
 * (the DDSketch mapping, Masson et al., VLDB 2019), bucket `i` holding the values in
 * (γ^(i-1), γ^i] with γ = (1 + α) / (1 − α). Any quantile read from it is within α (1 %) of the
 * sample at that rank, no sample is kept, and two histograms merge by adding their counts, so the
 * windows of a time series can be merged without going back to the samples.
 */

import { ERROR_CODES, ToolkitError } from '../errors.ts';

/** The relative error of every quantile: 1 %. */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this (1 µs, in ms) count as 0: a connection refused before any byte. */
export const MIN_TRACKED_MS = 0.001;
/** Headroom added when the dense bucket array grows, so a slowly widening range reallocates rarely. */
const GROW_MARGIN = 16;

/** A histogram as JSON (series.json `histograms`): dense counts from bucket `offset` on. */
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
  /** Exact extremes, in ms; null when empty. */
  minMs: number | null;
  maxMs: number | null;
}

/** The bucket of a value above `MIN_TRACKED_MS`. */
export function bucketIndex(valueMs: number): number {
  return Math.ceil(Math.log(valueMs) / LOG_GAMMA);
}

/** The value a bucket stands for: the point with the same relative distance to both its edges. */
export function bucketValue(index: number): number {
  return (2 * GAMMA ** index) / (GAMMA + 1);
}

export class LogHistogram {
  private counts = new Float64Array(0);
  private offset = 0;
  private zeroCount = 0;
  private total = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  /** Samples recorded. */
  get count(): number {
    return this.total;
  }

  /** Records one value in milliseconds (`times` of it); NaN is ignored. */
  record(valueMs: number, times = 1): void {
    if (Number.isNaN(valueMs) || times <= 0) return;
    this.total += times;
    if (valueMs < this.min) this.min = valueMs;
    if (valueMs > this.max) this.max = valueMs;
    if (valueMs <= MIN_TRACKED_MS) {
      this.zeroCount += times;
      return;
    }
    this.addToBucket(bucketIndex(valueMs), times);
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

  /** Adds every sample of `other` to this one. */
  merge(other: LogHistogram): void {
    if (other.total === 0) return;
    this.total += other.total;
    this.zeroCount += other.zeroCount;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    for (let i = 0; i < other.counts.length; i += 1) {
      const times = other.counts[i] ?? 0;
      if (times > 0) this.addToBucket(other.offset + i, times);
    }
  }

  /**
   * The value at quantile `q` (0..1): within `RELATIVE_ACCURACY` of the sample at rank
   * ⌊q·(count − 1)⌋ of the sorted samples; the exact min and max at the first and last rank. Null
   * when empty.
   */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.floor(Math.min(1, Math.max(0, q)) * (this.total - 1));
    // The extremes are kept exactly: the first and last ranks need no bucket.
    if (rank === 0) return this.min;
    if (rank === this.total - 1) return this.max;
    if (rank < this.zeroCount) return Math.max(0, this.min);
    let seen = this.zeroCount;
    for (let i = 0; i < this.counts.length; i += 1) {
      seen += this.counts[i] ?? 0;
      if (seen > rank) {
        return Math.min(this.max, Math.max(this.min, bucketValue(this.offset + i)));
      }
    }
    return this.max;
  }

  /** The JSON form, trimmed to the buckets in use. */
  encode(): EncodedHistogram {
    let first = 0;
    let last = this.counts.length - 1;
    while (first <= last && (this.counts[first] ?? 0) === 0) first += 1;
    while (last >= first && (this.counts[last] ?? 0) === 0) last -= 1;
    return {
      scheme: 'log-linear',
      gamma: GAMMA,
      relativeAccuracy: RELATIVE_ACCURACY,
      zeroCount: this.zeroCount,
      minTrackedMs: MIN_TRACKED_MS,
      offset: first <= last ? this.offset + first : 0,
      counts: first <= last ? Array.from(this.counts.subarray(first, last + 1)) : [],
      count: this.total,
      minMs: this.total === 0 ? null : this.min,
      maxMs: this.total === 0 ? null : this.max,
    };
  }

  /** Reads the JSON form back (e.g. a baseline's whole-run histogram, to merge or compare). */
  static decode(encoded: EncodedHistogram): LogHistogram {
    if (encoded.scheme !== 'log-linear' || Math.abs(encoded.gamma - GAMMA) > 1e-12) {
      throw new ToolkitError(
        ERROR_CODES.SERIES_INPUT_INVALID,
        `histogram; reason: expected scheme log-linear with gamma ${GAMMA}, got ${encoded.scheme} with gamma ${encoded.gamma}`,
      );
    }
    const histogram = new LogHistogram();
    encoded.counts.forEach((times, i) => {
      if (times > 0) histogram.addToBucket(encoded.offset + i, times);
    });
    histogram.zeroCount = encoded.zeroCount;
    histogram.total = encoded.count;
    histogram.min = encoded.minMs ?? Number.POSITIVE_INFINITY;
    histogram.max = encoded.maxMs ?? Number.NEGATIVE_INFINITY;
    return histogram;
  }
}
