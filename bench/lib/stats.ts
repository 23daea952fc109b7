/** Small statistics over repeated runs: medians, spreads and ratios of medians. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many values. */
  n: number;
}

/** Median (mean of the middle two for an even count), min and max; throws on no values. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) {
    throw new Error('no values; reason: expected at least one measurement, got none');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    median,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    n: sorted.length,
  };
}

/** `a / b` of medians; NaN when `b` is 0 (shown as "n/a"). */
export function ratioOfMedians(a: Spread, b: Spread): number {
  return b.median === 0 ? Number.NaN : a.median / b.median;
}
