/**
 * The one way the reference API listens: `npm run server` (main.ts), `npm start` (cli/start.ts)
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
 * Serves `app` on 127.0.0.1:`port` with the header limit and the app's clientError and
 * checkExpectation handlers.
 * Rejects with the listen error (e.g. EADDRINUSE) when it cannot listen.
 */
export async function startServer(options: StartServerOptions): Promise<ListeningServer> {
  const { app, port = 0 } = options;
  // requireHostHeader off: Node's own 400 for a missing Host has an empty body; the app answers
  // it with the JSON error instead (App.handler).
  const server: Server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false },
    app.handler,
  );
  // A client that half-closes (socket.end()) after a complete request still gets its answer;
  // Node's default aborts the request and ends the socket. The socket ends after the last answer.
  // `httpAllowHalfOpen` is Node's own (lib/_http_server.js, since v12), untyped in @types/node.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.on('clientError', app.handleClientError);
  server.on('checkExpectation', app.handleExpectation);
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
