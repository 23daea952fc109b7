/**
 * Runs one k6 test under GNU time (started by cli/k6-process.ts, as every command starts k6)
 * and measures it:
 * - whole run: k6's user + system CPU seconds and peak RSS from GNU time (`%U %S %M`, the
 *   `wait4` rusage of the k6 process, exact), requests from k6's `--summary-export`;
 * - optionally a steady-state window: k6's CPU from /proc/<pid>/stat and the protected requests
 *   the server counted, read at two instants once the load is running, so start-up (init of
 *   every VU, logins) is left out. Growth with VU count is judged on this window.
 * The server's CPU over the same spans shows whether it, rather than k6, was the bottleneck.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { k6RunArgs, minimalK6ProcessEnv, UNATTENDED_RUN } from '../../cli/k6-command.ts';
import { startK6 } from '../../cli/k6-process.ts';
import { findChildPid, readCpuSeconds, readMachineBusySeconds } from './proc.ts';
import { REPO_ROOT, type ServerProcess } from './servers.ts';

const GNU_TIME = '/usr/bin/time';

export interface SteadyWindow {
  /** After the first protected request, wait this long (VU start-up, logins) before sampling. */
  warmupMs: number;
  windowMs: number;
}

export interface K6RunSpec {
  k6: string;
  /** A built bundle. */
  script: string;
  /** `-e NAME=value`; `BASE_URL` is set to the server's URL. */
  env: Record<string, string>;
  server: ServerProcess;
  steady?: SteadyWindow;
  timeoutMs: number;
  /**
   * Also accept k6's exit code 99 (thresholds crossed): memory runs measure RSS, and a scenario's
   * latency SLOs may be crossed by 1,000 VUs starting at once on a busy machine.
   */
  thresholdsMayFail?: boolean;
  /** `--out` each (e.g. `csv=<file>`): a stream of k6's samples, whose cost part 5 measures. */
  outputs?: readonly string[];
}

export interface WindowSample {
  k6CpuSeconds: number;
  serverCpuSeconds: number;
  /**
   * CPU seconds every other process used (the machine's busy time less k6, the server and this
   * process): other work on a shared machine, which slows k6 and inflates its CPU per request.
   */
  othersCpuSeconds: number;
  protectedRequests: number;
  wallSeconds: number;
}

export interface K6Measurement {
  /** User + system, whole process, whole run (GNU time). */
  cpuSeconds: number;
  peakRssKiB: number;
  wallSeconds: number;
  /** `http_reqs` with the protected URL as `name` (or, without that sub-metric, `endpoint:protected`). */
  protectedRequests: number;
  allRequests: number;
  checksFailed: number;
  droppedIterations: number;
  logins: number;
  refreshes: number;
  relogins: number;
  serverCpuSeconds: number;
  /** Differences between the two window instants; undefined without `steady`. */
  steady: WindowSample | undefined;
  /** Runs made to get this one (see `measureK6Quietly`). */
  attempts: number;
}

/** When other processes disturb a run, and how often to try again. */
export interface QuietPolicy {
  /** Largest share of one core other processes may use during the steady window. */
  maxOthersShare: number;
  attempts: number;
}

/**
 * `measureK6` with a steady window, repeated while other processes used more than
 * `policy.maxOthersShare` of a core during the window (a shared machine: their work slows k6 and
 * inflates its CPU per request); keeps the least disturbed run.
 */
export async function measureK6Quietly(
  spec: K6RunSpec,
  policy: QuietPolicy,
  log: (line: string) => void,
): Promise<K6Measurement> {
  let best: K6Measurement | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    const run = await measureK6(spec);
    const share = othersShare(run);
    if (best === undefined || share < othersShare(best)) best = { ...run, attempts: attempt };
    else best.attempts = attempt;
    if (share <= policy.maxOthersShare) break;
    log(`other processes used ${(share * 100).toFixed(0)} % of a core during the window; again`);
  }
  return best as K6Measurement;
}

/** Other processes' CPU during the steady window, as a share of one core (0 without a window). */
export function othersShare(run: K6Measurement): number {
  return run.steady === undefined ? 0 : run.steady.othersCpuSeconds / run.steady.wallSeconds;
}

interface SummaryExport {
  metrics: Record<string, Record<string, number>>;
}

