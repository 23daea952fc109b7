/**
 * A VU's credentials and the decisions around them, as plain data: when to log in, refresh or log
 * in again before a request, and what to do when the server rejects one. lib/k6 carries the
 * decisions out; every one of them is tested here with a frozen clock.
 */

import { computeTokenExpiry, isRenewDue, planRenewAtMs, type TokenExpiry } from './expiry.ts';
import type { JwtTimes } from './jwt.ts';
import type { AuthMode, ExpirySettings } from './profile.ts';
import type { TokenSet } from './responses.ts';

export interface AuthState {
  /** False until the first successful login, and again once the credentials are known lost. */
  authenticated: boolean;
  /**
   * Bumped by every successful login and refresh. A request remembers the generation it was sent
   * with; when it is rejected, only a request whose generation is still current renews the
   * credentials. Parallel requests rejected together therefore share one refresh, and a refresh
   * token is never sent twice (RFC 6749 §10.4 rotation treats that as theft).
   */
  generation: number;
  accessToken?: string;
  refreshToken?: string;
  expiry: TokenExpiry;
  /** When to renew (refresh, or log in again without a refresh token); null: only on rejection. */
  renewAtMs: number | null;
  /** Successful logins so far; every one after the first is a re-login. */
  logins: number;
}

export function initialAuthState(): AuthState {
  return {
    authenticated: false,
    generation: 0,
    expiry: { source: 'none', expiresAtMs: null, lifetimeMs: null },
    renewAtMs: null,
    logins: 0,
  };
}

/** What a request needs first. */
export type PreRequestAction = 'send' | 'login' | 'refresh' | 'relogin';

/**
 * Before a request: log in if the VU never has (or lost its credentials), renew if the renewal
 * moment has passed (refresh when there is a refresh token, else log in again), else send.
 * Session mode renews only on rejection unless a lifetime is configured: a server session's
 * idle timeout is invisible to the client.
 */
export function decideBeforeRequest(
  mode: AuthMode,
  state: AuthState,
  nowMs: number,
): PreRequestAction {
  if (!state.authenticated) return state.logins === 0 ? 'login' : 'relogin';
  if (!isRenewDue(state.renewAtMs, nowMs)) return 'send';
  return mode === 'dual' && state.refreshToken !== undefined ? 'refresh' : 'relogin';
}

/** What to do with a protected response that says "credentials expired or revoked". */
export type RejectionAction =
  /** Someone else (a parallel request) already renewed since this one was sent: just retry. */
  'retry' | 'refresh' | 'relogin';

/**
 * On an expired rejection (RFC 6750 §3.1 `invalid_token`, or a redirect to the login page) of a
 * first try. The caller renews at most once and retries at most once: a rejected retry is final
 * (the server may reject every token; a loop would be a denial of service against it).
 */
export function decideOnRejection(
  mode: AuthMode,
  state: AuthState,
  sentWithGeneration: number,
): RejectionAction {
  if (state.generation !== sentWithGeneration && state.authenticated) return 'retry';
  return mode === 'dual' && state.refreshToken !== undefined ? 'refresh' : 'relogin';
}

export interface TokenUpdate {
  /** From `parseTokenResponse`; absent in session mode. */
  tokens?: TokenSet;
  /** When the response arrived (local clock). */
  receivedAtMs: number;
  /** The access token's JWT times, when it is a JWT with `exp`. */
  jwt?: JwtTimes;
  expiry: ExpirySettings;
  random: () => number;
}

/**
 * The state after a successful login. A login replaces everything: a refresh token from an
 * earlier login belongs to a server-side grant that may be gone.
 */
export function applyLogin(state: AuthState, update: TokenUpdate): AuthState {
  const next: AuthState = {
    ...renewed(state, update),
    logins: state.logins + 1,
  };
  delete next.refreshToken;
  if (update.tokens?.refreshToken !== undefined) next.refreshToken = update.tokens.refreshToken;
  return next;
}

/**
 * The state after a successful refresh (RFC 6749 §6). A rotated refresh token replaces the old
 * one (§10.4); an answer without one keeps the old one (§6: the server "MAY issue a new
 * refresh token").
 */
export function applyRefresh(state: AuthState, update: TokenUpdate): AuthState {
  const next = renewed(state, update);
  if (update.tokens?.refreshToken !== undefined) next.refreshToken = update.tokens.refreshToken;
  return next;
}

/** The state once the credentials are known to be lost (refresh refused, login failed). */
export function applyLoss(state: AuthState): AuthState {
  const next: AuthState = {
    ...state,
    authenticated: false,
    expiry: { source: 'none', expiresAtMs: null, lifetimeMs: null },
    renewAtMs: null,
  };
  delete next.accessToken;
  delete next.refreshToken;
  return next;
}

function renewed(state: AuthState, update: TokenUpdate): AuthState {
  const expiryInput: Parameters<typeof computeTokenExpiry>[0] = {
    settings: update.expiry,
    receivedAtMs: update.receivedAtMs,
  };
  if (update.tokens?.expiresInSeconds !== undefined) {
    expiryInput.expiresInSeconds = update.tokens.expiresInSeconds;
  }
  if (update.jwt !== undefined) expiryInput.jwt = update.jwt;
  const expiry = computeTokenExpiry(expiryInput);
  const next: AuthState = {
    ...state,
    authenticated: true,
    generation: state.generation + 1,
    expiry,
    renewAtMs: planRenewAtMs({
      expiry,
      leewaySeconds: update.expiry.leewaySeconds,
      jitterSeconds: update.expiry.jitterSeconds,
      random: update.random,
    }),
  };
  delete next.accessToken;
  if (update.tokens !== undefined) next.accessToken = update.tokens.accessToken;
  return next;
}
