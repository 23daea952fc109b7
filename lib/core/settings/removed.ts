/**
 * The `-e` names the toolkit no longer reads, each with where its setting went. A removed name
 * given with `-e` stops the run at init (exit code 107), before any load: silently ignoring it
 * would run a different test than the one asked for. CHANGELOG.md and the settings docs show this
 * table; VU 0 checks it (lib/k6/settings.ts, lib/k6/scenario-plan.ts).
 */
import { readEnvValue } from '../env-values.ts';
import { ConfigError, ERROR_CODES } from '../errors.ts';
import type { ProfilePath } from './rows.ts';

/** One removed name (or family of names) and what to use instead. */
export interface RemovedSetting {
  /** As the CHANGELOG shows it, e.g. `START_RATE` or `P<N>_<ENDPOINT>_MS`. */
  name: string;
  /** A family's members, as a regular expression source over the whole name. */
  matches?: string;
  /** What replaces it, as a user would write it: `-e RATE`, or the profile field. */
  instead: string;
}

/** Moved to the profile file: the API's shape is the same from run to run. */
function toProfile(name: string, path: ProfilePath): RemovedSetting {
  return { name, instead: `${path} in the profile file (-e PROFILE=<file.json>)` };
}

/** Renamed so that one name means one thing in every scenario. */
function renamed(name: string, knob: string, meaning: string): RemovedSetting {
  return { name, instead: `-e ${knob} (${meaning})` };
}

/** Folded into `-e THRESHOLDS_OVERRIDE` or a thresholds file of your own. */
function toThresholds(name: string, json: string, matches?: string): RemovedSetting {
  const instead = `-e THRESHOLDS_OVERRIDE='${json}', or a thresholds file (-e THRESHOLDS=<file.json>)`;
  return matches === undefined ? { name, instead } : { name, matches, instead };
}

/** Every removed name, in the order the CHANGELOG lists them. */
export const REMOVED_SETTINGS: readonly RemovedSetting[] = [
  renamed('START_RATE', 'RATE', 'the base rate: stress starts and capacity first holds there'),
  renamed('SPIKE_RATE', 'PEAK_RATE', 'the top rate'),
  renamed('MAX_RATE', 'PEAK_RATE', "the top rate: capacity's last step"),
  renamed('STEP_DURATION', 'HOLD', 'how long each rate is held'),
  renamed('STEP_RAMP', 'RAMP_UP', 'the climb to the next rate'),
  toThresholds(
    'P<N>_<ENDPOINT>_MS',
    '{"http_req_duration{endpoint:<endpoint>}":["p(<N>)<<ms>"]}',
    'P[0-9]+_[A-Z]+_MS',
  ),
  toThresholds(
    'ERROR_RATE_<ENDPOINT>_MAX',
    '{"http_req_failed{endpoint:<endpoint>}":["rate<<max>"]}',
    'ERROR_RATE_[A-Z]+_MAX',
  ),
  toThresholds('AUTH_ERROR_RATE_MAX', '{"auth_errors":["rate<<max>"]}'),
  toThresholds('AUTH_EXPIRED_REJECTIONS_MAX', '{"auth_expired_rejections":["count<=<max>"]}'),
  toProfile('LOGIN_METHOD', 'login.method'),
  toProfile('LOGIN_FORMAT', 'login.format'),
  toProfile('USERNAME_FIELD', 'login.usernameField'),
  toProfile('PASSWORD_FIELD', 'login.passwordField'),
  toProfile('LOGIN_SUCCESS_STATUSES', 'login.successStatuses'),
  toProfile('PROTECTED_METHOD', 'protected.method'),
  toProfile('REFRESH_PATH', 'refresh.path'),
  toProfile('REFRESH_TOKEN_IN', 'refresh.tokenIn'),
  toProfile('REFRESH_TOKEN_PARAM', 'refresh.field'),
  toProfile('LOGOUT_PATH', 'logout.path'),
  toProfile('ACCESS_TOKEN_FIELD', 'tokens.access'),
  toProfile('REFRESH_TOKEN_FIELD', 'tokens.refresh'),
  toProfile('EXPIRES_IN_FIELD', 'tokens.expiresIn'),
  toProfile('ACCESS_TOKEN_HEADER', 'accessToken.header'),
  toProfile('ACCESS_TOKEN_SCHEME', 'accessToken.scheme'),
  toProfile('SESSION_COOKIE', 'session.cookieName'),
  toProfile('LOGIN_PAGE_PATH', 'session.loginPagePath'),
  toProfile('SESSION_LIFETIME', 'session.lifetimeSeconds'),
  toProfile('EXPIRED_STATUSES', 'expiredStatuses'),
  toProfile('EXPIRY_SOURCE', 'expiry.source'),
  toProfile('TOKEN_LIFETIME', 'expiry.lifetimeSeconds'),
  toProfile('CLIENT_AUTH', 'clientAuth.method'),
  toProfile('AUTHORIZATION_URL', 'oauth.authorizationUrl'),
  toProfile('TOKEN_URL', 'oauth.tokenUrl'),
  toProfile('REVOCATION_URL', 'oauth.revocationUrl'),
  toProfile('AUDIENCE', 'oauth.audience'),
  toProfile('RESOURCE', 'oauth.resource'),
  toProfile('OIDC_ALLOWED_ORIGINS', 'oauth.allowedOrigins'),
  toProfile('OIDC_LOGIN_FORM', 'oauth.loginForm'),
  toProfile('OIDC_CONSENT_FORM', 'oauth.consentForm'),
  toProfile('OIDC_CONSENT', 'oauth.consent'),
  toProfile('OIDC_MAX_REQUESTS', 'oauth.maxRequests'),
  toProfile('RETRY_MAX_ATTEMPTS', 'retry.maxAttempts'),
  toProfile('RETRY_BASE_DELAY_MS', 'retry.baseDelayMs'),
  toProfile('RETRY_MAX_DELAY_MS', 'retry.maxDelayMs'),
  toProfile('RETRY_AFTER_MAX', 'retry.retryAfterMaxSeconds'),
  toProfile('REQUEST_TIMEOUT', 'requestTimeoutSeconds'),
];

/** The removed setting `name` belongs to, or undefined. */
export function findRemovedSetting(name: string): RemovedSetting | undefined {
  return REMOVED_SETTINGS.find((row) =>
    row.matches === undefined ? row.name === name : new RegExp(`^${row.matches}$`).test(name),
  );
}

/**
 * Throws when `env` sets a removed name (an empty value counts as unset, as everywhere).
 * @throws ConfigError SETTING_REMOVED, e.g. `Removed setting -e START_RATE; reason: expected
 *   -e RATE (…), got -e START_RATE`. The value is never echoed.
 */
export function checkRemovedSettings(env: Readonly<Record<string, string | undefined>>): void {
  for (const name of Object.keys(env).sort()) {
    const removed = findRemovedSetting(name);
    if (removed === undefined || readEnvValue(env, name) === undefined) continue;
    throw new ConfigError(
      ERROR_CODES.SETTING_REMOVED,
      `Removed setting -e ${name}; reason: expected ${removed.instead}, got -e ${name}`,
    );
  }
}
