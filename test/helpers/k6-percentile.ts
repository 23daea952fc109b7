/**
 * k6's own percentile rule on raw samples (lib/metrics/sink.go, TrendSink.P): sort, then
 * interpolate linearly at rank `fraction · (count − 1)`. NaN for no samples.
 */
export function k6Percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = fraction * (sorted.length - 1);
  const below = sorted[Math.floor(rank)] ?? Number.NaN;
  const above = sorted[Math.ceil(rank)] ?? Number.NaN;
  return below + (above - below) * (rank - Math.floor(rank));
}
