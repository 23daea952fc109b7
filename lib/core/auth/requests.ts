/**
 * Builds every auth-related request as plain data from the target profile (oauth4webapi's split):
 * lib/k6 only sends what these return. Values in headers and bodies are secrets: never log them.
 */
import { ERROR_CODES, ToolkitError } from '../errors.ts';
import type { Endpoint, HttpMethod, RequestSpec } from '../http-types.ts';
import { encodeForm, formEncode } from './oidc/urls.ts';
import type { BodyFormat, ClientAuth, Credentials, TargetProfile } from './profile.ts';

/**
 * The GET that yields an anti-CSRF token before a form login (the login page, usually).
 * Redirects are followed: a login page behind a redirect still carries the token.
 *
 * @throws ToolkitError CSRF_NOT_CONFIGURED when `profile.csrf` is null (check it first).
 */
export function buildCsrfRequest(profile: TargetProfile): RequestSpec {
  const { csrf } = profile;
  if (csrf === null) {
    throw new ToolkitError(
      ERROR_CODES.CSRF_NOT_CONFIGURED,
      'Cannot build the CSRF request; reason: expected profile.csrf to be set, got null',
    );
  }
  return { ...bare(profile, 'csrf', csrf.method, csrf.path), followRedirects: true };
}

/**
 * The login request: the user's credentials, the profile's extra fields (for an OAuth token
 * endpoint `grant_type=password`, RFC 6749 §4.3.2), the CSRF token if any, and client
 * authentication (RFC 6749 §2.3.1). Redirects are not followed: a form login answers 302.
 */
export function buildLoginRequest(
  profile: TargetProfile,
  credentials: Credentials,
  csrfToken?: string,
): RequestSpec {
  const { login, csrf } = profile;
  const request = bare(profile, 'login', login.method, login.path);
  const fields: Record<string, string> = {
    ...login.extraFields,
    [login.usernameField]: credentials.username,
    [login.passwordField]: credentials.password,
  };
  if (csrf !== null && csrfToken !== undefined) {
    if (csrf.sendAs === 'field') fields[csrf.sendName] = csrfToken;
    else request.headers[csrf.sendName] = csrfToken;
  }
  addClientAuth(profile.clientAuth, fields, request.headers);
  if (profile.mode !== 'session') request.headers.Accept = 'application/json';
  return withBody(request, login.format, fields);
}

/**
 * The refresh request: the refresh token as `Authorization: Bearer` (the article's shape) or in
 * a body field, e.g. `grant_type=refresh_token&refresh_token=…` (RFC 6749 §6), with client
 * authentication when the profile sets one.
 */
export function buildRefreshRequest(profile: TargetProfile, refreshToken: string): RequestSpec {
  const { refresh } = profile;
  const request = bare(profile, 'refresh', refresh.method, refresh.path);
  const fields: Record<string, string> = { ...refresh.extraFields };
  if (refresh.tokenIn === 'bearer') request.headers.Authorization = `Bearer ${refreshToken}`;
  else fields[refresh.field] = refreshToken;
  addClientAuth(profile.clientAuth, fields, request.headers);
  request.headers.Accept = 'application/json';
  if (refresh.tokenIn !== 'bearer') return withBody(request, refresh.tokenIn, fields);
  // A Bearer refresh has no body unless the profile adds fields; those follow the login's format.
  return Object.keys(fields).length === 0
    ? request
    : withBody(request, profile.login.format, fields);
}

/**
 * A request to the protected endpoint. Token and dual modes send the access token in the
 * profile's header (RFC 6750 §2.1 by default); session mode sends nothing, the cookie jar
 * carries the session. Redirects are not followed: a redirect to the login page means expiry.
 */
export function buildProtectedRequest(profile: TargetProfile, accessToken?: string): RequestSpec {
  const request = bare(profile, 'protected', profile.protected.method, profile.protected.path);
  addAccessToken(profile, request.headers, accessToken);
  return request;
}

/**
 * The logout request, or undefined when the profile has no logout endpoint. It carries the access
 * token like a protected request, and the refresh token in the body when the profile sends
 * refresh tokens in a body field (so the server can revoke it).
 */
