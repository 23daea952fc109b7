/**
 * `npm run chaos`'s verdicts and report: each fault is judged by criteria built from measured
 * numbers, and the suite is printed as one table (fault, what "survived" means, measured
 * numbers, pass/fail) for the terminal, chaos.md and chaos.json. Pure: the numbers come in.
 */

/** One measured criterion of one fault. */
export interface Criterion {
  /** What is measured, e.g. "relogins per VU". */
  name: string;
  /** The measured value, as shown ("2", "+1.2 s"). */
  measured: string;
  /** The bound, as shown ("≤ 1"). */
  limit: string;
  passed: boolean;
}

/** A fault's outcome. */
export interface ChaosCaseResult {
  /** Stable id, e.g. "refresh-outage". */
  id: string;
  /** The fault, e.g. "/refresh answers 500 for 30 s". */
  fault: string;
  /** What "survived" means for this fault, in words. */
  survived: string;
  criteria: Criterion[];
  /** Every criterion passed. */
  passed: boolean;
  /** The raw numbers behind the criteria, for chaos.json. */
  numbers: Record<string, number | string | boolean | null>;
  /** This case's k6 files, relative to the suite folder. */
  folder: string;
}

/** Builds a case result: passed when every criterion passed. */
export function judgeCase(
  fields: Omit<ChaosCaseResult, 'passed'> & { criteria: Criterion[] },
): ChaosCaseResult {
  return { ...fields, passed: fields.criteria.every((criterion) => criterion.passed) };
}

export function atMost(name: string, value: number, max: number, unit = ''): Criterion {
  return { name, measured: `${value}${unit}`, limit: `≤ ${max}${unit}`, passed: value <= max };
}

export function atLeast(name: string, value: number, min: number, unit = ''): Criterion {
  return { name, measured: `${value}${unit}`, limit: `≥ ${min}${unit}`, passed: value >= min };
}

export function lessThan(name: string, value: number, max: number, unit = ''): Criterion {
  return { name, measured: `${value}${unit}`, limit: `< ${max}${unit}`, passed: value < max };
}

export function equalTo(name: string, value: number | string, expected: number | string) {
  return {
    name,
    measured: String(value),
    limit: `= ${expected}`,
    passed: value === expected,
  } satisfies Criterion;
}

/**
 * Errors stop within the fault's end plus the allowance (one back-off cap, plus the slack named
 * in the case): `outside` errors fell after it; `lastAfterEndMs` is the last error's distance
 * from the fault's end (null: no error at all).
 */
export function errorsStop(
  outside: number,
  lastAfterEndMs: number | null,
  allowanceMs: number,
): Criterion {
  const last = lastAfterEndMs === null ? 'none' : formatSignedSeconds(lastAfterEndMs);
  return {
    name: 'last error after the fault ended',
    measured: outside === 0 ? last : `${last} (${outside} late)`,
    limit: `≤ +${formatSeconds(allowanceMs)}`,
    passed: outside === 0,
  };
}

/** No secret in any output: `leaks` names where one was found (never the secret itself). */
export function noSecretPrinted(leaks: readonly string[]): Criterion {
  return {
    name: 'secrets printed',
    measured: leaks.length === 0 ? '0' : `${leaks.length} (${leaks.slice(0, 3).join(', ')})`,
    limit: '= 0',
    passed: leaks.length === 0,
  };
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatSignedSeconds(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatSeconds(Math.abs(ms))}`;
}

/** The measured numbers of a case in one cell: "name measured (limit)" per criterion. */
export function formatMeasured(result: ChaosCaseResult): string {
  return result.criteria
    .map((c) => `${c.passed ? '' : '✗ '}${c.name} ${c.measured} (${c.limit})`)
    .join('; ');
}

function verdictOf(result: ChaosCaseResult): string {
  return result.passed ? 'PASS' : 'FAIL';
}

/** Exit code of `npm run chaos`: 0 when every case passed, 1 when one failed. */
export function chaosExitCode(results: readonly ChaosCaseResult[]): number {
  return results.every((result) => result.passed) ? 0 : 1;
}

/** The terminal table: one block per fault, the verdict first, then its criteria. */
export function formatChaosText(results: readonly ChaosCaseResult[]): string {
  const width = Math.max(...results.map((r) => verdictOf(r).length));
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${verdictOf(result).padEnd(width)}  ${result.fault}`);
    lines.push(`${''.padEnd(width)}  survived = ${result.survived}`);
    for (const c of result.criteria) {
      const mark = c.passed ? 'ok' : 'NO';
      lines.push(`${''.padEnd(width)}    ${mark}  ${c.name}: ${c.measured} (${c.limit})`);
    }
  }
  const passed = results.filter((r) => r.passed).length;
  lines.push(`${passed} of ${results.length} faults survived`);
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** chaos.md: the table, then each case's folder. */
export function formatChaosMarkdown(
  results: readonly ChaosCaseResult[],
  context: { generatedAtMs: number; mode: 'full' | 'short' },
): string {
  const passed = results.filter((r) => r.passed).length;
  const lines = [
    `# Chaos suite (${context.mode})`,
    '',
    `${new Date(context.generatedAtMs).toISOString()}: ${passed} of ${results.length} faults survived.`,
    '',
    '| fault | survived means | measured | result |',
    '|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${cell(r.fault)} | ${cell(r.survived)} | ${cell(formatMeasured(r))} | ${verdictOf(r)} |`,
    ),
    '',
    'Each case keeps its k6 files (summary export, `points.jsonl`, the scenario results) in its folder:',
    '',
    ...results.map((r) => `- ${r.id}: \`${r.folder}/\``),
    '',
  ];
  return lines.join('\n');
}

/** chaos.json: the same, as data. */
export function formatChaosJson(
  results: readonly ChaosCaseResult[],
  context: { generatedAtMs: number; mode: 'full' | 'short' },
): string {
  return `${JSON.stringify(
    {
      generatedAt: new Date(context.generatedAtMs).toISOString(),
      mode: context.mode,
      passed: results.every((r) => r.passed),
      cases: results,
    },
    null,
    2,
  )}\n`;
}
