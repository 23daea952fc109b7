/**
 * `npm run idp`: reads the environment (idp/config.ts), listens on 127.0.0.1:$PORT, prints exactly
 * one line to stdout once listening (no secret in it), and stops cleanly on SIGINT/SIGTERM. A bad
 * setting exits with code 2 before anything listens; a port in use exits with code 1.
 */
import { ConfigError } from '../lib/core/errors.ts';
import { type IdpConfig, readIdpConfig } from './config.ts';
import { createIdp } from './provider.ts';

function readConfigOrExit(): IdpConfig {
  try {
    return readIdpConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Identity provider not started: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

const config = readConfigOrExit();
const idp = createIdp(config);
try {
  await idp.listen(config.port);
} catch (error) {
  const { code, name, message } = error as Error & { code?: string };
  process.stderr.write(`Identity provider not started: ${code ?? name}: ${message}\n`);
  process.exit(1);
}
process.stdout.write(`Identity provider listening on ${idp.issuer}\n`);
process.stderr.write(
  `idp settings: users=${config.users} accessTtlSeconds=${config.accessTokenTtlSeconds} refreshTtlSeconds=${config.refreshTokenTtlSeconds} consent=${config.consent ? 'on' : 'off'} scryptCost=${config.scryptCost}\n`,
);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  void idp.close().then(() => process.exit(0));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
