/**
 * What to do when a login or refresh fails: classify the failure, wait (capped exponential
 * back-off with full jitter, or the server's `Retry-After`), and stop after a bounded number of
 * attempts. Pure: the clock and the randomness are arguments.
 */
import type { RetrySettings } from './profile.ts';

/**
 * - `transient`: no response (status 0: connection error, timeout), 408, or a 5xx: try again later.
 * - `rate-limited`: 429 (RFC 6585 §4): wait as long as the server asks.
 * - `refused`: any other status: the server answered and said no (a bad password, an
 *   `invalid_grant`); asking again changes nothing, so it is never retried as such.
 */
export type FailureKind = 'transient' | 'rate-limited' | 'refused';

export function classifyFailure(status: number): FailureKind {
  if (status === 0 || status === 408 || (status >= 500 && status <= 599)) return 'transient';
  if (status === 429) return 'rate-limited';
  return 'refused';
}

/**
 * Full-jitter exponential back-off: a uniform delay in `[0, min(maxDelay, base × 2^(n−1)))` before
 * retry number `n` (1-based). Full jitter spreads VUs that failed together, so they do not all
 * come back together.
 */
export function backoffDelayMs(
  retryNumber: number,
  settings: Pick<RetrySettings, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const exponent = Math.max(0, retryNumber - 1);
  // 2^exponent overflows to Infinity after ~1000 failures; Math.min keeps the cap either way.
  const ceilingMs = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** exponent);
  return random() * ceilingMs;
}

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): either delay-seconds (a non-negative integer) or an
 * HTTP-date (IMF-fixdate, or the obsolete formats `Date.parse` reads). Returns seconds to wait from
 * `nowMs` (0 for a date in the past), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // A bare number with a sign or a fraction is neither form; Date.parse would read it as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, (dateMs - nowMs) / 1000);
}

export interface FailedAttempt {
  /** Status of the failed login or refresh; 0 when there was no response. */
  status: number;
  /** The raw `Retry-After` header, when the response had one. */
  retryAfter?: string;
  /** Attempts made so far for this login or refresh, this one included (1-based). */
  attempt: number;
  /**
   * Failed attempts in a row for this VU, this one included, across iterations: the back-off
   * keeps growing while the server stays down instead of starting over every iteration.
   */
  failureStreak: number;
}

export type RetryDecision =
  | { retry: true; delayMs: number }
  | {
      retry: false;
      kind: FailureKind;
      reason: string;
      /**
       * How long this VU should make no further login or refresh attempt: the back-off goes on
       * across iterations, so a VU facing a dead server or a wrong password does not start a
       * fresh burst of attempts every iteration.
       */
      holdOffMs: number;
    };

/**
 * Decides whether to try a failed login or refresh again, and after how long. `Retry-After` is
 * honoured on 429 and 503 (RFC 9110 §15.6.4), plus up to one base delay of jitter so a crowd of
 * VUs does not return in the same millisecond. A wait up to `retryAfterMaxSeconds` is slept and
 * the attempt retried; a longer one fails the attempt now (the iteration ends, counted) and holds
 * the VU off for the whole wait: `retry.retryAfterMaxSeconds` bounds how long one attempt may stall, never
 * how soon the server is asked again. Attempts are bounded by `maxAttempts`.
 */
export function decideRetry(
  failed: FailedAttempt,
  settings: RetrySettings,
  nowMs: number,
  random: () => number,
): RetryDecision {
  const kind = classifyFailure(failed.status);
  const got = failed.status === 0 ? 'no response' : `status ${failed.status}`;
  const backoffMs = backoffDelayMs(failed.failureStreak, settings, random);
  if (kind === 'refused') {
    return {
      retry: false,
      kind,
      reason: `the server refused; reason: got ${got}`,
      holdOffMs: backoffMs,
    };
  }
  const retryAfterSeconds =
    failed.status === 429 || failed.status === 503
      ? parseRetryAfter(failed.retryAfter, nowMs)
      : undefined;
  // Never sooner than the server asked, whether retrying now or in a later iteration.
  const waitMs =
    retryAfterSeconds === undefined
      ? backoffMs
      : retryAfterSeconds * 1000 + random() * settings.baseDelayMs;
  if (retryAfterSeconds !== undefined && retryAfterSeconds > settings.retryAfterMaxSeconds) {
    return {
      retry: false,
      kind,
      reason: `Retry-After too long; reason: expected at most ${settings.retryAfterMaxSeconds} s, got ${Math.ceil(retryAfterSeconds)} s; no attempt before then`,
      holdOffMs: waitMs,
    };
  }
  if (failed.attempt >= settings.maxAttempts) {
    return {
      retry: false,
      kind,
      reason: `gave up after ${failed.attempt} attempts; reason: expected a success, got ${got}`,
      holdOffMs: waitMs,
    };
  }
  return { retry: true, delayMs: waitMs };
}
