/**
 * Every `-e NAME=value` the toolkit reads, as rows of one shape, except the scenario knobs, whose
 * per-scenario defaults live beside the executors they plan (lib/core/scenario/shapes.ts) and join
 * these rows in lib/core/settings/registry.ts. The tables of docs/settings.md are generated from
 * the registry (`npm run docs`) and a unit test fails when they drift or when code reads a name
 * that is no row.
 * A name that goes away moves to lib/core/settings/removed.ts, which says what replaces it.
 */
import type { TargetProfile } from '../auth/profile.ts';

/** Where a setting belongs, in the order the reference tables show them. */
export type SettingGroup = 'run' | 'credentials' | 'profile' | 'scenario' | 'thresholds';

/** One `-e` setting. */
export interface SettingRow {
  /** The `-e` name. */
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
  profilePath?: ProfilePath;
  /** Never echoed in a message or a table. */
  secret?: boolean;
}

type Row = Omit<SettingRow, 'group'>;

/**
 * A dotted path to a leaf of `T` ("login.path", "expiry.leewaySeconds"), checked by the compiler:
 * a field renamed in `TargetProfile` breaks every row that names it. A map of free keys
 * (`extraFields`) is a leaf.
 */
export type LeafPath<T> = {
  [K in keyof T & string]: NonNullable<T[K]> extends readonly unknown[]
    ? K
    : NonNullable<T[K]> extends object
      ? string extends keyof NonNullable<T[K]>
        ? K
        : `${K}.${LeafPath<NonNullable<T[K]>>}`
      : K;
}[keyof T & string];

/** A path of the target profile, as the profile file and messages write it. */
export type ProfilePath = LeafPath<TargetProfile>;

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
      value: 'smoke, load, soak, churn, release-gate, or a .json file',
      default: "the scenario's",
      help: 'the thresholds profile (thresholds/README.md); a relative file path is taken from the folder k6 runs in',
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

/**
 * The flat overrides of the target profile: what changes from one run to the next (the target,
 * the identity provider's client, how early to renew). The API's shape lives in the profile file
 * only (`REMOVED_SETTINGS` in removed.ts says where each former override went).
 */
function profileRows(): SettingRow[] {
  const row = (name: string, profilePath: ProfilePath, value: string, help: string): Row => ({
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
    row('PROTECTED_PATH', 'protected.path', 'a path', 'the endpoint the scenarios measure'),
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
      'OIDC_ISSUER',
      'oauth.issuer',
      'a URL, or none',
      'the provider; setup() reads its discovery document',
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
      'REDIRECT_URI',
      'oauth.redirectUri',
      'a URL',
      "the client's registered redirect URI; never requested",
    ),
    row('SCOPE', 'oauth.scope', 'scopes, space-separated', 'requested scopes; openid adds a nonce'),
  ]);
}

/**
 * Overrides of the thresholds profile (lib/core/scenario/thresholds.ts applies them). A lasting
 * change belongs in a thresholds file of your own (`-e THRESHOLDS=<file.json>`).
 */
function thresholdRows(): SettingRow[] {
  return inGroup('thresholds', [
    {
      name: 'THRESHOLDS_OVERRIDE',
      value: 'JSON',
      default: '',
      help: 'replaces whole metrics: {"<metric>": ["<expr>", …]}; [] removes one',
    },
    {
      name: 'ERROR_RATE_MAX',
      value: 'a rate from 0 to 1',
      default: '',
      help: 'rate<value on http_req_failed of every endpoint',
    },
  ]);
}

/** The rows other than the scenario knobs, in table order. */
export function fixedSettingRows(): SettingRow[] {
  return [...runRows(), ...credentialRows(), ...profileRows(), ...thresholdRows()];
}

/** The profile overrides: `-e` name → profile path, for lib/core/auth/profile-resolve.ts. */
export function profileOverrides(): { env: string; path: ProfilePath }[] {
  return profileRows().flatMap((row) =>
    row.profilePath === undefined ? [] : [{ env: row.name, path: row.profilePath }],
  );
}
