/**
 * The statistics behind `npm run compare`: pure functions on plain numbers.
 *
 * Per-window values (a run's series windows, soak windows) are compared with the two-sided
 * Mann–Whitney U test (rank-based: no normality assumed, robust to the long tail latencies have)
 * and the size of the change is the Hodges–Lehmann shift (the median of all pairwise differences,
 * the estimator that goes with the U test). Whole-run counts are compared as Poisson rates and
 * whole-run error rates as two proportions. A significance test alone would call a 0.1 ms change
 * "worse" once there are enough windows, so compare.ts also asks for a minimum practical effect.
 */

/** The median of a non-empty list (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * The standard normal cumulative distribution function, Φ(z), by the Abramowitz–Stegun 7.1.26
 * approximation of erf (absolute error below 1.5e-7, plenty for a p-value).
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided p-value of a standard normal statistic. */
export function twoSidedP(z: number): number {
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

export interface UTestResult {
  /** U of the first sample (the count of pairs where it is the larger, ties counting half). */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  /** "exact" (no ties, small samples) or "normal" (normal approximation with tie correction). */
  method: 'exact' | 'normal';
}

/** Samples up to this size (both together) without ties get the exact distribution of U. */
const EXACT_MAX_TOTAL = 40;

/** Midranks of the pooled values, and whether any tie occurred. */
function rank(values: readonly number[]): { ranks: number[]; tieGroups: number[] } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length).fill(0);
  const tieGroups: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.value === order[start]?.value) end += 1;
    const midrank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) ranks[order[k]?.index ?? 0] = midrank;
    if (end > start) tieGroups.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, tieGroups };
}

/**
 * Counts of U values under the null hypothesis for sizes n1, n2: entry u is how many of the
 * C(n1+n2, n1) rank arrangements give U = u. The usual recurrence f(n1,n2,u) = f(n1-1,n2,u-n2) +
 * f(n1,n2-1,u), in doubles (exact enough for n1+n2 ≤ 40).
 */
function exactUCounts(n1: number, n2: number): number[] {
  // table[i][j] is the distribution for sizes (i, j), built up column by column.
  let previous: number[][] = [];
  for (let i = 0; i <= n1; i += 1) {
    const row: number[][] = [];
    for (let j = 0; j <= n2; j += 1) {
      if (i === 0 || j === 0) {
        row.push([1]);
        continue;
      }
      const withoutLast1 = previous[j] ?? [1];
      const withoutLast2 = row[j - 1] ?? [1];
      const counts = new Array<number>(i * j + 1).fill(0);
      // The largest value is from sample 1: it beats all j of sample 2.
      withoutLast1.forEach((count, u) => {
        counts[u + j] = (counts[u + j] ?? 0) + count;
      });
      withoutLast2.forEach((count, u) => {
        counts[u] = (counts[u] ?? 0) + count;
      });
      row.push(counts);
    }
    previous = row;
  }
  return previous[n2] ?? [1];
}

/**
 * The two-sided Mann–Whitney U test of "the two samples come from the same distribution".
 * Returns p = 1 when either sample is empty or every value is the same.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): UTestResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: 0, pValue: 1, method: 'normal' };
  const { ranks, tieGroups } = rank([...a, ...b]);
  const rankSum1 = ranks.slice(0, n1).reduce((sum, r) => sum + r, 0);
  const u = rankSum1 - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  if (tieGroups.length === 0 && n1 + n2 <= EXACT_MAX_TOTAL) {
    const counts = exactUCounts(n1, n2);
    const total = counts.reduce((sum, c) => sum + c, 0);
    // Two-sided: the probability of a U at least as far from the mean, both tails.
    const distance = Math.abs(u - mean);
    let tail = 0;
    counts.forEach((count, value) => {
      if (Math.abs(value - mean) >= distance - 1e-9) tail += count;
    });
    return { u, pValue: Math.min(1, tail / total), method: 'exact' };
  }
  const n = n1 + n2;
  const tieTerm = tieGroups.reduce((sum, t) => sum + (t * t * t - t), 0);
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, pValue: 1, method: 'normal' };
  // Continuity correction of a half towards the mean.
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, pValue: z <= 0 ? 1 : twoSidedP(z), method: 'normal' };
}

/**
 * The Hodges–Lehmann estimate of the shift from `a` to `b`: the median of every difference
 * `b[j] - a[i]`. Robust (one wild window moves it little) and consistent with the U test.
 */
export function hodgesLehmannShift(a: readonly number[], b: readonly number[]): number {
  const differences: number[] = [];
  for (const x of a) for (const y of b) differences.push(y - x);
  return median(differences);
}

/**
 * Two whole-run event counts as Poisson rates: the two-sided p-value that `countA` in `secondsA`
 * and `countB` in `secondsB` share one rate (the normal approximation of the rate difference,
 * the same three-sigma idea soak-windows.ts uses for refresh rates). 1 when both are zero.
 */
export function poissonRateP(
  countA: number,
  secondsA: number,
  countB: number,
  secondsB: number,
): number {
  if (secondsA <= 0 || secondsB <= 0) return 1;
  // Pooled rate under the null, so that 0 against 3 still has a variance.
  const pooled = (countA + countB) / (secondsA + secondsB);
  const variance = pooled / secondsA + pooled / secondsB;
  if (variance <= 0) return 1;
  return twoSidedP((countB / secondsB - countA / secondsA) / Math.sqrt(variance));
}

/**
 * Two proportions (failures out of totals), pooled two-proportion z test: the two-sided p-value
 * that both come from one failure rate. 1 when either total is zero or nothing failed.
 */
export function twoProportionP(
  failsA: number,
  totalA: number,
  failsB: number,
  totalB: number,
): number {
  if (totalA <= 0 || totalB <= 0) return 1;
  const pooled = (failsA + failsB) / (totalA + totalB);
  const variance = pooled * (1 - pooled) * (1 / totalA + 1 / totalB);
  if (variance <= 0) return 1;
  return twoSidedP((failsB / totalB - failsA / totalA) / Math.sqrt(variance));
}
