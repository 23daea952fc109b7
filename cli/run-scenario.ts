/**
 * `npm run scenario -- <scenario | path/to/script.js> [k6 run arguments…]`: runs one scenario with
 * the provisioned k6 and publishes its results folder atomically.
 *
 * k6 writes the handleSummary files and the dashboard export one by one, in place, so a reader
 * (CI, a dashboard, a person) could see a half-written folder. Here k6 writes into a hidden
 * staging folder beside the target, which is renamed into place once k6 has exited. The target is
 * `RESULTS_DIR` (environment or `-e RESULTS_DIR=…`) or `results/<scenario>-<UTC timestamp>`.
 * report.html comes from k6's built-in web dashboard export. The exit code is k6's: 0 pass,
 * 99 thresholds crossed (every file is still written), 104/107 bad config or script error.
 *
 * When k6 stops before its end-of-test summary (a bad setting at init, 107; an abort at init, 108;
 * a flag it does not know, 255) it writes no result file, so this script writes junit.xml and
 * summary.md itself, with the error k6 printed (lib/core/results/run-failure.ts): k6's stderr
 * goes to the terminal as it comes and a bounded part of it is kept for that.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { defaultResultsDir } from '../lib/core/results/result-files.ts';
import {
  findRunFailure,
  formatRunFailureJunit,
  formatRunFailureMarkdown,
  type RunFailure,
} from '../lib/core/results/run-failure.ts';
import { isSecretKey } from '../lib/core/results/sanitize.ts';
import { bundleUserScenario, ensureCatalogue } from './catalogue.ts';
import { k6RunArgs, webDashboardEnv, withK6Outputs } from './k6-command.ts';
import { ErrorLineKeeper } from './k6-error-lines.ts';
import { startK6 } from './k6-process.ts';
import { catalogueBundle } from './package-root.ts';
import { K6NotFoundError, provisionK6 } from './provision-k6.ts';
import { writeResultPage } from './result-page.ts';
import { invokedAs, refuseSecretEnvArgs, SecretArgumentError } from './secret-args.ts';
import { startSeriesCapture } from './series-capture.ts';

export interface RunPlan {
  scenario: string;
  /** The bundle k6 runs. */
  script: string;
  /** The user's TypeScript scenario bundled into `script` first (k6-auth run my-test.ts). */
  bundleFrom?: string;
  /** Where the results end up. */
  resultsDir: string;
  /** Where k6 writes them first: a hidden sibling of `resultsDir`, so the rename stays on one file system. */
  stagingDir: string;
  /** Arguments for `k6`. */
  k6Args: string[];
  /** Environment for k6. */
  env: NodeJS.ProcessEnv;
}

/** A wrong command line: printed without a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const CATALOGUE_HINT =
  'smoke, load, soak, stress, spike, capacity, login-storm, refresh-storm, session-churn';

const USAGE =
  'usage: npm run scenario -- <scenario | path/to/script.js | path/to/script.ts> [k6 run arguments…], e.g. npm run scenario -- smoke -e AUTH_MODE=dual';

/** Takes `-e RESULTS_DIR=…` / `--env RESULTS_DIR=…` out of the k6 arguments: the wrapper owns it. */
export function extractResultsDir(args: readonly string[]): {
  rest: string[];
  resultsDir: string | undefined;
} {
  const rest: string[] = [];
  let resultsDir: string | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const next = args[index + 1];
    if ((arg === '-e' || arg === '--env') && next?.startsWith('RESULTS_DIR=')) {
      resultsDir = next.slice('RESULTS_DIR='.length);
      index += 1;
    } else if (arg.startsWith('--env=RESULTS_DIR=')) {
      resultsDir = arg.slice('--env=RESULTS_DIR='.length);
    } else {
      rest.push(arg);
    }
  }
  return { rest, resultsDir };
}

/**
 * Works out what to run and where results go, without touching anything.
 * `argv` is what follows `k6-auth run` (`npm run scenario --`); `nowMs` names the default folder.
 * A `.js` path runs as is; a `.ts` path is bundled first into a hidden folder beside the results
 * (k6 has no npm resolution, and its own TypeScript loading cannot import the package by name);
 * any other name is a catalogue scenario, the package's `dist/<name>.js`. Paths and the results
 * folder are the user's, from the working directory.
 */
