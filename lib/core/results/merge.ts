/**
 * One answer from the instances of a split test (`npm run distributed`, k6-operator runners): their
 * end-of-test summaries and sample histograms merged into the summary one k6 would have written
 * for the whole load, and the thresholds judged again on it.
 *
 * - Counters add up; their per-second rate is the total over the longest instance's run time.
 * - Rates (`http_req_failed`, `auth_errors`, checks) add passes and fails, then divide again.
 * - Trends come from the merged histograms (lib/core/results/histogram.ts), never from averaged
 *   percentiles: avg = sum / count, min and max exact, percentiles by k6's rule.
 * - Gauges (`vus`, `vus_max`) add up: each instance holds its own VUs.
 * - Thresholds: each expression of the instances (the toolkit's own, e.g. `p(95)<300`) is
 *   evaluated on the merged values (lib/core/results/phases.ts `evaluateExpression`); a metric
 *   with no sample anywhere keeps the instances' verdict (all of them must have held).
 */
import { ERROR_CODES, ToolkitError } from '../errors.ts';
import type { ScenarioPlan } from '../scenario/shapes.ts';
import { LogHistogram, mergeHistograms, trendValues } from './histogram.ts';
import { evaluateExpression, type Slo } from './phases.ts';
import type { SampleHistograms } from './sample-histograms.ts';
import type { CheckSummary, GroupSummary, MetricSummary, SummaryData } from './summary-data.ts';

/** What an instance wrote in `merge-context.json`: the context its result files were rendered with. */
export interface MergeContext {
  scenario: string;
  thresholdsProfile: string;
  defaultThresholdsProfile?: string;
}

/** What a catalogue scenario's instance wrote in `plan.json`: enough to render its phase report. */
export interface MergePlan {
  plan: ScenarioPlan;
  slos: Slo[];
}

/** One instance's results, as read from its folder. */
export interface InstanceResults {
  /** For messages: the folder it came from. */
  name: string;
  summary: SummaryData;
  histograms: SampleHistograms;
}

export class MergeError extends ToolkitError {
  override readonly name = 'MergeError';

  constructor(message: string) {
    super(ERROR_CODES.MERGE_INVALID, message);
  }
}

function mergeCounter(metrics: readonly MetricSummary[], seconds: number): Record<string, number> {
  const count = metrics.reduce((sum, metric) => sum + (metric.values.count ?? 0), 0);
  return { count, rate: seconds > 0 ? count / seconds : 0 };
}

function mergeRate(metrics: readonly MetricSummary[]): Record<string, number> {
  const passes = metrics.reduce((sum, metric) => sum + (metric.values.passes ?? 0), 0);
  const fails = metrics.reduce((sum, metric) => sum + (metric.values.fails ?? 0), 0);
  return { rate: passes + fails === 0 ? 0 : passes / (passes + fails), passes, fails };
}

function mergeGauge(metrics: readonly MetricSummary[]): Record<string, number> {
  const add = (stat: string) =>
    metrics.reduce((sum, metric) => sum + (metric.values[stat] ?? 0), 0);
  return { value: add('value'), min: add('min'), max: add('max') };
}

function mergeTrend(
  key: string,
  instances: readonly InstanceResults[],
  stats: readonly string[],
): Record<string, number> {
  const histograms: LogHistogram[] = [];
  for (const instance of instances) {
    const metric = instance.summary.metrics[key];
    if (metric === undefined) continue;
    const histogram = instance.histograms.trends[key];
    const count = metric.values.count;
    if (histogram === undefined) {
      throw new MergeError(
        `Cannot merge ${key} of ${instance.name}; reason: expected its histogram in histograms.json, got none`,
      );
    }
    if (count !== undefined && histogram.count !== count) {
      throw new MergeError(
        `Cannot merge ${key} of ${instance.name}; reason: expected ${count} samples (its summary), got ${histogram.count} in its samples`,
      );
    }
    histograms.push(LogHistogram.decode(histogram));
  }
  return trendValues(mergeHistograms(histograms), stats);
}

function hasSamples(metric: MetricSummary): boolean {
  if (metric.type === 'trend') return (metric.values.count ?? 0) > 0;
  if (metric.type === 'rate') return (metric.values.passes ?? 0) + (metric.values.fails ?? 0) > 0;
  return true;
}

function judge(
  merged: MetricSummary,
  metrics: readonly MetricSummary[],
): Record<string, { ok: boolean }> | undefined {
  const expressions = new Set(metrics.flatMap((metric) => Object.keys(metric.thresholds ?? {})));
  if (expressions.size === 0) return undefined;
  const thresholds: Record<string, { ok: boolean }> = {};
  for (const expression of [...expressions].sort()) {
    const held = metrics.every((metric) => metric.thresholds?.[expression]?.ok ?? true);
    const verdict = hasSamples(merged) ? evaluateExpression(expression, merged.values) : null;
    thresholds[expression] = { ok: verdict ?? held };
  }
  return thresholds;
}

