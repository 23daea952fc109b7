/**
 * OpenID Connect Discovery on the k6 side: one GET of the provider's configuration (tagged
 * `endpoint: discovery`), read and checked by lib/core/auth/oidc/discovery.ts. `setup()` does it
 * once per test, before any load; a VU whose script exports no `setup` does it at its first login.
 */
import http from 'k6/http';
import {
  buildDiscoveryRequest,
  readDiscovery,
  withEndpoints,
} from '../core/auth/oidc/discovery.ts';
import type { TargetProfile } from '../core/auth/profile.ts';
import { ERROR_CODES } from '../core/errors.ts';
import { stopTest } from './stop-test.ts';
import { send, toResponseView } from './transport.ts';

/**
 * The profile with the endpoints the issuer's discovery document names; a failure stops the
 * whole test (exit code 108) with OIDC_DISCOVERY_FAILED naming the URL and what was expected, not
 * just the iteration.
 */
export function discoverOrAbort(profile: TargetProfile): TargetProfile {
  const issuer = profile.oauth.issuer as string;
  const request = buildDiscoveryRequest(issuer);
  const res = send(request, {
    mode: profile.mode,
    jar: new http.CookieJar(),
    timeoutSeconds: profile.requestTimeoutSeconds,
    expected: http.expectedStatuses(200),
  });
  const found = readDiscovery(
    issuer,
    toResponseView(res, Date.now()),
    profile.mode === 'authorization-code',
  );
  if (!found.ok) {
    stopTest(
      ERROR_CODES.OIDC_DISCOVERY_FAILED,
      `Cannot read the OpenID configuration at ${request.url} (-e OIDC_ISSUER); reason: ${found.reason}`,
    );
  }
  return withEndpoints(profile, found.endpoints);
}