/** Runs k6 once; throws when k6 fails, times out, or the window does not fit in the run. */
export async function measureK6(spec: K6RunSpec): Promise<K6Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'k6-bench-'));
  const timeFile = join(dir, 'time.txt');
  const summaryFile = join(dir, 'summary.json');
  const env = { ...spec.env, BASE_URL: spec.server.url };
  const args = k6RunArgs({
    ...UNATTENDED_RUN,
    summaryExport: summaryFile,
    ...(spec.outputs === undefined ? {} : { outputs: spec.outputs }),
    env,
    script: spec.script,
  });
  try {
    const protectedBefore = spec.steady ? await spec.server.protectedRequests() : 0;
    const serverCpuBefore = spec.server.cpuSeconds();
    let stderr = '';
    const k6 = startK6({
      k6: spec.k6,
      args,
      via: [GNU_TIME, '-o', timeFile, '-f', '%U %S %M %e'],
      cwd: REPO_ROOT,
      env: minimalK6ProcessEnv(process.env, tmpdir()),
      stdout: 'ignore',
      stderr: (text) => {
        if (stderr.length < 16 * 1024) stderr += text;
      },
      timeoutMs: spec.timeoutMs,
    });
    let closed = false;
    const exit = k6.exited
      .then(({ exitCode }) => exitCode)
      .finally(() => {
        closed = true;
      });
    let steady: WindowSample | undefined;
    try {
      if (spec.steady) {
        steady = await sampleWindow(spec, k6.pid as number, protectedBefore, () => closed);
      }
    } finally {
      // A failed window must not leave k6 running.
      if (steady === undefined && spec.steady) k6.stop('SIGTERM');
    }
    const code = await exit;
    const serverCpuSeconds = spec.server.cpuSeconds() - serverCpuBefore;
    if (code !== 0 && !(code === 99 && spec.thresholdsMayFail === true)) {
      throw new Error(`k6 run of ${spec.script} exited with ${code}:\n${stderr.slice(-2000)}`);
    }
    const [user, system, peakRssKiB, wall] = parseTimeOutput(await readFile(timeFile, 'utf8'));
    const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as SummaryExport;
    const count = (name: string) => summary.metrics[name]?.count ?? 0;
    return {
      cpuSeconds: user + system,
      peakRssKiB,
      wallSeconds: wall,
      // The bench scripts name the protected URL in a threshold; the scenarios and the SLO
      // baseline count by endpoint (every protected request has both tags).
      protectedRequests:
        count(`http_reqs{name:${spec.server.url}/protected}`) ||
        count('http_reqs{endpoint:protected}'),
      allRequests: count('http_reqs'),
      checksFailed: summary.metrics.checks?.fails ?? 0,
      droppedIterations: count('dropped_iterations'),
      logins: count('auth_logins'),
      refreshes: count('auth_refreshes'),
      relogins: count('auth_relogins'),
      serverCpuSeconds,
      steady,
      attempts: 1,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** GNU time's last line is the format; a line before it says "Command exited with non-zero…". */
export function parseTimeOutput(text: string): [number, number, number, number] {
  const line = text.trim().split('\n').at(-1) ?? '';
  const values = line.split(' ').map(Number);
  if (values.length !== 4 || values.some((value) => !Number.isFinite(value))) {
    throw new Error(`unreadable GNU time output; reason: expected "%U %S %M %e", got "${line}"`);
  }
  return values as [number, number, number, number];
}

async function sampleWindow(
  spec: K6RunSpec,
  timePid: number,
  protectedBefore: number,
  isClosed: () => boolean,
): Promise<WindowSample> {
  const window = spec.steady as SteadyWindow;
  let k6Pid: number | undefined;
  while (k6Pid === undefined) {
    if (isClosed()) throw new Error('k6 ended before it could be found under GNU time');
    k6Pid = findChildPid(timePid);
    if (k6Pid === undefined) await sleep(20);
  }
  while ((await spec.server.protectedRequests()) <= protectedBefore) {
    if (isClosed()) throw new Error('k6 ended before sending a protected request');
    await sleep(50);
  }
  await sleep(window.warmupMs);
  const first = await sampleNow(spec.server, k6Pid);
  await sleep(window.windowMs);
  const second = await sampleNow(spec.server, k6Pid);
  if (isClosed()) {
    throw new Error(
      `steady window does not fit; reason: expected k6 to run past ${window.warmupMs + window.windowMs} ms of load, got an earlier end`,
    );
  }
  const k6CpuSeconds = second.k6CpuSeconds - first.k6CpuSeconds;
  const serverCpuSeconds = second.serverCpuSeconds - first.serverCpuSeconds;
  return {
    k6CpuSeconds,
    serverCpuSeconds,
    othersCpuSeconds: Math.max(
      0,
      second.othersCpuSeconds - first.othersCpuSeconds - k6CpuSeconds - serverCpuSeconds,
    ),
    protectedRequests: second.protectedRequests - first.protectedRequests,
    wallSeconds: second.wallSeconds - first.wallSeconds,
  };
}

/** Absolute readings; `othersCpuSeconds` holds the machine's busy time less this process's. */
async function sampleNow(server: ServerProcess, k6Pid: number): Promise<WindowSample> {
  const protectedRequests = await server.protectedRequests();
  const self = process.cpuUsage();
  return {
    k6CpuSeconds: readCpuSeconds(k6Pid),
    serverCpuSeconds: server.cpuSeconds(),
    othersCpuSeconds: readMachineBusySeconds() - (self.user + self.system) / 1e6,
    protectedRequests,
    wallSeconds: performance.now() / 1000,
  };
}
