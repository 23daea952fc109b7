/**
 * Keeps one VU's credentials for lib/k6/auth-client.ts: logs in by walking the mode plug-in's
 * steps, refreshes, retries and holds off, renews after a rejection and logs out, each when and
 * as the engine (lib/core/auth/engine.ts) decides. This class sends, sleeps, counts and warns.
 */
import { sleep } from 'k6';
import http, { type CookieJar } from 'k6/http';
import { readSessionCookie } from '../core/auth/cookie-expiry.ts';
import * as engine from '../core/auth/engine.ts';
import type { JwtTimes } from '../core/auth/jwt.ts';
import type { AuthModePlugin, LoginStep, StepFailure } from '../core/auth/modes/mode-plugin.ts';
import { needsDiscovery } from '../core/auth/oidc/discovery.ts';
import type { Credentials, TargetProfile } from '../core/auth/profile.ts';
import { ERROR_CODES } from '../core/errors.ts';
import type { RequestSpec, ResponseView } from '../core/http-types.ts';
import type { ModeRuntime } from './auth-mode.ts';
import type { AuthResponse, CredentialsSource } from './auth-types.ts';
import { readPage } from './html-page.ts';
import { warn } from './log.ts';
import { authErrors, authLogins, authRefreshes, authRelogins } from './metrics.ts';
import { stopTest } from './stop-test.ts';
import {
  type ExpectedStatusesCallback,
  type K6Response,
  type SendOptions,
  send,
  toCookieLifetime,
  toResponseView,
} from './transport.ts';

type Success = Extract<LoginStep, { kind: 'done' }>;
type Done = Success & { view: ResponseView };
/** An answer to a login or refresh request, read by the mode; `url`: where it was sent. */
type Answer = { view: ResponseView; url: string; result: Success | StepFailure };

/** The account of a mode that logs in without one (client credentials). */
const NO_ACCOUNT: Credentials = Object.freeze({ username: '', password: '' });

export class CredentialKeeper {
  /** Read by the client; replaced only here. */
  state: engine.AuthState = engine.initialAuthState();
  /**
   * The VU's own jar, passed with every request. k6 empties the VU's default jar at the start of
   * each iteration (unless the scenario sets `noCookiesReset`), which would make session mode log
   * in every iteration; a private jar survives iterations whatever the scenario's options.
   */
  jar: CookieJar = new http.CookieJar();
  private retry: engine.RetryState = engine.initialRetryState();
  private credentials: Credentials | undefined;
  private readonly tags: { auth: TargetProfile['mode'] };
  private readonly expected: Record<'auth' | 'refresh', ExpectedStatusesCallback>;
  private readonly readJwt: ((accessToken: string) => JwtTimes | undefined) | undefined;

  private readonly mode: AuthModePlugin;

  constructor(
    private profile: TargetProfile,
    private readonly credentialsSource: CredentialsSource,
    private readonly runtime: ModeRuntime,
  ) {
    this.mode = runtime.plugin;
    this.tags = { auth: profile.mode };
    const ok = { min: 200, max: 399 };
    this.expected = {
      auth: http.expectedStatuses(ok),
      // A refused refresh (RFC 6749 §5.2 invalid_grant, 400/401) is recovered by a new login.
      refresh: http.expectedStatuses(ok, 400, 401),
    };
    const { readJwtTimes } = this.mode;
    const { decode } = runtime.tools;
    this.readJwt = readJwtTimes && ((token) => readJwtTimes(token, decode));
  }

  /** Reads the VU's account, a `k6/secrets` password included (only an async call can). */
  async ready(): Promise<void> {
    if (this.credentials === undefined && this.mode.usesAccounts) {
      this.credentials = await this.credentialsSource.async();
    }
  }

  /**
   * Takes the identity provider's endpoints that `setup()` discovered, so this VU need not ask
   * again; a VU without them (a script that exports no `setup`) discovers at its first login.
   */
  useProfile(profile: TargetProfile): void {
    this.profile = profile;
  }

  /** k6's options for a request of this VU: its jar, the timeout, the tags. */
  sendOptions(expected: ExpectedStatusesCallback): SendOptions {
    const { mode, requestTimeoutSeconds } = this.profile;
    return { mode, jar: this.jar, timeoutSeconds: requestTimeoutSeconds, expected };
  }

  /** Before a request: log in or renew when due. False when the VU has no usable credentials. */
  ensureFresh(): boolean {
    const plan = engine.planBeforeRequest(this.mode.policy, this.state, this.retry, Date.now());
    if (plan.kind === 'send') return true;
    return this.renew(plan.action) || engine.isUnexpired(this.state, Date.now());
  }

  /** After the rejection of a first try sent with `generation`: may the one retry go? */
  recover(generation: number): boolean {
    const plan = engine.planOnRejection(this.mode.policy, this.state, generation, this.retry);
    if (plan.action === 'retry') return true;
    this.state = plan.state;
    return this.renew(plan.action);
  }

