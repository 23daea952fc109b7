/**
 * Resolves the target profile: built-in defaults (the reference server, the article's shape), then
 * the JSON profile file (`-e PROFILE=<file.json>`), then the flat `-e` overrides. Every value is
 * validated here, at init, so a typo or a wrong type stops the run before any load is sent.
 */
import { parseDecimal, readEnvValue } from '../env-values.ts';
import { ConfigError, ERROR_CODES } from '../errors.ts';
import { profileOverrides } from '../settings/rows.ts';
import { isPlainObject } from '../value-types.ts';
import { AUTH_MODES, type AuthMode, type TargetProfile } from './profile.ts';

/** What a setting may hold. The schema below mirrors `TargetProfile`, one rule per leaf. */
type Rule =
  | { kind: 'string'; allowEmpty?: boolean; secret?: boolean }
  | { kind: 'nullableString' }
  | { kind: 'path' }
  | { kind: 'dottedPath' }
  /** `keepSlash`: an issuer is compared as written (OpenID Connect Discovery §4.3). */
  | { kind: 'url'; nullable?: boolean; keepSlash?: boolean }
  /** A list of origins (`scheme://host[:port]`). */
  | { kind: 'origins' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'number'; min: number; above?: boolean; integer?: boolean; nullable?: boolean }
  | { kind: 'statuses' }
  | { kind: 'fields' }
  | ObjectRule;

interface ObjectRule {
  kind: 'object';
  fields: Record<string, Rule>;
  nullable?: boolean;
  /** Defaults for an object whose own default is null (csrf) once the user sets it. */
  whenPresent?: Record<string, unknown>;
  /** Fields that may stay unset here because resolveProfile derives them afterwards. */
  derived?: readonly string[];
}

/**
 * The flat `-e NAME=value` overrides: `-e` name → profile path, from the settings registry
 * (lib/core/settings/rows.ts). An empty value counts as unset, so `-e NAME=` in a wrapper script
 * changes nothing.
 */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: string }> = profileOverrides();

/** Names one setting in messages: the profile's dotted path, or the `-e` variable that set it. */
type Label = (path: string) => string;

/**
 * Builds the profile a run uses: defaults < the JSON profile < `-e` overrides.
 *
 * @param input.env `__ENV` (k6) or `process.env`; only the names in `ENV_OVERRIDES` are read.
 * @param input.profileJson the text of the `-e PROFILE` file, if any.
 * @param input.profileSource that file's name, for messages.
 * @throws ConfigError PROFILE_INVALID_JSON, PROFILE_UNKNOWN_KEY, PROFILE_BAD_VALUE,
 *   PROFILE_MISSING or PROFILE_CONFLICT, naming the setting; secrets are never echoed.
 */
