/**
 * Before load (`setup()`): does anything answer at the target? A `BASE_URL` with nothing
 * listening would otherwise meet every VU's login attempts and back-offs for the whole test; a
 * few attempts here (the profile's `retry`, each at most 5 s) decide instead, and the test stops
 * with TARGET_UNREACHABLE (exit code 108) before any VU starts.
 */
import { sleep } from 'k6';
import http from 'k6/http';
import { backoffDelayMs } from '../core/auth/backoff.ts';
import type { TargetProfile } from '../core/auth/profile.ts';
import { buildPreflightRequest, preflightAnswered } from '../core/auth/requests.ts';
import { ERROR_CODES } from '../core/errors.ts';
import { stopTest } from './stop-test.ts';
import { send } from './transport.ts';

const MAX_TIMEOUT_SECONDS = 5;

export function checkTargetAnswers(profile: TargetProfile): void {
  const request = buildPreflightRequest(profile);
  const { retry } = profile;
  const options = {
    mode: profile.mode,
    jar: new http.CookieJar(),
    timeoutSeconds: Math.min(profile.requestTimeoutSeconds, MAX_TIMEOUT_SECONDS),
    // Any answer is a live server: not an http_req_failed.
    expected: http.expectedStatuses({ min: 100, max: 599 }),
  };
  let error = '';
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt += 1) {
    const res = send(request, options);
    if (preflightAnswered(res.status)) return;
    error = res.status === 0 ? res.error : `a gateway's ${res.status}`;
    if (attempt < retry.maxAttempts) sleep(backoffDelayMs(attempt, retry, Math.random) / 1000);
  }
  stopTest(
    ERROR_CODES.TARGET_UNREACHABLE,
    `nothing answered at ${request.url} after ${retry.maxAttempts} attempts (${error}); expected a server there: check BASE_URL and that the server is up`,
  );
}
