/**
 * The real k6 for integration tests and `npm run chaos`: runs the provisioned k6 as a program reads
 * it (started by cli/k6-process.ts, as every command starts it), bounded in time, and hands
 * back its exit code, output and end-of-test summary data (k6's own `--summary-export`, the pre-v1
 * JSON shape: independent of the toolkit's results writer). Optionally the per-request data points
 * too (`--out json=<file>`, read line by line), for timing. Also builds dist/ once per test process.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { k6RunArgs, minimalK6ProcessEnv, UNATTENDED_RUN } from '../../cli/k6-command.ts';
import { startK6 } from '../../cli/k6-process.ts';
import { provisionK6 } from '../../cli/provision-k6.ts';
import { type Finished, REPO_ROOT, type RunOptions } from './run-process.ts';

// Integration tests resolve paths against it alongside runK6.
export { REPO_ROOT };

export interface K6RunOptions {
  /** The bundle to run, relative to the repository root (e.g. "dist/smoke.js") or absolute. */
  script: string;
  /** `-e NAME=value` pairs. */
  env?: Record<string, string>;
  /** More `k6 run` arguments. */
  args?: string[];
  /** k6 is killed (SIGTERM, then SIGKILL) after this long; `timedOut` says so. */
  timeoutMs: number;
  /** Collect `--out json` data points (only `Point` lines) into `points`. */
  collectPoints?: boolean;
  /**
   * Keep k6's files here (summary export, `points.jsonl`, the scenario's `results/`) instead of a
   * temporary folder removed after the run. The folder is created.
   */
  keepDir?: string;
  /**
   * More variables for the k6 process itself (never `__ENV`), e.g. `SSL_CERT_FILE` for a test
   * that serves modules over https with its own certificate.
   */
  processEnv?: Record<string, string>;
  /** The folder k6 runs in (its cwd and `PWD`; default: the repository root). */
  cwd?: string;
}

/** One metric in the summary export: trend stats, counter count/rate, rate passes/fails/value… */
export type SummaryMetric = Record<string, number> & { thresholds?: Record<string, boolean> };

export interface K6Summary {
  metrics: Record<string, SummaryMetric>;
  root_group: {
    checks: Record<string, { name: string; passes: number; fails: number }>;
    groups: Record<string, unknown>;
  };
}

export interface K6Point {
  metric: string;
  /** ISO timestamp. */
  time: string;
  value: number;
  tags: Record<string, string>;
  /** High-cardinality data k6 keeps out of tags, e.g. `vu` with `--system-tags …,vu`. */
  metadata: Record<string, string>;
}

export interface K6Run {
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Undefined when k6 wrote none (it failed before the end of the test). */
  summary: K6Summary | undefined;
  /** The exported summary file's text, exactly as k6 wrote it (for secret scans). */
  summaryText: string;
  /** The scenario's result files (its handleSummary output, `-e RESULTS_DIR`), name → text. */
  resultFiles: Record<string, string>;
  points: K6Point[];
  /** How long k6 ran, ms. */
  elapsedMs: number;
}

/**
 * Runs `k6 run` from the repository root with `--no-usage-report`, without the system environment
 * in `__ENV` (so a stray `USERNAME` or `BASE_URL` in CI cannot change a test) but with `PWD` set as
 * a shell would, with the summary exported to a temporary file, and with the scenario's result
 * files (`-e RESULTS_DIR`) in a temporary folder rather than the repository's results/.
 */
