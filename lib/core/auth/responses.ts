/**
 * Reads auth-related responses as plain data, by the field names and statuses the target profile
 * sets. Nothing here returns a reason that contains a token, a cookie or a password: reasons
 * name fields and types, never values.
 */
import type { HtmlPage, ResponseView } from '../http-types.ts';
import { describeType, isPlainObject } from '../value-types.ts';
import type { TargetProfile } from './profile.ts';

/** Tokens from a login or refresh answer (RFC 6749 §5.1). */
export interface TokenSet {
  accessToken: string;
  /** Absent when a refresh answer does not rotate it: the caller keeps the old one (§6). */
  refreshToken?: string;
  /** `expires_in`: the access token's lifetime in seconds, counted from `receivedAtMs`. */
  expiresInSeconds?: number;
}

export type TokenParse = { ok: true; tokens: TokenSet } | { ok: false; reason: string };

/**
 * Parses a token response (login in token or dual mode, and refresh) by the profile's dotted
 * paths. `expires_in` may be a number or a numeric string (some servers quote it).
 */
export function parseTokenResponse(profile: TargetProfile, res: ResponseView): TokenParse {
  if (res.status < 200 || res.status > 299) {
    const error = oauthError(res);
    const got = res.status === 0 ? 'no response' : `status ${res.status}`;
    return fail(`expected a 2xx token response, got ${got}${error ? ` (${error})` : ''}`);
  }
  const body = parseJson(res.body);
  if (body === undefined)
    return fail('expected a JSON token response, got a body that is not JSON');
  const { tokens } = profile;

  const accessToken = readPath(body, tokens.access);
  if (typeof accessToken !== 'string' || accessToken === '') {
    return fail(
      `expected a non-empty string at "${tokens.access}", got ${describeType(accessToken)}`,
    );
  }
  const result: TokenSet = { accessToken };

  const refreshToken = readPath(body, tokens.refresh);
  if (typeof refreshToken === 'string' && refreshToken !== '') result.refreshToken = refreshToken;
  else if (refreshToken !== undefined && refreshToken !== null) {
    return fail(
      `expected a non-empty string at "${tokens.refresh}", got ${describeType(refreshToken)}`,
    );
  }

  const expiresIn = readPath(body, tokens.expiresIn);
  const seconds =
    typeof expiresIn === 'string' && /^\d+(\.\d+)?$/.test(expiresIn)
      ? Number(expiresIn)
      : expiresIn;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) {
    result.expiresInSeconds = seconds;
  } else if (seconds !== undefined && seconds !== null) {
    return fail(
      `expected a number of seconds >= 0 at "${tokens.expiresIn}", got ${describeType(seconds)}`,
    );
  }
  return { ok: true, tokens: result };
}

/**
 * Why a login answer is not a login; undefined when it is one. The status must be one of
 * `login.successStatuses`. In session mode the session cookie (`session.cookieName`, or any cookie
 * when null) must also have been set, and a redirect back to the login page is a failed login even
 * when 302 counts as success. `reason` is absent when a refusing status (400 and up) says it all.
 */
export function loginShortfall(
  profile: TargetProfile,
  res: ResponseView,
): { reason?: string } | undefined {
  const expected = profile.login.successStatuses;
  if (!expected.includes(res.status)) {
    if (res.status >= 400) return {};
    return {
      reason: `unexpected login answer; reason: expected status ${expected.join(' or ')} (login.successStatuses), got ${res.status}`,
    };
  }
  if (profile.mode !== 'session') return undefined;
  if (isRedirectToLoginPage(profile, res)) {
    return {
      reason: `login refused; reason: expected a session, got a redirect back to the login page (wrong user name or password?)`,
    };
  }
  const { cookieName } = profile.session;
  const set = Object.keys(res.setCookies).filter((name) => res.setCookies[name] !== '');
  if (cookieName === null ? set.length > 0 : set.includes(cookieName)) return undefined;
  const wanted =
    cookieName === null ? 'a cookie' : `the cookie "${cookieName}" (session.cookieName)`;
  return {
    reason: `no session cookie; reason: expected the login to set ${wanted}, got ${set.length === 0 ? 'none' : set.join(', ')}`,
  };
}

/**
 * Finds the anti-CSRF token in the CSRF response: a cookie, a header, a dotted JSON path, or, in
 * the page k6's HTML parser read (`ResponseView.page`), a form field named so (its `value`) or a
 * `<meta name=…>` (its `content`).
 */
export function extractCsrfToken(profile: TargetProfile, res: ResponseView): string | undefined {
  const { csrf } = profile;
  if (csrf === null) return undefined;
  let token: unknown;
  if (csrf.from === 'cookie') token = res.setCookies[csrf.name];
  else if (csrf.from === 'header') token = res.headers[csrf.name.toLowerCase()];
  else if (csrf.from === 'json') token = readPath(parseJson(res.body), csrf.name);
  else token = findPageValue(res.page, csrf.name);
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * Was a protected request turned away because the credentials expired or were revoked? Either a
 * status in `expiredStatuses` (401, RFC 6750 §3.1 `invalid_token`), or a redirect whose
 * Location's path is `session.loginPagePath` (a server-rendered app sending you to log in).
 */
export function isExpiredRejection(profile: TargetProfile, res: ResponseView): boolean {
  return profile.expiredStatuses.includes(res.status) || isRedirectToLoginPage(profile, res);
}

/**
 * The OAuth error code of an error response: the `error` field of a JSON body (RFC 6749 §5.2,
 * e.g. "invalid_grant"), else the `error` parameter of `WWW-Authenticate` (RFC 6750 §3).
 * Only a short code of letters, digits and `_.-` is returned, so it is safe to log and tag.
 */
export function oauthError(res: ResponseView): string | undefined {
  const body = parseJson(res.body);
  const fromBody = isPlainObject(body) ? body.error : undefined;
  const fromHeader = /\berror="?([^",\s]+)/i.exec(res.headers['www-authenticate'] ?? '')?.[1];
  const code = typeof fromBody === 'string' ? fromBody : fromHeader;
  return code !== undefined && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : undefined;
}

function fail(reason: string): TokenParse {
  return { ok: false, reason };
}

function isRedirectToLoginPage(profile: TargetProfile, res: ResponseView): boolean {
  const { loginPagePath } = profile.session;
  const location = res.headers.location;
  if (loginPagePath === null || location === undefined || res.status < 300 || res.status > 399) {
    return false;
  }
  const path =
    location.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/, '') || '/';
  const basePath = profile.baseUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  return path === loginPagePath || path === `${basePath}${loginPagePath}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads "a.b.0.c" from parsed JSON; undefined when any step is missing. */
function readPath(root: unknown, dotted: string): unknown {
  let node = root;
  for (const key of dotted.split('.')) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A form field's value (hidden inputs first) or a meta tag's content, from the parsed page. */
function findPageValue(page: HtmlPage | undefined, name: string): string | undefined {
  for (const form of page?.forms ?? []) {
    const field = form.fields.find((f) => f.name === name && f.value !== '');
    if (field !== undefined) return field.value;
  }
  const content = page?.meta[name];
  return content === '' ? undefined : content;
}
