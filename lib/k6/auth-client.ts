/**
 * The per-VU authenticated HTTP client, the same for every auth mode: logs in lazily on the VU's
 * first request, keeps a cookie jar or tokens across iterations, renews before expiry, recovers
 * once from a rejection, and logs out on request. The engine (lib/core/auth/engine.ts) decides,
 * the mode plug-in (lib/core/auth/modes/) builds and reads; this class sends, sleeps and counts.
 */
import { sleep } from 'k6';
import { b64decode } from 'k6/encoding';
import http, { type CookieJar } from 'k6/http';
import * as engine from '../core/auth/engine.ts';
import type { JwtTimes } from '../core/auth/jwt.ts';
import type { AuthModePlugin, StepFailure } from '../core/auth/modes/mode-plugin.ts';
import type { Credentials, TargetProfile } from '../core/auth/profile.ts';
import type { TokenSet } from '../core/auth/responses.ts';
import type { RequestSpec, ResponseView } from '../core/http-types.ts';
import type { AuthRequest, AuthResponse, CredentialsSource } from './auth-types.ts';
import { warn } from './log.ts';
import * as metrics from './metrics.ts';
import * as transport from './transport.ts';
import { type ExpectedStatusesCallback, type PreparedRequest, send } from './transport.ts';

export type { AuthRequest, AuthResponse, CredentialsSource } from './auth-types.ts';

type Done = { kind: 'done'; view: ResponseView; tokens?: TokenSet };
type Answer = { view: ResponseView; result: { kind: 'done'; tokens?: TokenSet } | StepFailure };
type Expected = 'auth' | 'refresh' | 'firstTry' | 'retry';

const decodeJwtPart = (part: string): string => b64decode(part, 'rawurl', 's');

