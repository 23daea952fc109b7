/**
 * Dual mode (access + refresh) with the real k6 against the reference server: proactive refresh
 * at the expected rate, and parallel requests sharing one refresh when the server forgets them.
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
  SHORT_LEEWAY,
  THRESHOLDS_FOR_FAULTS,
  waitFor,
} from '../helpers/k6.ts';
import { writeProfileFile } from '../helpers/profiles.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';

describe('dual mode against the reference server', () => {
  before(() => ensureBuilt());
  const server = referenceServerForSuite({ ACCESS_TTL: '2' });

  it('refreshes about VUs × duration / TTL times with 20 VUs for 30 s, and never sends an expired token', async () => {
    await server.resetStats();
    const vus = 20;
    const durationSeconds = 30;
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        BASE_URL: server.url,
        AUTH_MODE: 'dual',
        VUS: String(vus),
        DURATION: `${durationSeconds}s`,
        ...SHORT_LEEWAY,
      },
      timeoutMs: 90_000,
    });
    const stats = await server.stats();
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    const expected = (vus * durationSeconds) / 2;
    const refreshes = counterCount(run.summary, 'auth_refreshes');
    assert.ok(
      Math.abs(refreshes - expected) <= expected * 0.25,
      `expected ${expected} ± 25% refreshes, got ${refreshes}`,
    );
    assert.equal(stats.refreshes, refreshes, 'the server counted what k6 counted');
    assert.equal(counterCount(run.summary, 'auth_logins'), vus);
    assert.equal(stats.logins, vus);
    assert.equal(counterCount(run.summary, 'auth_relogins'), 0);
    assert.equal(counterCount(run.summary, 'auth_expired_rejections'), 0);
    assert.equal(stats.expiredCredentialRejections, 0);
    assert.deepEqual(stats.unauthorizedByReason, {});
    assert.equal(stats.refreshReuseDetections, 0);
    assert.equal(stats.refreshFailures, 0);
    assert.equal(rateSamples(run.summary, 'auth_errors').trues, 0);
    assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0);
    const checks = checkTotals(run.summary);
    assert.equal(checks.fails, 0);
    assert.equal(checks.passes, stats.requests.protected);
    assert.deepEqual(findLeaks(run), []);
    console.log(
      `dual 20 VUs × 30 s, TTL 2 s: expected ${expected} refreshes, measured ${refreshes}`,
    );
  });

  for (const via of ['batch', 'async'] as const) {
    it(`shares one refresh among parallel requests sent with ${via === 'batch' ? 'http.batch' : 'http.asyncRequest'} when the server forgets every token`, async () => {
      await server.resetStats();
      const vus = 4;
      const running = runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'dual',
          VUS: String(vus),
          DURATION: '8s',
          PARALLEL: '4',
          PARALLEL_VIA: via,
          ...SHORT_LEEWAY,
          ...THRESHOLDS_FOR_FAULTS,
        },
        timeoutMs: 60_000,
      });
      // Every VU logged in and has worked a while: then the "restart".
      await waitFor(
        'every VU to have refreshed',
        async () => (await server.stats()).refreshes >= vus * 2,
        20_000,
      );
      await server.setFaults({ forgetAll: true });
      const run = await running;
      const stats = await server.stats();
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.summary);
      // Each VU presented its dead refresh token exactly once, then logged in again once.
      assert.equal(stats.refreshFailures, vus);
      assert.equal(stats.refreshReuseDetections, 0);
      assert.equal(counterCount(run.summary, 'auth_relogins'), vus);
      assert.equal(counterCount(run.summary, 'auth_logins'), vus * 2);
      assert.equal(stats.logins, vus * 2);
      assert.equal(counterCount(run.summary, 'auth_refreshes'), stats.refreshes);
      const rejections = counterCount(run.summary, 'auth_expired_rejections');
      assert.equal(rejections, stats.expiredCredentialRejections);
      assert.ok(rejections <= vus * 4, `at most one rejected round per VU, got ${rejections}`);
      assert.equal(checkTotals(run.summary).fails, 0);
      assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0);
      assert.deepEqual(findLeaks(run), []);
    });
  }
  it('refreshes once and retries once, never more, when the server rejects every token', async () => {
    await server.resetStats();
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        BASE_URL: server.url,
        AUTH_MODE: 'dual',
        VUS: '2',
        DURATION: '3s',
        // The server never sees the access token, so every protected request is a 401.
        PROFILE: writeProfileFile({ accessToken: { header: 'X-Not-Authorization' } }),
        ...THRESHOLDS_FOR_FAULTS,
      },
      timeoutMs: 60_000,
    });
    const stats = await server.stats();
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    const iterations = counterCount(run.summary, 'iterations');
    assert.ok(iterations >= 10, `got ${iterations} iterations`);
    assert.equal(stats.requests.protected, iterations * 2);
    assert.deepEqual(stats.unauthorizedByReason, { missing: iterations * 2 });
    assert.equal(stats.refreshes, iterations);
    assert.equal(stats.refreshReuseDetections, 0);
    assert.equal(counterCount(run.summary, 'auth_expired_rejections'), iterations * 2);
    assert.deepEqual(checkTotals(run.summary), { passes: 0, fails: iterations });
    // The first 401 of each pair was worth a retry; only the rejected retry is a failure.
    assert.deepEqual(rateSamples(run.summary, 'http_req_failed'), {
      trues: iterations,
      // The requests above, and setup()'s one preflight GET before load.
      total: iterations * 2 + stats.refreshes + stats.logins + 1,
    });
    assert.deepEqual(findLeaks(run), []);
  });
});
