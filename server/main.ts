/**
 * `npm run server`: reads the environment, listens on 127.0.0.1:$PORT, prints exactly one line to
 * stdout once listening, and stops cleanly on SIGINT/SIGTERM. A bad setting exits with code 2
 * before anything listens.
 */
import { ConfigError } from '../lib/core/errors.ts';
import { createApp } from './app.ts';
import { readConfig, type ServerConfig } from './config.ts';
import { type ListeningServer, startServer } from './listen.ts';
import { createLogger } from './log.ts';

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

async function startOrExit(): Promise<ListeningServer> {
  try {
    return await startServer({ app, port: config.port });
  } catch (error) {
    const { code, name, message } = error as Error & { code?: string };
    process.stderr.write(`Reference server not started: ${code ?? name}: ${message}\n`);
    process.exit(1);
  }
}

const server = await startOrExit();
process.stdout.write(`Reference server listening on ${server.url}\n`);
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

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal });
  void server.close(SHUTDOWN_GRACE_MS).then(() => process.exit(0));
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