export function planRun(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  nowMs: number,
  pid = process.pid,
): RunPlan {
  const [target, ...userArgs] = argv;
  if (!target || target.startsWith('-')) throw new UsageError(USAGE);
  const isTypeScript = target.endsWith('.ts');
  const scenario = basename(target).replace(/\.(js|ts)$/, '');
  const { rest, resultsDir: fromArgs } = extractResultsDir(userArgs);
  const resultsDir = fromArgs || env.RESULTS_DIR || defaultResultsDir(scenario, nowMs);
  const stagingDir = join(dirname(resultsDir), `.${basename(resultsDir)}.staging-${pid}`);
  const buildDir = join(dirname(resultsDir), `.${basename(resultsDir)}.build-${pid}`);
  const script = target.endsWith('.js')
    ? target
    : isTypeScript
      ? join(buildDir, `${scenario}.js`)
      : catalogueBundle(target);
  return {
    scenario,
    script,
    ...(isTypeScript ? { bundleFrom: target } : {}),
    resultsDir,
    stagingDir,
    k6Args: k6RunArgs({ args: rest, env: { RESULTS_DIR: stagingDir }, script }),
    env: {
      ...env,
      RESULTS_DIR: stagingDir,
      ...webDashboardEnv(join(stagingDir, 'report.html'), env.K6_WEB_DASHBOARD_PERIOD),
    },
  };
}

/**
 * Moves what k6 wrote in `stagingDir` to `resultsDir`: one rename of the whole folder when the
 * target does not exist, else one rename per file (each atomic) into the existing folder.
 * Returns the files published; none (and no target created) when k6 wrote nothing.
 */
export async function publishResults(stagingDir: string, resultsDir: string): Promise<string[]> {
  const files = (await readdir(stagingDir)).sort();
  if (files.length === 0) {
    await rmdir(stagingDir);
    return [];
  }
  if (!existsSync(resultsDir)) {
    await mkdir(dirname(resultsDir), { recursive: true });
    await rename(stagingDir, resultsDir);
    return files;
  }
  await moveInto(stagingDir, resultsDir);
  return files;
}

/** Moves every entry of `from` into the existing folder `to`, folders merged (charts/), then removes `from`. */
async function moveInto(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from)) {
    const source = join(from, entry);
    const target = join(to, entry);
    if (
      (await stat(source)).isDirectory() &&
      existsSync(target) &&
      (await stat(target)).isDirectory()
    ) {
      await moveInto(source, target);
    } else {
      await rename(source, target);
    }
  }
  await rmdir(from);
}

/**
 * Runs k6 for `plan` with the time series read as it goes (cli/series-capture.ts), then adds
 * series.json, index.html and charts/ to the staging folder: what every launcher (npm run
 * scenario, npm start) publishes. `launch` spawns k6 with the arguments given and resolves when
 * it has exited. Problems with the series are said on `warn` and never change k6's exit code.
 */
export async function runWithResultPage<T>(
  plan: RunPlan,
  launch: (k6Args: string[]) => Promise<T>,
  warn: (message: string) => void,
): Promise<T> {
  await mkdir(plan.stagingDir, { recursive: true });
  const capture = await startSeriesCapture(plan.scenario);
  if ('unavailable' in capture) warn(`no series.json: ${capture.unavailable}`);
  const k6Args =
    'unavailable' in capture ? plan.k6Args : withK6Outputs(plan.k6Args, capture.k6Args);
  let outcome: T;
  try {
    outcome = await launch(k6Args);
  } finally {
    if (!('unavailable' in capture)) {
      const { series, result } = await capture.finish();
      if (result.error !== undefined) warn(`series.json incomplete: ${result.error}`);
      if (series !== null) {
        await writeFile(join(plan.stagingDir, 'series.json'), `${JSON.stringify(series)}\n`);
      }
    }
  }
  // Nothing at all (k6 stopped at init): no page for a run that did not happen.
  if ((await readdir(plan.stagingDir)).length > 0) {
    await writeResultPage(plan.stagingDir, plan.scenario);
  }
  return outcome;
}

/**
 * Values that must not reach a results file: those of secret-named variables (PASSWORD, TOKEN,
 * SECRET…) in the environment and in the `-e NAME=value` arguments.
 */
export function knownSecrets(args: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const pairs: [string, string][] = Object.entries(env).flatMap(([name, value]) =>
    value === undefined ? [] : [[name, value] as [string, string]],
  );
  args.forEach((arg, index) => {
    const pair = arg === '-e' || arg === '--env' ? args[index + 1] : /^--env=(.*)$/.exec(arg)?.[1];
    const equals = pair?.indexOf('=') ?? -1;
    if (pair !== undefined && equals > 0)
      pairs.push([pair.slice(0, equals), pair.slice(equals + 1)]);
  });
  return pairs
    .filter(([name, value]) => isSecretKey(name) && value !== '')
    .map(([, value]) => value);
}

/**
 * Writes junit.xml and summary.md for a run k6 stopped before its summary, into `dir` (the
 * staging folder, published with the rest). Returns the files written.
 */
export async function writeRunFailure(
  dir: string,
  failure: RunFailure | undefined,
  context: { scenario: string; exitCode: number; generatedAtMs: number },
): Promise<string[]> {
  await writeFile(join(dir, 'junit.xml'), formatRunFailureJunit(failure, context));
  await writeFile(join(dir, 'summary.md'), formatRunFailureMarkdown(failure, context));
  return ['junit.xml', 'summary.md'];
}

