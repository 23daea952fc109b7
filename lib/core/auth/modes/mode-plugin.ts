/**
 * The one interface every auth mode implements: pure functions that build requests as plain data
 * and read responses (oauth4webapi's split). lib/k6/auth-client.ts is generic: it sends what a
 * mode builds, and the renewal engine (lib/core/auth/engine.ts) decides when; lib/k6/auth-mode.ts
 * picks the plug-in of the run's mode.
 *
 * A login is a bounded walk of steps: the mode gives the first request; given each response it
 * gives the next request, or says done (with tokens, or with the session in the cookie jar), or
 * failed. The CSRF step before a form login is one such step; an OIDC authorization-code walk
 * (authorize → login form → consent → redirect → token exchange) is five, carrying its `state`
 * and PKCE verifier in `LoginWalk.carry`. Client credentials (RFC 6749 §4.4) is a one-step login
 * whose renewal is the same token request: `policy.renewBy: 'login'`.
 */
import type { RequestSpec, ResponseView } from '../../http-types.ts';
import type { RenewalPolicy, SessionTiming } from '../engine.ts';
import type { Base64UrlDecoder, JwtTimes } from '../jwt.ts';
import type { AuthMode, Credentials, TargetProfile } from '../profile.ts';
import type { TokenSet } from '../responses.ts';

/** The credentials a VU holds (the engine's `AuthState` is one); a session's live in the jar. */
export interface HeldCredentials {
  accessToken?: string;
  refreshToken?: string;
}

/** Where a login walk is: plain data the mode hands itself from one step to the next. */
export interface LoginWalk {
  /** The mode's name for the step whose request was just sent ("csrf", "login", "authorize"…). */
  step: string;
  /** Values found on the way and needed later: a CSRF token, an OIDC `state`, a PKCE verifier. */
  carry: Record<string, string>;
}

/** Why a login, refresh or logout failed, without any secret in it. */
export interface StepFailure {
  kind: 'failed';
  /** `what; reason: expected X, got Y`; absent when the status says it all (a refused login). */
  reason?: string;
  /**
   * The OAuth error code of the answer (RFC 6749 §5.2), or the toolkit's code (lib/core/errors.ts)
   * when no request could be built; safe to log.
   */
  errorCode?: string;
}

/** The next request of a login walk, and where the walk will be once it is answered. */
export interface LoginRequestStep {
  kind: 'send';
  request: RequestSpec;
  walk: LoginWalk;
  /**
   * Read the answer's HTML into `ResponseView.page`, marking each form with the roles (keys)
   * whose CSS selector (values) it matches; absent: the body is not parsed.
   */
  readPage?: Readonly<Record<string, string>>;
}

/**
 * What a walk needs from the runtime, injected so lib/core stays pure: random URL-safe text
 * (a PKCE verifier, `state`, `nonce`), SHA-256 (RFC 7636 S256), and base64url decoding (an ID
 * token's claims).
 */
export interface WalkTools {
  /** `bytes` random bytes as unpadded base64url. */
  randomUrlSafe(bytes: number): string;
  /** SHA-256 of the text's UTF-8 bytes, as unpadded base64url. */
  sha256Url(text: string): string;
  decode: Base64UrlDecoder;
}

export type LoginStep =
  | LoginRequestStep
  /**
   * Logged in: tokens in token and dual mode; in session mode the jar holds the session, and
   * `session` says when it ends.
   */
  | { kind: 'done'; tokens?: TokenSet; session?: SessionTiming }
  | StepFailure;

export type RenewalAnswer = { kind: 'done'; tokens: TokenSet } | StepFailure;

export interface AuthModePlugin {
  readonly mode: AuthMode;
  readonly policy: RenewalPolicy;
  /** False when the mode logs in without a user account (client credentials). */
  readonly usesAccounts: boolean;
  /** Requests one login walk may send (`walkLogin` in lib/core/auth/attempts.ts stops there). */
  maxLoginRequests(profile: TargetProfile): number;
  /**
   * The login walk's first request. Neither this nor `continueLogin` throws: a request that cannot
   * be built (an endpoint neither the profile nor discovery gave) is a `StepFailure`, as a refused
   * answer is.
   */
  startLogin(
    profile: TargetProfile,
    credentials: Credentials,
    tools: WalkTools,
  ): LoginRequestStep | StepFailure;
  /** Given the answer to the request of `walk.step`, the next step. */
  continueLogin(
    profile: TargetProfile,
    credentials: Credentials,
    walk: LoginWalk,
    res: ResponseView,
    tools: WalkTools,
  ): LoginStep;
  /** `headers` plus the held credentials (RFC 6750 §2.1 Bearer; nothing for a session). */
  applyCredentials(
    profile: TargetProfile,
    held: HeldCredentials,
    headers: Record<string, string>,
  ): Record<string, string>;
  /** Did a protected response say the credentials expired or were revoked (RFC 6750 §3.1)? */
  isRejection(profile: TargetProfile, res: ResponseView): boolean;
  /** The renewal request (a refresh, RFC 6749 §6), or undefined when nothing can renew. */
  buildRenewal?(profile: TargetProfile, held: HeldCredentials): RequestSpec | undefined;
  readRenewal?(profile: TargetProfile, res: ResponseView): RenewalAnswer;
  /** The logout request, or undefined when the profile has none. */
  buildLogout?(profile: TargetProfile, held: HeldCredentials): RequestSpec | undefined;
  /** The access token's JWT times (RFC 7519 §4.1.4), for a token without `expires_in`. */
  readJwtTimes?(accessToken: string, decode: Base64UrlDecoder): JwtTimes | undefined;
}
