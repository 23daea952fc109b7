/**
 * Keeps one VU's credentials for lib/k6/auth-client.ts: logs in, refreshes, renews after a
 * rejection and logs out, each when and as the engine (lib/core/auth/engine.ts) decides; the
 * login walk and the retries are lib/core/auth/attempts.ts's loops, run with k6's sending,
 * sleeping, counting and warning (`io`). Its state is its own: the client asks for what it needs.
 */
import { sleep } from 'k6';
import http, { type CookieJar } from 'k6/http';
import {
  type AttemptIo,
  type AttemptOutcome,
  runAttempts,
  walkLogin,
} from '../core/auth/attempts.ts';
import { readSessionCookie } from '../core/auth/cookie-expiry.ts';
import * as engine from '../core/auth/engine.ts';
import type { JwtTimes } from '../core/auth/jwt.ts';
import type { AuthModePlugin } from '../core/auth/modes/mode-plugin.ts';
import { needsDiscovery } from '../core/auth/oidc/discovery.ts';
import type { Credentials, TargetProfile } from '../core/auth/profile.ts';
import { ERROR_CODES } from '../core/errors.ts';
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

type Done = Extract<AttemptOutcome, { kind: 'done' }>;

/** The account of a mode that logs in without one (client credentials). */
const NO_ACCOUNT: Credentials = Object.freeze({ username: '', password: '' });

export class CredentialKeeper {
  private state: engine.AuthState = engine.initialAuthState();
  /**
   * The VU's own jar, passed with every request. k6 empties the VU's default jar at the start of
   * each iteration (unless the scenario sets `noCookiesReset`), which would make session mode log
   * in every iteration; a private jar survives iterations whatever the scenario's options.
   */
  private jar: CookieJar = new http.CookieJar();
  private retry: engine.RetryState = engine.initialRetryState();
  private credentials: Credentials | undefined;
  private readonly tags: { auth: TargetProfile['mode'] };
  private readonly expected: Record<'auth' | 'refresh', ExpectedStatusesCallback>;
  private readonly readJwt: ((accessToken: string) => JwtTimes | undefined) | undefined;
  private readonly io: AttemptIo;

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
    this.io = {
      send: (request, what) =>
        toResponseView(
          send(request, this.sendOptions(this.expected[what === 'login' ? 'auth' : 'refresh'])),
          Date.now(),
        ),
      readPage,
      sleep,
      now: Date.now,
      random: Math.random,
      warn: (message) => warn(message, this.secrets()),
      count: (what, failed) => authErrors.add(failed, { auth: this.profile.mode, endpoint: what }),
    };
  }

  /** `headers` plus the VU's credentials, as the mode sends them (nothing for a session). */
  withCredentials(headers: Record<string, string>): Record<string, string> {
    return this.mode.applyCredentials(this.profile, this.state, headers);
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

  /**
   * Before a request: log in or renew when due. Returns the generation of the credentials to send
   * with (`recover` needs it back after a rejection), or undefined when the VU has none usable.
   */
  ensureFresh(): number | undefined {
    const plan = engine.planBeforeRequest(this.mode.policy, this.state, this.retry, Date.now());
    const usable =
      plan.kind === 'send' || this.renew(plan.action) || engine.isUnexpired(this.state, Date.now());
    return usable ? this.state.generation : undefined;
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
    const { mode, profile, io } = this;
    const { tools } = this.runtime;
    const once = () => walkLogin(mode, profile, credentials, tools, io);
    const { outcome, retry } = runAttempts('login', once, this.retry, profile.retry, io);
    this.retry = retry;
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

  /** 'refused': the server said no (RFC 6749 §5.2), 'failed': it kept failing (5xx, timeouts…). */
  private refresh(): 'ok' | 'refused' | 'failed' {
    const request = this.mode.buildRenewal?.(this.profile, this.state);
    const read = this.mode.readRenewal;
    if (request === undefined || read === undefined) return 'refused';
    const { profile, io } = this;
    const once = () => {
      const view = io.send(request, 'refresh');
      return { view, url: request.url, result: read(profile, view) };
    };
    const { outcome, retry } = runAttempts('refresh', once, this.retry, profile.retry, io);
    this.retry = retry;
    if (outcome.kind !== 'done') return outcome.kind;
    this.state = engine.applyRefresh(this.state, this.tokenUpdate(outcome));
    authRefreshes.add(1, this.tags);
    return 'ok';
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