export function resolveProfile(input: {
  env: Record<string, string | undefined>;
  profileJson?: string;
  profileSource?: string;
}): TargetProfile {
  const source = input.profileSource ?? 'the profile';
  const fromFile =
    input.profileJson === undefined ? {} : parseProfileJson(input.profileJson, source);
  const fromEnv = envLayer(input.env, ENV_OVERRIDES);
  const schema = profileSchema();
  const mode = pickMode(schema, fromEnv, fromFile, source);
  const defaults = defaultProfile(mode);

  const profileLabel: Label = (path) => `profile.${path} (${source})`;
  const envNameOf = (path: string): string | undefined =>
    ENV_OVERRIDES.find((row) => row.path === path)?.env;
  const envLabel: Label = (path) => {
    const name = envNameOf(path);
    return name === undefined ? `profile.${path}` : `-e ${name}`;
  };

  const withFile = resolveObject(schema, fromFile, defaults, '', profileLabel, false);
  const resolved = resolveObject(schema, fromEnv, withFile, '', envLabel, true);
  deriveDefaults(resolved);
  const profile = resolved as unknown as TargetProfile;
  // Name the place the user can fix: the `-e` that set it, else the file, else the `-e` to use.
  const settingLabel: Label = (path) =>
    readEnvValue(input.env, envNameOf(path) ?? '') === undefined && input.profileJson !== undefined
      ? profileLabel(path)
      : envLabel(path);
  checkCombinations(profile, settingLabel);
  // A setting a mode needs and nothing set: name the -e to pass, and the profile key.
  checkOAuth(profile, (path) => {
    const name = envNameOf(path);
    return name === undefined ? `profile.${path}` : `-e ${name} (or profile.${path})`;
  });
  return profile;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function endpointFields(): Record<string, Rule> {
  return { method: { kind: 'enum', values: METHODS }, path: { kind: 'path' } };
}

function seconds(min: number, extra: { above?: boolean; nullable?: boolean } = {}): Rule {
  return { kind: 'number', min, ...extra };
}

/** What each setting may hold, field by field. */
function profileSchema(): ObjectRule {
  return {
    kind: 'object',
    fields: {
      mode: { kind: 'enum', values: AUTH_MODES },
      baseUrl: { kind: 'url' },
      login: {
        kind: 'object',
        fields: {
          ...endpointFields(),
          format: { kind: 'enum', values: ['form', 'json'] },
          usernameField: { kind: 'string' },
          passwordField: { kind: 'string' },
          extraFields: { kind: 'fields' },
          successStatuses: { kind: 'statuses' },
        },
      },
      csrf: {
        kind: 'object',
        nullable: true,
        fields: {
          ...endpointFields(),
          from: { kind: 'enum', values: ['cookie', 'header', 'json', 'html'] },
          name: { kind: 'string' },
          sendAs: { kind: 'enum', values: ['field', 'header'] },
          sendName: { kind: 'string' },
        },
        whenPresent: { method: 'GET', sendAs: 'field' },
        derived: ['path', 'sendName'],
      },
      clientAuth: {
        kind: 'object',
        fields: {
          method: { kind: 'enum', values: ['none', 'basic', 'body'] },
          clientId: { kind: 'string', allowEmpty: true },
          clientSecret: { kind: 'string', allowEmpty: true, secret: true },
        },
        derived: ['method'],
      },
      tokens: {
        kind: 'object',
        fields: {
          access: { kind: 'dottedPath' },
          refresh: { kind: 'dottedPath' },
          expiresIn: { kind: 'dottedPath' },
        },
      },
      accessToken: {
        kind: 'object',
        fields: { header: { kind: 'string' }, scheme: { kind: 'string', allowEmpty: true } },
      },
      refresh: {
        kind: 'object',
        fields: {
          ...endpointFields(),
          tokenIn: { kind: 'enum', values: ['bearer', 'form', 'json'] },
          field: { kind: 'string' },
          extraFields: { kind: 'fields' },
        },
      },
      protected: { kind: 'object', fields: endpointFields() },
      logout: {
        kind: 'object',
        nullable: true,
        fields: endpointFields(),
      },
      oauth: {
        kind: 'object',
        fields: {
          issuer: { kind: 'url', nullable: true, keepSlash: true },
          authorizationUrl: { kind: 'url', nullable: true },
          tokenUrl: { kind: 'url', nullable: true },
          revocationUrl: { kind: 'url', nullable: true },
          redirectUri: { kind: 'url', nullable: true, keepSlash: true },
          scope: { kind: 'string', allowEmpty: true },
          audience: { kind: 'nullableString' },
          resource: { kind: 'nullableString' },
          allowedOrigins: { kind: 'origins' },
          loginForm: { kind: 'nullableString' },
          consentForm: { kind: 'nullableString' },
          consent: { kind: 'enum', values: ['submit', 'fail'] },
          maxRequests: { kind: 'number', min: 1, integer: true },
        },
      },
      session: {
        kind: 'object',
        fields: {
          cookieName: { kind: 'nullableString' },
          loginPagePath: { kind: 'nullableString' },
          lifetimeSeconds: seconds(0, { above: true, nullable: true }),
        },
      },
      expiredStatuses: { kind: 'statuses' },
      expiry: {
        kind: 'object',
        fields: {
          source: { kind: 'enum', values: ['auto', 'expires_in', 'jwt', 'fixed'] },
          lifetimeSeconds: seconds(0, { above: true, nullable: true }),
          leewaySeconds: seconds(0),
          jitterSeconds: seconds(0),
        },
      },
      retry: {
        kind: 'object',
        fields: {
          maxAttempts: { kind: 'number', min: 1, integer: true },
          baseDelayMs: seconds(0),
          maxDelayMs: seconds(0),
          retryAfterMaxSeconds: seconds(0),
        },
      },
      requestTimeoutSeconds: seconds(0, { above: true }),
    },
  };
}

/**
 * The built-in profile: the reference server, which is the article's shape. Login is a form in
 * session mode (article §1) and JSON otherwise (§2, §3); token mode reads `token` (§2), dual
 * reads `accessToken` + `refreshToken` and refreshes with the refresh token as a Bearer (§3).
 */
function defaultProfile(mode: AuthMode): TargetProfile {
  const oauth = mode === 'authorization-code' || mode === 'client-credentials';
  const profile: TargetProfile = {
    mode,
    baseUrl: 'http://127.0.0.1:8080',
    login: {
      method: 'POST',
      path: '/login',
      format: mode === 'session' || oauth ? 'form' : 'json',
      usernameField: 'username',
      passwordField: 'password',
      extraFields: {},
      successStatuses: [200],
    },
    csrf: null,
    clientAuth: { method: 'none', clientId: '', clientSecret: '' },
    // RFC 6749 §5.1's names for the identity-provider modes; the reference server's otherwise.
    tokens: oauth
      ? { access: 'access_token', refresh: 'refresh_token', expiresIn: 'expires_in' }
      : {
          access: mode === 'token' ? 'token' : 'accessToken',
          refresh: 'refreshToken',
          expiresIn: 'expiresIn',
        },
    accessToken: { header: 'Authorization', scheme: 'Bearer' },
    refresh: {
      method: 'POST',
      path: '/refresh',
      tokenIn: 'bearer',
      field: 'refresh_token',
      extraFields: {},
    },
    protected: { method: 'GET', path: '/protected' },
    logout: { method: 'POST', path: '/logout' },
    oauth: {
      issuer: null,
      authorizationUrl: null,
      tokenUrl: null,
      revocationUrl: null,
      redirectUri: null,
      scope: mode === 'authorization-code' ? 'openid offline_access' : '',
      audience: null,
      resource: null,
      allowedOrigins: [],
      loginForm: null,
      consentForm: null,
      consent: 'submit',
      maxRequests: 12,
    },
    session: { cookieName: null, loginPagePath: null, lifetimeSeconds: null },
    expiredStatuses: [401],
    expiry: { source: 'auto', lifetimeSeconds: null, leewaySeconds: 15, jitterSeconds: 5 },
    retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000, retryAfterMaxSeconds: 30 },
    requestTimeoutSeconds: 30,
  };
  // With an identity provider, a client secret means a confidential client (HTTP Basic, the
  // method every provider supports, RFC 6749 §2.3.1) and none a public one: derived once the
  // secret is known, unless clientAuth.method says otherwise.
  if (oauth) delete (profile.clientAuth as Partial<TargetProfile['clientAuth']>).method;
  return profile;
}

