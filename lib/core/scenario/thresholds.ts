/**
 * Threshold profiles: the JSON files in thresholds/ (or a file of your own, `-e
 * THRESHOLDS=<file.json>`) become k6 `options.thresholds`, and a run can override them with `-e`
 * without editing a file.
 *
 * The shipped profiles are in the code (lib/core/scenario/threshold-profiles.ts, generated from
 * thresholds/*.json by the build) so they travel in every bundle: k6 resolves a relative `open()`
 * against the script (dist/…), not the working folder, and has no npm resolution. A file of your
 * own is opened by VU 0 (lib/k6/open-file.ts) and passed in as text.
 *
 * Overrides (k6 `-e NAME=value`), applied in this order on top of the chosen profile:
 * - `THRESHOLDS_OVERRIDE`: a JSON object `{ "<metric>": ["<expr>", …] }` that replaces the whole
 *   list of each metric it names; `[]` removes the metric's thresholds.
 * - `ERROR_RATE_MAX`: `http_req_failed` rate limit (0..1) of every endpoint that has one or is
 *   reported; it keeps the `abortOnFail`/`delayAbortEval` of the expression it replaces.
 * - `DISTRIBUTED=true` (one instance of a split test): every `abortOnFail` is dropped. An instance
 *   sees only its share of the load, so its verdict is not the test's: the merge step
 *   (lib/core/results/merge.ts) judges the thresholds on the merged data and decides the exit code.
 */
import { type EnvValues, parseDurationMs, parseRate, readEnvValue } from '../env-values.ts';
import { ConfigError, ERROR_CODES } from '../errors.ts';
import { THRESHOLD_PROFILES } from './threshold-profiles.ts';

export { THRESHOLD_PROFILES };

/** A k6 threshold with options (k6 `ObjectThreshold`). */
export interface ObjectThreshold {
  threshold: string;
  /** Stop the whole test as soon as this threshold is crossed (exit code 99). */
  abortOnFail?: boolean;
  /** Grace period before an abort is considered, e.g. "10s", so a cold start does not abort. */
  delayAbortEval?: string;
}

export type ThresholdExpression = string | ObjectThreshold;

/** k6 `options.thresholds`: metric (optionally with a `{tag:value}` filter) → expressions. */
export type ThresholdMap = Record<string, ThresholdExpression[]>;

export interface ThresholdProfile {
  description: string;
  thresholds: ThresholdMap;
}

/** Variables as k6 passes them in `__ENV`. */
export type Env = EnvValues;

/**
 * Endpoints whose sub-metrics the results table reports. k6 only keeps a tagged sub-metric such
 * as `http_req_duration{endpoint:refresh}` in the summary when a threshold names it, so the
 * resolver adds an always-true threshold for each one the profile does not already name.
 */
export const REPORTED_ENDPOINTS = ['login', 'refresh', 'protected'] as const;

/** k6's four metric types. */
export type MetricKind = 'trend' | 'rate' | 'counter' | 'gauge';

/**
 * The always-true expression per metric type: it can never fail and never aborts. Any of them
 * marks a threshold that only keeps a (sub-)metric in the summary, wherever it was added.
 */
export const ALWAYS_TRUE_EXPRESSIONS: Readonly<Record<MetricKind, string>> = {
  trend: 'max>=0',
  rate: 'rate>=0',
  counter: 'count>=0',
  gauge: 'value>=0',
};

/** The always-true expression added per reported metric. */
export const REPORTING_EXPRESSIONS: Readonly<Record<string, string>> = {
  http_reqs: ALWAYS_TRUE_EXPRESSIONS.counter,
  http_req_duration: ALWAYS_TRUE_EXPRESSIONS.trend,
  http_req_failed: ALWAYS_TRUE_EXPRESSIONS.rate,
};

/** True for an expression that only exists to keep a sub-metric in the summary. */
export function isReportingExpression(expression: string): boolean {
  const compact = expression.replace(/\s+/g, '');
  return Object.values(ALWAYS_TRUE_EXPRESSIONS).includes(compact);
}

