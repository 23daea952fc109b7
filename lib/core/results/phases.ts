/**
 * Phases in k6's end-of-test data. k6 thresholds and summaries aggregate over the whole run, so a
 * capacity step or the last hour of a soak cannot be judged from them. Each VU tags what it sends
 * with the phase it is in (`phase` tag), and a threshold that can never fail is declared on each
 * phase's sub-metric (`http_req_duration{endpoint:protected,phase:step-3}: max>=0`), because k6
 * keeps a sub-metric in the summary only when a threshold names it. The set of phases is planned
 * up front and bounded, so the metric cardinality is too.
 */
import { PHASE_TAG } from '../scenario/phase-tag.ts';
import type { Phase, PhaseReport } from '../scenario/shapes.ts';
import {
  ALWAYS_TRUE_EXPRESSIONS,
  isReportingExpression,
  type MetricKind,
  type ThresholdExpression,
  type ThresholdMap,
} from '../scenario/thresholds.ts';
import type { MetricSummary, SummaryData } from './summary-data.ts';

/** One SLO from the thresholds profile, e.g. `http_req_duration{endpoint:protected}` `p(95)<250`. */
export interface Slo {
  metric: string;
  expression: string;
}

const KNOWN_KINDS: Record<string, MetricKind> = {
  http_reqs: 'counter',
  http_req_failed: 'rate',
  checks: 'rate',
  iterations: 'counter',
  auth_logins: 'counter',
  auth_refreshes: 'counter',
  auth_relogins: 'counter',
  auth_expired_rejections: 'counter',
  auth_errors: 'rate',
};

/** Metrics the soak report reads per window, on top of the profile's SLOs. */
const SOAK_METRICS = [
  'http_reqs{endpoint:protected}',
  'http_req_duration{endpoint:protected}',
  'http_req_duration{endpoint:refresh}',
  'http_req_failed',
  'auth_refreshes',
  'auth_relogins',
] as const;

/** Metrics the capacity report reads per step, on top of the profile's SLOs. */
const CAPACITY_METRICS = ['http_reqs{endpoint:protected}'] as const;

/** `name{tags}` → `name{tags,phase:<phase>}`; `name` → `name{phase:<phase>}`. */
export function phaseMetricKey(metric: string, phase: string): string {
  const tag = `${PHASE_TAG}:${phase}`;
  return metric.endsWith('}') ? `${metric.slice(0, -1)},${tag}}` : `${metric}{${tag}}`;
}

function metricName(metric: string): string {
  const brace = metric.indexOf('{');
  return brace === -1 ? metric : metric.slice(0, brace);
}

function statOf(expression: string): string {
  return /^\s*([a-z]+(?:\([\d.]+\))?)/.exec(expression)?.[1] ?? '';
}

function kindOf(metric: string, expressions: readonly string[]): MetricKind {
  const known = KNOWN_KINDS[metricName(metric)];
  if (known !== undefined) return known;
  if (metricName(metric).startsWith('http_req_')) return 'trend';
  const stat = statOf(expressions[0] ?? '');
  if (stat === 'rate') return 'rate';
  if (stat === 'count') return 'counter';
  if (stat === 'value') return 'gauge';
  return 'trend';
}

function expressionText(item: ThresholdExpression): string {
  return typeof item === 'string' ? item : item.threshold;
}

/** The profile's real SLOs (the always-true reporting expressions left out), sorted. */
export function listSlos(thresholds: ThresholdMap): Slo[] {
  const slos: Slo[] = [];
  for (const metric of Object.keys(thresholds).sort()) {
    for (const item of thresholds[metric] ?? []) {
      const expression = expressionText(item);
      if (!isReportingExpression(expression)) slos.push({ metric, expression });
    }
  }
  return slos;
}

/** The metrics a report reads per phase. */
function phaseMetrics(report: PhaseReport, slos: readonly Slo[]): string[] {
  const fromSlos = slos.map((slo) => slo.metric);
  switch (report) {
    case 'capacity':
      return [...new Set([...fromSlos, ...CAPACITY_METRICS])];
    case 'soak':
      return [...new Set([...fromSlos, ...SOAK_METRICS])];
    case 'refresh-storm':
      return ['auth_refreshes'];
    case 'login-storm':
      return ['auth_logins'];
  }
}

/**
 * The always-true thresholds that keep every phase's sub-metrics in the summary, one per metric
 * the report reads and phase. Merge them into `options.thresholds`.
 */
export function phaseThresholds(
  phases: readonly Phase[],
  report: PhaseReport,
  thresholds: ThresholdMap,
): ThresholdMap {
  const slos = listSlos(thresholds);
  const map: ThresholdMap = {};
  for (const metric of phaseMetrics(report, slos)) {
    const expressions = slos.filter((slo) => slo.metric === metric).map((slo) => slo.expression);
    const alwaysTrue = ALWAYS_TRUE_EXPRESSIONS[kindOf(metric, expressions)];
    for (const phase of phases) map[phaseMetricKey(metric, phase.name)] = [alwaysTrue];
  }
  return map;
}

const EXPRESSION = /^\s*([a-z]+(?:\([\d.]+\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/**
 * Evaluates a k6 threshold expression (`p(95)<250`, `rate<0.01`, `count<1`) against a metric's
 * summary values, as k6 would. Null when the statistic is not in the values.
 */
export function evaluateExpression(
  expression: string,
  values: Readonly<Record<string, number>>,
): boolean | null {
  const match = EXPRESSION.exec(expression);
  if (match === null) return null;
  const [, stat = '', op = '', limitText = ''] = match;
  const observed = values[stat] ?? (stat === 'p(50)' ? values.med : undefined);
  if (observed === undefined) return null;
  const limit = Number(limitText);
  switch (op) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '!=':
      return observed !== limit;
    default:
      return observed === limit;
  }
}

/** A phase's sub-metric, or undefined when the summary does not have it. */
export function phaseMetric(
  data: SummaryData,
  metric: string,
  phase: string,
): MetricSummary | undefined {
  return data.metrics[phaseMetricKey(metric, phase)];
}

/** An SLO a phase broke, with the value observed. */
export interface Breach {
  metric: string;
  expression: string;
  /** e.g. "p(95)=312.5". */
  observed: string;
}

/**
 * The SLOs the phase's own samples broke. A metric with no samples in the phase (no refresh
 * happened) breaks nothing, as k6 skips a threshold on an empty metric during the run.
 */
export function phaseBreaches(data: SummaryData, phase: string, slos: readonly Slo[]): Breach[] {
  const breaches: Breach[] = [];
  for (const slo of slos) {
    const metric = phaseMetric(data, slo.metric, phase);
    if (metric === undefined || isEmpty(metric)) continue;
    if (evaluateExpression(slo.expression, metric.values) !== false) continue;
    const stat = statOf(slo.expression);
    const value = metric.values[stat] ?? metric.values.med ?? Number.NaN;
    breaches.push({ ...slo, observed: `${stat}=${Math.round(value * 100) / 100}` });
  }
  return breaches;
}

function isEmpty(metric: MetricSummary): boolean {
  const { values } = metric;
  if (metric.type === 'rate') return (values.passes ?? 0) + (values.fails ?? 0) === 0;
  if (metric.type === 'trend') return values.count === 0;
  return false;
}
