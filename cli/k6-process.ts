/**
 * The one place a k6 process is started, for every command (npm run k6, scenario, start,
 * distributed, operator), the test harness and the benchmarks. Callers get the binary from
 * `provisionK6()` and the arguments from k6-command.ts; this file owns what the spawn itself must
 * get right every time: where the output goes, the time bound (SIGTERM so k6 still writes its
 * results, SIGKILL if it does not stop), the signals a user sends while k6 runs, and one exit code
 * however k6 ended.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** How long k6 gets after SIGTERM (it runs handleSummary) before it is killed. */
export const KILL_AFTER_TERM_MS = 5000;

/** The signals a caller can pass on to k6 or hold (see `StartK6Options.signals`). */
export type K6Signal = 'SIGINT' | 'SIGTERM';

/** Where one of k6's output streams goes: this process's own, nowhere, or a function, as text. */
export type K6Output = 'inherit' | 'ignore' | ((text: string) => void);

export interface StartK6Options {
  /** The k6 binary (`provisionK6().path`). */
  k6: string;
  /** Everything after `k6` (`k6RunArgs(…)`, a user's command line). */
  args: readonly string[];
  /**
   * k6's whole environment (default: this process's). With k6-command.ts's `isolateEnv` only the
   * `-e` values reach `__ENV`; `minimalK6ProcessEnv` then gives k6 itself PATH and HOME alone.
   */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** `inherit` for `k6 run -` (a script on stdin); default `ignore`. */
  stdin?: 'inherit' | 'ignore';
  /** Default `inherit`. */
  stdout?: K6Output;
  /** Default `inherit`. */
  stderr?: K6Output;
  /** SIGTERM after this long, then SIGKILL `KILL_AFTER_TERM_MS` later; `timedOut` says so. */
  timeoutMs?: number;
  /**
   * What a signal to this process does while k6 runs: `pass` sends it on to k6, `hold` only keeps
   * this process alive (k6 got the signal itself, e.g. Ctrl-C reaches the terminal's whole process
   * group). Either way k6 stops gracefully, writes its summary, and the caller lives on to handle
   * its results. A signal not listed does what it would do without k6.
   */
  signals?: Readonly<Partial<Record<K6Signal, 'pass' | 'hold'>>>;
  /**
   * A program that runs k6 as its argument and waits for it (GNU time for the benchmarks):
   * `[command, ...its arguments]`, followed by k6 and `args`.
   */
  via?: readonly string[];
}

export interface K6Exit {
  /** k6's exit code, or 1 when a signal ended it. */
  exitCode: number;
  /** The signal that ended k6, if one did. */
  signal: NodeJS.Signals | null;
  /** True when k6 had to be stopped at `timeoutMs`. */
  timedOut: boolean;
  elapsedMs: number;
}

export interface K6Process {
  /** The process started (the `via` program when there is one); undefined if none started. */
  pid: number | undefined;
  /** Sends `signal` (default SIGTERM) unless the process has exited. */
  stop(signal?: NodeJS.Signals): void;
  /**
   * Resolves once the process has exited and its output has ended; rejects when it could not be
   * started (no such file, not executable).
   */
  exited: Promise<K6Exit>;
}

function stdioOf(output: K6Output): 'inherit' | 'ignore' | 'pipe' {
  return typeof output === 'function' ? 'pipe' : output;
}

/**
 * `env` with `PWD` naming the folder k6 really runs in, when `env` has one: the toolkit resolves
 * the files named with `-e` from `PWD` (lib/core/file-paths.ts), and a shell's `PWD` is stale
 * when the caller was itself started with another working folder (a test, a CI step, npx).
 * An environment without `PWD` (an isolated one) stays without.
 */
export function withWorkingDir(env: NodeJS.ProcessEnv, cwd: string | undefined): NodeJS.ProcessEnv {
  return env.PWD === undefined ? env : { ...env, PWD: resolve(cwd ?? process.cwd()) };
}

/** Starts k6 with `options.args`; see {@link StartK6Options} for what each option does. */
export function startK6(options: StartK6Options): K6Process {
  const stdout = options.stdout ?? 'inherit';
  const stderr = options.stderr ?? 'inherit';
  const [command, ...viaArgs] = options.via ?? [];
  const startedMs = Date.now();
  const child = spawn(
    command ?? options.k6,
    command === undefined ? options.args : [...viaArgs, options.k6, ...options.args],
    {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: withWorkingDir(options.env ?? process.env, options.cwd),
      stdio: [options.stdin ?? 'ignore', stdioOf(stdout), stdioOf(stderr)],
    },
  );
  if (typeof stdout === 'function') child.stdout?.setEncoding('utf8').on('data', stdout);
  if (typeof stderr === 'function') child.stderr?.setEncoding('utf8').on('data', stderr);

  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (running()) child.kill(signal);
  };
  let timedOut = false;
  const timers: NodeJS.Timeout[] = [];
  if (options.timeoutMs !== undefined) {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop('SIGTERM');
        timers.push(setTimeout(() => stop('SIGKILL'), KILL_AFTER_TERM_MS));
      }, options.timeoutMs),
    );
  }
  const listeners = Object.entries(options.signals ?? {}).map(([signal, action]) => {
    const listener = action === 'pass' ? () => stop(signal as K6Signal) : () => {};
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  const settle = () => {
    for (const timer of timers) clearTimeout(timer);
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };

  const exited = new Promise<K6Exit>((resolve, reject) => {
    child.once('error', (error) => {
      settle();
      reject(error);
    });
    child.once('close', (code, signal) => {
      settle();
      resolve({
        exitCode: code ?? (signal ? 1 : 0),
        signal,
        timedOut,
        elapsedMs: Date.now() - startedMs,
      });
    });
  });
  return { pid: child.pid, stop, exited };
}