interface K6Exit {
  exitCode: number;
  /** The part of k6's stderr kept for a stopped run's results (ErrorLineKeeper). */
  stderr: string;
}

async function runK6(k6: string, args: string[], env: NodeJS.ProcessEnv): Promise<K6Exit> {
  const kept = new ErrorLineKeeper();
  const { exited } = startK6({
    k6,
    args,
    env,
    stdin: 'inherit',
    // Piped, not inherited, to keep its error lines; it still reaches the terminal.
    stderr: (text) => {
      process.stderr.write(text);
      kept.add(text);
    },
    // Ctrl-C already reaches k6 (same process group), and a second SIGINT would make k6 quit
    // without its summary: SIGINT only keeps this process alive to publish. A SIGTERM sent to
    // this process alone is passed on; either way k6 stops gracefully and runs handleSummary.
    signals: { SIGINT: 'hold', SIGTERM: 'pass' },
  });
  const { exitCode } = await exited;
  return { exitCode, stderr: kept.text() };
}

async function runScenario(argv: string[]): Promise<number> {
  // Before anything else, so no k6 run, results folder or summary ever holds the value.
  refuseSecretEnvArgs(argv, invokedAs('scenario', 'run'));
  const plan = planRun(argv, process.env, Date.now());
  if (plan.bundleFrom !== undefined) {
    if (!existsSync(plan.bundleFrom)) {
      throw new UsageError(
        `${plan.bundleFrom} not found; reason: expected a scenario file, got none at ${resolve(plan.bundleFrom)}`,
      );
    }
    await bundleUserScenario(plan.bundleFrom, dirname(plan.script));
  } else if (plan.script === catalogueBundle(plan.scenario)) {
    await ensureCatalogue([plan.scenario]);
  }
  try {
    return await runPlan(plan, argv);
  } finally {
    if (plan.bundleFrom !== undefined)
      await rm(dirname(plan.script), { recursive: true, force: true });
  }
}

async function runPlan(plan: RunPlan, argv: readonly string[]): Promise<number> {
  if (!existsSync(plan.script)) {
    throw new UsageError(
      `${plan.script} not found; reason: expected a catalogue scenario (${CATALOGUE_HINT}) or a script path (.js, .ts), got none`,
    );
  }
  const { path: k6 } = await provisionK6();
  const { exitCode, stderr } = await runWithResultPage(
    plan,
    (k6Args) => runK6(k6, k6Args, plan.env),
    (message) => process.stderr.write(`k6-auth-toolkit: ${message}\n`),
  );
  const where = resolve(plan.resultsDir);
  const written = await readdir(plan.stagingDir);
  // 99 is a finished run whose thresholds were crossed: without its files, the user asked for
  // none (--summary-mode=disabled).
  if (exitCode !== 0 && exitCode !== 99 && !written.includes('junit.xml')) {
    // k6 stopped before handleSummary: CI still gets a failed junit.xml and a summary.md.
    const failure = findRunFailure(stderr, knownSecrets(argv, process.env));
    await writeRunFailure(plan.stagingDir, failure, {
      scenario: plan.scenario,
      exitCode,
      generatedAtMs: Date.now(),
    });
    const files = await publishResults(plan.stagingDir, plan.resultsDir);
    process.stderr.write(
      `k6-auth-toolkit: ${failure?.message ?? 'k6 printed no error'}\n` +
        `k6-auth-toolkit: k6 exited ${exitCode} and wrote no results; the error is in ${where}: ${files.join(', ')}\n`,
    );
    return exitCode;
  }
  const files = await publishResults(plan.stagingDir, plan.resultsDir);
  if (files.length === 0) {
    process.stderr.write(`k6-auth-toolkit: k6 exited ${exitCode} and wrote no results\n`);
    return exitCode;
  }
  if (!files.includes('report.html')) {
    process.stderr.write(
      'k6-auth-toolkit: no report.html: k6 exports its dashboard only after two snapshots ' +
        `(K6_WEB_DASHBOARD_PERIOD=${plan.env.K6_WEB_DASHBOARD_PERIOD}); the run was shorter\n`,
    );
  }
  process.stderr.write(
    `k6-auth-toolkit: results in ${where}: ${files.join(', ')} (k6 exit code ${exitCode})\n`,
  );
  return exitCode;
}

/** The command's entry (cli/k6-auth.ts): its exit code; a known error is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await runScenario(argv);
  } catch (error) {
    if (
      !(error instanceof K6NotFoundError) &&
      !(error instanceof UsageError) &&
      !(error instanceof SecretArgumentError)
    ) {
      throw error;
    }
    process.stderr.write(`k6-auth-toolkit: ${error.message}\n`);
    return error instanceof SecretArgumentError ? error.exitCode : 1;
  }
}
