/**
 * The renewal engine: a VU's credentials and every decision around them, as plain data and pure
 * functions, whatever the auth mode. The clock (`nowMs`) and the randomness (`random`) are
 * arguments: every branch is tested with a frozen clock.
 *
 * The life of a VU, top-down (lib/k6/auth-client.ts and lib/k6/credential-keeper.ts carry it out):
 * 1. Before each request, `planBeforeRequest`: send, or renew first (log in, refresh, log in
 *    again), counting a hold-off after failed attempts and a refresh outage.
 * 2. A renewal by login: `mayLogIn` (never again after a refusal), `planLogin` (the cookie jar),
 *    then `runAttempts` (./attempts.ts) retries `walkLogin`, the mode plug-in's steps
 *    (lib/core/auth/modes/), each answer deciding the next; after each failed attempt
 *    `decideAfterFailure` says retry, give up, or (a refused refresh) log in instead. On success
 *    `applyAttemptSuccess`, then `toTokenUpdate` and `applyLogin`; on a refusal `refusalStopsTest`
 *    and `refusalStopMessage` may stop the whole test.
 * 3. A renewal by refresh: `runAttempts` of the mode's refresh request, then `applyRefresh`; a
 *    refused refresh loses the credentials (`applyLoss`) and logs in (2).
 * 4. After a protected answer: a rejection gets `planOnRejection` (retry, refresh or log in, once);
 *    any other answer in session mode may move the session's end (`applySessionUse`).
 * 5. At logout: `planLogout`, then `applyLogout`.
 */
import { classifyFailure, decideRetry, type FailureKind } from './backoff.ts';
import type { SessionCookie } from './cookie-expiry.ts';
import {
  computeSessionExpiry,
  computeTokenExpiry,
  isRenewDue,
  planRenewAtMs,
  type TokenExpiry,
} from './expiry.ts';
import type { JwtTimes } from './jwt.ts';
import type { ExpirySettings, RetrySettings } from './profile.ts';
import type { TokenSet } from './responses.ts';

/** How a mode renews its credentials: the engine's only knowledge of the mode. */
export interface RenewalPolicy {
  /**
   * `refresh`: with the held refresh token while there is one (RFC 6749 §6), else by a new login.
   * `login`: always by a new login (session, a bare bearer token, and client credentials, whose
   * "login" is the token request itself, RFC 6749 §4.4.3: no refresh token).
   */
  renewBy: 'refresh' | 'login';
  /**
   * A new login starts from an empty cookie jar (session mode): stale session cookies must not
   * ride along with the new ones.
   */
  freshJarPerLogin: boolean;
}

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
  /** Session mode, once logged in: what the session's end is computed from. */
  session?: SessionTiming;
  /**
   * Successful logins since the VU started or last logged out; every one after the first is a
   * re-login (credentials replaced because they expired or were lost, not given up on purpose).
   */
  logins: number;
}

/** What says when a session ends: its cookie as last set, and the known idle timeout. */
export interface SessionTiming {
  cookie: SessionCookie;
  /** `session.lifetimeSeconds`, counted from the last answered request; null: unknown. */
  idleSeconds: number | null;
}

