/**
 * The per-VU authenticated HTTP client: logs in lazily on the VU's first request, keeps a cookie
 * jar or tokens across iterations, renews before expiry, and recovers once from a rejection.
 * lib/core decides (token-state, backoff); this class sends, sleeps and counts.
 */
import { sleep } from 'k6';
import { b64decode } from 'k6/encoding';
import http, { type CookieJar } from 'k6/http';
import { classifyFailure, decideRetry, type FailureKind } from '../core/auth/backoff.ts';
import { readJwtTimes } from '../core/auth/jwt.ts';
import type { Credentials, TargetProfile } from '../core/auth/profile.ts';
import {
  buildCsrfRequest,
  buildLoginRequest,
  buildProtectedRequest,
  buildRefreshRequest,
} from '../core/auth/requests.ts';
import {
  extractCsrfToken,
  isExpiredRejection,
  isLoginSuccess,
  oauthError,
  parseTokenResponse,
  type TokenSet,
} from '../core/auth/responses.ts';
import {
  type AuthState,
  applyLogin,
  applyLoss,
  applyRefresh,
  decideBeforeRequest,
  decideOnRejection,
  initialAuthState,
  type TokenUpdate,
} from '../core/auth/token-state.ts';
import type { HttpMethod, RequestSpec, ResponseView } from '../core/http-types.ts';
import { warn } from './log.ts';
import {
  authErrors,
  authExpiredRejections,
  authLogins,
  authRefreshes,
  authRelogins,
} from './metrics.ts';
import {
  type ExpectedStatusesCallback,
  type K6Response,
  type PreparedRequest,
  prepare,
  type SendOptions,
  send,
  sendAsync,
  sendBatch,
  sendPrepared,
  toResponseView,
} from './transport.ts';

/** A request to send with the VU's credentials. */
export interface AuthRequest {
  method: HttpMethod;
  /** A path relative to the profile's `baseUrl` ("/orders"), or an absolute URL. */
  path: string;
  /** Already encoded; set `Content-Type` in `headers`. */
  body?: string;
  headers?: Record<string, string>;
  /**
   * The `name` tag. Defaults to the URL without its query string: set it when the path holds
   * identifiers ("/orders/123"), or every id becomes its own time series.
   */
  name?: string;
  /**
   * Follow redirects? Off by default: in session mode a redirect to the login page is how an
   * expired session shows, and it must be seen.
   */
  followRedirects?: boolean;
}

/** The k6 response, or undefined when the VU could not authenticate (counted in `auth_errors`). */
export type AuthResponse = K6Response | undefined;

/** Where the VU's account comes from (lib/k6/credentials.ts). */
export interface CredentialsSource {
  sync: () => Credentials;
  /** Also resolves a `k6/secrets` password, which only an async call can read. */
  async: () => Promise<Credentials>;
}

type Attempt =
  | { ok: true; view: ResponseView; tokens?: TokenSet }
  | { ok: false; view: ResponseView; reason?: string };
type AttemptResult =
  | { ok: true; view: ResponseView; tokens?: TokenSet }
  | { ok: false; kind: FailureKind };

export class AuthClient {
  private state: AuthState = initialAuthState();
  /**
   * The VU's own jar, passed with every request. k6 empties the VU's default jar at the start of
   * each iteration (unless the scenario sets `noCookiesReset`), which would make session mode log
   * in every iteration; a private jar survives iterations whatever the scenario's options, and a
   * re-login simply starts a new one.
   */
  private jar: CookieJar = new http.CookieJar();
  private credentials: Credentials | undefined;
  /** Failed login/refresh attempts in a row, across iterations: the back-off keeps growing. */
  private failureStreak = 0;
  /** No login or refresh attempt before this time (epoch ms), after one gave up. */
  private holdOffUntilMs = 0;
  private readonly expected: Record<
    'auth' | 'refresh' | 'firstTry' | 'retry',
    ExpectedStatusesCallback
  >;
  /** What `protectedRequest()` returns: one object, so its k6 arguments can be kept (below). */
  private readonly protectedReq: AuthRequest;
  /**
   * The protected request's first-try k6 arguments, kept while the credentials (generation) and
   * the jar stay the same. Building them per request was most of the toolkit's CPU cost per
   * request against a bare script (bench/RESULTS.md, part 1).
   */
  private preparedProtected:
    | { generation: number; jar: CookieJar; request: PreparedRequest }
    | undefined;

