/**
 * The credentials pool, built once at init and shared by all VUs (`SharedArray`):
 * - `-e CREDENTIALS=<file.csv|file.json>`: a pool file (a relative path is taken from the folder
 *   k6 runs in);
 * - `-e AUTH_USERNAME` + `-e AUTH_PASSWORD`: one account; `-e AUTH_PASSWORD_SECRET=<name>` reads the password
 *   from a k6 secret source instead (`--secret-source`), so k6 redacts it in logs;
 * - otherwise the reference server's demo users `user<N>`/`pass<N>`, N = 1..`-e USERS` (1000).
 * Each VU takes the account at `exec.vu.idInTest`, unique across execution segments; more VUs than
 * accounts stops the test unless `-e SHARE_ACCOUNTS=true`.
 */
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import secrets from 'k6/secrets';
import {
  credentialsIndexForVu,
  demoCredentials,
  parseCredentialsCsv,
  parseCredentialsJson,
} from '../core/credentials.ts';
import { ConfigError } from '../core/errors.ts';
import type { Credentials } from '../core/profile.ts';
import { openSettingFile } from './open-file.ts';

interface PoolSettings {
  file: string | undefined;
  username: string | undefined;
  password: string | undefined;
  passwordSecret: string | undefined;
  users: number;
  shared: boolean;
}

const settings = readPoolSettings(__ENV);
// The loader is written inside the callback, not as a module-level function: k6 calls it once per
// test, while a module-level function would be an object kept in every VU (bench/RESULTS.md).
const pool = new SharedArray<Credentials>('k6-auth-toolkit credentials', () => {
  if (settings.username !== undefined) {
    // With a secret the password is fetched per VU; the pool only holds the user name.
    return [{ username: settings.username, password: settings.password ?? '' }];
  }
  if (settings.file === undefined) return demoCredentials(settings.users);
  const text = openSettingFile('CREDENTIALS', settings.file);
  if (/\.csv$/i.test(settings.file)) return parseCredentialsCsv(text, settings.file);
  if (/\.json$/i.test(settings.file)) return parseCredentialsJson(text, settings.file);
  throw new ConfigError(
    'CREDENTIALS_INVALID',
    `Invalid -e CREDENTIALS; reason: expected a .csv or .json file, got ${JSON.stringify(settings.file)}`,
  );
});
/** This VU's account, once picked (each VU has its own copy of this module). */
let mine: Credentials | undefined;

/**
 * This VU's account. Call it from VU code (not init, not setup). With `-e AUTH_PASSWORD_SECRET` the
 * password comes from an async secret source: use `credentialsForThisVuAsync` instead.
 * More VUs than accounts aborts the test (k6 exit code 108) with CREDENTIALS_TOO_FEW.
 */
export function credentialsForThisVu(): Credentials {
  if (settings.passwordSecret !== undefined && mine === undefined) {
    throw new ConfigError(
      'CREDENTIALS_SECRET_ASYNC',
      'Cannot read the password synchronously; reason: expected credentialsForThisVuAsync() with -e AUTH_PASSWORD_SECRET, got credentialsForThisVu()',
    );
  }
  if (mine === undefined) mine = pickAccount();
  return mine;
}

/** Like `credentialsForThisVu`, and also resolves `-e AUTH_PASSWORD_SECRET` (once per VU). */
export async function credentialsForThisVuAsync(): Promise<Credentials> {
  if (mine !== undefined) return mine;
  const account = pickAccount();
  if (settings.passwordSecret === undefined) {
    mine = account;
    return mine;
  }
  const password = await secrets.get(settings.passwordSecret);
  if (typeof password !== 'string' || password === '') {
    stopTest(
      new ConfigError(
        'CREDENTIALS_INVALID',
        `Invalid secret -e AUTH_PASSWORD_SECRET=${settings.passwordSecret}; reason: expected a non-empty password, got an empty value`,
      ),
    );
  }
  mine = { username: account.username, password };
  return mine;
}

/**
 * Stops the run at init, before any request, when the scenario may start more VUs than there are
 * accounts (the check at a VU's first request would come after the other VUs had started).
 */
export function assertAccountsFor(vus: number): void {
  credentialsIndexForVu(vus, pool.length, settings.shared);
}

function pickAccount(): Credentials {
  let index: number;
  try {
    index = credentialsIndexForVu(exec.vu.idInTest, pool.length, settings.shared);
  } catch (error) {
    return stopTest(error);
  }
  const account = pool[index] as Credentials;
  return { username: account.username, password: account.password };
}

/** A VU that throws only fails its iteration; a bad pool must stop the whole test instead. */
function stopTest(error: unknown): never {
  if (error instanceof ConfigError) exec.test.abort(`${error.code}: ${error.message}`);
  throw error;
}

function readPoolSettings(env: Record<string, string | undefined>): PoolSettings {
  // Inside, not at module level: only init reads the settings (see the pool's loader above).
  const conflict = (setting: string, expected: string, got: string): ConfigError =>
    new ConfigError(
      'CREDENTIALS_CONFLICT',
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
      'CREDENTIALS_MISSING',
      `Missing ${oneUser ? '-e AUTH_PASSWORD' : '-e AUTH_USERNAME'}; reason: expected -e AUTH_USERNAME with -e AUTH_PASSWORD or -e AUTH_PASSWORD_SECRET, got only ${oneUser ? '-e AUTH_USERNAME' : 'a password'}`,
    );
  }
  const users = read('USERS');
  if (users !== undefined) {
    if (!/^\d+$/.test(users) || Number(users) < 1) {
      throw new ConfigError(
        'CREDENTIALS_INVALID',
        `Invalid -e USERS; reason: expected an integer >= 1, got ${JSON.stringify(users.slice(0, 20))}`,
      );
    }
    result.users = Number(users);
  }
  const shared = read('SHARE_ACCOUNTS');
  if (shared !== undefined && shared !== 'true' && shared !== 'false') {
    throw new ConfigError(
      'CREDENTIALS_INVALID',
      `Invalid -e SHARE_ACCOUNTS; reason: expected "true" or "false", got ${JSON.stringify(shared.slice(0, 20))}`,
    );
  }
  result.shared = shared === 'true';
  return result;
}
