/**
 * The per-VU authenticated HTTP client, the same for every auth mode: logs in lazily on the VU's
 * first request, keeps a cookie jar or tokens across iterations, renews before expiry, recovers
 * once from a rejection, and logs out on request. The engine (lib/core/auth/engine.ts) decides,
 * the mode plug-in (lib/core/auth/modes/) builds and reads, lib/k6/credential-keeper.ts obtains
 * the credentials; this class sends the VU's own requests with them.
 */
import http from 'k6/http';
import type { AuthModePlugin } from '../core/auth/modes/mode-plugin.ts';
import type { TargetProfile } from '../core/auth/profile.ts';
import type { RequestSpec } from '../core/http-types.ts';
import type { ModeRuntime } from './auth-mode.ts';
import type { AuthRequest, AuthResponse, CredentialsSource } from './auth-types.ts';
import { CredentialKeeper } from './credential-keeper.ts';
import { authExpiredRejections, authLogins, authRefreshes, authRelogins } from './metrics.ts';
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

export type { AuthRequest, AuthResponse, CredentialsSource } from './auth-types.ts';

export class AuthClient {
  private readonly keeper: CredentialKeeper;
  private readonly tags: { auth: TargetProfile['mode'] };
  private readonly expected: Record<'firstTry' | 'retry', ExpectedStatusesCallback>;
  /** What `protectedRequest()` returns: one object, so its k6 arguments can be kept (below). */
  private readonly protectedReq: AuthRequest;
  private oauthTaken = false;
  /**
   * The protected request's first-try k6 arguments, kept while the credentials stay the same
   * (their generation): building them is the costliest part of a request on the hot path. The
   * keeper's jar, which they carry, changes only with a login or logout, and no request goes
   * before a login bumps the generation.
   */
  private preparedProtected: { generation: number; request: PreparedRequest } | undefined;

  private readonly mode: AuthModePlugin;

  constructor(
    private readonly profile: TargetProfile,
    credentialsSource: CredentialsSource,
    runtime: ModeRuntime,
  ) {
    this.mode = runtime.plugin;
    this.keeper = new CredentialKeeper(profile, credentialsSource, runtime);
    this.tags = { auth: profile.mode };
    // A zero sample per counter, so the summary shows "auth_relogins 0" instead of leaving
    // readers to guess whether the metric exists.
    for (const counter of [authLogins, authRefreshes, authRelogins, authExpiredRejections]) {
      counter.add(0, this.tags);
    }
    this.protectedReq = Object.freeze({
      method: profile.protected.method,
      path: profile.protected.path,
    });
    this.expected = {
      // A first rejection is recovered by a refresh and one retry: not an http_req_failed...
      firstTry: http.expectedStatuses({ min: 200, max: 399 }, ...profile.expiredStatuses),
      // ...but a rejected retry is.
      retry: http.expectedStatuses({ min: 200, max: 399 }),
    };
  }

  /**
   * Reads the VU's account, a `k6/secrets` password included. Optional: the sync methods read the
   * account themselves, except a secret password, which needs this awaited once first.
   */
  ready(): Promise<void> {
    return this.keeper.ready();
  }

  /** Takes the identity provider's endpoints found by `setup()` (lib/k6/index.ts); once is enough. */
  useOAuth(oauth: TargetProfile['oauth']): void {
    if (this.oauthTaken) return;
    this.oauthTaken = true;
    this.keeper.useProfile({ ...this.profile, oauth });
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
    const generation = this.keeper.ensureFresh();
    if (generation === undefined) return undefined;
    const res = this.sendFirstTry(req, generation);
    if (!this.countRejection(res) || !this.keeper.recover(generation)) return res;
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
    const generation = this.keeper.ensureFresh();
    if (generation === undefined) return undefined;
    const res = await sendAsync(this.toSpec(req), this.options(req, 'firstTry'));
    if (!this.countRejection(res) || !this.keeper.recover(generation)) return res;
    const retried = await sendAsync(this.toSpec(req), this.options(req, 'retry'));
    this.countRejection(retried);
    return retried;
  }

  /**
   * Sends requests in parallel with `http.batch`. Renewal happens once before the batch; if
   * several are rejected, one renewal serves them all, then the rejected ones go again together.
   */
  batch(reqs: readonly AuthRequest[]): AuthResponse[] {
    const generation = this.keeper.ensureFresh();
    if (generation === undefined) return reqs.map(() => undefined);
    const responses: AuthResponse[] = sendBatch(
      reqs.map((req) => ({ spec: this.toSpec(req), options: this.options(req, 'firstTry') })),
    );
    const rejected = reqs.flatMap((_, i) => (this.countRejection(responses[i]) ? [i] : []));
    if (rejected.length === 0 || !this.keeper.recover(generation)) return responses;
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
    return this.keeper.logout();
  }

  private sendFirstTry(req: AuthRequest, generation: number): K6Response {
    if (req !== this.protectedReq) return send(this.toSpec(req), this.options(req, 'firstTry'));
    let prepared = this.preparedProtected;
    if (prepared?.generation !== generation) {
      prepared = {
        generation,
        request: prepare(this.toSpec(req), this.options(req, 'firstTry')),
      };
      this.preparedProtected = prepared;
    }
    return sendPrepared(prepared.request);
  }

  private toSpec(req: AuthRequest): RequestSpec {
    const spec: RequestSpec = {
      endpoint: 'protected',
      method: req.method,
      url: isAbsoluteUrl(req.path) ? req.path : `${this.profile.baseUrl}${req.path}`,
      headers: this.keeper.withCredentials(req.headers ?? {}),
      followRedirects: req.followRedirects === true,
    };
    if (req.body !== undefined) spec.body = req.body;
    return spec;
  }

  private options(req: AuthRequest, expected: 'firstTry' | 'retry'): SendOptions {
    const options = this.keeper.sendOptions(this.expected[expected]);
    if (req.name !== undefined) options.name = req.name;
    return options;
  }

  /**
   * True (and counted) when the response says the credentials expired or were revoked. Any other
   * answer was served with the credentials: in session mode it may move the session's end.
   */
  private countRejection(res: AuthResponse): boolean {
    if (res === undefined) return false;
    // Most responses are plainly not rejections: skip building a view for them.
    // One read: each `status` read crosses from JavaScript into k6's Go response object.
    const status = res.status;
    const isRedirect = status >= 300 && status <= 399;
    const mayBeRejection = isRedirect || this.profile.expiredStatuses.includes(status);
    if (mayBeRejection && this.mode.isRejection(this.profile, toResponseView(res, Date.now()))) {
      authExpiredRejections.add(1, this.tags);
      return true;
    }
    // Status 0: no answer, so the session was not used.
    if (status !== 0) this.keeper.noteSessionUse(res);
    return false;
  }
}

/** An http(s) URL rather than a path; without a regular expression, as `stripQuery` explains. */
function isAbsoluteUrl(path: string): boolean {
  const start = path.slice(0, 8).toLowerCase();
  return start.startsWith('http://') || start.startsWith('https://');
}