  constructor(
    private readonly profile: TargetProfile,
    private readonly credentialsSource: CredentialsSource,
  ) {
    // A zero sample per counter, so the summary shows "auth_relogins 0" instead of leaving
    // readers to guess whether the metric exists.
    const tags = { auth: profile.mode };
    for (const counter of [authLogins, authRefreshes, authRelogins, authExpiredRejections]) {
      counter.add(0, tags);
    }
    this.protectedReq = Object.freeze({
      method: profile.protected.method,
      path: profile.protected.path,
    });
    const ok = { min: 200, max: 399 };
    this.expected = {
      auth: http.expectedStatuses(ok),
      // A refused refresh (RFC 6749 §5.2 invalid_grant, 400/401) is recovered by a new login.
      refresh: http.expectedStatuses(ok, 400, 401),
      // A first rejection is recovered by a refresh and one retry: not an http_req_failed...
      firstTry: http.expectedStatuses(ok, ...profile.expiredStatuses),
      // ...but a rejected retry is.
      retry: http.expectedStatuses(ok),
    };
  }

  /**
   * Reads the VU's account, a `k6/secrets` password included. Optional: the sync methods read the
   * account themselves, except a secret password, which needs this awaited once first.
   */
  async ready(): Promise<void> {
    if (this.credentials === undefined) this.credentials = await this.credentialsSource.async();
  }

  /**
   * The request for the profile's protected endpoint: the same frozen object on every call (spread
   * it to change a field). `request` recognises it and reuses its k6 arguments.
   */
  protectedRequest(): AuthRequest {
    return this.protectedReq;
  }

  /**
   * Sends one request with the VU's credentials: logs in or renews first when needed; on an
   * expired rejection renews once and retries once (never loops).
   */
  request(req: AuthRequest): AuthResponse {
    if (!this.ensureFresh()) return undefined;
    const generation = this.state.generation;
    const res = this.sendFirstTry(req);
    if (!this.countRejection(res) || !this.recover(generation)) return res;
    const retried = send(this.toSpec(req), this.options(req, 'retry'));
    this.countRejection(retried);
    return retried;
  }

  /**
   * Like `request`, on the VU's event loop, for `Promise.all` of parallel requests. Logins and
   * refreshes stay synchronous on purpose: while one runs, no other continuation of this VU can,
   * so requests rejected together see the renewed generation and share one refresh.
   */
  async requestAsync(req: AuthRequest): Promise<AuthResponse> {
    await this.ready();
    if (!this.ensureFresh()) return undefined;
    const generation = this.state.generation;
    const res = await sendAsync(this.toSpec(req), this.options(req, 'firstTry'));
    if (!this.countRejection(res) || !this.recover(generation)) return res;
    const retried = await sendAsync(this.toSpec(req), this.options(req, 'retry'));
    this.countRejection(retried);
    return retried;
  }

  /**
   * Sends requests in parallel with `http.batch`. Renewal happens once before the batch; if
   * several are rejected, one renewal serves them all, then the rejected ones go again together.
   */
  batch(reqs: readonly AuthRequest[]): AuthResponse[] {
    if (!this.ensureFresh()) return reqs.map(() => undefined);
    const generation = this.state.generation;
    const responses: AuthResponse[] = sendBatch(
      reqs.map((req) => ({ spec: this.toSpec(req), options: this.options(req, 'firstTry') })),
    );
    const rejected = reqs.flatMap((_, i) => (this.countRejection(responses[i]) ? [i] : []));
    if (rejected.length === 0 || !this.recover(generation)) return responses;
    const retried = sendBatch(
      rejected.map((i) => {
        const req = reqs[i] as AuthRequest;
        return { spec: this.toSpec(req), options: this.options(req, 'retry') };
      }),
    );
    rejected.forEach((index, k) => {
      responses[index] = retried[k];
      this.countRejection(retried[k]);
    });
    return responses;
  }

  private sendFirstTry(req: AuthRequest): K6Response {
    if (req !== this.protectedReq) return send(this.toSpec(req), this.options(req, 'firstTry'));
    let prepared = this.preparedProtected;
    if (prepared?.generation !== this.state.generation || prepared.jar !== this.jar) {
      prepared = {
        generation: this.state.generation,
        jar: this.jar,
        request: prepare(this.toSpec(req), this.options(req, 'firstTry')),
      };
      this.preparedProtected = prepared;
    }
    return sendPrepared(prepared.request);
  }

