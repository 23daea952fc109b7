/**
 * compare.md: a comparison as GitHub-flavoured Markdown, ready for a PR comment or a CI job
 * summary. The verdict first, then what got worse, then every metric, then the method.
 */
import {
  type Comparison,
  type ComparisonRow,
  describeRow,
  formatP,
  formatPercentChange,
  formatValue,
} from './compare.ts';
import { escapeCell } from './markdown.ts';
import type { RunDigest } from './run-digest.ts';

export interface CompareLabels {
  /** How the baseline was named on the command line (a folder or a baseline name). */
  baseline: string;
  current: string;
}

const VERDICT_MARK: Record<ComparisonRow['verdict'], string> = {
  better: '🟢 better',
  same: '⚪ same',
  worse: '🔴 worse',
  'n/a': 'n/a',
};

function headline(comparison: Comparison): string {
  switch (comparison.verdict) {
    case 'incomparable':
      return '**Cannot compare**: the runs are not the same test.';
    case 'worse':
      return `**Worse**: ${comparison.worse.length} metric${comparison.worse.length === 1 ? '' : 's'} got worse beyond noise and tolerance.`;
    case 'better':
      return `**Better**: nothing got worse; ${comparison.better.length} metric${comparison.better.length === 1 ? '' : 's'} improved beyond noise and tolerance.`;
    case 'same':
      return '**Same**: no difference beyond noise and tolerance.';
  }
}

function signed(r: ComparisonRow): string {
  if (r.kind === 'drift' || r.change === null) return '–';
  const relative = r.relativeChange === null ? '' : ` (${formatPercentChange(r.relativeChange)})`;
  if (r.unit === 'rate')
    return `${r.change >= 0 ? '+' : '−'}${Math.abs(r.change * 100).toFixed(2)} pp`;
  return `${r.change >= 0 ? '+' : '−'}${formatValue(Math.abs(r.change), r.unit)}${relative}`;
}

function cellValue(r: ComparisonRow, value: number | null): string {
  if (r.kind === 'drift') return value === null ? '–' : value === 1 ? 'flat' : 'drifted';
  return formatValue(value, r.unit);
}

function metricsTable(rows: readonly ComparisonRow[]): string {
  const lines = [
    '| group | metric | baseline | current | change | p | verdict |',
    '| :-- | :-- | --: | --: | --: | --: | :-- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${escapeCell(r.group)} | ${escapeCell(r.label)} | ${cellValue(r, r.baseline)} | ${cellValue(r, r.current)} | ${signed(r)} | ${r.pValue === null ? '–' : formatP(r.pValue)} | ${VERDICT_MARK[r.verdict]} |`,
    );
  }
  return lines.join('\n');
}

