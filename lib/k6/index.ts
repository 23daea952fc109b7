/**
 * What scenarios use. A scenario stays thin: its `options`, and a default function that calls in
 * here, e.g.
 *
 * ```ts
 * import { protectedCall } from '../lib/k6/index.ts';
 * export default function () { protectedCall(); }
 * ```
 *
 * Each VU gets one `AuthClient`, created on first use inside VU code (never in init code, where
 * k6 forbids HTTP). It logs in on the VU's first request and keeps its cookie jar or tokens
 * across iterations. Configuration (`-e AUTH_MODE`, `-e PROFILE`, …) is read at init by
 * lib/k6/config.ts, so a bad value stops the run before any request.
 */
import { check } from 'k6';
import type { ParallelVia } from '../core/scenario/shapes.ts';
import { AuthClient, type AuthRequest, type AuthResponse } from './auth-client.ts';
import { authMode } from './auth-mode.ts';
import { profile } from './config.ts';
import { credentialsForThisVu, credentialsForThisVuAsync } from './credentials.ts';

export type { AuthRequest, AuthResponse } from './auth-client.ts';
export { profile } from './config.ts';

let client: AuthClient | undefined;

/** This VU's client (one per VU: each VU has its own copy of this module). */
export function authClient(): AuthClient {
  if (client === undefined) {
    client = new AuthClient(
      profile,
      { sync: credentialsForThisVu, async: credentialsForThisVuAsync },
      authMode,
    );
  }
  return client;
}

/**
 * One request with the VU's credentials (bearer header or session cookie), renewing them as
 * needed. Returns the k6 response (check it as usual), or undefined when the VU could not
 * authenticate: that is already counted in `auth_errors` and logged, redacted.
 */
export function authenticatedRequest(req: AuthRequest): AuthResponse {
  return authClient().request(req);
}

/** `authenticatedRequest` on the event loop: `await Promise.all([...])` shares one refresh. */
export function authenticatedRequestAsync(req: AuthRequest): Promise<AuthResponse> {
  return authClient().requestAsync(req);
}

/** Requests in parallel with `http.batch`, sharing one renewal; responses in the same order. */
export function authenticatedBatch(reqs: readonly AuthRequest[]): AuthResponse[] {
  return authClient().batch(reqs);
}

/** `GET` (or the profile's method) on the protected endpoint, with a check. True when 2xx. */
export function protectedCall(): boolean {
  const c = authClient();
  return checkProtected(c.request(c.protectedRequest()));
}

/**
 * `count` protected calls sent at once, sharing one renewal: through `http.batch`, or
 * `http.asyncRequest` with `via: 'async'`. Each response is checked like `protectedCall`.
 */
export async function protectedCalls(count: number, via: ParallelVia): Promise<void> {
  const c = authClient();
  const reqs = Array.from({ length: count }, () => c.protectedRequest());
  const responses =
    via === 'batch' ? c.batch(reqs) : await Promise.all(reqs.map((req) => c.requestAsync(req)));
  for (const res of responses) checkProtected(res);
}

// Built once per VU, not per request: a check's object, closure and tags cost CPU on every call.
const PROTECTED_CHECKS = {
  'protected request answered 2xx': (r: AuthResponse) => {
    if (r === undefined) return false;
    const status = r.status;
    return status >= 200 && status < 300;
  },
};
const CHECK_TAGS = { auth: profile.mode };

function checkProtected(res: AuthResponse): boolean {
  return check(res, PROTECTED_CHECKS, CHECK_TAGS);
}