/** Trend statistics the summary needs: p50 (med), p90, p95 and p99 per endpoint. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

const EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*-?\d+(?:\.\d+)?\s*$/;
const METRIC_KEY = /^[A-Za-z_][\w.-]*(?:\{[^{}]+\})?$/;

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(source: string, what: string, expected: string, got: unknown): ConfigError {
  return new ConfigError(
    ERROR_CODES.THRESHOLDS_INVALID,
    `${source}: ${what}; reason: expected ${expected}, got ${describe(got)}`,
  );
}

function parseExpression(value: unknown, source: string, metric: string): ThresholdExpression {
  if (typeof value === 'string') {
    if (!EXPRESSION.test(value)) {
      throw invalid(source, `bad threshold on ${metric}`, 'e.g. "p(95)<300" or "rate<0.01"', value);
    }
    return value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(source, `bad threshold on ${metric}`, 'a string or an object', value);
  }
  const object = value as Record<string, unknown>;
  const unknownKeys = Object.keys(object).filter(
    (key) => !['threshold', 'abortOnFail', 'delayAbortEval'].includes(key),
  );
  if (unknownKeys.length > 0) {
    throw invalid(
      source,
      `bad threshold on ${metric}`,
      'only threshold, abortOnFail, delayAbortEval',
      unknownKeys,
    );
  }
  if (typeof object.threshold !== 'string') {
    throw invalid(source, `bad threshold on ${metric}`, 'a "threshold" string', object.threshold);
  }
  const result: ObjectThreshold = {
    threshold: parseExpression(object.threshold, source, metric) as string,
  };
  if (object.abortOnFail !== undefined) {
    if (typeof object.abortOnFail !== 'boolean') {
      throw invalid(source, `bad abortOnFail on ${metric}`, 'true or false', object.abortOnFail);
    }
    result.abortOnFail = object.abortOnFail;
  }
  if (object.delayAbortEval !== undefined) {
    if (
      typeof object.delayAbortEval !== 'string' ||
      Number.isNaN(parseDurationMs(object.delayAbortEval))
    ) {
      throw invalid(
        source,
        `bad delayAbortEval on ${metric}`,
        'a duration like "10s"',
        object.delayAbortEval,
      );
    }
    result.delayAbortEval = object.delayAbortEval;
  }
  return result;
}

function parseThresholdMap(value: unknown, source: string): ThresholdMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(source, 'thresholds is not an object', 'an object of metric → list', value);
  }
  const map: ThresholdMap = {};
  for (const [metric, list] of Object.entries(value)) {
    if (!METRIC_KEY.test(metric)) {
      throw invalid(
        source,
        'bad metric name',
        'e.g. "http_req_duration{endpoint:protected}"',
        metric,
      );
    }
    if (!Array.isArray(list)) {
      throw invalid(source, `thresholds of ${metric} are not a list`, 'an array', list);
    }
    map[metric] = list.map((item) => parseExpression(item, source, metric));
  }
  return map;
}

/** Validates a threshold profile (the content of a thresholds/*.json file). */
export function parseThresholdProfile(value: unknown, source: string): ThresholdProfile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(source, 'profile is not an object', '{ "description", "thresholds" }', value);
  }
  const { description, thresholds } = value as Record<string, unknown>;
  if (typeof description !== 'string') {
    throw invalid(source, 'description is missing', 'a string', description);
  }
  return { description, thresholds: parseThresholdMap(thresholds, source) };
}

function expressionOf(item: ThresholdExpression): string {
  return typeof item === 'string' ? item : item.threshold;
}

function aggregationOf(expression: string): string {
  return EXPRESSION.exec(expression)?.[1] ?? '';
}

/**
 * Puts `expression` in place of every expression of the same aggregation (e.g. every `p(95)…`) on
 * `metric`, keeping the options of the first one replaced, or appends it when there is none.
 */
function setExpression(map: ThresholdMap, metric: string, expression: string): void {
  const aggregation = aggregationOf(expression);
  const list = map[metric] ?? [];
  const index = list.findIndex((item) => aggregationOf(expressionOf(item)) === aggregation);
  const rest = list.filter((item) => aggregationOf(expressionOf(item)) !== aggregation);
  if (index === -1) {
    map[metric] = [...rest, expression];
    return;
  }
  const replaced = list[index];
  const next: ThresholdExpression =
    typeof replaced === 'object' ? { ...replaced, threshold: expression } : expression;
  rest.splice(index, 0, next);
  map[metric] = rest;
}

