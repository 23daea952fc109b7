/**
 * Every `-e NAME=value` the toolkit reads, as rows of one shape, except the scenario knobs, whose
 * per-scenario defaults live beside the executors they plan (lib/core/scenario/shapes.ts) and join
 * these rows in lib/core/settings/registry.ts. The README tables are generated from the registry
 * (`npm run docs`) and a unit test fails when they drift or when code reads a name that is no row.
 */

/** Where a setting belongs, in the order the reference tables show them. */
export type SettingGroup = 'run' | 'credentials' | 'profile' | 'scenario' | 'thresholds';

/** One `-e` setting. */
export interface SettingRow {
  /** The `-e` name, or a family such as `P<N>_<ENDPOINT>_MS` (then `matches` recognises members). */
  name: string;
  group: SettingGroup;
  /** What it takes, as a user would read it. */
  value: string;
  /**
   * The default as a user would type it ('' for none). Absent on profile overrides: their default
   * is the built-in profile's value for the mode (lib/core/auth/profile-resolve.ts), which the
   * table generator reads from there.
   */
  default?: string;
  help: string;
  /** Profile overrides: the `TargetProfile` path it sets (its rule there validates the value). */
  profilePath?: string;
  /** A family's members, as a regular expression source over the whole name. */
  matches?: string;
  /** Never echoed in a message or a table. */
  secret?: boolean;
}

type Row = Omit<SettingRow, 'group'>;

const inGroup = (group: SettingGroup, rows: Row[]): SettingRow[] =>
  rows.map((row) => ({ group, ...row }));

/** Settings of the run as a whole. */
function runRows(): SettingRow[] {
  return inGroup('run', [
    {
      name: 'PROFILE',
      value: 'a JSON file',
      default: '',
      help: 'the target profile (profiles/README.md); a relative path is taken from the folder k6 runs in',
    },
    {
      name: 'THRESHOLDS',
      value: 'smoke, load, soak, churn or release-gate',
      default: "the scenario's",
      help: 'the thresholds profile (thresholds/README.md)',
    },
    {
      name: 'RESULTS_DIR',
      value: 'an existing folder',
      default: 'results/',
      help: 'where the result files go (npm run scenario makes and sets it)',
    },
    {
      name: 'DISTRIBUTED',
      value: 'true or false',
      default: 'false',
      help: 'this k6 is one instance of a split test (npm run distributed, npm run operator sets it): thresholds never abort, and merge-context.json is written for the merge',
    },
    {
      name: 'ADMIN_TOKEN',
      value: 'text',
      default: '',
      help: "the reference server's admin token, for login-storm's SESSION_LOSS_AT",
      secret: true,
    },
    {
      name: 'STACK_TRACES',
      value: 'true or false',
      default: 'false',
      help: "show the stack frames of the toolkit's errors at init (by default only `<CODE> ConfigError: <message>`)",
    },
  ]);
}

/** Where a VU's account comes from (lib/k6/settings.ts reads and checks them together). */
function credentialRows(): SettingRow[] {
  return inGroup('credentials', [
    {
      name: 'CREDENTIALS',
      value: 'a .csv or .json file',
      default: '',
      help: 'a pool: CSV with a username,password header row, or a JSON array of {"username", "password"}',
    },
    {
      name: 'AUTH_USERNAME',
      value: 'text',
      default: '',
      help: "one account's user name (prefixed: k6 run copies the shell's USERNAME into __ENV)",
    },
    {
      name: 'AUTH_PASSWORD',
      value: 'text',
      default: '',
      help: 'its password; never printed',
      secret: true,
    },
    {
      name: 'AUTH_PASSWORD_SECRET',
      value: 'a k6 secret name',
      default: '',
      help: 'instead of AUTH_PASSWORD: read it from a k6 secret source (--secret-source), redacted by k6',
    },
    {
      name: 'USERS',
      value: 'a whole number ≥ 1',
      default: '1000',
      help: 'size of the demo pool user<N>/pass<N>, used when no account is given',
    },
    {
      name: 'SHARE_ACCOUNTS',
      value: 'true or false',
      default: 'false',
      help: 'let VUs share accounts when there are more VUs than accounts (else CREDENTIALS_TOO_FEW)',
    },
  ]);
}

