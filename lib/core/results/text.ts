/**
 * The end-of-test text summary in the layout of k6's compact summary (thresholds, checks, metrics
 * by category). k6 v2.2.0 prints its own summary only when `handleSummary` returns nothing, and
 * the toolkit's `handleSummary` must return the result files, so it prints this one instead.
 */
import type { MetricSummary, SummaryData } from './summary-data.ts';
import { formatMetricValue, listChecks, listThresholds, round } from './summary-data.ts';
import { runFailureCauses } from './test-stop.ts';

const COMPACT_HTTP = ['http_req_duration', 'http_req_failed', 'http_reqs'];
const EXECUTION = ['dropped_iterations', 'iteration_duration', 'iterations', 'vus', 'vus_max'];
const NETWORK = ['data_received', 'data_sent'];

function baseName(metric: string): string {
  const brace = metric.indexOf('{');
  return brace === -1 ? metric : metric.slice(0, brace);
}

function categoryOf(metric: string): string | undefined {
  const base = baseName(metric);
  if (base === 'checks') return undefined;
  if (base.startsWith('http_')) return COMPACT_HTTP.includes(base) ? 'HTTP' : undefined;
  if (base.startsWith('auth_')) return 'AUTH';
  if (EXECUTION.includes(base)) return 'EXECUTION';
  if (NETWORK.includes(base)) return 'NETWORK';
  return 'CUSTOM';
}

function describeMetric(metric: MetricSummary, trendStats: string[]): string {
  const v = metric.values;
  const number = (stat: string) => formatMetricValue(metric, stat, v[stat] ?? 0);
  switch (metric.type) {
    case 'counter':
      return metric.contains === 'data'
        ? `${number('count')}  ${number('rate')}`
        : `${number('count')}  ${round(v.rate ?? 0)}/s`;
    case 'rate': {
      const total = (v.passes ?? 0) + (v.fails ?? 0);
      return `${number('rate')}  ${v.passes ?? 0} out of ${total}`;
    }
    case 'gauge':
      return `${number('value')}  min=${number('min')} max=${number('max')}`;
    case 'trend':
      return trendStats
        .filter((stat) => v[stat] !== undefined)
        .map((stat) => `${stat}=${number(stat)}`)
        .join(' ');
  }
}

function dotted(label: string, width: number): string {
  return `${label}${'.'.repeat(Math.max(3, width - label.length))}:`;
}

/** The text summary, from sanitised data; colours only when stdout is a terminal. */
export function formatTextSummary(data: SummaryData): string {
  const colour = data.state.isStdOutTTY && !data.options.noColor;
  const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const pass = paint(32, '✓');
  const fail = paint(31, '✗');
  const lines: string[] = [''];

  const thresholds = listThresholds(data);
  if (thresholds.length > 0) {
    lines.push('  █ THRESHOLDS', '');
    let previous = '';
    for (const result of thresholds) {
      if (result.metric !== previous) {
        if (previous) lines.push('');
        lines.push(`    ${result.metric}`);
        previous = result.metric;
      }
      const observed = result.observed ? ` ${result.observed}` : '';
      lines.push(`    ${result.ok ? pass : fail} '${result.expression}'${observed}`);
    }
    const causes = runFailureCauses(data);
    if (causes.length > 0) lines.push('', ...causes.map((cause) => `    ${fail} ${cause}`));
    lines.push('', '');
  }

  lines.push('  █ TOTAL RESULTS', '');
  const names = Object.keys(data.metrics).sort();
  const width = Math.max(30, ...names.map((name) => name.length + 4));
  const checks = listChecks(data.root_group);
  if (checks.length > 0) {
    const passes = checks.reduce((sum, check) => sum + check.passes, 0);
    const fails = checks.reduce((sum, check) => sum + check.fails, 0);
    const total = passes + fails;
    const percent = (count: number) => `${((count / total) * 100).toFixed(2)}%`;
    lines.push(
      `    ${dotted('checks_total', width)} ${total}`,
      `    ${dotted('checks_succeeded', width)} ${percent(passes)} ${passes} out of ${total}`,
      `    ${dotted('checks_failed', width)} ${percent(fails)} ${fails} out of ${total}`,
      '',
    );
    for (const check of checks) {
      lines.push(`    ${check.fails === 0 ? pass : fail} ${check.name}`);
      if (check.fails > 0) {
        lines.push(
          `      ↳ ${round((check.passes / (check.passes + check.fails)) * 100)}% — ✓ ${check.passes} / ✗ ${check.fails}`,
        );
      }
    }
    lines.push('');
  }

  for (const category of ['AUTH', 'CUSTOM', 'HTTP', 'EXECUTION', 'NETWORK']) {
    const inCategory = names.filter((name) => categoryOf(name) === category);
    if (inCategory.length === 0) continue;
    lines.push(`    ${category}`);
    for (const name of inCategory) {
      const metric = data.metrics[name];
      if (!metric) continue;
      const brace = name.indexOf('{');
      const label = brace === -1 ? name : `  { ${name.slice(brace + 1, -1)} }`;
      lines.push(
        `    ${dotted(label, width)} ${describeMetric(metric, data.options.summaryTrendStats)}`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