/**
 * An override's rate. Unlike the shape knobs, a blank value is an error here: the override is
 * named, so it must say something.
 */
function readRate(env: Env, name: string): number {
  const raw = env[name] ?? '';
  const value = parseRate(raw.trim());
  if (Number.isNaN(value)) {
    throw new ConfigError(
      ERROR_CODES.SLO_OVERRIDE_INVALID,
      `-e ${name} is not usable; reason: expected a rate from 0 to 1, got ${describe(raw)}`,
    );
  }
  return value;
}

function applyOverrides(map: ThresholdMap, env: Env): void {
  const replacement = readEnvValue(env, 'THRESHOLDS_OVERRIDE');
  if (replacement !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(replacement);
    } catch {
      throw new ConfigError(
        ERROR_CODES.SLO_OVERRIDE_INVALID,
        `-e THRESHOLDS_OVERRIDE is not JSON; reason: expected an object of metric → list of thresholds, got ${describe(replacement)}`,
      );
    }
    for (const [metric, list] of Object.entries(
      parseThresholdMap(parsed, '-e THRESHOLDS_OVERRIDE'),
    )) {
      if (list.length === 0) delete map[metric];
      else map[metric] = list;
    }
  }

  if (env.ERROR_RATE_MAX !== undefined) {
    const rate = readRate(env, 'ERROR_RATE_MAX');
    const metrics = new Set([
      ...REPORTED_ENDPOINTS.map((endpoint) => `http_req_failed{endpoint:${endpoint}}`),
      ...Object.keys(map).filter((metric) => metric.startsWith('http_req_failed{endpoint:')),
    ]);
    for (const metric of metrics) setExpression(map, metric, `rate<${rate}`);
  }
}

/** True when `-e DISTRIBUTED=true`: this k6 runs one execution segment of a split test. */
export function isDistributedInstance(env: Env): boolean {
  return readEnvValue(env, 'DISTRIBUTED') === 'true';
}

/** Turns every object threshold into its bare expression: no `abortOnFail`, so no `delayAbortEval`. */
function dropAborts(map: ThresholdMap): void {
  for (const [metric, list] of Object.entries(map)) {
    map[metric] = list.map((item) => (typeof item === 'string' ? item : item.threshold));
  }
}

/**
 * The name of the threshold profile a run uses: `env.THRESHOLDS`, else `defaultProfile`, else
 * `smoke` (the same choice `resolveThresholds` makes, so reports can name it).
 */
export function thresholdsProfileName(env: Env, defaultProfile?: string): string {
  return readEnvValue(env, 'THRESHOLDS') ?? (defaultProfile || 'smoke');
}

/** True when `-e THRESHOLDS` names a file of the user's rather than a profile in thresholds/. */
export function isThresholdsFile(name: string): boolean {
  return /\.json$/i.test(name);
}

export interface ResolveOptions {
  /** Profile used when `THRESHOLDS` is not set. */
  defaultProfile?: string;
  /** Profiles by name; the shipped ones by default (tests pass their own). */
  profiles?: Readonly<Record<string, unknown>>;
  /** The text of the file `-e THRESHOLDS=<file.json>` names (VU 0 opens it). */
  fileJson?: string;
  /**
   * Expressions the scenario's plan calls for (`planThresholds`), each in place of the profile's
   * of the same aggregation, before the `-e` overrides apply.
   */
  planned?: Readonly<Record<string, string>>;
  /** More endpoints to report beside `REPORTED_ENDPOINTS`: the mode's login walk (`walkEndpoints`). */
  endpoints?: readonly string[];
}

/** The chosen profile as parsed JSON, and the name its messages give it. */
function chooseProfile(name: string, options: ResolveOptions): { raw: unknown; source: string } {
  if (isThresholdsFile(name)) {
    try {
      return { raw: JSON.parse(options.fileJson ?? ''), source: name };
    } catch {
      throw new ConfigError(
        ERROR_CODES.THRESHOLDS_INVALID,
        `Cannot read thresholds ${name}; reason: expected valid JSON like thresholds/load.json, got a syntax error`,
      );
    }
  }
  const profiles = options.profiles ?? THRESHOLD_PROFILES;
  const raw = Object.keys(profiles).includes(name) ? profiles[name] : undefined;
  if (raw === undefined) {
    throw new ConfigError(
      ERROR_CODES.THRESHOLDS_UNKNOWN,
      `-e THRESHOLDS names no profile; reason: expected one of ${Object.keys(profiles).join(', ')}, or a .json file, got ${describe(name)}`,
    );
  }
  return { raw, source: `thresholds/${name}.json` };
}

