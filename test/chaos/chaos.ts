/**
 * `npm run chaos [-- --short] [-- --only <id>,<id>]`: the fault catalogue (chaos-cases.ts)
 * as one suite against the reference server on loopback, with the real k6. Prints a table (fault,
 * what "survived" means, measured numbers, pass/fail) and writes `chaos.md` and `chaos.json` to
 * `results/chaos-<UTC timestamp>/` (or `RESULTS_DIR`), each case's k6 files in a folder beside.
 *
 * `--short` (or `CHAOS_SHORT=true`) is CI's version: every fault, shorter windows.
 * Exit code: 0 when every fault was survived, 1 when one was not, 2 for a wrong command line or a
 * case that could not run (a server that did not start, k6 missing, dist/ not built).
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { K6NotFoundError } from '../../cli/provision-k6.ts';
import { defaultResultsDir } from '../../lib/core/results/result-files.ts';
import { REPO_ROOT } from '../helpers/run-process.ts';
import { CHAOS_CASES, type ChaosCase } from './chaos-cases.ts';
import {
  type ChaosCaseResult,
  chaosExitCode,
  formatChaosJson,
  formatChaosMarkdown,
  formatChaosText,
} from './chaos-verdicts.ts';

/** A wrong command line or a case that could not run: printed without a stack trace. */
export class ChaosUsageError extends Error {
  override readonly name = 'ChaosUsageError';
}

const USAGE = 'usage: npm run chaos [-- --short] [--only <case>,<case>…]';

export interface ChaosPlan {
  short: boolean;
  /** Case ids to run, in catalogue order. */
  only: string[];
  resultsDir: string;
}

/** Reads the command line and environment; throws `ChaosUsageError` on a wrong one. */
export function planChaos(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  nowMs: number,
): ChaosPlan {
  let short = env.CHAOS_SHORT === 'true' || env.CHAOS_SHORT === '1';
  const known = CHAOS_CASES.map((c) => c.id);
  let only = known;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '--short') short = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      let value = arg.slice('--only='.length);
      if (arg === '--only') {
        index += 1;
        value = argv[index] ?? '';
      }
      const ids = value.split(',').filter((id) => id !== '');
      const unknown = ids.filter((id) => !known.includes(id));
      if (ids.length === 0 || unknown.length > 0) {
        throw new ChaosUsageError(
          `--only is invalid; reason: expected case ids among ${known.join(', ')}, got ${unknown.length > 0 ? unknown.join(', ') : 'none'}`,
        );
      }
      only = known.filter((id) => ids.includes(id));
    } else {
      throw new ChaosUsageError(
        `unknown argument; reason: expected --short or --only, got ${arg.slice(0, 40)}\n${USAGE}`,
      );
    }
  }
  const resultsDir = env.RESULTS_DIR || defaultResultsDir('chaos', nowMs);
  return { short, only, resultsDir };
}

/** Runs of cases in catalogue order: consecutive cases of one `group` share a batch. */
export function batchByGroup<T extends { group?: string }>(cases: readonly T[]): T[][] {
  const batches: T[][] = [];
  for (const item of cases) {
    const last = batches.at(-1);
    if (item.group !== undefined && last?.[0]?.group === item.group) last.push(item);
    else batches.push([item]);
  }
  return batches;
}

async function main(argv: string[]): Promise<number> {
  const startedMs = Date.now();
  const plan = planChaos(argv, process.env, startedMs);
  for (const script of ['dist/smoke.js', 'dist/load.js']) {
    if (!existsSync(join(REPO_ROOT, script))) {
      throw new ChaosUsageError(
        `${script} not found; reason: expected the built scenarios (run npm run build), got none`,
      );
    }
  }
  const suiteDir = resolve(plan.resultsDir);
  await mkdir(suiteDir, { recursive: true });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `chaos (${plan.short ? 'short' : 'full'}): ${plan.only.length} faults, results in ${relative(process.cwd(), suiteDir) || '.'}`,
  );
  const results: ChaosCaseResult[] = [];
  const selected = CHAOS_CASES.filter((c) => plan.only.includes(c.id));
  const runOne = async (chaosCase: ChaosCase): Promise<ChaosCaseResult> => {
    const caseStartedMs = Date.now();
    const result = await chaosCase.run({ short: plan.short, suiteDir, say });
    say(
      `  ${result.passed ? 'PASS' : 'FAIL'} ${result.id} (${((Date.now() - caseStartedMs) / 1000).toFixed(1)} s)`,
    );
    return result;
  };
  for (const batch of batchByGroup(selected)) {
    results.push(...(await Promise.all(batch.map(runOne))));
  }
  const context = { generatedAtMs: Date.now(), mode: plan.short ? 'short' : 'full' } as const;
  await writeFile(join(suiteDir, 'chaos.md'), formatChaosMarkdown(results, context));
  await writeFile(join(suiteDir, 'chaos.json'), formatChaosJson(results, context));
  say('');
  process.stdout.write(formatChaosText(results));
  say(
    `chaos.md and chaos.json in ${relative(process.cwd(), suiteDir) || '.'} (${((Date.now() - startedMs) / 1000).toFixed(0)} s)`,
  );
  return chaosExitCode(results);
}

// realpath: Node loads the main module by its real path, so a symlinked script must compare so too.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof K6NotFoundError) && !(error instanceof ChaosUsageError)) {
      process.stderr.write(
        `k6-auth-toolkit chaos: a case could not run: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 2;
    } else {
      process.stderr.write(`k6-auth-toolkit chaos: ${error.message}\n`);
      process.exitCode = 2;
    }
  }
}