export async function runK6(options: K6RunOptions): Promise<K6Run> {
  const dir =
    options.keepDir === undefined ? await mkdtemp(join(tmpdir(), 'k6-run-')) : options.keepDir;
  const summaryFile = join(dir, 'k6-summary-export.json');
  const pointsFile = join(dir, 'points.jsonl');
  const resultsDir = join(dir, 'results');
  await mkdir(resultsDir, { recursive: true });
  const cwd = options.cwd ?? REPO_ROOT;
  const env = { PWD: cwd.replace(/\/$/, ''), RESULTS_DIR: resultsDir, ...options.env };
  const args = k6RunArgs({
    ...UNATTENDED_RUN,
    summaryExport: summaryFile,
    outputs: options.collectPoints ? [`json=${pointsFile}`] : [],
    args: options.args ?? [],
    env,
    script: resolve(REPO_ROOT, options.script),
  });
  try {
    const { code, timedOut, stdout, stderr, elapsedMs } = await runK6Command(args, {
      // k6 itself needs only HOME/PATH-like basics; nothing from here reaches __ENV (see above).
      env: { ...minimalK6ProcessEnv(process.env, tmpdir()), ...options.processEnv },
      cwd,
      timeoutMs: options.timeoutMs,
    });
    const summaryText = await readFile(summaryFile, 'utf8').catch(() => '');
    const points = options.collectPoints ? await readPoints(pointsFile) : [];
    const resultFiles: Record<string, string> = {};
    for (const name of await readdir(resultsDir)) {
      resultFiles[name] = await readFile(join(resultsDir, name), 'utf8');
    }
    return {
      code,
      timedOut,
      stdout,
      stderr,
      summary: summaryText === '' ? undefined : (JSON.parse(summaryText) as K6Summary),
      summaryText,
      resultFiles,
      points,
      elapsedMs,
    };
  } finally {
    if (options.keepDir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `k6 <args>` (a plain `k6 run`, `k6 archive`…) with the provisioned k6, from the repository root
 * unless `options.cwd` says otherwise, its output captured, bounded by `options.timeoutMs`.
 * `code` is null when a signal ended k6.
 */
export async function runK6Command(
  args: readonly string[],
  options: RunOptions,
): Promise<Finished> {
  const { path: k6 } = await provisionK6();
  let stdout = '';
  let stderr = '';
  const { exited } = startK6({
    k6,
    args,
    cwd: options.cwd ?? REPO_ROOT,
    ...(options.env === undefined ? {} : { env: options.env }),
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    timeoutMs: options.timeoutMs,
  });
  const { exitCode, signal, timedOut, elapsedMs } = await exited;
  return { code: signal === null ? exitCode : null, timedOut, stdout, stderr, elapsedMs };
}

/**
 * The `Point` lines of a `--out json` file, read line by line (the file can be large); a `.gz`
 * name is gunzipped, as k6 gzips such an output itself.
 */
export async function readPoints(file: string): Promise<K6Point[]> {
  const points: K6Point[] = [];
  const stream = createReadStream(file);
  // A run that failed before its first sample leaves no file: no points.
  const opened = await new Promise<boolean>((resolveOpen) => {
    stream.once('ready', () => resolveOpen(true));
    stream.once('error', () => resolveOpen(false));
  });
  if (!opened) return points;
  const input = file.endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as {
      type: string;
      metric: string;
      data: {
        time: string;
        value: number;
        tags: Record<string, string> | null;
        metadata?: Record<string, string> | null;
      };
    };
    if (entry.type !== 'Point') continue;
    points.push({
      metric: entry.metric,
      time: entry.data.time,
      value: entry.data.value,
      tags: entry.data.tags ?? {},
      metadata: entry.data.metadata ?? {},
    });
  }
  return points;
}

/** A counter's count in the summary; 0 when k6 saw no sample of it. */
export function counterCount(summary: K6Summary, name: string): number {
  return summary.metrics[name]?.count ?? 0;
}

/** A rate's true samples ("passes" in the export's words) and all samples. */
export function rateSamples(summary: K6Summary, name: string): { trues: number; total: number } {
  const metric = summary.metrics[name];
  const trues = metric?.passes ?? 0;
  return { trues, total: trues + (metric?.fails ?? 0) };
}

/** Passed and failed checks over the whole run. */
export function checkTotals(summary: K6Summary): { passes: number; fails: number } {
  let passes = 0;
  let fails = 0;
  for (const check of Object.values(summary.root_group.checks)) {
    passes += check.passes;
    fails += check.fails;
  }
  return { passes, fails };
}

const LEAK_PATTERNS: readonly [string, RegExp][] = [
  ['a JWT', /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/],
  ['a bearer credential', /Bearer\s+(?!\[REDACTED\])[A-Za-z0-9\-._~+/]{8,}/i],
  ['a session cookie', /\bsid=(?!\[REDACTED\])[A-Za-z0-9_-]{8,}/],
  ['a demo password', /\bpass\d+\b/],
];

/**
 * Where a run's stdout, stderr or exported summary shows secret-looking text: JWTs, bearer values,
 * the reference server's session cookie, demo passwords, or any of `secrets`. Returns
 * descriptions only ("stderr: a JWT"), so a failing assertion does not print the secret.
 */
export function findLeaks(run: K6Run, secrets: readonly string[] = []): string[] {
  return findLeaksIn(
    {
      stdout: run.stdout,
      stderr: run.stderr,
      'summary export': run.summaryText,
      ...run.resultFiles,
    },
    secrets,
  );
}

/** `findLeaks` over any texts, by where they came from (e.g. a server's output). */
export function findLeaksIn(
  texts: Readonly<Record<string, string>>,
  secrets: readonly string[] = [],
): string[] {
  const leaks: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const [what, pattern] of LEAK_PATTERNS) {
      if (pattern.test(text)) leaks.push(`${where}: ${what}`);
    }
    secrets.forEach((secret, i) => {
      if (secret !== '' && text.includes(secret)) leaks.push(`${where}: secret #${i + 1}`);
    });
  }
  return leaks;
}

/**
 * Renew 0.2–0.4 s before expiry: with 2-second tokens, about one refresh per token (the default
 * 15 s leeway, capped at half the lifetime, would refresh every second).
 */
export const SHORT_LEEWAY: Record<string, string> = {
  REFRESH_LEEWAY: '0.2',
  REFRESH_JITTER: '0.2',
};

/**
 * `-e` values that drop the error-rate and expired-rejection thresholds of the scenario's profile,
 * for runs where errors are the point (faults, expiring sessions): those runs are judged by the
 * test's own assertions, and must still end with exit code 0 rather than 99.
 */
export const THRESHOLDS_FOR_FAULTS: Record<string, string> = {
  THRESHOLDS_OVERRIDE: JSON.stringify({
    'http_req_failed{endpoint:login}': [],
    'http_req_failed{endpoint:refresh}': [],
    'http_req_failed{endpoint:protected}': [],
    auth_errors: [],
    auth_expired_rejections: [],
  }),
};

/** Polls `probe` every 50 ms until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let built: Promise<unknown> | undefined;

/** Builds dist/ once per test process, so a test file run alone never uses a stale bundle. */
export function ensureBuilt(): Promise<unknown> {
  if (built === undefined) {
    built = import('../../build.mjs').then(({ buildScenarios }) => buildScenarios());
  }
  return built;
}