/** The flat overrides of the target profile; the profile's rule at `profilePath` checks each. */
function profileRows(): SettingRow[] {
  const row = (name: string, profilePath: string, value: string, help: string): Row => ({
    name,
    profilePath,
    value,
    help,
  });
  return inGroup('profile', [
    row(
      'AUTH_MODE',
      'mode',
      'session, token, dual, authorization-code or client-credentials',
      'how a VU logs in and renews',
    ),
    row('BASE_URL', 'baseUrl', 'a URL', 'origin and optional base path of the API'),
    row('LOGIN_PATH', 'login.path', 'a path', 'the login endpoint'),
    row('LOGIN_METHOD', 'login.method', 'an HTTP method', 'the login method'),
    row('LOGIN_FORMAT', 'login.format', 'form or json', 'body of the login'),
    row('USERNAME_FIELD', 'login.usernameField', 'a field name', 'body field of the user name'),
    row('PASSWORD_FIELD', 'login.passwordField', 'a field name', 'body field of the password'),
    row(
      'LOGIN_SUCCESS_STATUSES',
      'login.successStatuses',
      'statuses, comma-separated',
      'statuses meaning "logged in"',
    ),
    row('PROTECTED_PATH', 'protected.path', 'a path', 'the endpoint the scenarios measure'),
    row('PROTECTED_METHOD', 'protected.method', 'an HTTP method', 'its method'),
    row('REFRESH_PATH', 'refresh.path', 'a path', 'the refresh endpoint (dual)'),
    row(
      'REFRESH_TOKEN_IN',
      'refresh.tokenIn',
      'bearer, form or json',
      'where the refresh token goes',
    ),
    row('REFRESH_TOKEN_PARAM', 'refresh.field', 'a field name', 'body field of the refresh token'),
    row('LOGOUT_PATH', 'logout.path', 'a path', 'the logout endpoint (POST)'),
    row(
      'ACCESS_TOKEN_FIELD',
      'tokens.access',
      'a dotted path',
      'the access token in login and refresh answers',
    ),
    row(
      'REFRESH_TOKEN_FIELD',
      'tokens.refresh',
      'a dotted path',
      'the refresh token in those answers',
    ),
    row(
      'EXPIRES_IN_FIELD',
      'tokens.expiresIn',
      'a dotted path',
      'the lifetime in seconds in those answers',
    ),
    row(
      'ACCESS_TOKEN_HEADER',
      'accessToken.header',
      'a header name',
      'header carrying the access token',
    ),
    row(
      'ACCESS_TOKEN_SCHEME',
      'accessToken.scheme',
      'text',
      'prefix before the token (RFC 6750 §2.1)',
    ),
    row(
      'SESSION_COOKIE',
      'session.cookieName',
      'a cookie name, or none',
      'the cookie a session login must set',
    ),
    row(
      'LOGIN_PAGE_PATH',
      'session.loginPagePath',
      'a path, or none',
      'a redirect there means "session expired"',
    ),
    row(
      'SESSION_LIFETIME',
      'session.lifetimeSeconds',
      'seconds, or none',
      'session idle timeout when the cookie does not say; counted from the last request',
    ),
    row(
      'EXPIRED_STATUSES',
      'expiredStatuses',
      'statuses, comma-separated',
      'protected statuses meaning "credentials expired"',
    ),
    row(
      'EXPIRY_SOURCE',
      'expiry.source',
      'auto, expires_in, jwt or fixed',
      'where the token lifetime is read',
    ),
    row(
      'TOKEN_LIFETIME',
      'expiry.lifetimeSeconds',
      'seconds, or none',
      'assumed lifetime; required with fixed',
    ),
    row(
      'REFRESH_LEEWAY',
      'expiry.leewaySeconds',
      'seconds ≥ 0',
      'renew this long before expiry (at most half the lifetime)',
    ),
    row(
      'REFRESH_JITTER',
      'expiry.jitterSeconds',
      'seconds ≥ 0',
      'renew up to this much earlier at random',
    ),
    row(
      'CLIENT_AUTH',
      'clientAuth.method',
      'none, basic or body',
      'client authentication (RFC 6749 §2.3.1)',
    ),
    row('CLIENT_ID', 'clientAuth.clientId', 'text', 'the OAuth client id'),
    {
      ...row(
        'CLIENT_SECRET',
        'clientAuth.clientSecret',
        'text',
        'the OAuth client secret; never printed',
      ),
      secret: true,
    },
    row(
      'OIDC_ISSUER',
      'oauth.issuer',
      'a URL, or none',
      'the provider; setup() reads its discovery document',
    ),
    row(
      'AUTHORIZATION_URL',
      'oauth.authorizationUrl',
      'a URL, or none',
      'the authorization endpoint, when not discovered',
    ),
    row('TOKEN_URL', 'oauth.tokenUrl', 'a URL, or none', 'the token endpoint, when not discovered'),
    row(
      'REVOCATION_URL',
      'oauth.revocationUrl',
      'a URL, or none',
      'where a logout revokes the refresh token (RFC 7009)',
    ),
    row(
      'REDIRECT_URI',
      'oauth.redirectUri',
      'a URL',
      "the client's registered redirect URI; never requested",
    ),
    row('SCOPE', 'oauth.scope', 'scopes, space-separated', 'requested scopes; openid adds a nonce'),
    row('AUDIENCE', 'oauth.audience', 'text, or none', "the API's audience (Auth0)"),
    row('RESOURCE', 'oauth.resource', 'a URI, or none', 'the resource indicator (RFC 8707)'),
    row(
      'OIDC_ALLOWED_ORIGINS',
      'oauth.allowedOrigins',
      'origins, comma-separated',
      "origins the login walk may follow beyond the provider's own",
    ),
    row(
      'OIDC_LOGIN_FORM',
      'oauth.loginForm',
      'a CSS selector, or none',
      'the login form; default: the one with a password input',
    ),
    row(
      'OIDC_CONSENT_FORM',
      'oauth.consentForm',
      'a CSS selector, or none',
      'the consent form; default: the one whose button approves',
    ),
    row('OIDC_CONSENT', 'oauth.consent', 'submit or fail', 'what to do with a consent page'),
    row(
      'OIDC_MAX_REQUESTS',
      'oauth.maxRequests',
      'a whole number ≥ 1',
      'requests one login walk may send',
    ),
    row(
      'RETRY_MAX_ATTEMPTS',
      'retry.maxAttempts',
      'a whole number ≥ 1',
      'attempts per login or refresh',
    ),
    row('RETRY_BASE_DELAY_MS', 'retry.baseDelayMs', 'milliseconds', 'first back-off delay'),
    row('RETRY_MAX_DELAY_MS', 'retry.maxDelayMs', 'milliseconds', 'longest back-off delay'),
    row(
      'RETRY_AFTER_MAX',
      'retry.retryAfterMaxSeconds',
      'seconds',
      'longest Retry-After waited within one attempt; a longer one fails the attempt, and the VU sends no login or refresh until it has passed',
    ),
    row('REQUEST_TIMEOUT', 'requestTimeoutSeconds', 'seconds > 0', 'per-request timeout'),
  ]);
}

