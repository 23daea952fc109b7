/**
 * This VU's authenticated requests: its one `AuthClient`, created on first use inside VU code
 * (never in init code, where k6 forbids HTTP), `setup()`'s discovery handed on, and the request
 * helpers lib/k6/index.ts exports to scripts and lib/k6/scenario.ts runs.
 */
import { check } from 'k6';
import { needsDiscovery } from '../core/auth/oidc/discovery.ts';
import type { OAuthSettings } from '../core/auth/profile.ts';
import type { ParallelVia } from '../core/scenario/shapes.ts';
import { AuthClient, type AuthRequest, type AuthResponse } from './auth-client.ts';
import { authMode } from './auth-mode.ts';
import { credentialSettings, profile } from './config.ts';
import { credentialsForThisVu, credentialsForThisVuAsync } from './credentials.ts';
import { checkTargetAnswers } from './preflight.ts';

let client: AuthClient | undefined;

/** This VU's client (one per VU: each VU has its own copy of this module). */
export function authClient(): AuthClient {
  if (client === undefined) {
    client = new AuthClient(
      profile,
      {
        sync: credentialsForThisVu,
        async: credentialsForThisVuAsync,
        shared: credentialSettings.shared,
      },
      authMode,
    );
  }
  return client;
}

/** What `setup()` hands every VU: the identity provider's endpoints, discovered once. */
export interface SetupData {
  oauth?: OAuthSettings;
}

/**
 * k6's `setup()`, once per test before any load: stops the test (exit code 108) when nothing
 * answers at `BASE_URL` (TARGET_UNREACHABLE, lib/k6/preflight.ts). With `-e OIDC_ISSUER`, reads
 * the provider's discovery document and stops the test (OIDC_DISCOVERY_FAILED) when it is unreachable,
 * malformed or names another issuer. Export it from a script of your own (`export { setup }`) and
 * pass its data on with `useSetupData(data)`; without it, each VU discovers at its first login.
 */
export function setup(): SetupData {
  checkTargetAnswers(profile);
  const { discover } = authMode;
  return discover !== undefined && needsDiscovery(profile)
    ? { oauth: discover(profile).oauth }
    : {};
}

/** Gives this VU's client what `setup()` found (the default function's argument). */
export function useSetupData(data: SetupData | undefined): void {
  if (data?.oauth !== undefined) authClient().useOAuth(data.oauth);
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