function capacitySection(baseline: RunDigest, current: RunDigest): string {
  if (baseline.capacity === null || current.capacity === null) return '';
  const rates = [
    ...new Set([...baseline.capacity.steps, ...current.capacity.steps].map((s) => s.targetRate)),
  ].sort((a, b) => a - b);
  const cell = (digest: RunDigest, rate: number) => {
    const step = digest.capacity?.steps.find((s) => s.targetRate === rate);
    if (step === undefined) return '– | –';
    const p95 = step.protectedP95Ms === null ? '–' : `${formatValue(step.protectedP95Ms, 'ms')}`;
    return `${p95} | ${step.held ? 'held' : 'not held'}`;
  };
  const lines = [
    '',
    '### Capacity steps',
    '',
    `- Baseline: ${escapeCell(baseline.capacity.sentence)}`,
    `- Current: ${escapeCell(current.capacity.sentence)}`,
    '',
    '| target/s | baseline p95 | baseline | current p95 | current |',
    '| --: | --: | :-- | --: | :-- |',
    ...rates.map((rate) => `| ${rate} | ${cell(baseline, rate)} | ${cell(current, rate)} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function soakSection(baseline: RunDigest, current: RunDigest): string {
  if (baseline.soak === null || current.soak === null) return '';
  const count = Math.max(baseline.soak.windows.length, current.soak.windows.length);
  const lines = [
    '',
    '### Soak windows',
    '',
    `- Baseline: ${escapeCell(baseline.soak.sentence)}`,
    `- Current: ${escapeCell(current.soak.sentence)}`,
    '',
    '| window | baseline p95 protected | current p95 protected | baseline p95 refresh | current p95 refresh | baseline refreshes/min | current refreshes/min |',
    '| :-- | --: | --: | --: | --: | --: | --: |',
  ];
  for (let index = 0; index < count; index += 1) {
    const a = baseline.soak.windows[index];
    const b = current.soak.windows[index];
    const ms = (v: number | null | undefined) => formatValue(v ?? null, 'ms');
    const n = (v: number | null | undefined) =>
      v === null || v === undefined ? '–' : v.toFixed(1);
    lines.push(
      `| ${a?.name ?? b?.name ?? index + 1} | ${ms(a?.protectedP95Ms)} | ${ms(b?.protectedP95Ms)} | ${ms(a?.refreshP95Ms)} | ${ms(b?.refreshP95Ms)} | ${n(a?.refreshesPerMinute)} | ${n(b?.refreshesPerMinute)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function methodSection(comparison: Comparison, baseline: RunDigest, current: RunDigest): string {
  const t = comparison.tolerances;
  const source = (d: RunDigest) =>
    d.windows.source === 'none'
      ? 'no per-window values'
      : `${d.windows.source}, ${d.windows.windowMs / 1000} s windows`;
  const tolerances = Object.entries(t.metrics)
    .map(([name, tol]) => `${name} ${Math.round(tol.relative * 100)}% & ${tol.absolute}`)
    .join(', ');
  return [
    '',
    '<details><summary>Method</summary>',
    '',
    `A difference is better or worse only when its noise test gives p < ${t.alpha} and it exceeds the metric's minimum practical effect (both the relative and the absolute tolerance); otherwise it is same. Latency and throughput: two-sided Mann–Whitney U on per-window values (at least ${t.minWindows} windows a side) with the Hodges–Lehmann shift as the effect, else the whole-run values against the tolerance alone. Error rates: two-proportion z test. Auth counters: Poisson rate test (events per second of run time). Capacity: the held rate against its tolerance.`,
    '',
    `Samples: baseline ${source(baseline)}; current ${source(current)}.`,
    '',
    `Tolerances (relative & absolute, in each metric's unit): ${tolerances}.`,
    '',
    '</details>',
    '',
  ].join('\n');
}

/** compare.md's text. */
export function formatCompareMarkdown(
  comparison: Comparison,
  baseline: RunDigest,
  current: RunDigest,
  labels: CompareLabels,
): string {
  const parts = [
    `## k6 compare: ${escapeCell(comparison.scenario || 'run')}`,
    '',
    `Baseline \`${labels.baseline.replace(/`/g, "'")}\` → current \`${labels.current.replace(/`/g, "'")}\``,
    '',
    headline(comparison),
    '',
  ];
  if (comparison.incomparable.length > 0) {
    parts.push(...comparison.incomparable.map((reason) => `- ${escapeCell(reason)}`), '');
  }
  if (comparison.worse.length > 0) {
    parts.push('Worse:', '', ...comparison.worse.map((r) => `- ${escapeCell(describeRow(r))}`), '');
  }
  if (comparison.notes.length > 0) {
    parts.push('Notes:', '', ...comparison.notes.map((note) => `- ${escapeCell(note)}`), '');
  }
  if (comparison.rows.length > 0) parts.push(metricsTable(comparison.rows), '');
  let text = parts.join('\n');
  if (comparison.verdict !== 'incomparable') {
    text += capacitySection(baseline, current);
    text += soakSection(baseline, current);
    text += methodSection(comparison, baseline, current);
  }
  return text;
}