  private toSpec(req: AuthRequest): RequestSpec {
    // The protected request's headers are exactly the credentials (none in session mode).
    const auth = buildProtectedRequest(this.profile, this.state.accessToken);
    const spec: RequestSpec = {
      endpoint: 'protected',
      method: req.method,
      url: /^https?:\/\//i.test(req.path) ? req.path : `${this.profile.baseUrl}${req.path}`,
      headers: { ...req.headers, ...auth.headers },
      followRedirects: req.followRedirects === true,
    };
    if (req.body !== undefined) spec.body = req.body;
    return spec;
  }

  private options(req: AuthRequest, expected: 'firstTry' | 'retry'): SendOptions {
    const options = this.sendOptions(this.expected[expected]);
    if (req.name !== undefined) options.name = req.name;
    return options;
  }

  private sendOptions(expected: ExpectedStatusesCallback): SendOptions {
    return {
      mode: this.profile.mode,
      jar: this.jar,
      timeoutSeconds: this.profile.requestTimeoutSeconds,
      expected,
    };
  }

  /** True (and counted) when the response says the credentials expired or were revoked. */
  private countRejection(res: AuthResponse): boolean {
    if (res === undefined) return false;
    // Most responses are plainly not rejections: skip building a view for them.
    // One read: each `status` read crosses from JavaScript into k6's Go response object.
    const status = res.status;
    const isRedirect = status >= 300 && status <= 399;
    if (!isRedirect && !this.profile.expiredStatuses.includes(status)) return false;
    if (!isExpiredRejection(this.profile, toResponseView(res, Date.now()))) return false;
    authExpiredRejections.add(1, { auth: this.profile.mode });
    return true;
  }

  /**
   * After the rejection of a first try sent with `generation`: renews once if nobody else has,
   * and says whether the one retry is worth sending. Never called for a retry.
   */
  private recover(generation: number): boolean {
    const action = decideOnRejection(this.profile.mode, this.state, generation);
    if (action === 'retry') return true;
    if (action === 'relogin') this.state = applyLoss(this.state);
    return this.renew(action);
  }

  /** Before a request: log in or renew when due. False when the VU has no usable credentials. */
  private ensureFresh(): boolean {
    const action = decideBeforeRequest(this.profile.mode, this.state, Date.now());
    if (action === 'send') return true;
    if (!this.state.authenticated) return this.renew(action);
    // Renewal is due but the credentials still work: while a failed renewal is holding off,
    // keep using them; if renewing fails now, use them until they expire.
    if (Date.now() < this.holdOffUntilMs && this.isUnexpired()) return true;
    return this.renew(action) || this.isUnexpired();
  }

  private isUnexpired(): boolean {
    const { expiresAtMs } = this.state.expiry;
    return this.state.authenticated && expiresAtMs !== null && Date.now() < expiresAtMs;
  }

  private renew(action: 'login' | 'relogin' | 'refresh'): boolean {
    if (action === 'refresh') {
      const outcome = this.refresh();
      if (outcome !== 'refused') return outcome === 'ok';
      // The refresh token is dead (revoked, expired, server restarted): only a new login helps.
      this.state = applyLoss(this.state);
    }
    return this.login();
  }

  private login(): boolean {
    if (this.credentials === undefined) this.credentials = this.credentialsSource.sync();
    const credentials = this.credentials;
    const isRelogin = this.state.logins > 0;
    const previousJar = this.jar;
    // A new session starts from an empty jar: stale session cookies must not ride along.
    if (isRelogin && this.profile.mode === 'session') this.jar = new http.CookieJar();
    const result = this.attempt('login', () => this.loginOnce(credentials));
    if (!result.ok) {
      // Renewing ahead of expiry failed: the old session may still serve until it ends.
      if (this.state.authenticated) this.jar = previousJar;
      return false;
    }
    this.state = applyLogin(this.state, this.tokenUpdate(result.view, result.tokens));
    authLogins.add(1, { auth: this.profile.mode });
    if (isRelogin) authRelogins.add(1, { auth: this.profile.mode });
    return true;
  }

  private loginOnce(credentials: Credentials): Attempt {
    let csrfToken: string | undefined;
    if (this.profile.csrf !== null) {
      const csrfView = this.sendAuth(buildCsrfRequest(this.profile), this.expected.auth);
      csrfToken = extractCsrfToken(this.profile, csrfView);
      if (csrfToken === undefined) {
        const { from, name } = this.profile.csrf;
        return {
          ok: false,
          view: csrfView,
          reason: `no CSRF token; reason: expected ${from} "${name}" in the CSRF response, got none (status ${csrfView.status})`,
        };
      }
    }
    const view = this.sendAuth(
      buildLoginRequest(this.profile, credentials, csrfToken),
      this.expected.auth,
    );
    if (!isLoginSuccess(this.profile, view)) return { ok: false, view };
    if (this.profile.mode === 'session') return { ok: true, view };
    const parsed = parseTokenResponse(this.profile, view);
    if (!parsed.ok)
      return { ok: false, view, reason: `unreadable login answer; reason: ${parsed.reason}` };
    return { ok: true, view, tokens: parsed.tokens };
  }

