/**
 * The pieces every `npm run chaos` case shares: a reference server process, a k6 run that keeps
 * its files in the case's folder and records each sample's VU, the points as plain data for
 * chaos-points.ts, and the secret scan of everything printed.
 */
import { createServer } from 'node:net';
import { findLeaksIn, type K6Run, runK6 } from '../helpers/k6.ts';
import type { ChaosPoint } from './chaos-points.ts';

/** The back-off cap every case runs with: the profile's default `retry.maxDelayMs`. */
export const BACKOFF_CAP_MS = 5000;
/**
 * Added to the cap when judging when errors stop: a failed check or login/refresh attempt is
 * recorded when its answer arrives, and two cores run k6, the server and this script at once.
 */
export const SCHEDULING_SLACK_MS = 1000;
/** The `vu` system tag lets a case follow each VU (k6 keeps it in the samples' metadata). */
const SYSTEM_TAGS = 'status,method,name,scenario,check,expected_response,error_code,vu';

/** What a chaos case runs k6 with. */
export interface ChaosK6Run {
  script: 'dist/smoke.js' | 'dist/load.js';
  env: Record<string, string>;
  /** The case's folder: k6's summary export, points.jsonl and the scenario's results/. */
  folder: string;
  /** k6 is stopped (SIGTERM, then SIGKILL) after this long. */
  timeoutMs: number;
}

/** The finished run with its points as plain data. */
export interface ChaosK6Result {
  run: K6Run;
  points: ChaosPoint[];
}

/** Starts k6 (the provisioned binary) and resolves when it has exited. */
export async function runChaosK6(options: ChaosK6Run): Promise<ChaosK6Result> {
  const run = await runK6({
    script: options.script,
    env: options.env,
    args: ['--system-tags', SYSTEM_TAGS],
    collectPoints: true,
    keepDir: options.folder,
    timeoutMs: options.timeoutMs,
  });
  const points = run.points.map(
    (point): ChaosPoint => ({
      metric: point.metric,
      timeMs: Date.parse(point.time),
      value: point.value,
      vu: point.metadata.vu ?? point.tags.vu ?? '',
      endpoint: point.tags.endpoint ?? '',
      status: point.tags.status ?? '',
    }),
  );
  return { run, points };
}

/**
 * Where any output shows a secret: k6's stdout, stderr, summary export and result files, and the
 * servers' output. Descriptions only ("stderr: a JWT"), never the secret.
 */
export function scanForSecrets(
  run: K6Run,
  serverOutputs: readonly string[],
  secrets: readonly string[] = [],
): string[] {
  const texts: Record<string, string> = {
    'k6 stdout': run.stdout,
    'k6 stderr': run.stderr,
    'k6 summary export': run.summaryText,
  };
  for (const [name, text] of Object.entries(run.resultFiles)) texts[`results/${name}`] = text;
  serverOutputs.forEach((text, index) => {
    texts[`server ${index + 1} output`] = text;
  });
  return findLeaksIn(texts, secrets);
}

/** A loopback port nothing listens on: bound to find it free, then closed. */
export function closedLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Per-account count differences `after − before` (logins since a fault, say). */
export function accountDelta(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [account, count] of Object.entries(after)) {
    const added = count - (before[account] ?? 0);
    if (added > 0) delta.set(account, added);
  }
  return delta;
}
