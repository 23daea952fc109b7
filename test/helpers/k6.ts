/**
 * Runs the real, provisioned k6 for integration tests, bounded in time, and hands back its exit
 * code, output and end-of-test summary data (k6's own `--summary-export`, the pre-v1 JSON shape:
 * independent of the toolkit's results writer). Optionally the per-request data points too
 * (`--out json=<file>`), for timing assertions.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionK6 } from '../../scripts/provision-k6.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

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
  points: K6Point[];
}

/**
 * Runs `k6 run` from the repository root with `--no-usage-report`, without the system environment
 * in `__ENV` (so a stray `USERNAME` or `BASE_URL` in CI cannot change a test) but with `PWD` set as
 * a shell would, and with the summary exported to a temporary file.
 */
export async function runK6(options: K6RunOptions): Promise<K6Run> {
  const { path: k6 } = await provisionK6();
  const dir = await mkdtemp(join(tmpdir(), 'k6-run-'));
  const summaryFile = join(dir, 'summary.json');
  const pointsFile = join(dir, 'points.json');
  const env = { PWD: REPO_ROOT.replace(/\/$/, ''), ...options.env };
  const args = [
    'run',
    '--no-usage-report',
    '--quiet',
    '--no-color',
    '--include-system-env-vars=false',
    '--summary-export',
    summaryFile,
    ...(options.collectPoints ? ['--out', `json=${pointsFile}`] : []),
    ...Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value}`]),
    ...(options.args ?? []),
    resolve(REPO_ROOT, options.script),
  ];
  try {
    const result = await spawnBounded(k6, args, options.timeoutMs);
    const summaryText = await readFile(summaryFile, 'utf8').catch(() => '');
    const points = options.collectPoints ? await readPoints(pointsFile) : [];
    return {
      ...result,
      summary: summaryText === '' ? undefined : (JSON.parse(summaryText) as K6Summary),
      summaryText,
      points,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnBounded(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; timedOut: boolean; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      // k6 itself needs only HOME/PATH-like basics; nothing from here reaches __ENV (see above).
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const killer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      resolvePromise({ code, timedOut, stdout, stderr });
    });
  });
}

async function readPoints(file: string): Promise<K6Point[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const points: K6Point[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as {
      type: string;
      metric: string;
      data: { time: string; value: number; tags: Record<string, string> | null };
    };
    if (entry.type !== 'Point') continue;
    points.push({
      metric: entry.metric,
      time: entry.data.time,
      value: entry.data.value,
      tags: entry.data.tags ?? {},
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