/**
 * k6 `options.thresholds` for a run: the profile named by `env.THRESHOLDS` (or the default), the
 * plan's own limits, the `-e` overrides listed at the top of this file, and an always-true
 * threshold per reported endpoint sub-metric the profile does not name. Throws `ConfigError` at
 * init on a bad name, profile or override, before any load is sent.
 */
export function resolveThresholds(env: Env, options: ResolveOptions = {}): ThresholdMap {
  const name = thresholdsProfileName(env, options.defaultProfile);
  const { raw, source } = chooseProfile(name, options);
  const { thresholds } = parseThresholdProfile(raw, source);
  const map: ThresholdMap = {};
  for (const [metric, list] of Object.entries(thresholds)) map[metric] = [...list];
  for (const [metric, expression] of Object.entries(options.planned ?? {})) {
    setExpression(map, metric, expression);
  }
  applyOverrides(map, env);
  if (isDistributedInstance(env)) dropAborts(map);
  for (const endpoint of [...REPORTED_ENDPOINTS, ...(options.endpoints ?? [])]) {
    for (const [metric, expression] of Object.entries(REPORTING_EXPRESSIONS)) {
      const key = `${metric}{endpoint:${endpoint}}`;
      if (!map[key]?.length) map[key] = [expression];
    }
  }
  return map;
}

/**
 * The protected requests that succeeded: answered with a status the client expected (k6's
 * `expected_response` tag, set by each request's `responseCallback`). k6 accepts a sub-metric with
 * two tags and judges it at the end of the test even when it never had a sample (measured, k6
 * v2.2.0: `count>0` on it held false and the run exited 99).
 */
export const PROTECTED_SUCCESS_METRIC = 'http_reqs{endpoint:protected,expected_response:true}';

/** At least one protected request succeeded. */
export const PROTECTED_SUCCESS_EXPRESSION = 'count>0';

/**
 * `map` plus the threshold every run is judged by, whatever its profile and overrides say: a run
 * in which no protected request succeeded (none sent, or every one refused) fails, never passes
 * on thresholds that had nothing to measure. Added after the overrides, so `THRESHOLDS_OVERRIDE`
 * cannot remove it. Not `abortOnFail`: k6 evaluates thresholds during the run only on metrics
 * that had a sample, and this one has none until the first success, so it could never abort.
 */
export function withProtectedSuccessGuard(map: ThresholdMap): ThresholdMap {
  const list = map[PROTECTED_SUCCESS_METRIC] ?? [];
  const guarded = list.some(
    (item) => expressionOf(item).replace(/\s+/g, '') === PROTECTED_SUCCESS_EXPRESSION,
  );
  return {
    ...map,
    [PROTECTED_SUCCESS_METRIC]: guarded ? list : [...list, PROTECTED_SUCCESS_EXPRESSION],
  };
}

/**
 * The options a scenario spreads into its k6 `options`: the resolved thresholds with the
 * protected-success guard (`withProtectedSuccessGuard`), and the trend statistics the results
 * table needs.
 *
 * @param fileJson the text of the file `-e THRESHOLDS=<file.json>` names, when it names one.
 * @example
 * export const options = { scenarios: { … }, ...thresholdOptions(__ENV, 'load') };
 */
export function thresholdOptions(
  env: Env,
  defaultProfile = 'smoke',
  fileJson?: string,
): { thresholds: ThresholdMap; summaryTrendStats: string[] } {
  const options: ResolveOptions =
    fileJson === undefined ? { defaultProfile } : { defaultProfile, fileJson };
  return {
    thresholds: withProtectedSuccessGuard(resolveThresholds(env, options)),
    summaryTrendStats: [...SUMMARY_TREND_STATS],
  };
}