/** The VU's failed login and refresh attempts, which outlive an iteration. */
export interface RetryState {
  /** Failed attempts in a row, across iterations: the back-off keeps growing while they fail. */
  failureStreak: number;
  /** No login or refresh attempt before this time (epoch ms), after one gave up; 0: none. */
  holdOffUntilMs: number;
  /**
   * The server refused the account itself (a 400/401/403, a login form shown again): it is never
   * tried again by this VU. Retrying a wrong password locks accounts at a real identity provider.
   */
  loginRefused: boolean;
  /**
   * A refresh outage: `ongoing` once a refresh gave up (kept failing: 5xx, timeouts) since the
   * last successful refresh. Once the access token has expired too, the VU logs in again instead
   * of waiting for the refresh endpoint, once per outage (then `fell-back`): a long outage must
   * not turn into a login every token lifetime. A successful refresh ends it (`none`).
   */
  refreshOutage: 'none' | 'ongoing' | 'fell-back';
  /**
   * The VU's account has logged in during this test: a later refusal (a password changed or an
   * account locked mid-run) stops this VU, where a refusal before that stops the test.
   */
  accountWorked: boolean;
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

export function initialRetryState(): RetryState {
  return {
    failureStreak: 0,
    holdOffUntilMs: 0,
    loginRefused: false,
    refreshOutage: 'none',
    accountWorked: false,
  };
}

/** May the VU try to log in at all? Not once the server refused its account. */
export function mayLogIn(retry: RetryState): boolean {
  return !retry.loginRefused;
}

/**
 * Must the whole test stop? Yes once the server refused a login that had to work: an account
 * that VUs share (`-e SHARE_ACCOUNTS=true`), which every other VU would try in turn, or an account
 * that has not logged in yet in this test. A refusal at the first login is a misconfiguration (a
 * wrong password or pool, a `BASE_URL` or login path that leads elsewhere), not an outage: the VU
 * would send nothing for the rest of the test, and k6 shares no memory between VUs to tell the
 * others, so only stopping the test keeps the accounts from being locked and the results honest.
 */
export function refusalStopsTest(retry: RetryState, accountShared: boolean): boolean {
  return retry.loginRefused && (accountShared || !retry.accountWorked);
}

/** What `refusalStopMessage` says a refused login was. */
export interface RefusedLogin {
  /** The account's user name; '' for a mode without accounts (client credentials). */
  username: string;
  accountShared: boolean;
  /** The status of the refusing answer, and where the request went. */
  status: number;
  url: string;
  /** Why the answer was no login, when its status does not say (`StepFailure.reason`). */
  reason?: string;
}

/** The message the test stops with after `refusalStopsTest`: what was refused, what to check. */
export function refusalStopMessage(refused: RefusedLogin): string {
  const { username, status } = refused;
  if (status === 404 || status === 405 || status === 410) {
    return `the login request to ${refused.url} answered ${status}, so no login can work; expected the login endpoint there: check BASE_URL and the profile's login path (-e LOGIN_PATH, or the OAuth endpoints)`;
  }
  const who = username === '' ? 'the client credentials' : `the login of ${username}`;
  const answer = refused.reason === undefined ? `${status}` : `${status} (${refused.reason})`;
  if (refused.accountShared) {
    return `the server refused ${who}, an account VUs share (-e SHARE_ACCOUNTS=true), with ${answer}; the test stops so that no other VU tries it: fix its password, or give each VU an account of its own`;
  }
  const check =
    username === ''
      ? 'check CLIENT_ID and CLIENT_SECRET'
      : "check the account's password in the credentials, and that BASE_URL and the profile lead to the right login";
  return `the server refused ${who} with ${answer} before it had logged in once; the test stops so that no VU runs without credentials and no account is tried again: ${check}`;
}

/** Before a request: send it, or renew the credentials first. */
export type BeforeRequestPlan = { kind: 'send' } | { kind: 'renew'; action: RenewAction };

export type RenewAction = 'login' | 'refresh' | 'relogin';

/**
 * Before a request: log in if the VU never has (or lost its credentials), renew if the renewal
 * moment has passed (refresh when the mode can and there is a refresh token, else log in again),
 * else send. Credentials without a known lifetime (a browser-session cookie and no
 * `session.lifetimeSeconds`) are renewed only on rejection. While a failed renewal holds off,
 * credentials that have not expired yet keep being used rather than renewed (the renewal waits
 * for the hold-off to end); credentials that are missing or expired are renewed, after the
 * hold-off's wait.
 */
export function planBeforeRequest(
  policy: RenewalPolicy,
  state: AuthState,
  retry: RetryState,
  nowMs: number,
): BeforeRequestPlan {
  if (!state.authenticated) {
    return { kind: 'renew', action: state.logins === 0 ? 'login' : 'relogin' };
  }
  if (!isRenewDue(state.renewAtMs, nowMs)) return { kind: 'send' };
  const unexpired = isUnexpired(state, nowMs);
  if (nowMs < retry.holdOffUntilMs && unexpired) return { kind: 'send' };
  // A refresh that kept failing gives way to a new login once the access token has expired: it
  // cannot serve any more, and waiting for the refresh endpoint would stop protected traffic for
  // as long as that is down. The login is bounded like every attempt (retries, then a hold-off).
  const refresh = canRefresh(policy, state) && !(retry.refreshOutage === 'ongoing' && !unexpired);
  return { kind: 'renew', action: refresh ? 'refresh' : 'relogin' };
}

/**
 * After a failed renewal: may the current credentials still be sent? Yes while they have not
 * expired (renewing ahead of expiry failed, but the old token or session still serves until it
 * ends); never when the expiry is unknown or the credentials are lost.
 */
export function isUnexpired(state: AuthState, nowMs: number): boolean {
  const { expiresAtMs } = state.expiry;
  return state.authenticated && expiresAtMs !== null && nowMs < expiresAtMs;
}

/** How long to wait before a login or refresh attempt: the rest of the hold-off, or 0. */
export function holdOffWaitMs(retry: RetryState, nowMs: number): number {
  return Math.max(0, retry.holdOffUntilMs - nowMs);
}

/** What to do with a protected response that says "credentials expired or revoked". */
export type RejectionAction =
  /** Someone else (a parallel request) already renewed since this one was sent: just retry. */
  'retry' | 'refresh' | 'relogin';

/**
 * On an expired rejection (RFC 6750 §3.1 `invalid_token`, or a redirect to the login page) of a
 * first try. The caller renews at most once and retries at most once: a rejected retry is final
 * (the server may reject every token; a loop would be a denial of service against it). A
 * rejection answered by a new login means the credentials are lost (the server said so), so they
 * are dropped before it.
 */
export function planOnRejection(
  policy: RenewalPolicy,
  state: AuthState,
  sentWithGeneration: number,
  retry: RetryState,
): { action: RejectionAction; state: AuthState } {
  if (state.generation !== sentWithGeneration && state.authenticated) {
    return { action: 'retry', state };
  }
  // The server rejected the token: expired for it, so a refresh that kept failing gives way to a
  // new login, as before a request once the token expired (planBeforeRequest).
  if (canRefresh(policy, state) && retry.refreshOutage !== 'ongoing') {
    return { action: 'refresh', state };
  }
  return { action: 'relogin', state: applyLoss(state) };
}

/** How to run a login: counted as a re-login or not, and what to do with the cookie jar. */
export interface LoginPlan {
  isRelogin: boolean;
  /** Start from an empty cookie jar. */
  freshJar: boolean;
  /**
   * If the login fails, go back to the jar from before: renewing ahead of expiry failed, but the
   * old session may still serve until it ends.
   */
  restoreJarOnFailure: boolean;
}

export function planLogin(policy: RenewalPolicy, state: AuthState): LoginPlan {
  const isRelogin = state.logins > 0;
  const freshJar = isRelogin && policy.freshJarPerLogin;
  return { isRelogin, freshJar, restoreJarOnFailure: freshJar && state.authenticated };
}

/** What happened to one login or refresh attempt that failed. */
export interface FailedAttemptInput {
  what: 'login' | 'refresh';
  /** Status of the failing response; 0 when there was none. */
  status: number;
  retryAfter?: string;
  /** Attempts made so far for this login or refresh, this one included (1-based). */
  attempt: number;
}

export type FailureDecision =
  /** Transient: wait `delayMs`, then try again. */
  | { kind: 'retry'; delayMs: number; retry: RetryState }
  /**
   * A refresh the server refused (RFC 6749 §5.2 `invalid_grant`: revoked, expired, a restarted
   * server): routine; the credentials are lost and only a new login helps, which must not wait
   * for a back-off, so the failure streak does not grow.
   */
  | { kind: 'refused-refresh'; retry: RetryState }
  /**
   * No more attempts: the iteration fails, and the VU holds off until `retry.holdOffUntilMs`; a
   * login the server refused (`retry.loginRefused`) is never attempted again.
   */
  | { kind: 'give-up'; failure: FailureKind; reason: string; retry: RetryState };

/**
 * After a failed login or refresh attempt: retry after a delay (exponential back-off with full
 * jitter, or `Retry-After`), give up and hold off, or (a refused refresh) go straight to a login.
 */
export function decideAfterFailure(
  retry: RetryState,
  failed: FailedAttemptInput,
  settings: RetrySettings,
  nowMs: number,
  random: () => number,
): FailureDecision {
  if (failed.what === 'refresh' && classifyFailure(failed.status) === 'refused') {
    return { kind: 'refused-refresh', retry };
  }
  const failureStreak = retry.failureStreak + 1;
  const input = { status: failed.status, attempt: failed.attempt, failureStreak };
  const decision = decideRetry(
    failed.retryAfter === undefined ? input : { ...input, retryAfter: failed.retryAfter },
    settings,
    nowMs,
    random,
  );
  if (decision.retry) {
    return { kind: 'retry', delayMs: decision.delayMs, retry: { ...retry, failureStreak } };
  }
  const loginRefused = failed.what === 'login' && decision.kind === 'refused';
  return {
    kind: 'give-up',
    failure: decision.kind,
    reason: loginRefused
      ? `${decision.reason}; this account is not tried again by this VU`
      : decision.reason,
    retry: {
      failureStreak,
      holdOffUntilMs: nowMs + decision.holdOffMs,
      loginRefused: retry.loginRefused || loginRefused,
      refreshOutage:
        failed.what === 'refresh' && retry.refreshOutage === 'none'
          ? 'ongoing'
          : retry.refreshOutage,
      accountWorked: retry.accountWorked,
    },
  };
}

/**
 * After a successful login or refresh: the streak and the hold-off are over. A refresh ends a
 * refresh outage; a login during one uses its fallback and keeps the outage on record.
 */
export function applyAttemptSuccess(retry: RetryState, what: 'login' | 'refresh'): RetryState {
  // A refresh needs an earlier login, so either success means the account has worked.
  const next = { ...initialRetryState(), accountWorked: true };
  if (what === 'login' && retry.refreshOutage !== 'none')
    return { ...next, refreshOutage: 'fell-back' };
  return next;
}

/** What `applyLogin` and `applyRefresh` need from a successful answer. */
export interface TokenUpdate {
  /** From `parseTokenResponse`; absent in session mode. */
  tokens?: TokenSet;
  /** When the response arrived (local clock). */
  receivedAtMs: number;
  /** The access token's JWT times, when it is a JWT with `exp`. */
  jwt?: JwtTimes;
  /** Session mode: the session cookie the login set, and the known idle timeout. */
  session?: SessionTiming;
  expiry: ExpirySettings;
  random: () => number;
}

/**
 * The `TokenUpdate` for an answer. The access token's JWT is decoded (by `readJwtTimes`, which
 * the mode provides) only when its `exp` can be used: with `source: 'jwt'`, or `auto` without
 * `expires_in`. Decoding costs CPU on every renewal.
 */
export function toTokenUpdate(
  answer: { tokens?: TokenSet; session?: SessionTiming },
  receivedAtMs: number,
  expiry: ExpirySettings,
  random: () => number,
  readJwtTimes?: (accessToken: string) => JwtTimes | undefined,
): TokenUpdate {
  const update: TokenUpdate = { receivedAtMs, expiry, random };
  if (answer.session !== undefined) update.session = answer.session;
  const { tokens } = answer;
  if (tokens === undefined) return update;
  update.tokens = tokens;
  const needsJwt =
    expiry.source === 'jwt' || (expiry.source === 'auto' && tokens.expiresInSeconds === undefined);
  const jwt = needsJwt ? readJwtTimes?.(tokens.accessToken) : undefined;
  if (jwt !== undefined) update.jwt = jwt;
  return update;
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
  delete next.session;
  return next;
}

/** A protected request answered with the session (not a rejection). */
export interface SessionUse {
  /** When the answer arrived (local clock). */
  atMs: number;
  /** The session cookie, when the answer set it again (a sliding session, or a deletion). */
  cookie?: SessionCookie;
}

/**
 * After a protected answer in session mode: the session's end moves when the answer set the
 * session cookie again (a sliding session's later `Max-Age`/`Expires`, or a deletion, which makes
 * the renewal due at once) and, with a known idle timeout, with every answer. The renewal is
 * planned again with the same leeway and jitter as at login; the credentials stay the same (no new
 * generation). Unchanged outside session mode, once the session is lost, and when nothing about
 * its end is known.
 */
export function applySessionUse(
  state: AuthState,
  use: SessionUse,
  settings: Pick<ExpirySettings, 'leewaySeconds' | 'jitterSeconds'>,
  random: () => number,
): AuthState {
  if (!state.authenticated || state.session === undefined) return state;
  const session =
    use.cookie === undefined ? state.session : { ...state.session, cookie: use.cookie };
  const expiry = computeSessionExpiry({ ...session, usedAtMs: use.atMs });
  if (expiry === undefined) return { ...state, session };
  const renewAtMs = planRenewAtMs({ expiry, ...pickLeeway(settings), random });
  return { ...state, session, expiry, renewAtMs };
}

/** What a logout does: send the mode's logout request or not, and what to do with the jar. */
export interface LogoutPlan {
  /** Only credentials that are held can be logged out on the server. */
  send: boolean;
  /** Start from an empty cookie jar, so the ended session's cookie cannot ride along. */
  freshJar: boolean;
}

export function planLogout(policy: RenewalPolicy, state: AuthState): LogoutPlan {
  return { send: state.authenticated, freshJar: policy.freshJarPerLogin };
}

/**
 * The state after a logout, whatever the server answered: the VU gave its credentials up on
 * purpose, so the next request logs in again, and that login counts as a login, not a re-login
 * (`auth_relogins` counts credentials lost to expiry or revocation, which a churn scenario's
 * logouts must not inflate).
 */
export function applyLogout(state: AuthState): AuthState {
  return { ...applyLoss(state), logins: 0 };
}

function canRefresh(policy: RenewalPolicy, state: AuthState): boolean {
  return policy.renewBy === 'refresh' && state.refreshToken !== undefined;
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
  const { session } = update;
  // A session whose end is unknown keeps the token rules: `expiry.lifetimeSeconds` from login.
  const expiry =
    (session && computeSessionExpiry({ ...session, usedAtMs: update.receivedAtMs })) ??
    computeTokenExpiry(expiryInput);
  const next: AuthState = {
    ...state,
    authenticated: true,
    generation: state.generation + 1,
    expiry,
    renewAtMs: planRenewAtMs({ expiry, ...pickLeeway(update.expiry), random: update.random }),
  };
  delete next.accessToken;
  if (update.tokens !== undefined) next.accessToken = update.tokens.accessToken;
  delete next.session;
  if (session !== undefined) next.session = session;
  return next;
}

function pickLeeway(settings: Pick<ExpirySettings, 'leewaySeconds' | 'jitterSeconds'>) {
  return { leewaySeconds: settings.leewaySeconds, jitterSeconds: settings.jitterSeconds };
}