  /**
   * After a protected answer that was not a rejection, in session mode: the session's end moves
   * when the answer set the session cookie again, or with every answer when the idle timeout is
   * known. Cheap on the hot path: one look-up of the cookie by name, nothing more without a
   * `Set-Cookie` of it and without an idle timeout; nothing at all in the other modes.
   */
  noteSessionUse(res: K6Response): void {
    const { session } = this.state;
    if (session === undefined) return;
    const { name } = session.cookie;
    const set = res.cookies[name]?.[0];
    if (set === undefined && session.idleSeconds === null) return;
    const atMs = Date.now();
    const use: engine.SessionUse = { atMs };
    if (set !== undefined) use.cookie = readSessionCookie(name, toCookieLifetime(set), atMs);
    this.state = engine.applySessionUse(this.state, use, this.profile.expiry, Math.random);
  }

  /** See `AuthClient.logout`. */
  logout(): AuthResponse {
    const plan = engine.planLogout(this.mode.policy, this.state);
    const request = plan.send ? this.mode.buildLogout?.(this.profile, this.state) : undefined;
    const res = request && send(request, this.sendOptions(this.expected.auth));
    this.state = engine.applyLogout(this.state);
    if (plan.freshJar) this.jar = new http.CookieJar();
    return res;
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
    if (!engine.mayLogIn(this.retry)) return false;
    const { discover } = this.runtime;
    if (discover !== undefined && needsDiscovery(this.profile))
      this.profile = discover(this.profile);
    if (this.credentials === undefined) {
      this.credentials = this.mode.usesAccounts ? this.credentialsSource.sync() : NO_ACCOUNT;
    }
    const credentials = this.credentials;
    const plan = engine.planLogin(this.mode.policy, this.state);
    const previousJar = this.jar;
    if (plan.freshJar) this.jar = new http.CookieJar();
    const outcome = this.attempt('login', () => this.walkLogin(credentials));
    if (outcome.kind !== 'done') {
      if (plan.restoreJarOnFailure) this.jar = previousJar;
      const accountShared = this.credentialsSource.shared;
      if (engine.refusalStopsTest(this.retry, accountShared)) {
        const { username } = credentials;
        const message = engine.refusalStopMessage({ ...outcome, username, accountShared });
        stopTest(ERROR_CODES.AUTH_LOGIN_REFUSED, message);
      }
      return false;
    }
    this.state = engine.applyLogin(this.state, this.tokenUpdate(outcome));
    authLogins.add(1, this.tags);
    if (plan.isRelogin) authRelogins.add(1, this.tags);
    return true;
  }

  /** One login attempt: the mode's steps, each answer deciding the next, bounded by the engine. */
  private walkLogin(credentials: Credentials): Answer {
    const { profile, mode } = this;
    const maxRequests = mode.maxLoginRequests(profile);
    const { tools } = this.runtime;
    let step = mode.startLogin(profile, credentials, tools);
    for (let sent = 1; ; sent += 1) {
      const view = this.sendAuth(step.request, this.expected.auth);
      // A page, or an error page that may show the login form again (Dex answers 401 so).
      if (step.readPage !== undefined && (view.status < 300 || view.status > 399)) {
        view.page = readPage(view.body, step.readPage);
      }
      const next = mode.continueLogin(profile, credentials, step.walk, view, tools);
      const bounded = engine.boundLoginStep(next, sent, maxRequests);
      if (bounded.kind !== 'send') return { view, url: step.request.url, result: bounded };
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
      return { view, url: request.url, result: read(this.profile, view) };
    });
    if (outcome.kind !== 'done') return outcome.kind;
    this.state = engine.applyRefresh(this.state, this.tokenUpdate(outcome));
    authRefreshes.add(1, this.tags);
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
  ): Done | { kind: 'refused' | 'failed'; status: number; url: string; reason?: string } {
    for (let attempt = 1; ; attempt += 1) {
      const waitMs = engine.holdOffWaitMs(this.retry, Date.now());
      if (waitMs > 0) sleep(waitMs / 1000);
      const { view, url, result } = once();
      authErrors.add(result.kind === 'failed', { auth: this.profile.mode, endpoint: what });
      if (result.kind === 'done') {
        this.retry = engine.applyAttemptSuccess(this.retry, what);
        return { ...result, view };
      }
      if (result.reason !== undefined) warn(`${what} failed; ${result.reason}`, this.secrets());
      const failed: engine.FailedAttemptInput = { what, status: view.status, attempt };
      const retryAfter = view.headers['retry-after'];
      if (retryAfter !== undefined) failed.retryAfter = retryAfter;
      const { retry } = this.profile;
      const decision = engine.decideAfterFailure(
        this.retry,
        failed,
        retry,
        Date.now(),
        Math.random,
      );
      this.retry = decision.retry;
      if (decision.kind === 'retry') {
        sleep(decision.delayMs / 1000);
        continue;
      }
      if (decision.kind === 'refused-refresh') return { kind: 'refused', status: view.status, url };
      if (result.reason === undefined) {
        const code = result.errorCode === undefined ? '' : ` (${result.errorCode})`;
        warn(`${what} failed; ${decision.reason}${code}`, this.secrets());
      }
      const failure = { kind: 'failed', status: view.status, url } as const;
      return result.reason === undefined ? failure : { ...failure, reason: result.reason };
    }
  }

  private sendAuth(spec: RequestSpec, expected: ExpectedStatusesCallback): ResponseView {
    return toResponseView(send(spec, this.sendOptions(expected)), Date.now());
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
