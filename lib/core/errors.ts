/**
 * Every code the toolkit's own code (lib/, cli/) raises, each listed once with what it means.
 * Codes are UPPER_SNAKE_CASE, `<SUBJECT>_<PROBLEM>`; users and tests match on them (the
 * troubleshooting table of docs/exit-codes-and-troubleshooting.md names some), so a code is
 * renamed only with its docs and tests.
 * The reference server and the identity provider keep theirs beside their code (server/errors.ts,
 * idp/errors.ts), and test tools beside the tool: they are programs of their own, and nothing k6
 * runs raises them. The reference server's HTTP `error` values (`invalid_token`, RFC 6750 §3.1)
 * are not codes.
 */
export const ERROR_CODES = {
  /** A credentials file is not valid CSV/JSON, or an entry lacks a username or password. */
  CREDENTIALS_INVALID: 'CREDENTIALS_INVALID',
  /** `-e CREDENTIALS=<path>` names no readable file (every place tried is listed). */
  CREDENTIALS_NOT_FOUND: 'CREDENTIALS_NOT_FOUND',
  /** A credentials source holds no account. */
  CREDENTIALS_EMPTY: 'CREDENTIALS_EMPTY',
  /** A pool names one account twice, and `-e SHARE_ACCOUNTS=true` was not given. */
  CREDENTIALS_DUPLICATE: 'CREDENTIALS_DUPLICATE',
  /** More VUs than accounts, and `-e SHARE_ACCOUNTS=true` was not given. */
  CREDENTIALS_TOO_FEW: 'CREDENTIALS_TOO_FEW',
  /** An account was asked for outside VU code, where `exec.vu.idInTest` is 0. */
  CREDENTIALS_BAD_VU: 'CREDENTIALS_BAD_VU',
  /** Two credentials settings exclude each other (e.g. `CREDENTIALS` with `AUTH_USERNAME`). */
  CREDENTIALS_CONFLICT: 'CREDENTIALS_CONFLICT',
  /** Half a single account: a username without a password, or the reverse. */
  CREDENTIALS_MISSING: 'CREDENTIALS_MISSING',
  /** A `k6/secrets` password was read with the synchronous accessor, which cannot await it. */
  CREDENTIALS_SECRET_ASYNC: 'CREDENTIALS_SECRET_ASYNC',
  /**
   * `-e AUTH_PASSWORD_SECRET` names a secret k6 cannot read: no `--secret-source`, no such key,
   * or an empty value. Found at a VU's first use of it; the test aborts (exit code 108).
   */
  CREDENTIALS_SECRET_UNREADABLE: 'CREDENTIALS_SECRET_UNREADABLE',
  /** A CSRF request was built for a profile without a `csrf` step. */
  CSRF_NOT_CONFIGURED: 'CSRF_NOT_CONFIGURED',
  /** `-e PROFILE=<path>` names no readable file (every place tried is listed). */
  PROFILE_NOT_FOUND: 'PROFILE_NOT_FOUND',
  /** A target profile (`-e PROFILE`) is not JSON. */
  PROFILE_INVALID_JSON: 'PROFILE_INVALID_JSON',
  /** A target profile has a key the toolkit does not know (a typo would otherwise be ignored). */
  PROFILE_UNKNOWN_KEY: 'PROFILE_UNKNOWN_KEY',
  /** A profile or `-e` setting has a value of the wrong type or out of range. */
  PROFILE_BAD_VALUE: 'PROFILE_BAD_VALUE',
  /** A setting the chosen auth mode or options need is absent. */
  PROFILE_MISSING: 'PROFILE_MISSING',
  /** Two profile settings cannot hold together (they would fail only mid-run). */
  PROFILE_CONFLICT: 'PROFILE_CONFLICT',
  /** OpenID Connect Discovery failed: the document is unreachable, malformed, or names another issuer. */
  OIDC_DISCOVERY_FAILED: 'OIDC_DISCOVERY_FAILED',
  /** An OAuth endpoint the mode needs (token, authorization) is known neither from the profile nor discovery. */
  OIDC_ENDPOINT_MISSING: 'OIDC_ENDPOINT_MISSING',
  /**
   * The server refused a login that had to work (an account VUs share, or one before it ever logged
   * in, or a login path answering 404): the test stops, so no VU retries it (lib/core/auth/engine.ts).
   */
  AUTH_LOGIN_REFUSED: 'AUTH_LOGIN_REFUSED',
  /** Nothing answered at the target before load (connection refused, no route, timeouts). */
  TARGET_UNREACHABLE: 'TARGET_UNREACHABLE',
  /** A shape knob (`-e VUS`, `DURATION`, `RATE`…) is not a usable value. */
  SCENARIO_SETTING_INVALID: 'SCENARIO_SETTING_INVALID',
  /** An `-e` name the toolkit no longer reads (lib/core/settings/removed.ts says where it went). */
  SETTING_REMOVED: 'SETTING_REMOVED',
  /** A thresholds profile file is malformed. */
  THRESHOLDS_INVALID: 'THRESHOLDS_INVALID',
  /** `-e THRESHOLDS` names no profile in thresholds/ and no .json file. */
  THRESHOLDS_UNKNOWN: 'THRESHOLDS_UNKNOWN',
  /** A threshold override (`-e THRESHOLDS_OVERRIDE`, `ERROR_RATE_MAX`) is not usable. */
  SLO_OVERRIDE_INVALID: 'SLO_OVERRIDE_INVALID',
  /** No k6 of the pinned version could be found or built (cli/provision-k6.ts). */
  K6_NOT_FOUND: 'K6_NOT_FOUND',
  /** A wrapper (npm run scenario, npm run k6, npm start) was given a secret with `-e`, which npm echoes. */
  SECRET_ON_COMMAND_LINE: 'SECRET_ON_COMMAND_LINE',
  /** Instance results of a split test cannot be merged: a file is missing, or the runs differ. */
  MERGE_INVALID: 'MERGE_INVALID',
  /** A result folder or baseline given to compare or baseline is missing or unreadable. */
  COMPARE_INPUT_INVALID: 'COMPARE_INPUT_INVALID',
  /** A compare tolerances file (`--tolerances`) names an unknown metric or a bad value. */
  COMPARE_TOLERANCES_INVALID: 'COMPARE_TOLERANCES_INVALID',
  /** A baseline name is not a safe folder name (letters, digits, `.`, `_`, `-`). */
  BASELINE_NAME_INVALID: 'BASELINE_NAME_INVALID',
  /** What the time series reads is not what it expects: k6's CSV header, an encoded histogram. */
  SERIES_INPUT_INVALID: 'SERIES_INPUT_INVALID',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * The toolkit's one error base class. `code` is stable (tests and users match on it); the message
 * follows `what; reason: expected X, got Y` and never contains a secret. `Code` is one of
 * {@link ERROR_CODES} unless a program of its own (server/, idp/, a test tool) brings its codes.
 */
export class ToolkitError<Code extends string = ErrorCode> extends Error {
  override readonly name: string = 'ToolkitError';
  readonly code: Code;

  constructor(code: Code, message: string) {
    super(message);
    this.code = code;
  }

  /**
   * The code first, then the class and the message: what k6 prints for an exception (it calls
   * `toString`), so every error shows the code the docs name, e.g. `CREDENTIALS_TOO_FEW ConfigError: …`.
   */
  override toString(): string {
    return describeToolkitError(this);
  }
}

/** `<CODE> <Name>: <message>`, the one line a toolkit error is shown as (k6, results, wrappers). */
export function describeToolkitError(
  error: Pick<ToolkitError<string>, 'code' | 'name' | 'message'>,
): string {
  return `${error.code} ${error.name}: ${error.message}`;
}

/**
 * True for a toolkit error from any bundle. `instanceof` is not enough in k6: dist/controller.js,
 * loaded by VU 0 with `require`, has its own copy of the class, so its errors are not instances of
 * the scenario bundle's `ToolkitError`. A known `code` on an `Error` identifies them.
 */
export function isToolkitError(value: unknown): value is ToolkitError {
  if (!(value instanceof Error)) return false;
  const code: unknown = (value as { code?: unknown }).code;
  return typeof code === 'string' && isErrorCode(code);
}

/** True for a known code: text that names one can be recognised as the toolkit's error. */
export function isErrorCode(text: string): text is ErrorCode {
  return (Object.keys(ERROR_CODES) as string[]).includes(text);
}

/** A setting, profile or credentials file is wrong: raised at init, before any load is sent. */
export class ConfigError<Code extends string = ErrorCode> extends ToolkitError<Code> {
  override readonly name = 'ConfigError';
}
