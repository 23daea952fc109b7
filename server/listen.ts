/**
 * The one way the reference API listens: `npm run server` (main.ts), `npm start` (scripts/start.ts)
 * and in-process tests all serve an app through `startServer`, so they share its limits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from './app.ts';

/** Node's default, stated: a larger request head gets the app's JSON 431, not a silent drop. */
const MAX_HEADER_BYTES = 16 * 1024;

/** Loopback only: the admin API and the demo users must never be reachable from elsewhere. */
const HOST = '127.0.0.1';

export interface StartServerOptions {
  app: App;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface ListeningServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /**
   * Stops accepting connections and resolves once every one is closed. Idle keep-alive
   * connections close at once; busy ones get `graceMs` to finish their request (default 0: cut).
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves `app` on 127.0.0.1:`port` with the header limit and the app's clientError handler.
 * Rejects with the listen error (e.g. EADDRINUSE) when it cannot listen.
 */
export async function startServer(options: StartServerOptions): Promise<ListeningServer> {
  const { app, port = 0 } = options;
  const server: Server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app.handler);
  server.on('clientError', app.handleClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${address.port}`,
    close: (graceMs = 0) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (graceMs <= 0) {
          server.closeAllConnections();
          return;
        }
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), graceMs).unref();
      }),
  };
}