export function buildLogoutRequest(
  profile: TargetProfile,
  tokens: { accessToken?: string; refreshToken?: string },
): RequestSpec | undefined {
  const { logout, refresh } = profile;
  if (logout === null) return undefined;
  const request = bare(profile, 'logout', logout.method, logout.path);
  addAccessToken(profile, request.headers, tokens.accessToken);
  if (refresh.tokenIn === 'bearer' || tokens.refreshToken === undefined) return request;
  return withBody(request, refresh.tokenIn, { [refresh.field]: tokens.refreshToken });
}

/**
 * The GET that `setup()` sends once before load to see whether anything answers at `baseUrl`:
 * any status will do (a 404 is an answer); only no answer at all stops the test.
 */
export function buildPreflightRequest(profile: TargetProfile): RequestSpec {
  return bare(profile, 'preflight', 'GET', '/');
}

/**
 * Did the target answer the preflight? Not without a response (status 0), nor with a gateway's
 * 502 or 504 (RFC 9110 §15.6.3, §15.6.5): those say the server behind the gateway did not answer.
 */
export function preflightAnswered(status: number): boolean {
  return status !== 0 && status !== 502 && status !== 504;
}

/**
 * A request to an OAuth token endpoint (RFC 6749 §3.2; also revocation, RFC 7009 §2.1): the
 * fields form-encoded, with the client's authentication (§2.3.1).
 */
export function buildTokenRequest(
  profile: TargetProfile,
  endpoint: Endpoint,
  url: string,
  fields: Record<string, string>,
): RequestSpec {
  const request: RequestSpec = {
    endpoint,
    method: 'POST',
    url,
    headers: {},
    followRedirects: false,
  };
  const body = { ...fields };
  addClientAuth(profile.clientAuth, body, request.headers);
  request.headers.Accept = 'application/json';
  return withBody(request, 'form', body);
}

function bare(
  profile: TargetProfile,
  endpoint: Endpoint,
  method: HttpMethod,
  path: string,
): RequestSpec {
  return {
    endpoint,
    method,
    url: `${profile.baseUrl}${path}`,
    headers: {},
    followRedirects: false,
  };
}

function addAccessToken(
  profile: TargetProfile,
  headers: Record<string, string>,
  accessToken: string | undefined,
): void {
  if (profile.mode === 'session' || accessToken === undefined) return;
  const { header, scheme } = profile.accessToken;
  headers[header] = scheme === '' ? accessToken : `${scheme} ${accessToken}`;
}

/**
 * RFC 6749 §2.3.1: HTTP Basic with the form-encoded id and secret, or both in the body. A public
 * client ("none") still identifies itself with `client_id` when it has one (§3.2.1).
 */
function addClientAuth(
  clientAuth: ClientAuth,
  fields: Record<string, string>,
  headers: Record<string, string>,
): void {
  if (clientAuth.method === 'basic') {
    const userPass = `${formEncode(clientAuth.clientId)}:${formEncode(clientAuth.clientSecret)}`;
    headers.Authorization = `Basic ${base64Ascii(userPass)}`;
  } else if (clientAuth.method === 'body') {
    fields.client_id = clientAuth.clientId;
    fields.client_secret = clientAuth.clientSecret;
  } else if (clientAuth.clientId !== '') {
    fields.client_id = clientAuth.clientId;
  }
}

function withBody(
  request: RequestSpec,
  format: BodyFormat,
  fields: Record<string, string>,
): RequestSpec {
  if (format === 'json') {
    request.headers['Content-Type'] = 'application/json';
    return { ...request, body: JSON.stringify(fields) };
  }
  request.headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return { ...request, body: encodeForm(fields) };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of an ASCII string; the k6 runtime has no `btoa`, and the input here is form-encoded. */
function base64Ascii(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i);
    const b = i + 1 < text.length ? text.charCodeAt(i + 1) : Number.NaN;
    const c = i + 2 < text.length ? text.charCodeAt(i + 2) : Number.NaN;
    const bits = (a << 16) | ((b || 0) << 8) | (c || 0);
    out += BASE64[(bits >> 18) & 63];
    out += BASE64[(bits >> 12) & 63];
    out += Number.isNaN(b) ? '=' : BASE64[(bits >> 6) & 63];
    out += Number.isNaN(c) ? '=' : BASE64[bits & 63];
  }
  return out;
}
