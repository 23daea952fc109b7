/**
 * `npm run compare -- <baseline> <current> [--tolerances <file.json>] [--out <folder>]`: compares
 * two runs (result folders, or saved baseline names) and writes compare.md, compare.json and
 * compare.html (overlay charts) into `--out`, by default the current result folder.
 *
 * Exit codes: 0 nothing worse beyond noise and tolerance; 1 something is worse (listed, and under
 * GitHub Actions one `::error::` annotation each); 2 the runs cannot be compared (different
 * scenario, auth mode, target profile or protected path: each named); 3 a wrong command line or
 * an unreadable input.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ToolkitError } from '../lib/core/errors.ts';
import { type Comparison, compareRuns, describeRow } from '../lib/core/results/compare.ts';
import {
  comparisonCharts,
  renderCompareHtml,
  withComparisonSection,
} from '../lib/core/results/compare-chart.ts';
import { formatCompareMarkdown } from '../lib/core/results/compare-markdown.ts';
import {
  DEFAULT_TOLERANCES,
  parseTolerances,
  type Tolerances,
} from '../lib/core/results/compare-tolerances.ts';
import { formatUtcTimestamp } from '../lib/core/results/result-files.ts';
import { loadRun } from './result-inputs.ts';

export const EXIT = { same: 0, worse: 1, incomparable: 2, usage: 3 } as const;

const USAGE =
  'usage: npm run compare -- <baseline folder | baseline name> <current folder | baseline name> [--tolerances <file.json>] [--out <folder>]';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface Args {
  baseline: string;
  current: string;
  tolerances: string | undefined;
  out: string | undefined;
}

export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  let tolerances: string | undefined;
  let out: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const value = argv[index + 1];
    if (arg === '--tolerances' || arg === '--out') {
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`${arg} needs a value; ${USAGE}`);
      if (arg === '--tolerances') tolerances = value;
      else out = value;
      index += 1;
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}; ${USAGE}`);
    } else positional.push(arg);
  }
  const [baseline, current, ...extra] = positional;
  if (baseline === undefined || current === undefined || extra.length > 0)
    throw new UsageError(USAGE);
  return { baseline, current, tolerances, out };
}

async function readTolerances(file: string | undefined): Promise<Tolerances> {
  if (file === undefined) return DEFAULT_TOLERANCES;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read --tolerances ${file}: ${(error as Error).message}`);
  }
  return parseTolerances(json);
}

/** One GitHub Actions annotation per worse metric (or the reasons the runs cannot be compared). */
export function githubAnnotations(comparison: Comparison): string[] {
  const clean = (text: string) => text.replace(/%/g, '%25').replace(/\r?\n/g, ' ');
  if (comparison.verdict === 'incomparable') {
    return comparison.incomparable.map(
      (reason) => `::error title=Cannot compare with the baseline::${clean(reason)}`,
    );
  }
  return comparison.worse.map(
    (row) => `::error title=Worse than the baseline::${clean(describeRow(row))}`,
  );
}

export async function runCompare(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv);
  const tolerances = await readTolerances(args.tolerances);
  const baseline = await loadRun(args.baseline);
  const current = await loadRun(args.current);
  const comparison = compareRuns(baseline.digest, current.digest, tolerances);
  const labels = { baseline: baseline.label, current: current.label };
  const markdown = formatCompareMarkdown(comparison, baseline.digest, current.digest, labels);
  const charts = comparisonCharts(baseline.digest, current.digest);
  const html = renderCompareHtml(comparison, charts, markdown);
  const out = resolve(
    args.out ?? current.folder ?? join('results', `compare-${formatUtcTimestamp(Date.now())}`),
  );
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'compare.md'), markdown);
  await writeFile(
    join(out, 'compare.json'),
    `${JSON.stringify({ version: 1, baseline: labels.baseline, current: labels.current, ...comparison }, null, 2)}\n`,
  );
  await writeFile(join(out, 'compare.html'), html);
  // The result folder's own page (index.html) shows the comparison too.
  const index = join(out, 'index.html');
  const page = await readFile(index, 'utf8').catch(() => undefined);
  if (page !== undefined) await writeFile(index, withComparisonSection(page, comparison, charts));
  const lines = [`compare ${comparison.scenario}: ${comparison.verdict}`];
  lines.push(...comparison.incomparable.map((reason) => `  cannot compare: ${reason}`));
  lines.push(...comparison.worse.map((row) => `  worse: ${describeRow(row)}`));
  lines.push(...comparison.better.map((row) => `  better: ${describeRow(row)}`));
  lines.push(
    `  written: ${join(out, 'compare.md')}, compare.json, compare.html${page === undefined ? '' : ', and a section in index.html'}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  if (env.GITHUB_ACTIONS === 'true') {
    for (const line of githubAnnotations(comparison)) process.stdout.write(`${line}\n`);
  }
  if (comparison.verdict === 'incomparable') return EXIT.incomparable;
  return comparison.verdict === 'worse' ? EXIT.worse : EXIT.same;
}

/** The command's entry (cli/k6-auth.ts): its exit code; a known error is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await runCompare(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof ToolkitError)) throw error;
    process.stderr.write(`k6-auth-toolkit compare: ${error.message}\n`);
    return EXIT.usage;
  }
}