function parseProfileJson(text: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // The parser's own message may quote the file's text, which can hold a client secret.
    const position = /position (\d+)/.exec(String(error))?.[1];
    const where = position === undefined ? '' : ` at ${lineAndColumn(text, Number(position))}`;
    throw new ConfigError(
      ERROR_CODES.PROFILE_INVALID_JSON,
      `Cannot read profile ${source}; reason: expected valid JSON, got a syntax error${where}`,
    );
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError(
      ERROR_CODES.PROFILE_INVALID_JSON,
      `Cannot read profile ${source}; reason: expected a JSON object, got ${describe(parsed)}`,
    );
  }
  // A profile may say what it is for; JSON has no comments.
  const { description, ...settings } = parsed;
  if (description !== undefined && typeof description !== 'string') {
    throw badValue(`profile.description (${source})`, 'a string', describe(description));
  }
  return settings;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
}

/** Turns the flat `-e` names into a partial profile (values still strings, parsed by the rules). */
function envLayer(
  env: Record<string, string | undefined>,
  overrides: readonly { env: string; path: string }[],
): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const { env: name, path } of overrides) {
    const value = readEnvValue(env, name);
    if (value !== undefined) setAtPath(layer, path, value);
  }
  return layer;
}

function setAtPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node[key] = isPlainObject(next) ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] ?? path] = value;
}

/** The mode decides some defaults (login format, access token field), so it is settled first. */
function pickMode(
  schema: ObjectRule,
  fromEnv: Record<string, unknown>,
  fromFile: Record<string, unknown>,
  source: string,
): AuthMode {
  const rule = schema.fields.mode as Rule;
  if (fromEnv.mode !== undefined)
    return checkLeaf(rule, fromEnv.mode, '-e AUTH_MODE', true) as AuthMode;
  if (fromFile.mode !== undefined) {
    return checkLeaf(rule, fromFile.mode, `profile.mode (${source})`, false) as AuthMode;
  }
  return 'dual';
}

