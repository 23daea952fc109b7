/**
 * A stand-in for the product's series.json (issue 12 items 1–2, built apart): the same format,
 * version 1, made here from k6's `--out json` data points so that compare's integration tests can
 * use per-window samples before the product writes the file itself. Test code only: it holds a
 * short run's points in memory, which the product's streaming reader must not.
 */
import type { K6Point } from './k6.ts';
import { k6Percentile } from './k6-percentile.ts';

/** series.json, version 1 (see lib/core/results/run-digest.ts `SeriesFile`). */
export interface SeriesV1 {
  version: 1;
  scenario: string;
  startedAt: string;
  windowMs: number;
  endpoints: Record<
    string,
    Array<{
      t: number;
      requests: number;
      errors: number;
      p50: number | null;
      p95: number | null;
      p99: number | null;
    }>
  >;
  auth: Array<{
    t: number;
    logins: number;
    refreshes: number;
    relogins: number;
    authErrors: number;
  }>;
  histograms: Record<string, never>;
}

/** k6's percentile of a window's samples; null for a window without any. */
function percentile(samples: readonly number[], p: number): number | null {
  return samples.length === 0 ? null : k6Percentile(samples, p);
}

/** Cuts the points into windows of `windowMs` from the first point's time. */
export function seriesFromPoints(
  points: readonly K6Point[],
  scenario: string,
  windowMs: number,
): SeriesV1 {
  const startMs = Math.min(...points.map((point) => Date.parse(point.time)));
  const windowOf = (point: K6Point) => Math.floor((Date.parse(point.time) - startMs) / windowMs);
  const durations = new Map<string, number[][]>();
  const counts = new Map<string, { requests: number[]; errors: number[] }>();
  const auth: Array<Record<'logins' | 'refreshes' | 'relogins' | 'authErrors', number>> = [];
  let windows = 0;
  for (const point of points) {
    const index = windowOf(point);
    windows = Math.max(windows, index + 1);
    const endpoint = point.tags.endpoint;
    if (point.metric === 'http_req_duration' && endpoint !== undefined) {
      const lists = durations.get(endpoint) ?? [];
      const list = lists[index] ?? [];
      list.push(point.value);
      lists[index] = list;
      durations.set(endpoint, lists);
    } else if (point.metric === 'http_reqs' && endpoint !== undefined) {
      const entry = counts.get(endpoint) ?? { requests: [], errors: [] };
      entry.requests[index] = (entry.requests[index] ?? 0) + 1;
      counts.set(endpoint, entry);
    } else if (point.metric === 'http_req_failed' && endpoint !== undefined && point.value !== 0) {
      const entry = counts.get(endpoint) ?? { requests: [], errors: [] };
      entry.errors[index] = (entry.errors[index] ?? 0) + 1;
      counts.set(endpoint, entry);
    } else {
      const key = {
        auth_logins: 'logins',
        auth_refreshes: 'refreshes',
        auth_relogins: 'relogins',
        auth_errors: 'authErrors',
      }[point.metric] as 'logins' | 'refreshes' | 'relogins' | 'authErrors' | undefined;
      if (key === undefined || (key === 'authErrors' && point.value === 0)) continue;
      const row = auth[index] ?? { logins: 0, refreshes: 0, relogins: 0, authErrors: 0 };
      row[key] += key === 'authErrors' ? 1 : point.value;
      auth[index] = row;
    }
  }
  const endpoints: SeriesV1['endpoints'] = {};
  for (const [endpoint, entry] of counts) {
    const lists = durations.get(endpoint) ?? [];
    endpoints[endpoint] = Array.from({ length: windows }, (_, index) => {
      const samples = lists[index] ?? [];
      return {
        t: index * windowMs,
        requests: entry.requests[index] ?? 0,
        errors: entry.errors[index] ?? 0,
        p50: percentile(samples, 0.5),
        p95: percentile(samples, 0.95),
        p99: percentile(samples, 0.99),
      };
    });
  }
  return {
    version: 1,
    scenario,
    startedAt: new Date(startMs).toISOString(),
    windowMs,
    endpoints,
    auth: Array.from({ length: windows }, (_, index) => ({
      t: index * windowMs,
      ...(auth[index] ?? { logins: 0, refreshes: 0, relogins: 0, authErrors: 0 }),
    })),
    histograms: {},
  };
}
