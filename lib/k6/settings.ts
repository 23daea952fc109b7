/**
 * The run's settings, read and validated once by VU 0 (lib/k6/vu-zero.ts): the target profile
 * (`-e PROFILE=<file.json>` and the `-e` overrides, lib/core/auth/profile-resolve.ts) and the
 * credentials settings and pool:
 * - `-e CREDENTIALS=<file.csv|file.json>`: a pool file (a relative path is taken from the folder
 *   k6 runs in);
 * - `-e AUTH_USERNAME` + `-e AUTH_PASSWORD`: one account; `-e AUTH_PASSWORD_SECRET=<name>` reads the
 *   password from a k6 secret source instead (`--secret-source`), so k6 redacts it in logs;
 * - otherwise the reference server's demo users `user<N>`/`pass<N>`, N = 1..`-e USERS` (1000).
 * A bad value throws a `ConfigError` at init, before any request is sent.
 */
import {
  demoCredentials,
  parseCredentialsCsv,
  parseCredentialsJson,
} from '../core/auth/credentials.ts';
import type { Credentials, TargetProfile } from '../core/auth/profile.ts';
import { resolveProfile } from '../core/auth/profile-resolve.ts';
import { readEnvValue } from '../core/env-values.ts';
import { ConfigError, ERROR_CODES } from '../core/errors.ts';
import { checkRemovedSettings } from '../core/settings/removed.ts';
import { openSettingFile } from './open-file.ts';

/** What every VU needs of the credentials settings to pick and finish its account. */
export interface CredentialSettings {
  /** `-e AUTH_PASSWORD_SECRET`: the k6 secret that holds the one account's password. */
  passwordSecret: string | null;
  /** `-e SHARE_ACCOUNTS=true`: VUs may share accounts when there are fewer accounts than VUs. */
  shared: boolean;
}

export interface Settings {
  profile: TargetProfile;
  credentials: CredentialSettings;
}

interface PoolSettings {
  file: string | undefined;
  username: string | undefined;
  password: string | undefined;
  passwordSecret: string | undefined;
  users: number;
  shared: boolean;
}

/** The profile and the credentials settings, validated; a removed `-e` name stops the run here. */
export function loadSettings(env: Record<string, string | undefined>): Settings {
  checkRemovedSettings(env);
  const profile = loadProfile(env);
  const pool = readPoolSettings(env);
  return {
    profile,
    credentials: { passwordSecret: pool.passwordSecret ?? null, shared: pool.shared },
  };
}

/** The accounts, in order: one account, the pool file's rows, or the demo users. */
export function loadCredentialPool(env: Record<string, string | undefined>): Credentials[] {
  const settings = readPoolSettings(env);
  if (settings.username !== undefined) {
    // With a secret the password is read per VU; the pool only holds the user name.
    return [{ username: settings.username, password: settings.password ?? '' }];
  }
  if (settings.file === undefined) return demoCredentials(settings.users);
  const text = openSettingFile('CREDENTIALS', settings.file);
  if (/\.csv$/i.test(settings.file))
    return parseCredentialsCsv(text, settings.file, settings.shared);
  if (/\.json$/i.test(settings.file))
    return parseCredentialsJson(text, settings.file, settings.shared);
  throw new ConfigError(
    ERROR_CODES.CREDENTIALS_INVALID,
    `Invalid -e CREDENTIALS; reason: expected a .csv or .json file, got ${JSON.stringify(settings.file)}`,
  );
}

function loadProfile(env: Record<string, string | undefined>): TargetProfile {
  const file = readEnvValue(env, 'PROFILE');
  if (file === undefined) return resolveProfile({ env });
  const profileJson = openSettingFile('PROFILE', file);
  return resolveProfile({ env, profileJson, profileSource: file });
}

function readPoolSettings(env: Record<string, string | undefined>): PoolSettings {
  const conflict = (setting: string, expected: string, got: string): ConfigError =>
    new ConfigError(
      ERROR_CODES.CREDENTIALS_CONFLICT,
      `Conflicting credentials settings at ${setting}; reason: expected ${expected}, got ${got}`,
    );
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const result: PoolSettings = {
    file: read('CREDENTIALS'),
    username: read('AUTH_USERNAME'),
    password: read('AUTH_PASSWORD'),
    passwordSecret: read('AUTH_PASSWORD_SECRET'),
    users: 1000,
    shared: false,
  };
  const oneUser = result.username !== undefined;
  const passwordGiven = result.password !== undefined || result.passwordSecret !== undefined;
  if (result.file !== undefined && (oneUser || passwordGiven)) {
    throw conflict(
      '-e CREDENTIALS',
      'either a pool file or -e AUTH_USERNAME/-e AUTH_PASSWORD',
      'both',
    );
  }
  if (result.password !== undefined && result.passwordSecret !== undefined) {
    throw conflict(
      '-e AUTH_PASSWORD',
      'either -e AUTH_PASSWORD or -e AUTH_PASSWORD_SECRET',
      'both',
    );
  }
  if (oneUser !== passwordGiven) {
    throw new ConfigError(
      ERROR_CODES.CREDENTIALS_MISSING,
      `Missing ${oneUser ? '-e AUTH_PASSWORD' : '-e AUTH_USERNAME'}; reason: expected -e AUTH_USERNAME with -e AUTH_PASSWORD or -e AUTH_PASSWORD_SECRET, got only ${oneUser ? '-e AUTH_USERNAME' : 'a password'}`,
    );
  }
  const users = read('USERS');
  if (users !== undefined) {
    if (!/^\d+$/.test(users) || Number(users) < 1) {
      throw new ConfigError(
        ERROR_CODES.CREDENTIALS_INVALID,
        `Invalid -e USERS; reason: expected an integer >= 1, got ${JSON.stringify(users.slice(0, 20))}`,
      );
    }
    result.users = Number(users);
  }
  const shared = read('SHARE_ACCOUNTS');
  if (shared !== undefined && shared !== 'true' && shared !== 'false') {
    throw new ConfigError(
      ERROR_CODES.CREDENTIALS_INVALID,
      `Invalid -e SHARE_ACCOUNTS; reason: expected "true" or "false", got ${JSON.stringify(shared.slice(0, 20))}`,
    );
  }
  result.shared = shared === 'true';
  return result;
}