function resolveObject(
  rule: ObjectRule,
  input: unknown,
  fallback: unknown,
  path: string,
  label: Label,
  fromEnv: boolean,
): Record<string, unknown> | null {
  if (input === undefined) return fallback as Record<string, unknown> | null;
  if (input === null && rule.nullable) return null;
  if (!isPlainObject(input)) {
    const expected = rule.nullable ? 'an object or null' : 'an object';
    throw badValue(label(path), expected, describe(input));
  }
  const known = Object.keys(rule.fields);
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) {
      throw new ConfigError(
        ERROR_CODES.PROFILE_UNKNOWN_KEY,
        `Unknown setting ${label(join(path, key))}; reason: expected one of ${known.join(', ')}, got "${key}"`,
      );
    }
  }
  const base = isPlainObject(fallback) ? fallback : (rule.whenPresent ?? {});
  const result: Record<string, unknown> = {};
  for (const key of known) {
    const fieldRule = rule.fields[key] as Rule;
    const fieldPath = join(path, key);
    const value =
      fieldRule.kind === 'object'
        ? resolveObject(fieldRule, input[key], base[key], fieldPath, label, fromEnv)
        : input[key] === undefined
          ? base[key]
          : checkLeaf(fieldRule, input[key], label(fieldPath), fromEnv);
    if (value === undefined && !rule.derived?.includes(key)) {
      throw new ConfigError(
        ERROR_CODES.PROFILE_MISSING,
        `Missing setting ${label(fieldPath)}; reason: expected ${expectation(fieldRule)}, got nothing`,
      );
    }
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Validates one leaf; `-e` values arrive as strings and are parsed by the same rule. */
function checkLeaf(rule: Rule, raw: unknown, where: string, fromEnv: boolean): unknown {
  const value = fromEnv ? parseEnvValue(rule, raw as string) : raw;
  const fail = (): never => {
    // A secret's value is never shown, only its type.
    const got = rule.kind === 'string' && rule.secret ? `a ${typeof raw} (hidden)` : describe(raw);
    throw badValue(where, expectation(rule), got);
  };
  switch (rule.kind) {
    case 'string':
      if (typeof value !== 'string' || (!rule.allowEmpty && value === '')) fail();
      return value;
    case 'nullableString':
      if (value !== null && (typeof value !== 'string' || value === '')) fail();
      return value;
    case 'path':
      if (typeof value !== 'string' || !/^\/\S*$/.test(value)) fail();
      return value;
    case 'dottedPath':
      if (typeof value !== 'string' || !/^[^.\s]+(\.[^.\s]+)*$/.test(value)) fail();
      return value;
    case 'url':
      if (value === null && rule.nullable) return null;
      if (typeof value !== 'string' || !/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/.test(value)) fail();
      return rule.keepSlash ? value : (value as string).replace(/\/+$/, '');
    case 'origins':
      if (
        !Array.isArray(value) ||
        !value.every((o) => typeof o === 'string' && /^https?:\/\/[^/\s?#]+$/.test(o))
      ) {
        fail();
      }
      return (value as string[]).map((origin) => origin.toLowerCase());
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) fail();
      return value;
    case 'number': {
      if (value === null && rule.nullable) return null;
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (rule.above ? value > rule.min : value >= rule.min) &&
        (!rule.integer || Number.isInteger(value));
      if (!ok) fail();
      return value;
    }
    case 'statuses':
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        !value.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)
      ) {
        fail();
      }
      return value;
    case 'fields':
      if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string'))
        fail();
      return value;
    case 'object':
      return fail();
  }
}

/** `-e` gives strings: numbers are parsed, "none" clears a nullable setting. */
function parseEnvValue(rule: Rule, text: string): unknown {
  const nullable =
    rule.kind === 'nullableString' ||
    ((rule.kind === 'number' || rule.kind === 'url') && rule.nullable === true);
  if (nullable && text === 'none') return null;
  if (rule.kind === 'number') {
    // No setting goes below 0, so a sign could only fail: left as text, it fails with its quotes.
    const value = parseDecimal(text);
    return Number.isNaN(value) ? text : value;
  }
  return text;
}

function expectation(rule: Rule): string {
  switch (rule.kind) {
    case 'string':
      return rule.allowEmpty ? 'a string' : 'a non-empty string';
    case 'nullableString':
      return 'a non-empty string or null';
    case 'path':
      return 'a path starting with "/"';
    case 'dottedPath':
      return 'a dotted path into the JSON body, like "data.access_token"';
    case 'url':
      return `an http:// or https:// URL without query or fragment${rule.nullable ? ', or null' : ''}`;
    case 'origins':
      return 'a list of origins like "https://login.example.com" (scheme, host, optional port)';
    case 'enum':
      return `one of ${rule.values.map((v) => `"${v}"`).join(', ')}`;
    case 'number': {
      const what = rule.integer ? 'an integer' : 'a number';
      return `${what} ${rule.above ? '>' : '>='} ${rule.min}${rule.nullable ? ' or null' : ''}`;
    }
    case 'statuses':
      return 'a non-empty list of HTTP statuses (100-599)';
    case 'fields':
      return 'an object of string values';
    case 'object':
      return rule.nullable ? 'an object or null' : 'an object';
  }
}

