/**
 * The one place that turns "run this bundle with these settings" into a `k6 run` command line and
 * its environment, for every launcher: `npm run scenario`, `npm start`, the benchmarks and the
 * integration tests. Pure: nothing here spawns a process or reads the environment.
 */

/**
 * `--summary-mode` values. k6 v2 has no `--no-summary` (it exits 255 on it): `disabled` is the
 * way to skip the end-of-test summary, and with it `handleSummary` and every file it writes.
 */
export type K6SummaryMode = 'compact' | 'full' | 'disabled';

export interface K6RunCommand {
  /** The bundle k6 runs; always the last argument. */
  script: string;
  /** The caller's own `k6 run` flags (a user's command line, a test's extras), before the `-e` values. */
  args?: readonly string[];
  /** `-e NAME=value`, in this order. */
  env?: Readonly<Record<string, string>>;
  /** `--no-usage-report`: unattended runs must not phone home. */
  noUsageReport?: boolean;
  /** `--quiet`: no progress bar in captured or ignored output. */
  quiet?: boolean;
  /** `--no-color`: output read by a program, not a terminal. */
  noColor?: boolean;
  /**
   * `--include-system-env-vars=false`: `__ENV` gets only the `-e` values, so a stray `USERNAME`
   * or `BASE_URL` in the caller's shell cannot change the run.
   */
  isolateEnv?: boolean;
  /** `--summary-export <file>`: k6's own end-of-test JSON, independent of the toolkit's results. */
  summaryExport?: string;
  summaryMode?: K6SummaryMode;
  /** `--out <output>` each, e.g. `json=<file>`. */
  outputs?: readonly string[];
}

/**
 * The flags of a run whose output a program reads (benchmarks, tests): no usage report, no
 * progress bar, no colours, and `__ENV` from the `-e` values alone.
 */
export const UNATTENDED_RUN = {
  noUsageReport: true,
  quiet: true,
  noColor: true,
  isolateEnv: true,
} as const satisfies Partial<K6RunCommand>;

/** `-e NAME=value` pairs, in the record's order. */
export function k6EnvArgs(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
}

/** The flags a command asks for, in a fixed order (what `k6RunArgs` puts after `run`). */
export function k6RunFlags(command: Omit<K6RunCommand, 'script' | 'args' | 'env'>): string[] {
  return [
    ...(command.noUsageReport ? ['--no-usage-report'] : []),
    ...(command.quiet ? ['--quiet'] : []),
    ...(command.noColor ? ['--no-color'] : []),
    ...(command.isolateEnv ? ['--include-system-env-vars=false'] : []),
    ...(command.summaryExport !== undefined ? ['--summary-export', command.summaryExport] : []),
    ...(command.summaryMode !== undefined ? [`--summary-mode=${command.summaryMode}`] : []),
    ...(command.outputs ?? []).flatMap((output) => ['--out', output]),
  ];
}

/** The arguments after `k6`: `run`, the flags, the caller's arguments, the `-e` values, the script. */
export function k6RunArgs(command: K6RunCommand): string[] {
  return [
    'run',
    ...k6RunFlags(command),
    ...(command.args ?? []),
    ...k6EnvArgs(command.env ?? {}),
    command.script,
  ];
}

/** `args` (from `k6RunArgs`) with more `--out` flags right after `run`, before the script. */
export function withK6Outputs(args: readonly string[], outputArgs: readonly string[]): string[] {
  if (args[0] !== 'run') return [...args];
  return ['run', ...outputArgs, ...args.slice(1)];
}

/**
 * k6's environment for a report.html: the built-in web dashboard with no server (port -1: nothing
 * listens), exporting to `exportFile` at the end. The export needs two snapshots, and at k6's
 * 10 s default a short run gets none, so the period defaults to 1 s; k6 stretches it itself for
 * long runs (about 2,880 points per test). `period` is the caller's own K6_WEB_DASHBOARD_PERIOD.
 */
export function webDashboardEnv(exportFile: string, period?: string): Record<string, string> {
  return {
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_PORT: '-1',
    K6_WEB_DASHBOARD_EXPORT: exportFile,
    K6_WEB_DASHBOARD_PERIOD: period || '1s',
  };
}

/**
 * The environment k6 itself needs when nothing of the caller's should reach it: PATH and HOME
 * only (`isolateEnv` keeps even these out of `__ENV`).
 */
export function minimalK6ProcessEnv(
  env: NodeJS.ProcessEnv,
  fallbackHome: string,
): NodeJS.ProcessEnv {
  return { PATH: env.PATH ?? '', HOME: env.HOME ?? fallbackHome };
}