/** Overrides of the thresholds profile (lib/core/scenario/thresholds.ts applies them). */
function thresholdRows(): SettingRow[] {
  const endpoint = '(LOGIN|REFRESH|PROTECTED|CSRF|LOGOUT)';
  return inGroup('thresholds', [
    {
      name: 'P<N>_<ENDPOINT>_MS',
      matches: `P(50|90|95|99)_${endpoint}_MS`,
      value: 'milliseconds > 0',
      default: '',
      help: 'p(N)<value on http_req_duration{endpoint:<endpoint>}, N one of 50, 90, 95, 99',
    },
    {
      name: 'ERROR_RATE_MAX',
      value: 'a rate from 0 to 1',
      default: '',
      help: 'rate<value on http_req_failed of every endpoint',
    },
    {
      name: 'ERROR_RATE_<ENDPOINT>_MAX',
      matches: `ERROR_RATE_${endpoint}_MAX`,
      value: 'a rate from 0 to 1',
      default: '',
      help: 'the same for one endpoint (wins over ERROR_RATE_MAX)',
    },
    {
      name: 'AUTH_ERROR_RATE_MAX',
      value: 'a rate from 0 to 1',
      default: '',
      help: 'rate<value on auth_errors',
    },
    {
      name: 'AUTH_EXPIRED_REJECTIONS_MAX',
      value: 'a whole number ≥ 0',
      default: '',
      help: 'count<=value on auth_expired_rejections',
    },
    {
      name: 'THRESHOLDS_OVERRIDE',
      value: 'JSON',
      default: '',
      help: 'replaces whole metrics: {"<metric>": ["<expr>", …]}; [] removes one',
    },
  ]);
}

/** The rows other than the scenario knobs, in table order. */
export function fixedSettingRows(): SettingRow[] {
  return [...runRows(), ...credentialRows(), ...profileRows(), ...thresholdRows()];
}

/** The profile overrides: `-e` name → profile path, for lib/core/auth/profile-resolve.ts. */
export function profileOverrides(): { env: string; path: string }[] {
  return profileRows().map((row) => ({ env: row.name, path: row.profilePath ?? '' }));
}