function mergeChecks(lists: readonly CheckSummary[][]): CheckSummary[] {
  const byPath = new Map<string, CheckSummary>();
  for (const list of lists) {
    for (const check of list) {
      const seen = byPath.get(check.path);
      if (seen === undefined) byPath.set(check.path, { ...check });
      else {
        seen.passes += check.passes;
        seen.fails += check.fails;
      }
    }
  }
  return [...byPath.values()];
}

function mergeGroups(groups: readonly GroupSummary[]): GroupSummary {
  const first = groups[0] as GroupSummary;
  const childPaths: string[] = [];
  for (const group of groups) {
    for (const child of group.groups)
      if (!childPaths.includes(child.path)) childPaths.push(child.path);
  }
  return {
    name: first.name,
    path: first.path,
    id: first.id,
    groups: childPaths.map((path) =>
      mergeGroups(groups.flatMap((group) => group.groups.filter((child) => child.path === path))),
    ),
    checks: mergeChecks(groups.map((group) => group.checks)),
  };
}

/**
 * The summary of the whole test from its instances' summaries and histograms, thresholds judged
 * on the merged values. `setup_data` is dropped (it may hold credentials).
 * @throws MergeError MERGE_INVALID when there is no instance, or a Trend's histogram is missing or
 *   does not hold the samples its summary counted.
 */
export function mergeSummaries(instances: readonly InstanceResults[]): SummaryData {
  const first = instances[0];
  if (first === undefined) {
    throw new MergeError(
      'Cannot merge; reason: expected the results of one instance or more, got none',
    );
  }
  const durationMs = Math.max(...instances.map((i) => i.summary.state.testRunDurationMs));
  const seconds = durationMs / 1000;
  const stats = first.summary.options.summaryTrendStats;
  const keys = new Set(instances.flatMap((i) => Object.keys(i.summary.metrics)));
  const metrics: Record<string, MetricSummary> = {};
  for (const key of [...keys].sort()) {
    const parts = instances.flatMap((i) => {
      const metric = i.summary.metrics[key];
      return metric === undefined ? [] : [metric];
    });
    const model = parts[0] as MetricSummary;
    let values: Record<string, number>;
    switch (model.type) {
      case 'counter':
        values = mergeCounter(parts, seconds);
        break;
      case 'rate':
        values = mergeRate(parts);
        break;
      case 'gauge':
        values = mergeGauge(parts);
        break;
      default:
        values = mergeTrend(key, instances, stats);
    }
    const merged: MetricSummary = { type: model.type, contains: model.contains, values };
    const thresholds = judge(merged, parts);
    metrics[key] = thresholds === undefined ? merged : { ...merged, thresholds };
  }
  return {
    metrics,
    root_group: mergeGroups(instances.map((i) => i.summary.root_group)),
    options: { ...first.summary.options },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
  };
}

/** True when every threshold of the data held (reporting ones included: they always hold). */
export function thresholdsHeld(data: SummaryData): boolean {
  return Object.values(data.metrics).every((metric) =>
    Object.values(metric.thresholds ?? {}).every((threshold) => threshold.ok),
  );
}

/**
 * The split test's exit code: an instance's own failure first (104 bad config, 107 script error,
 * 108 aborted, anything but 0 and 99, in instance order), else 99 when the merged thresholds were
 * crossed, else 0. An instance's 99 alone says nothing: it judged only its share of the load.
 */
export function mergedExitCode(
  instanceCodes: readonly number[],
  merged: SummaryData | null,
): number {
  const failed = instanceCodes.find((code) => code !== 0 && code !== 99);
  if (failed !== undefined) return failed;
  if (merged === null) return 1;
  return thresholdsHeld(merged) ? 0 : 99;
}

/** The one context of all instances; they must have run the same scenario and profile. */
export function mergeContexts(
  contexts: readonly MergeContext[],
  names: readonly string[],
): MergeContext {
  const first = contexts[0];
  if (first === undefined) {
    throw new MergeError(
      'Cannot merge; reason: expected a merge-context.json in every instance folder, got none',
    );
  }
  contexts.forEach((context, index) => {
    if (JSON.stringify(context) !== JSON.stringify(first)) {
      throw new MergeError(
        `Cannot merge ${names[index] ?? index}; reason: expected the same run as the first instance (${JSON.stringify(first)}), got ${JSON.stringify(context)}`,
      );
    }
  });
  return first;
}
