/**
 * The per-endpoint results table (requests/s, p50/p90/p95/p99, error rate) and the auth counters,
 * read from k6's summary data and rendered as plain text for the terminal.
 */

import { REPORTED_ENDPOINTS } from '../scenario/thresholds.ts';
import type { MetricSummary, SummaryData } from './summary-data.ts';
import { round } from './summary-data.ts';

/** Shown where a value is missing (sub-metric not in the summary, stat not collected, no requests). */
export const MISSING = '–';

export interface EndpointRow {
  endpoint: string;
  /** Requests sent; null when `http_reqs{endpoint:…}` is not in the summary. */
  requests: number | null;
  requestsPerSecond: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Share of failed requests, 0..1 (`http_req_failed`). */
  errorRate: number | null;
}

/** Counts are 0 when absent: k6 leaves a counter that was never incremented out of the summary. */
export interface AuthCounts {
  logins: number;
  refreshes: number;
  relogins: number;
  expiredRejections: number;
  /** `auth_errors` rate, 0..1. */
  errorRate: number | null;
}

/** Shown when the summary has them: a CSRF step, logouts, an identity provider's login walk. */
const OPTIONAL_ENDPOINTS = ['csrf', 'discovery', 'authorize', 'consent', 'token', 'logout'];

function statOf(metric: MetricSummary | undefined, stat: string): number | null {
  return metric?.values[stat] ?? null;
}

function subMetric(data: SummaryData, name: string, endpoint: string): MetricSummary | undefined {
  return data.metrics[`${name}{endpoint:${endpoint}}`];
}

/**
 * One row per endpoint: login, refresh and protected always (their sub-metrics are kept by the
 * reporting thresholds), csrf and logout when the summary has them. An endpoint that sent no
 * request has no latencies or error rate (k6 reports zeros for an empty trend).
 */
export function collectEndpointRows(data: SummaryData): EndpointRow[] {
  const optional = OPTIONAL_ENDPOINTS.filter((endpoint) =>
    ['http_reqs', 'http_req_duration', 'http_req_failed'].some((name) =>
      subMetric(data, name, endpoint),
    ),
  );
  return [...REPORTED_ENDPOINTS, ...optional].map((endpoint) => {
    const requestsMetric = subMetric(data, 'http_reqs', endpoint);
    const duration = subMetric(data, 'http_req_duration', endpoint);
    const failed = subMetric(data, 'http_req_failed', endpoint);
    const requests = statOf(requestsMetric, 'count') ?? statOf(duration, 'count');
    const sent = requests !== 0;
    return {
      endpoint,
      requests,
      requestsPerSecond: statOf(requestsMetric, 'rate'),
      p50Ms: sent ? (statOf(duration, 'med') ?? statOf(duration, 'p(50)')) : null,
      p90Ms: sent ? statOf(duration, 'p(90)') : null,
      p95Ms: sent ? statOf(duration, 'p(95)') : null,
      p99Ms: sent ? statOf(duration, 'p(99)') : null,
      errorRate: sent ? statOf(failed, 'rate') : null,
    };
  });
}

/**
 * The toolkit's auth metrics, by the names users' thresholds and dashboards rely on
 * (docs/writing-scripts.md, "Metrics and tags"): `auth_logins`, `auth_refreshes`, `auth_relogins`, `auth_expired_rejections`,
 * `auth_errors`.
 */
export function collectAuthCounts(data: SummaryData): AuthCounts {
  const count = (name: string) => statOf(data.metrics[name], 'count') ?? 0;
  return {
    logins: count('auth_logins'),
    refreshes: count('auth_refreshes'),
    relogins: count('auth_relogins'),
    expiredRejections: count('auth_expired_rejections'),
    errorRate: statOf(data.metrics.auth_errors, 'rate'),
  };
}

function formatNumber(value: number | null): string {
  return value === null ? MISSING : round(value);
}

export function formatFixed(value: number | null): string {
  return value === null ? MISSING : value.toFixed(2);
}

export function formatPercent(value: number | null): string {
  return value === null ? MISSING : `${(value * 100).toFixed(2)}%`;
}

export const ENDPOINT_HEADERS = [
  'endpoint',
  'requests',
  'req/s',
  'p50 ms',
  'p90 ms',
  'p95 ms',
  'p99 ms',
  'errors',
];

export const AUTH_HEADERS = [
  'logins',
  'refreshes',
  'relogins',
  'expired rejections',
  'auth errors',
];

/** A row's cells in `ENDPOINT_HEADERS` order. */
export function endpointCells(row: EndpointRow): string[] {
  return [
    row.endpoint,
    formatNumber(row.requests),
    formatFixed(row.requestsPerSecond),
    formatFixed(row.p50Ms),
    formatFixed(row.p90Ms),
    formatFixed(row.p95Ms),
    formatFixed(row.p99Ms),
    formatPercent(row.errorRate),
  ];
}

/** The auth counters' cells in `AUTH_HEADERS` order. */
export function authCells(counts: AuthCounts): string[] {
  return [
    formatNumber(counts.logins),
    formatNumber(counts.refreshes),
    formatNumber(counts.relogins),
    formatNumber(counts.expiredRejections),
    formatPercent(counts.errorRate),
  ];
}

/** Columns padded to their widest cell: the first `leftAligned` columns left, the rest (numbers) right. */
export function alignColumns(rows: string[][], leftAligned = 1, indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, index) =>
            index < leftAligned
              ? cell.padEnd(widths[index] ?? 0)
              : cell.padStart(widths[index] ?? 0),
          )
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** The terminal table: endpoints, then the auth counters. */
export function formatEndpointTable(data: SummaryData): string {
  const endpoints = alignColumns([
    ENDPOINT_HEADERS,
    ...collectEndpointRows(data).map((row) => endpointCells(row)),
  ]);
  const auth = alignColumns([AUTH_HEADERS, authCells(collectAuthCounts(data))], 0);
  return `  █ ENDPOINTS\n\n${endpoints}\n\n  █ AUTH\n\n${auth}\n`;
}