/** Fills the defaults that depend on other settings: the CSRF page is usually the login page. */
function deriveDefaults(profile: Record<string, unknown> | null): void {
  const clientAuth = profile?.clientAuth as Record<string, unknown>;
  if (clientAuth.method === undefined)
    clientAuth.method = clientAuth.clientSecret === '' ? 'none' : 'basic';
  const csrf = profile?.csrf as Record<string, unknown> | null | undefined;
  const login = profile?.login as Record<string, unknown>;
  if (!csrf) return;
  if (csrf.path === undefined) csrf.path = login.path;
  if (csrf.sendName === undefined) csrf.sendName = csrf.name;
}

/** Rules that span settings; each one would otherwise fail only mid-run. */
function checkCombinations(profile: TargetProfile, label: Label): void {
  const conflict = (message: string): never => {
    throw new ConfigError(ERROR_CODES.PROFILE_CONFLICT, message);
  };
  const { clientAuth, refresh, expiry, retry } = profile;
  if (clientAuth.method !== 'none' && clientAuth.clientId === '') {
    throw new ConfigError(
      ERROR_CODES.PROFILE_MISSING,
      `Missing setting ${label('clientAuth.clientId')}; reason: expected a client id for client authentication "${clientAuth.method}", got nothing`,
    );
  }
  if (profile.mode === 'dual' && clientAuth.method === 'basic' && refresh.tokenIn === 'bearer') {
    conflict(
      `Conflicting settings ${label('refresh.tokenIn')} and ${label('clientAuth.method')}; reason: expected the refresh token in a body field ("form" or "json") when the client authenticates with HTTP Basic, got "bearer" (both need the Authorization header)`,
    );
  }
  if (expiry.source === 'fixed' && expiry.lifetimeSeconds === null) {
    throw new ConfigError(
      ERROR_CODES.PROFILE_MISSING,
      `Missing setting ${label('expiry.lifetimeSeconds')}; reason: expected a lifetime in seconds when expiry.source is "fixed", got nothing`,
    );
  }
  if (retry.baseDelayMs > retry.maxDelayMs) {
    conflict(
      `Conflicting settings ${label('retry.baseDelayMs')} and ${label('retry.maxDelayMs')}; reason: expected baseDelayMs <= maxDelayMs, got ${retry.baseDelayMs} > ${retry.maxDelayMs}`,
    );
  }
}

/** What the identity-provider modes need: where the endpoints come from, a client, a redirect. */
function checkOAuth(profile: TargetProfile, label: Label): void {
  const { mode, oauth, clientAuth } = profile;
  if (mode !== 'authorization-code' && mode !== 'client-credentials') return;
  const missing = (path: string, expected: string): never => {
    throw new ConfigError(
      ERROR_CODES.PROFILE_MISSING,
      `Missing setting ${label(path)}; reason: expected ${expected} in ${mode} mode, got nothing`,
    );
  };
  if (oauth.issuer === null && oauth.tokenUrl === null) {
    missing('oauth.issuer', 'the issuer (OpenID Connect Discovery) or oauth.tokenUrl');
  }
  if (mode === 'authorization-code' && oauth.issuer === null && oauth.authorizationUrl === null) {
    missing('oauth.issuer', 'the issuer (OpenID Connect Discovery) or oauth.authorizationUrl');
  }
  if (clientAuth.clientId === '') missing('clientAuth.clientId', 'a client id');
  if (mode === 'authorization-code' && oauth.redirectUri === null) {
    missing('oauth.redirectUri', 'the redirect URI registered for the client');
  }
  if (mode === 'client-credentials' && clientAuth.method === 'none') {
    throw new ConfigError(
      ERROR_CODES.PROFILE_MISSING,
      `Missing setting ${label('clientAuth.clientSecret')}; reason: expected a client secret in client-credentials mode (RFC 6749 §4.4: confidential clients only), got nothing`,
    );
  }
}

function badValue(where: string, expected: string, got: string): ConfigError {
  return new ConfigError(
    ERROR_CODES.PROFILE_BAD_VALUE,
    `Invalid setting ${where}; reason: expected ${expected}, got ${got}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`.slice(0, 80);
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  }
  if (typeof value === 'object') return 'an object';
  return String(value);
}
