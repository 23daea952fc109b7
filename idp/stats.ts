/**
 * The IdP's counters for tests and `npm start` (`GET /__stats`): what the login pages saw and
 * what oidc-provider reported through its events (docs/events.md of oidc-provider). Counting only:
 * no token, code, password or secret is ever kept here.
 */
import type Provider from 'oidc-provider';

/** Failed logins for user names that are no demo account share this key (bounded memory). */
export const UNKNOWN_ACCOUNT = '(unknown)';

export interface IdpStatsSnapshot {
  /** `GET /auth` requests (authorization requests, not their `/auth/<uid>` resumes). */
  authorizeRequests: number;
  /** Authorization requests finished with a code sent to the redirect URI. */
  authorizationsSucceeded: number;
  /** oidc-provider's `authorization.error` (bad client, redirect URI, PKCE parameters…). */
  authorizationErrors: number;
  /** Login forms rendered: the first one of an interaction and each re-render after a failure. */
  loginPagesShown: number;
  loginsSucceeded: number;
  loginsSucceededByAccount: Record<string, number>;
  loginsFailed: number;
  /** Per demo account; any other user name counts under {@link UNKNOWN_ACCOUNT}. */
  loginsFailedByAccount: Record<string, number>;
  /** Form posts whose hidden CSRF token or uid did not match the interaction. */
  csrfRejected: number;
  /** Interaction pages that found no interaction (cookie missing, expired, wrong step). */
  interactionErrors: number;
  consentPagesShown: number;
  consentsGiven: number;
  consentsDenied: number;
  /** Grants made without a consent page (CONSENT off). */
  consentsSkipped: number;
  /** Successful `authorization_code` grants at the token endpoint. */
  codeExchanges: number;
  /** Successful `refresh_token` grants. */
  refreshes: number;
  /** A rotated (consumed) refresh token presented again: refused, and its grant revoked. */
  refreshTokenReuse: number;
  /** Token requests refused, by OAuth error code (RFC 6749 §5.2), e.g. `invalid_grant`. */
  tokenErrors: Record<string, number>;
  /** Code exchanges refused because the PKCE `code_verifier` did not match (RFC 7636 §4.6). */
  pkceFailures: number;
  /** Grants revoked with all their tokens (refresh token reuse, code reuse). */
  grantsRevoked: number;
  /** Successful `client_credentials` grants. */
  clientCredentialsTokens: number;
  protectedOk: number;
  protectedUnauthorized: number;
  /** oidc-provider's `server_error` events and exceptions in the IdP's own routes. */
  serverErrors: number;
}

export interface IdpStats {
  snapshot(): IdpStatsSnapshot;
  reset(): void;
  authorizeRequest(): void;
  loginPageShown(): void;
  loginSucceeded(accountId: string): void;
  loginFailed(username: string, isAccount: (name: string) => boolean): void;
  csrfRejected(): void;
  interactionError(): void;
  consentPageShown(): void;
  consentGiven(): void;
  consentDenied(): void;
  consentSkipped(): void;
  protectedAnswered(ok: boolean): void;
  /** An exception in the IdP's own routes (login, consent, protected API). */
  serverError(): void;
  /** Subscribes the counters to `provider`'s events. */
  listenTo(provider: Provider): void;
}

function emptySnapshot(): IdpStatsSnapshot {
  return {
    authorizeRequests: 0,
    authorizationsSucceeded: 0,
    authorizationErrors: 0,
    loginPagesShown: 0,
    loginsSucceeded: 0,
    loginsSucceededByAccount: {},
    loginsFailed: 0,
    loginsFailedByAccount: {},
    csrfRejected: 0,
    interactionErrors: 0,
    consentPagesShown: 0,
    consentsGiven: 0,
    consentsDenied: 0,
    consentsSkipped: 0,
    codeExchanges: 0,
    refreshes: 0,
    refreshTokenReuse: 0,
    tokenErrors: {},
    pkceFailures: 0,
    grantsRevoked: 0,
    clientCredentialsTokens: 0,
    protectedOk: 0,
    protectedUnauthorized: 0,
    serverErrors: 0,
  };
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Fresh counters, all zero. */
export function createIdpStats(): IdpStats {
  let s = emptySnapshot();
  return {
    snapshot: () => structuredClone(s),
    reset: () => {
      s = emptySnapshot();
    },
    authorizeRequest: () => {
      s.authorizeRequests += 1;
    },
    loginPageShown: () => {
      s.loginPagesShown += 1;
    },
    loginSucceeded: (accountId) => {
      s.loginsSucceeded += 1;
      increment(s.loginsSucceededByAccount, accountId);
    },
    loginFailed: (username, isAccount) => {
      s.loginsFailed += 1;
      increment(s.loginsFailedByAccount, isAccount(username) ? username : UNKNOWN_ACCOUNT);
    },
    csrfRejected: () => {
      s.csrfRejected += 1;
    },
    interactionError: () => {
      s.interactionErrors += 1;
    },
    consentPageShown: () => {
      s.consentPagesShown += 1;
    },
    consentGiven: () => {
      s.consentsGiven += 1;
    },
    consentDenied: () => {
      s.consentsDenied += 1;
    },
    consentSkipped: () => {
      s.consentsSkipped += 1;
    },
    protectedAnswered: (ok) => {
      if (ok) s.protectedOk += 1;
      else s.protectedUnauthorized += 1;
    },
    serverError: () => {
      s.serverErrors += 1;
    },
    listenTo(provider) {
      provider.on('authorization.success', () => {
        s.authorizationsSucceeded += 1;
      });
      provider.on('authorization.error', () => {
        s.authorizationErrors += 1;
      });
      provider.on('grant.success', (ctx) => {
        const grantType = ctx.oidc.params?.grant_type;
        if (grantType === 'authorization_code') s.codeExchanges += 1;
        else if (grantType === 'refresh_token') s.refreshes += 1;
        else if (grantType === 'client_credentials') s.clientCredentialsTokens += 1;
      });
      provider.on('grant.error', (ctx, error) => {
        increment(s.tokenErrors, error.error ?? error.message);
        const grantType = ctx.oidc.params?.grant_type;
        // oidc-provider loads the presented refresh token before it refuses a consumed one, and
        // swaps in the new token once it rotates: a consumed token here is a reuse.
        if (grantType === 'refresh_token' && ctx.oidc.entities.RefreshToken?.consumed) {
          s.refreshTokenReuse += 1;
        }
        if (grantType === 'authorization_code' && isPkceMismatch(error)) s.pkceFailures += 1;
      });
      provider.on('grant.revoked', () => {
        s.grantsRevoked += 1;
      });
      provider.on('server_error', () => {
        s.serverErrors += 1;
      });
    },
  };
}

/** oidc-provider wraps a failed PKCE check in `invalid_grant` with the check's error as `cause`. */
function isPkceMismatch(error: Error): boolean {
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error && /code_verifier|code_challenge/.test(cause.message);
}
