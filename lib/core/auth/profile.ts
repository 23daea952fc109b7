/**
 * The target profile: everything about the API under test that the reference server fixes and a
 * real API may do differently. Read from `-e PROFILE=<file.json>` and `-e` overrides, validated at
 * init. Field paths are dotted paths into a JSON body ("data.tokens.access").
 */
import type { Endpoint, HttpMethod } from '../http-types.ts';

/**
 * How a VU logs in: a session cookie, a bearer token, an access + refresh pair from a password
 * login, the OIDC authorization-code flow through the provider's own login page (RFC 6749 §4.1
 * with PKCE, RFC 7636), or client credentials (RFC 6749 §4.4: no user accounts).
 */
export type AuthMode = 'session' | 'token' | 'dual' | 'authorization-code' | 'client-credentials';

export const AUTH_MODES: readonly AuthMode[] = [
  'session',
  'token',
  'dual',
  'authorization-code',
  'client-credentials',
];

/** The `endpoint` tags a mode's login sends beside `login`, reported in the results table. */
export function walkEndpoints(mode: AuthMode): Endpoint[] {
  if (mode === 'authorization-code') return ['authorize', 'consent', 'token'];
  return mode === 'client-credentials' ? ['token'] : [];
}
export type BodyFormat = 'form' | 'json';

export interface Credentials {
  username: string;
  /** Secret: never printed, tagged, put in a check name or written to a result. */
  password: string;
}

/** How the client authenticates itself to a token endpoint (RFC 6749 §2.3.1). */
export interface ClientAuth {
  method: 'none' | 'basic' | 'body';
  clientId: string;
  /** Secret. */
  clientSecret: string;
}

export interface EndpointRef {
  method: HttpMethod;
  /** Path relative to `baseUrl`, starting with "/". */
  path: string;
}

export interface LoginSettings extends EndpointRef {
  format: BodyFormat;
  usernameField: string;
  passwordField: string;
  /** Sent with every login, e.g. `{ grant_type: "password", scope: "api" }` (RFC 6749 §4.3.2). */
  extraFields: Record<string, string>;
  /** Statuses that mean "logged in": `[200]`, or `[302, 303]` for a server-rendered form. */
  successStatuses: number[];
}

/** A GET before login that yields an anti-CSRF token to send with the login. */
export interface CsrfSettings extends EndpointRef {
  from: 'cookie' | 'header' | 'json' | 'html';
  /** Cookie name, header name, dotted JSON path, or the `name` of an HTML hidden input. */
  name: string;
  sendAs: 'field' | 'header';
  /** Form field or header name the token is sent as. */
  sendName: string;
}

export interface TokenFields {
  /** Dotted path of the access token in login and refresh responses. */
  access: string;
  refresh: string;
  /** Dotted path of the lifetime in seconds (RFC 6749 §5.1 `expires_in`). */
  expiresIn: string;
}

export interface RefreshSettings extends EndpointRef {
  /** Where the refresh token goes: `Authorization: Bearer`, or a form or JSON body field. */
  tokenIn: 'bearer' | 'form' | 'json';
  /** Body field name when `tokenIn` is form or json (RFC 6749 §6: "refresh_token"). */
  field: string;
  /** E.g. `{ grant_type: "refresh_token" }`. */
  extraFields: Record<string, string>;
}

export interface ExpirySettings {
  /**
   * auto: `expires_in` when given, else the JWT `exp`, else `lifetimeSeconds`, else "never".
   * The others use only that source.
   */
  source: 'auto' | 'expires_in' | 'jwt' | 'fixed';
  lifetimeSeconds: number | null;
  /** Refresh this long before expiry; capped at half the token's lifetime. */
  leewaySeconds: number;
  /** Each refresh happens up to this much earlier, at random, so VUs spread out. */
  jitterSeconds: number;
}

export interface RetrySettings {
  /** Attempts per login or refresh, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Longest `Retry-After` waited within one attempt; a longer wait fails the attempt now, and the VU
   * still makes no login or refresh attempt until the server's time has passed.
   */
  retryAfterMaxSeconds: number;
}

/**
 * An identity provider's side of authorization-code and client-credentials mode. The endpoints
 * come from OpenID Connect Discovery (`issuer`, read once in `setup()`) or are set one by one.
 */
export interface OAuthSettings {
  /** The issuer whose `/.well-known/openid-configuration` names the endpoints; null: none. */
  issuer: string | null;
  authorizationUrl: string | null;
  tokenUrl: string | null;
  /** Token revocation (RFC 7009): where a logout revokes the refresh token; null: none. */
  revocationUrl: string | null;
  /** Where the provider sends the code; never requested (the walk stops at the redirect). */
  redirectUri: string | null;
  /** Space-separated; `openid` adds a `nonce` that the ID token must carry back. */
  scope: string;
  /** Auth0's `audience`, sent with authorization and client-credentials requests. */
  audience: string | null;
  /** RFC 8707 `resource`, likewise. */
  resource: string | null;
  /** Origins the walk may follow redirects to, beyond the issuer's and the endpoints' own. */
  allowedOrigins: string[];
  /** CSS selector of the login form; null: the form with a password input. */
  loginForm: string | null;
  /** CSS selector of the consent form; null: the form whose button approves. */
  consentForm: string | null;
  /** On a consent page: submit it, or fail the login (a client that should need no consent). */
  consent: 'submit' | 'fail';
  /** Requests one login walk may send, the token exchange included. */
  maxRequests: number;
}

export interface TargetProfile {
  mode: AuthMode;
  /** Origin (and optional base path) of the API, without a trailing slash. */
  baseUrl: string;
  login: LoginSettings;
  csrf: CsrfSettings | null;
  clientAuth: ClientAuth;
  tokens: TokenFields;
  /** How the access token is sent on protected requests. */
  accessToken: { header: string; scheme: string };
  refresh: RefreshSettings;
  protected: EndpointRef;
  logout: EndpointRef | null;
  oauth: OAuthSettings;
  session: {
    /** The session cookie's name; null takes whatever cookies the login sets. */
    cookieName: string | null;
    /** A redirect to this path from a protected request means the session has expired. */
    loginPagePath: string | null;
    /**
     * The session's idle timeout, when its cookie does not say (a browser-session cookie, or an
     * idle timeout shorter than the cookie's `Max-Age`): counted from the last answered request.
     * Null: unknown.
     */
    lifetimeSeconds: number | null;
  };
  /** Statuses on a protected request that mean "credentials expired or revoked". */
  expiredStatuses: number[];
  expiry: ExpirySettings;
  retry: RetrySettings;
  /** Per-request timeout. */
  requestTimeoutSeconds: number;
}
