/**
 * `npm run idp`'s settings, read from the environment once at start. A bad value is a
 * `ConfigError` (IDP_ENV_INVALID) before anything listens; main.ts turns it into exit code 2.
 */
import { serverSetting, wholeNumberSetting } from '../lib/core/env-values.ts';
import { ConfigError } from '../lib/core/errors.ts';
import { IDP_ERROR_CODES, type IdpErrorCode } from './errors.ts';

export interface IdpConfig {
  /** 0 picks a free port. */
  port: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Demo accounts `user1..userN` / `pass1..passN`. */
  users: number;
  consent: boolean;
  /** scrypt `N` of the password check (a power of two). */
  scryptCost: number;
}

export const DEFAULT_IDP_CONFIG: IdpConfig = {
  port: 8090,
  accessTokenTtlSeconds: 300,
  refreshTokenTtlSeconds: 86_400,
  users: 1000,
  consent: true,
  scryptCost: 16_384,
};

const YEAR_SECONDS = 31_536_000;
const BOOLEANS: Record<string, boolean> = {
  on: true,
  true: true,
  '1': true,
  yes: true,
  off: false,
  false: false,
  '0': false,
  no: false,
};

/** Reads `PORT`, `ACCESS_TTL`, `REFRESH_TTL`, `USERS`, `CONSENT`, `SCRYPT_COST`; unset or empty means the default. */
export function readIdpConfig(env: Record<string, string | undefined>): IdpConfig {
  const d = DEFAULT_IDP_CONFIG;
  const scryptCost = readInteger(env, 'SCRYPT_COST', d.scryptCost, 2, 2 ** 20);
  if (!Number.isInteger(Math.log2(scryptCost))) {
    throw invalid('SCRYPT_COST', 'a power of two', String(scryptCost));
  }
  return {
    port: readInteger(env, 'PORT', d.port, 0, 65_535),
    accessTokenTtlSeconds: readInteger(env, 'ACCESS_TTL', d.accessTokenTtlSeconds, 1, YEAR_SECONDS),
    refreshTokenTtlSeconds: readInteger(
      env,
      'REFRESH_TTL',
      d.refreshTokenTtlSeconds,
      1,
      YEAR_SECONDS,
    ),
    users: readInteger(env, 'USERS', d.users, 1, 1_000_000),
    consent: readBoolean(env, 'CONSENT', d.consent),
    scryptCost,
  };
}

function readInteger(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return wholeNumberSetting(env, name, { fallback, min, max }, IDP_ERROR_CODES.IDP_ENV_INVALID);
}

function readBoolean(
  env: Record<string, string | undefined>,
  name: string,
  fallback: boolean,
): boolean {
  const raw = serverSetting(env, name);
  if (raw === undefined) return fallback;
  const value = BOOLEANS[raw.toLowerCase()];
  if (value === undefined) throw invalid(name, 'on or off (true/false, 1/0, yes/no)', raw);
  return value;
}

function invalid(name: string, expected: string, raw: string): ConfigError<IdpErrorCode> {
  // The raw value is echoed: none of these settings is a secret.
  return new ConfigError(
    IDP_ERROR_CODES.IDP_ENV_INVALID,
    `${name} is invalid; reason: expected ${expected}, got "${raw.slice(0, 40)}"`,
  );
}
