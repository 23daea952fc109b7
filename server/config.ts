/**
 * The reference server's settings, read from the environment once at start. A bad value is a
 * `ConfigError` before anything listens (main.ts turns it into exit code 2).
 */
import { serverSetting, wholeNumberSetting } from '../lib/core/env-values.ts';
import { ConfigError } from '../lib/core/errors.ts';
import { SERVER_ERROR_CODES } from './errors.ts';

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export interface ServerConfig {
  /** 0 picks a free port. */
  port: number;
  /** Demo users `user1..userN` with passwords `pass1..passN`. */
  users: number;
  /** A session ends after this long without a request. */
  sessionIdleTtlSeconds: number;
  /** A session ends this long after login, whatever its use. */
  sessionMaxTtlSeconds: number;
  /** Access token lifetime; also the login and refresh answers' `expiresIn`. */
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** A just-used refresh token may be presented again this long and gets the same answer. */
  refreshReuseGraceSeconds: number;
  /** HS256 key; null makes a random one per start (a restart then invalidates every token). */
  jwtSecret: string | null;
  /** scrypt `N` (a power of two): 16 makes logins cheap, 16384 realistic. */
  scryptCost: number;
  /** When set, `/_admin/*` requires `Authorization: Bearer <adminToken>`. */
  adminToken: string | null;
  logLevel: LogLevel;
}

export const DEFAULT_CONFIG: ServerConfig = {
  port: 8080,
  users: 1000,
  sessionIdleTtlSeconds: 1800,
  sessionMaxTtlSeconds: 28800,
  accessTtlSeconds: 300,
  refreshTtlSeconds: 86400,
  refreshReuseGraceSeconds: 0,
  jwtSecret: null,
  scryptCost: 16384,
  adminToken: null,
  logLevel: 'info',
};

const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];
/** RFC 7518 §3.2: an HS256 key must have at least 256 bits. */
const MIN_SECRET_LENGTH = 32;
const MAX_SCRYPT_COST = 2 ** 20;

/** Reads `ServerConfig` from environment variables; unset or empty means the default. */
export function readConfig(env: Record<string, string | undefined>): ServerConfig {
  const config: ServerConfig = {
    port: readInteger(env, 'PORT', DEFAULT_CONFIG.port, 0, 65535),
    users: readInteger(env, 'USERS', DEFAULT_CONFIG.users, 1, 1_000_000),
    sessionIdleTtlSeconds: readInteger(
      env,
      'SESSION_IDLE_TTL',
      DEFAULT_CONFIG.sessionIdleTtlSeconds,
      1,
      31_536_000,
    ),
    sessionMaxTtlSeconds: readInteger(
      env,
      'SESSION_MAX_TTL',
      DEFAULT_CONFIG.sessionMaxTtlSeconds,
      1,
      31_536_000,
    ),
    accessTtlSeconds: readInteger(
      env,
      'ACCESS_TTL',
      DEFAULT_CONFIG.accessTtlSeconds,
      1,
      31_536_000,
    ),
    refreshTtlSeconds: readInteger(
      env,
      'REFRESH_TTL',
      DEFAULT_CONFIG.refreshTtlSeconds,
      1,
      31_536_000,
    ),
    refreshReuseGraceSeconds: readInteger(
      env,
      'REFRESH_REUSE_GRACE',
      DEFAULT_CONFIG.refreshReuseGraceSeconds,
      0,
      3600,
    ),
    jwtSecret: readSecret(env),
    scryptCost: readScryptCost(env),
    adminToken: readOptional(env, 'ADMIN_TOKEN'),
    logLevel: readLogLevel(env),
  };
  return config;
}

function readOptional(env: Record<string, string | undefined>, name: string): string | null {
  return serverSetting(env, name) ?? null;
}

function readInteger(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return wholeNumberSetting(
    env,
    name,
    { fallback, min, max },
    SERVER_ERROR_CODES.SERVER_ENV_INVALID,
  );
}

function readSecret(env: Record<string, string | undefined>): string | null {
  const secret = readOptional(env, 'JWT_SECRET');
  if (secret !== null && Buffer.byteLength(secret) < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      SERVER_ERROR_CODES.SERVER_ENV_INVALID,
      `JWT_SECRET is too short; reason: expected at least ${MIN_SECRET_LENGTH} bytes, got ${Buffer.byteLength(secret)}`,
    );
  }
  return secret;
}

function readScryptCost(env: Record<string, string | undefined>): number {
  const cost = readInteger(env, 'SCRYPT_COST', DEFAULT_CONFIG.scryptCost, 2, MAX_SCRYPT_COST);
  // scrypt itself requires a power of two.
  if (!Number.isInteger(Math.log2(cost))) {
    throw new ConfigError(
      SERVER_ERROR_CODES.SERVER_ENV_INVALID,
      `SCRYPT_COST is invalid; reason: expected a power of two from 2 to ${MAX_SCRYPT_COST}, got ${cost}`,
    );
  }
  return cost;
}

function readLogLevel(env: Record<string, string | undefined>): LogLevel {
  const raw = readOptional(env, 'LOG_LEVEL');
  if (raw === null) return DEFAULT_CONFIG.logLevel;
  const level = LOG_LEVELS.find((candidate) => candidate === raw);
  if (level === undefined) {
    throw new ConfigError(
      SERVER_ERROR_CODES.SERVER_ENV_INVALID,
      `LOG_LEVEL is invalid; reason: expected one of ${LOG_LEVELS.join(', ')}, got "${raw.slice(0, 40)}"`,
    );
  }
  return level;
}
