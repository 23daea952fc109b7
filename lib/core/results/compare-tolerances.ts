/**
 * How big a change must be before `npm run compare` calls it better or worse: the significance
 * level of the noise test and, per metric, the minimum practical effect (relative and absolute,
 * both must be exceeded). Defaults below; a JSON file (`--tolerances <file>`) overrides any part:
 *
 * ```json
 * { "alpha": 0.01, "minWindows": 5,
 *   "metrics": { "p95": { "relative": 0.1, "absolute": 5 }, "protected.p95": { "absolute": 20 } } }
 * ```
 *
 * A key is a metric kind (`p95`) or `<endpoint>.<kind>` (`protected.p95`), the latter winning.
 */
import { ERROR_CODES, ToolkitError } from '../errors.ts';

/** The metric kinds compare judges. */
export const METRIC_KINDS = [
  'throughput',
  'p50',
  'p95',
  'p99',
  'errorRate',
  'logins',
  'refreshes',
  'relogins',
  'expiredRejections',
  'authErrors',
  'capacity',
] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export interface Tolerance {
  /** A change must exceed this share of the baseline (0.1 = 10 %). */
  relative: number;
  /** …and this much in the metric's unit (ms, req/s, events/s, a 0..1 rate). */
  absolute: number;
}

export interface Tolerances {
  /** Significance level of the noise test: a difference with p ≥ alpha is "same". */
  alpha: number;
  /** Fewer windows than this on either side: the per-window test is not used. */
  minWindows: number;
  /** By metric kind or `<endpoint>.<kind>`. */
  metrics: Record<string, Tolerance>;
}

/**
 * The defaults. Latency: 15 % and 5 ms at p95, wider for p99's thinner tail. The absolute floor
 * is the load generator's own jitter: two identical runs against a loopback server on a shared
 * two-core machine differed by up to 3 ms at p95 (1 ms → 4 ms) with every window of one run
 * slower, which windows within a run cannot see as noise; against a real API, 15 % of its p95
 * is the larger floor.
 * Rates of events are per second; error rates are a share (0.005 = half a percentage point).
 * Capacity: a held rate more than 10 % below the baseline's (one 20/s step at 200/s is not).
 */
export const DEFAULT_TOLERANCES: Tolerances = {
  alpha: 0.01,
  minWindows: 5,
  metrics: {
    throughput: { relative: 0.05, absolute: 0.5 },
    p50: { relative: 0.15, absolute: 2 },
    p95: { relative: 0.15, absolute: 5 },
    p99: { relative: 0.25, absolute: 10 },
    errorRate: { relative: 0.25, absolute: 0.005 },
    logins: { relative: 0.25, absolute: 0.2 },
    refreshes: { relative: 0.25, absolute: 0.2 },
    relogins: { relative: 0.25, absolute: 0.05 },
    expiredRejections: { relative: 0.25, absolute: 0.05 },
    authErrors: { relative: 0.25, absolute: 0.005 },
    capacity: { relative: 0.1, absolute: 0 },
  },
};

/** The tolerance for one metric of one endpoint (or of none: auth, capacity). */
export function toleranceFor(
  tolerances: Tolerances,
  kind: MetricKind,
  endpoint?: string,
): Tolerance {
  const specific = endpoint === undefined ? undefined : tolerances.metrics[`${endpoint}.${kind}`];
  return specific ?? tolerances.metrics[kind] ?? (DEFAULT_TOLERANCES.metrics[kind] as Tolerance);
}

function invalid(where: string, expected: string, got: unknown): ToolkitError {
  return new ToolkitError(
    ERROR_CODES.COMPARE_TOLERANCES_INVALID,
    `Invalid compare tolerances at ${where}; reason: expected ${expected}, got ${JSON.stringify(got)}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function number(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(where, `a number from ${min} to ${max}`, value);
  }
  return value;
}

/**
 * The defaults with a tolerances file's values merged in. Throws `COMPARE_TOLERANCES_INVALID` on
 * an unknown key (a typo would silently keep the default) or a value out of range.
 */
export function parseTolerances(json: unknown): Tolerances {
  if (!isRecord(json)) throw invalid('the top level', 'a JSON object', json);
  const result: Tolerances = {
    alpha: DEFAULT_TOLERANCES.alpha,
    minWindows: DEFAULT_TOLERANCES.minWindows,
    metrics: { ...DEFAULT_TOLERANCES.metrics },
  };
  for (const [key, value] of Object.entries(json)) {
    if (key === 'alpha') result.alpha = number(value, 'alpha', 1e-6, 0.5);
    else if (key === 'minWindows') result.minWindows = Math.round(number(value, key, 3, 1000));
    else if (key === 'metrics') {
      if (!isRecord(value)) throw invalid('metrics', 'an object', value);
      for (const [name, tolerance] of Object.entries(value)) {
        const kind = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
        const endpoint = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
        if (!(METRIC_KINDS as readonly string[]).includes(kind) || /[^a-z0-9_-]/.test(endpoint)) {
          throw invalid(
            `metrics.${name}`,
            `a metric kind (${METRIC_KINDS.join(', ')}), optionally after "<endpoint>."`,
            name,
          );
        }
        if (!isRecord(tolerance)) throw invalid(`metrics.${name}`, 'an object', tolerance);
        const base = toleranceFor(result, kind as MetricKind);
        const merged = { ...base };
        for (const [field, amount] of Object.entries(tolerance)) {
          if (field !== 'relative' && field !== 'absolute') {
            throw invalid(`metrics.${name}.${field}`, '"relative" or "absolute"', field);
          }
          merged[field] = number(amount, `metrics.${name}.${field}`, 0, 1e9);
        }
        result.metrics[name] = merged;
      }
    } else throw invalid(key, '"alpha", "minWindows" or "metrics"', key);
  }
  return result;
}