export class AuthClient {
  private state: engine.AuthState = engine.initialAuthState();
  private retry: engine.RetryState = engine.initialRetryState();
  /**
   * The VU's own jar, passed with every request. k6 empties the VU's default jar at the start of
   * each iteration (unless the scenario sets `noCookiesReset`), which would make session mode log
   * in every iteration; a private jar survives iterations whatever the scenario's options.
   */
  private jar: CookieJar = new http.CookieJar();
  private credentials: Credentials | undefined;
  private readonly tags: { auth: TargetProfile['mode'] };
  private readonly expected: Record<Expected, ExpectedStatusesCallback>;
  private readonly readJwt: ((accessToken: string) => JwtTimes | undefined) | undefined;
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
    private readonly mode: AuthModePlugin,
  ) {
    this.tags = { auth: profile.mode };
    // A zero sample per counter, so the summary shows "auth_relogins 0" instead of leaving
    // readers to guess whether the metric exists.
    for (const counter of [
      metrics.authLogins,
      metrics.authRefreshes,
      metrics.authRelogins,
      metrics.authExpiredRejections,
    ]) {
      counter.add(0, this.tags);
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
    const { readJwtTimes } = mode;
    this.readJwt = readJwtTimes && ((token) => readJwtTimes(token, decodeJwtPart));
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
    const res = await transport.sendAsync(this.toSpec(req), this.options(req, 'firstTry'));
    if (!this.countRejection(res) || !this.recover(generation)) return res;
    const retried = await transport.sendAsync(this.toSpec(req), this.options(req, 'retry'));
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
    const responses: AuthResponse[] = transport.sendBatch(
      reqs.map((req) => ({ spec: this.toSpec(req), options: this.options(req, 'firstTry') })),
    );
    const rejected = reqs.flatMap((_, i) => (this.countRejection(responses[i]) ? [i] : []));
    if (rejected.length === 0 || !this.recover(generation)) return responses;
    const retried = transport.sendBatch(
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

  /**
   * Logs the VU out: sends the mode's logout request (`endpoint: logout`; the session cookie in
   * session mode, the bearer token in token and dual mode, RFC 6750 §2.1) when the VU holds
   * credentials and the profile has a logout endpoint, then forgets the credentials whatever the
   * answer (the account stays). The next request logs in again; that login counts in
   * `auth_logins` but not in `auth_relogins`, which counts credentials lost to expiry or
   * revocation, not given up on purpose. Returns the k6 response, or undefined when nothing was
   * sent. A logout is not retried: a failed one shows as an `http_req_failed` of `endpoint:logout`.
   */
  logout(): AuthResponse {
    const plan = engine.planLogout(this.mode.policy, this.state);
    const request = plan.send ? this.mode.buildLogout?.(this.profile, this.state) : undefined;
    const res = request && send(request, this.sendOptions(this.expected.auth));
    this.state = engine.applyLogout(this.state);
    if (plan.freshJar) this.jar = new http.CookieJar();
    return res;
  }

  private sendFirstTry(req: AuthRequest): transport.K6Response {
    if (req !== this.protectedReq) return send(this.toSpec(req), this.options(req, 'firstTry'));
    let prepared = this.preparedProtected;
    if (prepared?.generation !== this.state.generation || prepared.jar !== this.jar) {
      prepared = {
        generation: this.state.generation,
        jar: this.jar,
        request: transport.prepare(this.toSpec(req), this.options(req, 'firstTry')),
      };
      this.preparedProtected = prepared;
    }
    return transport.sendPrepared(prepared.request);
  }

  private toSpec(req: AuthRequest): RequestSpec {
    const spec: RequestSpec = {
      endpoint: 'protected',
      method: req.method,
      url: /^https?:\/\//i.test(req.path) ? req.path : `${this.profile.baseUrl}${req.path}`,
      headers: this.mode.applyCredentials(this.profile, this.state, req.headers ?? {}),
      followRedirects: req.followRedirects === true,
    };
    if (req.body !== undefined) spec.body = req.body;
    return spec;
  }

  private options(req: AuthRequest, expected: 'firstTry' | 'retry'): transport.SendOptions {
    const options = this.sendOptions(this.expected[expected]);
    if (req.name !== undefined) options.name = req.name;
    return options;
  }

  private sendOptions(expected: ExpectedStatusesCallback): transport.SendOptions {
    const { mode, requestTimeoutSeconds } = this.profile;
    return { mode, jar: this.jar, timeoutSeconds: requestTimeoutSeconds, expected };
  }

  /** True (and counted) when the response says the credentials expired or were revoked. */
  private countRejection(res: AuthResponse): boolean {
    if (res === undefined) return false;
    // Most responses are plainly not rejections: skip building a view for them.
    // One read: each `status` read crosses from JavaScript into k6's Go response object.
    const status = res.status;
    const isRedirect = status >= 300 && status <= 399;
    if (!isRedirect && !this.profile.expiredStatuses.includes(status)) return false;
    const view = transport.toResponseView(res, Date.now());
    if (!this.mode.isRejection(this.profile, view)) return false;
    metrics.authExpiredRejections.add(1, this.tags);
    return true;
  }

  /** After the rejection of a first try sent with `generation`: may the one retry go? */
  private recover(generation: number): boolean {
    const plan = engine.planOnRejection(this.mode.policy, this.state, generation);
    if (plan.action === 'retry') return true;
    this.state = plan.state;
    return this.renew(plan.action);
  }

  /** Before a request: log in or renew when due. False when the VU has no usable credentials. */
  private ensureFresh(): boolean {
    const plan = engine.planBeforeRequest(this.mode.policy, this.state, this.retry, Date.now());
    if (plan.kind === 'send') return true;
    return this.renew(plan.action) || engine.isUnexpired(this.state, Date.now());
  }

  private renew(action: engine.RenewAction): boolean {
    if (action === 'refresh') {
      const outcome = this.refresh();
      if (outcome !== 'refused') return outcome === 'ok';
      // The refresh token is dead (revoked, expired, server restarted): only a new login helps.
      this.state = engine.applyLoss(this.state);
    }
    return this.login();
  }

  private login(): boolean {
    if (this.credentials === undefined) this.credentials = this.credentialsSource.sync();
    const credentials = this.credentials;
    const plan = engine.planLogin(this.mode.policy, this.state);
    const previousJar = this.jar;
    if (plan.freshJar) this.jar = new http.CookieJar();
    const outcome = this.attempt('login', () => this.walkLogin(credentials));
    if (outcome.kind !== 'done') {
      if (plan.restoreJarOnFailure) this.jar = previousJar;
      return false;
    }
    this.state = engine.applyLogin(this.state, this.tokenUpdate(outcome));
    metrics.authLogins.add(1, this.tags);
    if (plan.isRelogin) metrics.authRelogins.add(1, this.tags);
    return true;
  }

  /** One login attempt: the mode's steps, each answer deciding the next, bounded by the engine. */
  private walkLogin(credentials: Credentials): Answer {
    let step = this.mode.startLogin(this.profile, credentials);
    for (let sent = 1; ; sent += 1) {
      const view = this.sendAuth(step.request, this.expected.auth);
      const next = this.mode.continueLogin(this.profile, credentials, step.walk, view);
      const bounded = engine.boundLoginStep(next, sent);
      if (bounded.kind !== 'send') return { view, result: bounded };
      step = bounded;
    }
  }

  /** 'refused': the server said no (RFC 6749 §5.2), 'failed': it kept failing (5xx, timeouts…). */
  private refresh(): 'ok' | 'refused' | 'failed' {
    const request = this.mode.buildRenewal?.(this.profile, this.state);
    const read = this.mode.readRenewal;
    if (request === undefined || read === undefined) return 'refused';
    const outcome = this.attempt('refresh', () => {
      const view = this.sendAuth(request, this.expected.refresh);
      return { view, result: read(this.profile, view) };
    });
    if (outcome.kind !== 'done') return outcome.kind;
    this.state = engine.applyRefresh(this.state, this.tokenUpdate(outcome));
    metrics.authRefreshes.add(1, this.tags);
    return 'ok';
  }

  /**
   * One login or refresh, retried on transient failures as the engine decides (back-off or
   * `Retry-After`, up to `retry.maxAttempts`); then the VU holds off, so the next iteration does
   * not hammer either.
   */
  private attempt(
    what: 'login' | 'refresh',
    once: () => Answer,
  ): Done | { kind: 'refused' | 'failed' } {
    for (let attempt = 1; ; attempt += 1) {
      const waitMs = engine.holdOffWaitMs(this.retry, Date.now());
      if (waitMs > 0) sleep(waitMs / 1000);
      const { view, result } = once();
      metrics.authErrors.add(result.kind === 'failed', { auth: this.profile.mode, endpoint: what });
      if (result.kind === 'done') {
        this.retry = engine.applyAttemptSuccess();
        return { ...result, view };
      }
      if (result.reason !== undefined) warn(`${what} failed; ${result.reason}`, this.secrets());
      const failed: engine.FailedAttemptInput = { what, status: view.status, attempt };
      const retryAfter = view.headers['retry-after'];
      if (retryAfter !== undefined) failed.retryAfter = retryAfter;
      const decision = engine.decideAfterFailure(
        this.retry,
        failed,
        this.profile.retry,
        Date.now(),
        Math.random,
      );
      this.retry = decision.retry;
      if (decision.kind === 'retry') {
        sleep(decision.delayMs / 1000);
        continue;
      }
      if (decision.kind === 'refused-refresh') return { kind: 'refused' };
      if (result.reason === undefined) {
        const code = result.errorCode === undefined ? '' : ` (${result.errorCode})`;
        warn(`${what} failed; ${decision.reason}${code}`, this.secrets());
      }
      return { kind: 'failed' };
    }
  }

  private sendAuth(spec: RequestSpec, expected: ExpectedStatusesCallback): ResponseView {
    return transport.toResponseView(send(spec, this.sendOptions(expected)), Date.now());
  }

  private tokenUpdate(done: Done): engine.TokenUpdate {
    const { expiry } = this.profile;
    return engine.toTokenUpdate(done, done.view.receivedAtMs, expiry, Math.random, this.readJwt);
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
