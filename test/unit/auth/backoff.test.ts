import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backoffDelayMs,
  classifyFailure,
  decideRetry,
  parseRetryAfter,
} from '../../../lib/core/auth/backoff.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const retry = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, retryAfterMaxSeconds: 5 };

describe('classifyFailure', () => {
  it('treats no response, 408 and every 5xx as transient', () => {
    for (const status of [0, 408, 500, 502, 503, 504, 599]) {
      assert.equal(classifyFailure(status), 'transient', `status ${status}`);
    }
  });

  it('treats 429 as rate-limited', () => {
    assert.equal(classifyFailure(429), 'rate-limited');
  });

  it('treats other statuses, such as an invalid_grant 400 or a 401, as refused', () => {
    for (const status of [400, 401, 403, 404, 302, 200]) {
      assert.equal(classifyFailure(status), 'refused', `status ${status}`);
    }
  });
});

describe('backoffDelayMs', () => {
  it('doubles the ceiling with each retry, starting at the base delay', () => {
    const ceiling = (n: number) => backoffDelayMs(n, retry, () => 1);
    assert.deepEqual([1, 2, 3, 4].map(ceiling), [100, 200, 400, 800]);
  });

  it('never exceeds the maximum delay, even after very many failures', () => {
    for (const n of [5, 10, 64, 2000])
      assert.equal(
        backoffDelayMs(n, retry, () => 1),
        1000,
      );
  });

  it('applies full jitter: the delay is the random draw times the ceiling', () => {
    assert.equal(
      backoffDelayMs(3, retry, () => 0),
      0,
    );
    assert.equal(
      backoffDelayMs(3, retry, () => 0.25),
      100,
    );
    for (let i = 0; i < 200; i += 1) {
      const delay = backoffDelayMs(3, retry, Math.random);
      assert.ok(delay >= 0 && delay < 400, `got ${delay}`);
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    assert.equal(parseRetryAfter('120', NOW), 120);
    assert.equal(parseRetryAfter(' 0 ', NOW), 0);
  });

  it('reads an IMF-fixdate HTTP-date as the seconds left until it', () => {
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', NOW), 30);
  });

  it('reads an HTTP-date in the past as zero', () => {
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 11:59:00 GMT', NOW), 0);
  });

  it('reads the obsolete RFC 850 date format', () => {
    assert.equal(parseRetryAfter('Thursday, 01-Jan-26 12:00:10 GMT', NOW), 10);
  });

  it('returns undefined for an absent, signed, fractional or unreadable value', () => {
    for (const value of [undefined, '', '-5', '1.5', '+3', 'soon', 'Thu, 99 Foo 2026']) {
      assert.equal(parseRetryAfter(value, NOW), undefined, `value ${value}`);
    }
  });
});

describe('decideRetry', () => {
  it('backs off after a 500 on an early attempt, using the VU failure streak', () => {
    const decision = decideRetry(
      { status: 500, attempt: 1, failureStreak: 3 },
      retry,
      NOW,
      () => 0.5,
    );
    assert.deepEqual(decision, { retry: true, delayMs: 200 });
  });

  it('backs off after no response at all (status 0: connection error or timeout)', () => {
    assert.deepEqual(
      decideRetry({ status: 0, attempt: 2, failureStreak: 2 }, retry, NOW, () => 1),
      {
        retry: true,
        delayMs: 200,
      },
    );
  });

  it('gives up after the last attempt, with a hold-off for the next iteration', () => {
    assert.deepEqual(
      decideRetry({ status: 503, attempt: 4, failureStreak: 4 }, retry, NOW, () => 1),
      {
        retry: false,
        kind: 'transient',
        reason: 'gave up after 4 attempts; reason: expected a success, got status 503',
        holdOffMs: 800,
      },
    );
    assert.deepEqual(
      decideRetry({ status: 0, attempt: 4, failureStreak: 9 }, retry, NOW, () => 1),
      {
        retry: false,
        kind: 'transient',
        reason: 'gave up after 4 attempts; reason: expected a success, got no response',
        holdOffMs: 1000,
      },
    );
  });

  it('never retries a refusal, such as an invalid_grant 400', () => {
    assert.deepEqual(
      decideRetry({ status: 400, attempt: 1, failureStreak: 1 }, retry, NOW, () => 1),
      {
        retry: false,
        kind: 'refused',
        reason: 'the server refused; reason: got status 400',
        holdOffMs: 100,
      },
    );
  });

  it('waits for Retry-After in seconds on a 429, plus jitter below one base delay', () => {
    const low = decideRetry(
      { status: 429, retryAfter: '2', attempt: 1, failureStreak: 1 },
      retry,
      NOW,
      () => 0,
    );
    const high = decideRetry(
      { status: 429, retryAfter: '2', attempt: 1, failureStreak: 1 },
      retry,
      NOW,
      () => 0.99,
    );
    assert.deepEqual(low, { retry: true, delayMs: 2000 });
    assert.deepEqual(high, { retry: true, delayMs: 2099 });
  });

  it('waits for a Retry-After HTTP-date on a 503', () => {
    const decision = decideRetry(
      { status: 503, retryAfter: 'Thu, 01 Jan 2026 12:00:03 GMT', attempt: 1, failureStreak: 1 },
      retry,
      NOW,
      () => 0,
    );
    assert.deepEqual(decision, { retry: true, delayMs: 3000 });
  });

  it('ignores Retry-After on statuses that do not define it', () => {
    const decision = decideRetry(
      { status: 500, retryAfter: '4', attempt: 1, failureStreak: 1 },
      retry,
      NOW,
      () => 1,
    );
    assert.deepEqual(decision, { retry: true, delayMs: 100 });
  });

  it('backs off exponentially on a 429 without a readable Retry-After', () => {
    const decision = decideRetry(
      { status: 429, retryAfter: 'later', attempt: 1, failureStreak: 2 },
      retry,
      NOW,
      () => 1,
    );
    assert.deepEqual(decision, { retry: true, delayMs: 200 });
  });

  it('fails the attempt when Retry-After exceeds the cap, holding off for the whole Retry-After, never just the cap', () => {
    const decision = decideRetry(
      { status: 429, retryAfter: '30', attempt: 1, failureStreak: 1 },
      retry,
      NOW,
      () => 0,
    );
    assert.deepEqual(decision, {
      retry: false,
      kind: 'rate-limited',
      reason:
        'Retry-After too long; reason: expected at most 5 s, got 30 s; no attempt before then',
      holdOffMs: 30_000,
    });
  });

  it('adds the jitter to a too-long Retry-After as to any other, so held-off VUs do not return together', () => {
    const decision = decideRetry(
      { status: 503, retryAfter: new Date(NOW + 7500).toUTCString(), attempt: 2, failureStreak: 5 },
      retry,
      NOW,
      () => 0.5,
    );
    // A date has whole seconds: 7 s from NOW (7.5 s truncated to the second), plus half a base delay.
    assert.deepEqual(decision, {
      retry: false,
      kind: 'transient',
      reason: 'Retry-After too long; reason: expected at most 5 s, got 7 s; no attempt before then',
      holdOffMs: 7000 + 50,
    });
  });

  it('stops at the attempt limit even while rate-limited, holding off at least the Retry-After', () => {
    const decision = decideRetry(
      { status: 429, retryAfter: '3', attempt: 4, failureStreak: 4 },
      retry,
      NOW,
      () => 0,
    );
    assert.deepEqual(decision, {
      retry: false,
      kind: 'rate-limited',
      reason: 'gave up after 4 attempts; reason: expected a success, got status 429',
      holdOffMs: 3000,
    });
  });
});
