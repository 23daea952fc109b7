/**
 * The reference server for tests: as a child process (scripts/reference-server-process.ts, shared
 * with `npm run chaos`), for a `describe` block, or served in this process with a test's clock.
 * Always `await server.stop()` (e.g. in `after`).
 */
import { after, before } from 'node:test';
import {
  type ReferenceServer,
  type Stats,
  startReferenceServer,
} from '../../scripts/reference-server-process.ts';
import { type App, type AppOptions, createApp } from '../../server/app.ts';
import { startServer } from '../../server/listen.ts';

export { type ReferenceServer, type Stats, startReferenceServer };

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
