/**
 * This VU's account, from the credentials pool that VU 0 reads once (lib/k6/settings.ts) and k6
 * shares with all VUs (`SharedArray`). Each VU takes the account at `exec.vu.idInTest`, unique
 * across execution segments; more VUs than accounts stops the test unless `-e SHARE_ACCOUNTS=true`.
 * With `-e AUTH_PASSWORD_SECRET` the password comes from a k6 secret source, read once per VU.
 */
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import secrets from 'k6/secrets';
import { credentialsIndexForVu } from '../core/auth/credentials.ts';
import type { Credentials } from '../core/auth/profile.ts';
import { ConfigError, ERROR_CODES } from '../core/errors.ts';
import { credentialSettings as settings } from './config.ts';
import { atInit } from './init-errors.ts';
import { stopTest } from './stop-test.ts';
import { vuZero } from './vu-zero.ts';

const pool = new SharedArray<Credentials>('k6-auth-toolkit credentials', () =>
  atInit(() => vuZero().loadCredentialPool(__ENV)),
);
/** This VU's account, once picked (each VU has its own copy of this module). */
let mine: Credentials | undefined;

/**
 * This VU's account. Call it from VU code (not init, not setup). With `-e AUTH_PASSWORD_SECRET` the
 * password comes from an async secret source: use `credentialsForThisVuAsync` instead.
 * More VUs than accounts aborts the test (k6 exit code 108) with CREDENTIALS_TOO_FEW.
 */
export function credentialsForThisVu(): Credentials {
  if (settings.passwordSecret !== null && mine === undefined) {
    // Stops the test: a throw would only fail this iteration, and every next one the same way.
    return stopTest(
      ERROR_CODES.CREDENTIALS_SECRET_ASYNC,
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
  if (settings.passwordSecret === null) {
    mine = account;
    return mine;
  }
  const password = await readSecret(settings.passwordSecret);
  mine = { username: account.username, password };
  return mine;
}

/**
 * The password in the k6 secret `name`, or the test stops (exit code 108) with
 * CREDENTIALS_SECRET_UNREADABLE at this first use. Without the catch, a rejected `secrets.get`
 * (no `--secret-source`, no such key) only fails the iteration: k6 logs "Uncaught (in promise)" and
 * starts the next one at once, tens of thousands a second, while no request is ever sent.
 */
async function readSecret(name: string): Promise<string> {
  let password: unknown;
  try {
    password = await secrets.get(name);
  } catch (error) {
    // k6's reasons ("no secret sources are configured", "no value") never hold the secret.
    const reason = error instanceof Error ? error.message : String(error);
    return stopTest(
      ERROR_CODES.CREDENTIALS_SECRET_UNREADABLE,
      `Cannot read the secret -e AUTH_PASSWORD_SECRET=${name}; reason: expected a secret of that name in a --secret-source (e.g. --secret-source=file=secrets.txt), got ${JSON.stringify(reason.slice(0, 80))}`,
    );
  }
  if (typeof password !== 'string' || password === '') {
    return stopTest(
      ERROR_CODES.CREDENTIALS_SECRET_UNREADABLE,
      `Cannot read the secret -e AUTH_PASSWORD_SECRET=${name}; reason: expected a non-empty password, got an empty value`,
    );
  }
  return password;
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
    // A pool too small for this VU: stop the test (a throw would only fail the iteration).
    if (error instanceof ConfigError) stopTest(error.code, error.message);
    throw error;
  }
  const account = pool[index] as Credentials;
  return { username: account.username, password: account.password };
}
