/**
 * `npm start`: the one-command demo. Builds the scenarios, makes sure k6 is there, serves the
 * reference API on a free loopback port in this process, runs the smoke scenario once per auth
 * mode (session, token, dual), prints one table comparing them, and writes every run's results
 * under `results/start-<UTC timestamp>/<mode>/` with a comparison.md beside them.
 *
 * The exit code is k6's: 0 when every run passed, 99 when a threshold was crossed, another code
 * when a run failed. Extra arguments go to every `k6 run` (`npm start -- -e VUS=10`).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  compareModes,
  formatModeMarkdown,
  formatModeTable,
  type ModeRun,
  overallExitCode,
} from '../lib/core/results/mode-comparison.ts';
import { formatUtcTimestamp } from '../lib/core/results/result-files.ts';
import type { SummaryData } from '../lib/core/results/summary-data.ts';
import { createApp } from '../server/app.ts';
import { type ListeningServer, startServer } from '../server/listen.ts';
import { k6EnvArgs, k6RunFlags } from './k6-command.ts';
import { K6NotFoundError, provisionK6 } from './provision-k6.ts';
import { planRun, publishResults } from './run-scenario.ts';

const MODES = ['session', 'token', 'dual'] as const;
/** Short enough that dual mode refreshes a few times per VU during a run (and token mode logs in again). */
const DEMO_ACCESS_TTL_SECONDS = 5;
const DEMO_VUS = 5;
const DEMO_DURATION_SECONDS = 10;
/** A run that takes this much longer than planned is stopped (SIGTERM: k6 still writes results). */
const RUN_GRACE_MS = 60_000;
const HEARTBEAT_MS = 5000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (sinceMs: number) => `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;

/** The reference API in this process on a free loopback port, served as `npm run server` does. */
function startReferenceServer(): Promise<ListeningServer> {
  const app = createApp({ accessTtlSeconds: DEMO_ACCESS_TTL_SECONDS, logLevel: 'warn' });
  return startServer({ app });
}

interface K6Exit {
  code: number;
  stderr: string;
}

/** Runs k6 quietly, with a heartbeat so a 10-second run does not look stuck. */
function runK6(k6: string, args: string[], env: NodeJS.ProcessEnv, label: string): Promise<K6Exit> {
  return new Promise((resolvePromise, reject) => {
    const startedMs = Date.now();
    const child = spawn(k6, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
    });
    const heartbeat = setInterval(() => say(`      ${label}: ${seconds(startedMs)}`), HEARTBEAT_MS);
    const limit = setTimeout(
      () => child.kill('SIGTERM'),
      DEMO_DURATION_SECONDS * 1000 + RUN_GRACE_MS,
    );
    child.on('error', (error) => {
      clearInterval(heartbeat);
      clearTimeout(limit);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      clearTimeout(limit);
      resolvePromise({ code: code ?? (signal ? 1 : 0), stderr });
    });
  });
}

async function readSummary(dir: string): Promise<SummaryData | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as SummaryData;
  } catch {
    return undefined;
  }
}

function comparisonMarkdown(table: string, startedAtMs: number, exitCode: number): string {
  return [
    '# npm start: the smoke scenario in every auth mode',
    '',
    `- Generated: ${new Date(startedAtMs).toISOString()}`,
    `- Target: the reference server on loopback, access tokens living ${DEMO_ACCESS_TTL_SECONDS} s`,
    `- Load: ${DEMO_VUS} VUs for ${DEMO_DURATION_SECONDS} s per mode, thresholds profile \`smoke\``,
    `- Exit code: ${exitCode}`,
    '',
    table,
    '',
    `Each mode's full results: ${MODES.map((mode) => `[${mode}](${mode}/summary.md)`).join(', ')}.`,
    '',
  ].join('\n');
}

/** The whole demo; resolves to the exit code. */
export async function main(extraK6Args: readonly string[] = []): Promise<number> {
  const startedAtMs = Date.now();
  const steps = 3 + MODES.length;
  say('k6-auth-toolkit: the smoke scenario in every auth mode against the reference server');

  let stepStart = Date.now();
  const { buildScenarios } = await import('../build.mjs');
  const bundles = await buildScenarios();
  say(`[1/${steps}] build: ${bundles.length} scenarios into dist/ (${seconds(stepStart)})`);

  stepStart = Date.now();
  const k6 = await provisionK6();
  say(`[2/${steps}] k6: ${k6.path} (${k6.source}, ${seconds(stepStart)})`);

  const server = await startReferenceServer();
  say(
    `[3/${steps}] reference server: ${server.url} (access tokens live ${DEMO_ACCESS_TTL_SECONDS} s)`,
  );

  const root =
    process.env.RESULTS_DIR?.trim() || join('results', `start-${formatUtcTimestamp(startedAtMs)}`);
  const runs: ModeRun[] = [];
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    for (const [index, mode] of MODES.entries()) {
      if (interrupted) break;
      stepStart = Date.now();
      say(
        `[${4 + index}/${steps}] ${mode}: ${DEMO_VUS} VUs for ${DEMO_DURATION_SECONDS} s against /protected…`,
      );
      const plan = planRun(
        [
          'smoke',
          // __ENV gets only what is passed here: a USERNAME in the shell must not change the run.
          ...k6RunFlags({ noUsageReport: true, quiet: true, isolateEnv: true }),
          ...k6EnvArgs({
            BASE_URL: server.url,
            AUTH_MODE: mode,
            VUS: String(DEMO_VUS),
            DURATION: `${DEMO_DURATION_SECONDS}s`,
            THRESHOLDS: 'smoke',
            RESULTS_DIR: join(root, mode),
          }),
          ...extraK6Args,
        ],
        process.env,
        startedAtMs,
      );
      await mkdir(plan.stagingDir, { recursive: true });
      const exit = await runK6(k6.path, plan.k6Args, plan.env, mode);
      await publishResults(plan.stagingDir, plan.resultsDir);
      const data = await readSummary(plan.resultsDir);
      runs.push({ mode, exitCode: exit.code, data });
      const outcome =
        exit.code === 0 ? 'passed' : exit.code === 99 ? 'thresholds crossed' : 'failed';
      say(`      ${mode}: ${outcome} (k6 exit code ${exit.code}, ${seconds(stepStart)})`);
      if (exit.code !== 0 && exit.code !== 99) {
        for (const line of exit.stderr.trim().split('\n').slice(-5)) say(`      | ${line}`);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    await server.close();
  }

  const rows = compareModes(runs);
  const exitCode = interrupted ? 130 : overallExitCode(runs);
  say('');
  say(formatModeTable(rows));
  say('');
  await writeFile(
    join(root, 'comparison.md'),
    comparisonMarkdown(formatModeMarkdown(rows), startedAtMs, exitCode),
  );
  say(
    `Results: ${relative(process.cwd(), resolve(root)) || '.'}/ (${[...runs.map((run) => `${run.mode}/`), 'comparison.md'].join(', ')}); each mode has summary.md and report.html`,
  );
  const crossed = rows.filter((row) => row.verdict !== 'passed').map((row) => row.mode);
  say(
    crossed.length === 0
      ? `All thresholds held in every mode (${seconds(startedAtMs)} in all).`
      : `Not passed in: ${crossed.join(', ')}; see their summary.md (exit code ${exitCode}).`,
  );
  return exitCode;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof K6NotFoundError)) throw error;
    process.stderr.write(`k6-auth-toolkit: ${error.message}\n`);
    process.exitCode = 1;
  }
}
