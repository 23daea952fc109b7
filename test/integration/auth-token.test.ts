/**
 * Token mode with the real k6 against the reference server: a bearer token, renewed by a new
 * login shortly before it expires (there is no refresh token to use).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  checkTotals,
  counterCount,
  ensureBuilt,
  findLeaks,
  rateSamples,
  runK6,
} from '../helpers/k6.ts';
import { writeProfileFile } from '../helpers/profiles.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';

describe('token mode against the reference server', () => {
  before(() => ensureBuilt());
  const server = referenceServerForSuite({ ACCESS_TTL: '2' });

  it('logs in again before each 2-second token expires, and never sends an expired one', async () => {
    const vus = 5;
    const durationSeconds = 10;
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        BASE_URL: server.url,
        AUTH_MODE: 'token',
        VUS: String(vus),
        DURATION: `${durationSeconds}s`,
        REFRESH_LEEWAY: '0.2',
        REFRESH_JITTER: '0.2',
      },
      timeoutMs: 60_000,
    });
    const stats = await server.stats();
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    const logins = counterCount(run.summary, 'auth_logins');
    const relogins = counterCount(run.summary, 'auth_relogins');
    // Each VU's first login starts its first token; every later one renews a token, like a
    // refresh in dual mode.
    assert.equal(logins, vus + relogins);
    const expected = (vus * durationSeconds) / 2;
    assert.ok(
      Math.abs(relogins - expected) <= expected * 0.25,
      `expected ${expected} ± 25% re-logins, got ${relogins}`,
    );
    assert.equal(stats.logins, logins);
    assert.equal(counterCount(run.summary, 'auth_refreshes'), 0);
    assert.equal(stats.requests.refresh, 0);
    assert.equal(counterCount(run.summary, 'auth_expired_rejections'), 0);
    assert.deepEqual(stats.unauthorizedByReason, {});
    assert.equal(checkTotals(run.summary).fails, 0);
    assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0);
    assert.deepEqual(findLeaks(run), []);
    console.log(
      `token 5 VUs × 10 s, TTL 2 s: expected ${expected} re-logins, measured ${relogins}`,
    );
  });
  it('reads the expiry from the JWT itself when told to ignore expires_in', async () => {
    await server.resetStats();
    const vus = 3;
    const durationSeconds = 8;
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        BASE_URL: server.url,
        AUTH_MODE: 'token',
        // Only the token's own exp/iat, decoded in k6 with k6/encoding, can tell the lifetime.
        PROFILE: writeProfileFile({ expiry: { source: 'jwt' } }),
        VUS: String(vus),
        DURATION: `${durationSeconds}s`,
        REFRESH_LEEWAY: '0.2',
        REFRESH_JITTER: '0.2',
      },
      timeoutMs: 60_000,
    });
    const stats = await server.stats();
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    const relogins = counterCount(run.summary, 'auth_relogins');
    // The server rounds exp up to whole seconds, so a token lives 2 to 3 s: at least one renewal
    // every 3 s, and never a rejection, which is what a client blind to the lifetime would get.
    assert.ok(
      relogins >= (vus * durationSeconds) / 3 - vus,
      `renewed ahead: ${relogins} re-logins`,
    );
    assert.ok(relogins <= (vus * durationSeconds) / 1.5, `not on every request: ${relogins}`);
    assert.equal(counterCount(run.summary, 'auth_expired_rejections'), 0);
    assert.deepEqual(stats.unauthorizedByReason, {});
    assert.equal(checkTotals(run.summary).fails, 0);
    assert.deepEqual(findLeaks(run), []);
  });
});
