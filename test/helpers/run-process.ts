/**
 * Runs a command to its end from the repository root and collects its output, for tests of the
 * project's own commands (npm start, npm run scenario, npm run chaos) and other tools (tar, sh).
 * k6 itself is started by cli/k6-process.ts, through ./k6.ts. Bounded: after `timeoutMs` the
 * process gets SIGTERM (npm start and the k6 it runs still write their results), then SIGKILL 5 s
 * later, so a hang fails the test instead of stalling the run.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const KILL_AFTER_TERM_MS = 5000;

export interface RunOptions {
  /** The whole environment of the process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The working folder (default: the repository root). */
  cwd?: string;
  timeoutMs: number;
}

export interface Finished {
  code: number | null;
  /** True when the process had to be stopped at `timeoutMs`. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `command args…` and resolves when it has exited and its output has ended. */
export function runToEnd(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const startedMs = Date.now();
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
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
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_TERM_MS).unref();
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stdout, stderr, elapsedMs: Date.now() - startedMs });
    });
  });
}

/** `node --import tsx <script> args…`: one of this repository's TypeScript entry points. */
export function runScript(
  script: string,
  args: readonly string[],
  options: RunOptions,
): Promise<Finished> {
  return runToEnd(process.execPath, ['--import', 'tsx', script, ...args], options);
}