  /** 'refused': the server said no (RFC 6749 §5.2), 'failed': it kept failing (5xx, timeouts…). */
  private refresh(): 'ok' | 'refused' | 'failed' {
    const refreshToken = this.state.refreshToken;
    if (refreshToken === undefined) return 'refused';
    const result = this.attempt('refresh', () => {
      const view = this.sendAuth(
        buildRefreshRequest(this.profile, refreshToken),
        this.expected.refresh,
      );
      if (view.status < 200 || view.status > 299) return { ok: false, view };
      const parsed = parseTokenResponse(this.profile, view);
      if (!parsed.ok) {
        return { ok: false, view, reason: `unreadable refresh answer; reason: ${parsed.reason}` };
      }
      return { ok: true, view, tokens: parsed.tokens };
    });
    if (!result.ok) return result.kind === 'refused' ? 'refused' : 'failed';
    this.state = applyRefresh(this.state, this.tokenUpdate(result.view, result.tokens));
    authRefreshes.add(1, { auth: this.profile.mode });
    return 'ok';
  }

  /**
   * One login or refresh, retried on transient failures with back-off or `Retry-After`, up to
   * `retry.maxAttempts`; then the VU holds off, so the next iteration does not hammer either.
   */
  private attempt(what: 'login' | 'refresh', once: () => Attempt): AttemptResult {
    for (let attempt = 1; ; attempt += 1) {
      const waitMs = this.holdOffUntilMs - Date.now();
      if (waitMs > 0) sleep(waitMs / 1000);
      const outcome = once();
      authErrors.add(!outcome.ok, { auth: this.profile.mode, endpoint: what });
      if (outcome.ok) {
        this.failureStreak = 0;
        this.holdOffUntilMs = 0;
        return outcome;
      }
      const { view } = outcome;
      if (outcome.reason !== undefined) warn(`${what} failed; ${outcome.reason}`, this.secrets());
      // A refused refresh is routine (RFC 6749 §5.2 invalid_grant): the next step is a login,
      // which must not wait for a back-off.
      if (what === 'refresh' && classifyFailure(view.status) === 'refused') {
        return { ok: false, kind: 'refused' };
      }
      this.failureStreak += 1;
      const failed = { status: view.status, attempt, failureStreak: this.failureStreak };
      const retryAfter = view.headers['retry-after'];
      const decision = decideRetry(
        retryAfter === undefined ? failed : { ...failed, retryAfter },
        this.profile.retry,
        Date.now(),
        Math.random,
      );
      if (decision.retry) {
        sleep(decision.delayMs / 1000);
        continue;
      }
      this.holdOffUntilMs = Date.now() + decision.holdOffMs;
      if (outcome.reason === undefined) {
        const code = oauthError(view);
        warn(`${what} failed; ${decision.reason}${code ? ` (${code})` : ''}`, this.secrets());
      }
      return { ok: false, kind: decision.kind };
    }
  }

  private sendAuth(spec: RequestSpec, expected: ExpectedStatusesCallback): ResponseView {
    const res = send(spec, this.sendOptions(expected));
    return toResponseView(res, Date.now());
  }

  private tokenUpdate(view: ResponseView, tokens: TokenSet | undefined): TokenUpdate {
    const update: TokenUpdate = {
      receivedAtMs: view.receivedAtMs,
      expiry: this.profile.expiry,
      random: Math.random,
    };
    if (tokens === undefined) return update;
    update.tokens = tokens;
    // Decoding the JWT costs CPU on every renewal; only do it when its answer can be used.
    const { source } = this.profile.expiry;
    const needsJwt =
      source === 'jwt' || (source === 'auto' && tokens.expiresInSeconds === undefined);
    if (needsJwt) {
      const times = readJwtTimes(tokens.accessToken, (part) => b64decode(part, 'rawurl', 's'));
      if (times.ok) update.jwt = times.times;
    }
    return update;
  }

  /** Everything the VU knows that must never be printed. */
  private secrets(): (string | undefined)[] {
    return [
      this.credentials?.password,
      this.state.accessToken,
      this.state.refreshToken,
      this.profile.clientAuth.clientSecret,
    ];
  }
}
