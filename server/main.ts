/**
 * `npm run server`: reads the environment, listens on 127.0.0.1:$PORT, prints exactly one line to
 * stdout once listening, and stops cleanly on SIGINT/SIGTERM. A bad setting exits with code 2
 * before anything listens.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../lib/core/errors.ts';
import { createApp, MAX_HEADER_BYTES } from './app.ts';
import { readConfig, type ServerConfig } from './config.ts';
import { createLogger } from './log.ts';

const HOST = '127.0.0.1';
/** Keep-alive connections k6 holds open must not delay shutdown longer than this. */
const SHUTDOWN_GRACE_MS = 2000;

function readConfigOrExit(): ServerConfig {
  try {
    return readConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Reference server not started: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

const config = readConfigOrExit();
const log = createLogger(config.logLevel);
const app = createApp({ ...config, logger: log });
const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app.handler);
server.on('clientError', app.handleClientError);

server.on('error', (error: Error & { code?: string }) => {
  process.stderr.write(
    `Reference server not started: ${error.code ?? error.name}: ${error.message}\n`,
  );
  process.exit(1);
});

server.listen(config.port, HOST, () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`Reference server listening on http://${HOST}:${port}\n`);
  log.info('settings', {
    users: config.users,
    accessTtlSeconds: config.accessTtlSeconds,
    refreshTtlSeconds: config.refreshTtlSeconds,
    refreshReuseGraceSeconds: config.refreshReuseGraceSeconds,
    sessionIdleTtlSeconds: config.sessionIdleTtlSeconds,
    sessionMaxTtlSeconds: config.sessionMaxTtlSeconds,
    scryptCost: config.scryptCost,
    jwtKey: config.jwtSecret === null ? 'random per start' : 'from JWT_SECRET',
    adminToken: config.adminToken === null ? 'not required' : 'required',
  });
});

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal });
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Busy keep-alive connections get a moment to finish their request, then are cut.
  setTimeout(() => {
    server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS).unref();
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
