/**
 * The end-of-test data k6 v2 hands to `handleSummary` (the "legacy" summary object, the one k6
 * passes unless `--new-machine-readable-summary` is set), and reading helpers shared by the
 * result formatters.
 */
import {
  isReportingExpression,
  PROTECTED_SUCCESS_EXPRESSION,
  PROTECTED_SUCCESS_METRIC,
} from '../scenario/thresholds.ts';

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface MetricSummary {
  type: MetricType;
  /** `time` for durations in milliseconds, `data` for bytes. */
  contains: 'default' | 'time' | 'data';
  /** counter: count, rate (per second); rate: rate, passes, fails; trend: the trend stats. */
  values: Record<string, number>;
  /** Threshold source → whether it held at the end of the test. */
  thresholds?: Record<string, { ok: boolean }>;
}

export interface CheckSummary {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface GroupSummary {
  name: string;
  path: string;
  id: string;
  groups: GroupSummary[];
  checks: CheckSummary[];
}

export interface SummaryData {
  metrics: Record<string, MetricSummary>;
  root_group: GroupSummary;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  /** What `setup()` returned: may hold credentials, so it is never written out. */
  setup_data?: unknown;
}

export interface ThresholdResult {
  metric: string;
  /** The threshold source as written, e.g. "p(95)<300". */
  expression: string;
  ok: boolean;
  /** The aggregated value the expression tested, formatted ("p(95)=12.34ms"); absent when unknown. */
  observed?: string;
}

/** Bytes with k6's decimal units: 3100 → "3.1 kB". */
function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${round(value)} ${units[unit]}`;
}

/** Formats a metric value the way k6 prints it: milliseconds for time, percent for rates, bytes. */
export function formatMetricValue(metric: MetricSummary, stat: string, value: number): string {
  if (metric.contains === 'time' && stat !== 'count') return `${round(value)}ms`;
  if (metric.type === 'rate' && stat === 'rate') return `${(value * 100).toFixed(2)}%`;
  if (metric.contains === 'data' && (stat === 'count' || stat === 'rate')) {
    return stat === 'rate' ? `${formatBytes(value)}/s` : formatBytes(value);
  }
  return `${round(value)}`;
}

/** Two decimals at most, no trailing zeros: 12.345 → "12.35", 3 → "3". */
export function round(value: number): string {
  return `${Math.round(value * 100) / 100}`;
}

function statOf(expression: string): string {
  return /^\s*([a-z]+(?:\([\d.]+\))?)/.exec(expression)?.[1] ?? '';
}

/** A trend or rate with no sample reports zeros, which would read as a measured 0 ms or 0 %. */
function hasNoSamples(metric: MetricSummary): boolean {
  if (metric.type === 'trend') return metric.values.count === 0;
  if (metric.type === 'rate') return metric.values.passes === 0 && metric.values.fails === 0;
  return false;
}

function observedValue(metric: MetricSummary, expression: string): string | undefined {
  const stat = statOf(expression);
  if (stat !== 'count' && hasNoSamples(metric)) return 'no samples';
  // k6 accepts p(50) for the median, but the summary only has the stats it was asked for.
  const key = stat === 'p(50)' && metric.values[stat] === undefined ? 'med' : stat;
  const value = metric.values[key];
  return value === undefined ? undefined : `${stat}=${formatMetricValue(metric, key, value)}`;
}

/**
 * Every threshold in the data, sorted by metric then expression (k6's map order is random).
 * The always-true reporting thresholds (see `REPORTING_EXPRESSIONS`) are left out unless asked
 * for: they only keep a sub-metric in the summary and would be noise in a report.
 */
export function listThresholds(data: SummaryData, includeReporting = false): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const metricName of Object.keys(data.metrics).sort()) {
    const metric = data.metrics[metricName];
    if (!metric?.thresholds) continue;
    for (const expression of Object.keys(metric.thresholds).sort()) {
      if (!includeReporting && isReportingExpression(expression)) continue;
      const ok = metric.thresholds[expression]?.ok ?? true;
      const observed = observedValue(metric, expression);
      results.push(
        observed === undefined
          ? { metric: metricName, expression, ok }
          : { metric: metricName, expression, ok, observed },
      );
    }
  }
  return results;
}

/**
 * Why the run failed whatever its thresholds say, when the protected-success guard
 * (`withProtectedSuccessGuard`) did not hold: "no protected request succeeded: 0 were sent", or
 * "…: 12 were sent, none answered as expected". Undefined when it held or was not set.
 */
export function protectedSuccessShortfall(data: SummaryData): string | undefined {
  const guard = data.metrics[PROTECTED_SUCCESS_METRIC]?.thresholds;
  const result = guard === undefined ? undefined : guard[PROTECTED_SUCCESS_EXPRESSION];
  if (result === undefined || result.ok) return undefined;
  const sent = data.metrics['http_reqs{endpoint:protected}']?.values.count;
  if (sent === undefined) return 'no protected request succeeded';
  if (sent === 0) return 'no protected request succeeded: 0 were sent';
  return `no protected request succeeded: ${sent} ${sent === 1 ? 'was' : 'were'} sent, none answered as expected`;
}

/** Every check in the group tree, depth first, in k6's order. */
export function listChecks(group: GroupSummary): CheckSummary[] {
  return [...group.checks, ...group.groups.flatMap((child) => listChecks(child))];
}
