/**
 * The servers under test, each in its own process (never inside the bench process, whose own
 * work would blur their CPU): the reference server (server/main.ts) and the bare node:http
 * yardstick (bench/bare-server.ts). The pid is kept so the bench can read their CPU.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readCpuSeconds } from './proc.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface ServerProcess {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  pid: number;
  /** User + system CPU seconds the server has used so far. */
  cpuSeconds(): number;
  /** `requests.protected` of `GET /_admin/stats` (reference server only). */
  protectedRequests(): Promise<number>;
  /** SIGTERM, then waits for the exit (SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The reference server on a free loopback port, with `env` on top of `LOG_LEVEL=warn`. Callers
 * choose `SCRYPT_COST` and `ACCESS_TTL`.
 */
export function startReferenceServer(env: Record<string, string>): Promise<ServerProcess> {
  return startServer('server/main.ts', { LOG_LEVEL: 'warn', ...env });
}

/** The bare node:http server that answers 200 to everything. */
export function startBareServer(): Promise<ServerProcess> {
  return startServer('bench/bare-server.ts', {});
}

async function startServer(entry: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (text: string) => {
    // Only the start-up lines matter; a long run must not grow this without bound.
    if (output.length < 64 * 1024) output += text;
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let url: string;
  try {
    url = await waitForUrl(entry, () => output, child);
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
  const pid = child.pid as number;
  return {
    url,
    pid,
    cpuSeconds: () => readCpuSeconds(pid),
    protectedRequests: async () => {
      const res = await fetch(`${url}/_admin/stats`);
      const stats = (await res.json()) as { requests: { protected: number } };
      return stats.requests.protected;
    },
    stop: () => stopChild(child, exited),
  };
}

async function waitForUrl(entry: string, output: () => string, child: ChildProcess) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const url = LISTENING.exec(output())?.[1];
    if (url !== undefined) return url;
    if (child.exitCode !== null) {
      throw new Error(`${entry} exited with code ${child.exitCode} before listening:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${entry} did not print its URL within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
