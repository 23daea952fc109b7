/**
 * When a token expires and when to refresh it. All times are epoch milliseconds from the local
 * clock; the server's clock is used only when nothing else is known (a JWT `exp` without `iat`).
 */
import type { SessionCookie } from './cookie-expiry.ts';
import type { JwtTimes } from './jwt.ts';
import type { ExpirySettings } from './profile.ts';

/**
 * Where an expiry came from; `none` means "unknown": rely on the server rejecting the token.
 * Session mode's are `cookie` (the session cookie's `Max-Age`/`Expires`) and `idle` (a known idle
 * timeout counted from the last answered request).
 */
export type ExpirySource = 'expires_in' | 'jwt' | 'fixed' | 'cookie' | 'idle' | 'none';

export interface TokenExpiry {
  source: ExpirySource;
  /** Null when the source is `none`. */
  expiresAtMs: number | null;
  /** Lifetime as seen from the moment the response was received; null when unknown. */
  lifetimeMs: number | null;
}

export interface ExpiryInput {
  settings: Pick<ExpirySettings, 'source' | 'lifetimeSeconds'>;
  /** When the login or refresh response arrived (local clock). */
  receivedAtMs: number;
  /** `expires_in` of the response (RFC 6749 §5.1), when given. */
  expiresInSeconds?: number;
  /** The access token's JWT time claims, when it is a JWT with `exp`. */
  jwt?: JwtTimes;
}

const NONE: TokenExpiry = { source: 'none', expiresAtMs: null, lifetimeMs: null };

/**
 * Computes a token's expiry. `auto` tries, in order:
 * 1. `expires_in` (RFC 6749 §5.1) counted from the time the response was received: immune to
 *    clock skew between client and server;
 * 2. the JWT's `exp` (RFC 7519 §4.1.4) against the local clock, but never later than `exp − iat`
 *    (§4.1.6) counted from receipt: a server clock running ahead cannot make the client keep a
 *    token too long, and a truncated `iat` cannot stretch it either. An `exp` already past on
 *    arrival means the clocks disagree: then `exp − iat` from receipt alone counts, and without
 *    `iat` the JWT is skipped rather than trusted (it would make every request renew);
 * 3. the configured `lifetimeSeconds`;
 * 4. `none`: no proactive refresh, the client reacts to the server's rejection instead.
 * The other sources use only themselves, and give `none` when they have no answer.
 */
export function computeTokenExpiry(input: ExpiryInput): TokenExpiry {
  const { settings } = input;
  if (settings.source === 'expires_in') return fromExpiresIn(input) ?? NONE;
  if (settings.source === 'jwt') return fromJwt(input) ?? NONE;
  if (settings.source === 'fixed') return fromFixed(input) ?? NONE;
  return fromExpiresIn(input) ?? fromJwt(input) ?? fromFixed(input) ?? NONE;
}

function fromExpiresIn({ receivedAtMs, expiresInSeconds }: ExpiryInput): TokenExpiry | undefined {
  if (expiresInSeconds === undefined || !(expiresInSeconds > 0)) return undefined;
  return relative('expires_in', receivedAtMs, expiresInSeconds * 1000);
}

function fromJwt({ receivedAtMs, jwt }: ExpiryInput): TokenExpiry | undefined {
  if (jwt === undefined) return undefined;
  const absoluteMs = jwt.expSeconds * 1000;
  const relativeMs =
    jwt.iatSeconds !== undefined && jwt.expSeconds > jwt.iatSeconds
      ? receivedAtMs + (jwt.expSeconds - jwt.iatSeconds) * 1000
      : undefined;
  let expiresAtMs: number;
  if (absoluteMs > receivedAtMs) {
    expiresAtMs = relativeMs === undefined ? absoluteMs : Math.min(absoluteMs, relativeMs);
  } else if (relativeMs !== undefined) {
    expiresAtMs = relativeMs;
  } else {
    return undefined;
  }
  return { source: 'jwt', expiresAtMs, lifetimeMs: expiresAtMs - receivedAtMs };
}

function fromFixed({ receivedAtMs, settings }: ExpiryInput): TokenExpiry | undefined {
  const { lifetimeSeconds } = settings;
  if (lifetimeSeconds === null || !(lifetimeSeconds > 0)) return undefined;
  return relative('fixed', receivedAtMs, lifetimeSeconds * 1000);
}

function relative(source: ExpirySource, receivedAtMs: number, lifetimeMs: number): TokenExpiry {
  return { source, expiresAtMs: receivedAtMs + lifetimeMs, lifetimeMs };
}

export interface SessionExpiryInput {
  /** The session cookie as last set by the server. */
  cookie: SessionCookie;
  /** The session's known idle timeout (`session.lifetimeSeconds`); null: unknown. */
  idleSeconds: number | null;
  /** When the server last answered a request made with the session, the login included. */
  usedAtMs: number;
}

/**
 * A session's expiry: the earlier of the session cookie's end (a client that keeps sending an
 * ended cookie is rejected, and k6's jar drops it anyway) and the idle timeout counted from the
 * last use. Each keeps its own lifetime (the cookie's `Max-Age`, the idle timeout), so the renewal
 * leeway is capped by the lifetime the server gave, not by the time left. Undefined when neither
 * is known: a browser-session cookie without a known idle timeout.
 */
export function computeSessionExpiry(input: SessionExpiryInput): TokenExpiry | undefined {
  const { cookie, idleSeconds, usedAtMs } = input;
  const idleMs = idleSeconds !== null && idleSeconds > 0 ? idleSeconds * 1000 : null;
  const cookieEndMs = cookie.expiresAtMs;
  if (idleMs !== null && (cookieEndMs === null || usedAtMs + idleMs < cookieEndMs)) {
    return relative('idle', usedAtMs, idleMs);
  }
  if (cookieEndMs === null) return undefined;
  return { source: 'cookie', expiresAtMs: cookieEndMs, lifetimeMs: cookieEndMs - cookie.setAtMs };
}

export interface RefreshPlanInput {
  expiry: TokenExpiry;
  leewaySeconds: number;
  jitterSeconds: number;
  /** Uniform in [0, 1); injected so tests can pin it. */
  random: () => number;
}

/**
 * The moment to renew a token (refresh it, or log in again when there is no refresh token):
 * `expiresAt − leeway − U(0, jitter)`. Drawn once per token, so VUs that logged in together spread
 * their refreshes out instead of all hitting the refresh endpoint in the same second.
 *
 * Leeway and jitter together never take more than half the token's lifetime: with a 1-second token
 * and a 30-second leeway, renewing "30 s before expiry" would mean renewing on every request. When
 * they would, both shrink in proportion, so the spread survives. Null when the expiry is unknown.
 */
export function planRenewAtMs(input: RefreshPlanInput): number | null {
  const { expiresAtMs, lifetimeMs } = input.expiry;
  if (expiresAtMs === null || lifetimeMs === null) return null;
  let leewayMs = Math.max(0, input.leewaySeconds) * 1000;
  let jitterMs = Math.max(0, input.jitterSeconds) * 1000;
  const capMs = lifetimeMs / 2;
  if (leewayMs + jitterMs > capMs) {
    const scale = capMs / (leewayMs + jitterMs);
    leewayMs *= scale;
    jitterMs *= scale;
  }
  return expiresAtMs - leewayMs - input.random() * jitterMs;
}

/** True once the renewal moment has come (RFC 6749 §6: refresh before the access token expires). */
export function isRenewDue(renewAtMs: number | null, nowMs: number): boolean {
  return renewAtMs !== null && nowMs >= renewAtMs;
}
