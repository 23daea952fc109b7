/**
 * The reference server for tests: as a child process (`node --import tsx server/main.ts`) on a
 * loopback port, for what needs a real server process (k6 integration tests, the server's own
 * process-level tests, and `npm run chaos`, which stops one and starts another on the same port:
 * a real restart); for a `describe` block; or served in this process with a test's clock.
 * Always `await server.stop()` (e.g. in `after`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { type App, type AppOptions, createApp } from '../../server/app.ts';
import { startServer } from '../../server/listen.ts';
import type { StatsSnapshot } from '../../server/stats.ts';
import { REPO_ROOT } from './run-process.ts';

/** The JSON of `GET /_admin/stats` (see server/stats.ts for each field). */
export type Stats = StatsSnapshot;

export interface ReferenceServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  stats(): Promise<Stats>;
  /** `POST /_admin/faults` (merges); throws on a non-2xx answer. */
  setFaults(body: object): Promise<void>;
  /** `DELETE /_admin/faults`. */
  clearFaults(): Promise<void>;
  /** `POST /_admin/stats/reset`. */
  resetStats(): Promise<void>;
  /** Everything the process wrote so far, stdout then stderr lines as they came. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
  /** The child's process id (undefined if it never started). */
  pid: number | undefined;
}

const LISTENING = /Reference server listening on (http:\/\/127\.0\.0\.1:\d+)/;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Spawns the server with `PORT=0`, cheap scrypt (`SCRYPT_COST=16`) and `LOG_LEVEL=warn` unless
 * `env` says otherwise, and resolves once it printed its URL and `/health` answers.
 */
export async function startReferenceServer(
  env: Record<string, string> = {},
): Promise<ReferenceServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, SCRYPT_COST: '16', LOG_LEVEL: 'warn', ...env, PORT: env.PORT ?? '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  // 'close' comes after the output streams end, so output() is complete once stop() resolves.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  );

  let url: string;
  try {
    url = await waitForUrl(() => output, exited);
    await waitForHealth(url, exited);
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }

  const adminHeaders: Record<string, string> =
    env.ADMIN_TOKEN === undefined ? {} : { authorization: `Bearer ${env.ADMIN_TOKEN}` };
  const admin = async (method: string, path: string, body?: object): Promise<unknown> => {
    const init: RequestInit = { method, headers: { ...adminHeaders } };
    if (body !== undefined) {
      init.headers = { ...adminHeaders, 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };

  return {
    url,
    stats: async () => (await admin('GET', '/_admin/stats')) as Stats,
    setFaults: async (body) => {
      await admin('POST', '/_admin/faults', body);
    },
    clearFaults: async () => {
      await admin('DELETE', '/_admin/faults');
    },
    resetStats: async () => {
      await admin('POST', '/_admin/stats/reset');
    },
    output: () => output,
    stop: () => stopChild(child, exited),
    pid: child.pid,
  };
}

async function waitForUrl(output: () => string, exited: Promise<number | null>): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    const match = LISTENING.exec(output());
    if (match?.[1] !== undefined) return match[1];
    if (exitCode !== undefined) {
      throw new Error(
        `reference server exited with code ${exitCode} before listening:\n${output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(
    `reference server did not print its URL within ${START_TIMEOUT_MS} ms:\n${output()}`,
  );
}

async function waitForHealth(url: string, exited: Promise<number | null>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline && !gone) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // Not accepting yet: poll again.
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`reference server at ${url} did not answer /health`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * For a `describe` block: starts the server (as `startReferenceServer(env)`) before its tests and
 * stops it after them. The object returned stands for that server from the first test on.
 */
export function referenceServerForSuite(env: Record<string, string> = {}): ReferenceServer {
  let started: ReferenceServer | undefined;
  before(async () => {
    started = await startReferenceServer(env);
  });
  after(async () => {
    await started?.stop();
  });
  const live = (): ReferenceServer => {
    if (started === undefined)
      throw new Error('the reference server is used before its suite began');
    return started;
  };
  return {
    get url() {
      return live().url;
    },
    stats: () => live().stats(),
    setFaults: (body) => live().setFaults(body),
    clearFaults: () => live().clearFaults(),
    resetStats: () => live().resetStats(),
    output: () => live().output(),
    stop: () => live().stop(),
    get pid() {
      return live().pid;
    },
  };
}

/** The app served in this process, for tests that control its clock. */
export interface InProcessServer {
  url: string;
  app: App;
  stop(): Promise<void>;
}

/**
 * Serves `createApp(options)` on a free loopback port in this process, the way main.ts does
 * (server/listen.ts). Tests pass a controllable `now` and cheap scrypt.
 */
export async function startAppServer(options: AppOptions = {}): Promise<InProcessServer> {
  const app = createApp({ scryptCost: 16, logLevel: 'silent', ...options });
  const server = await startServer({ app });
  return { url: server.url, app, stop: () => server.close() };
}
