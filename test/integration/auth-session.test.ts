/**
 * Session mode with the real k6 against the reference server: one login per VU however many
 * iterations (the cookie jar survives k6's per-iteration reset), and a new login, counted, when
 * the server ends an idle session.
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
  THRESHOLDS_FOR_FAULTS,
} from '../helpers/k6.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';

describe('session mode against the reference server', () => {
  before(async () => {
    await ensureBuilt();
  });

  describe('with sessions that outlive the run', () => {
    const server = referenceServerForSuite();

    it('logs each VU in once over many iterations', async () => {
      const vus = 10;
      const run = await runK6({
        script: 'dist/smoke.js',
        env: { BASE_URL: server.url, AUTH_MODE: 'session', VUS: String(vus), DURATION: '8s' },
        timeoutMs: 60_000,
      });
      const stats = await server.stats();
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.summary);
      const iterations = counterCount(run.summary, 'iterations');
      assert.ok(iterations >= vus * 20, `expected many iterations, got ${iterations}`);
      assert.equal(counterCount(run.summary, 'auth_logins'), vus);
      assert.equal(stats.logins, vus);
      assert.equal(stats.activeSessions, vus);
      assert.equal(counterCount(run.summary, 'auth_relogins'), 0);
      assert.equal(counterCount(run.summary, 'auth_expired_rejections'), 0);
      assert.equal(counterCount(run.summary, 'auth_refreshes'), 0);
      assert.equal(stats.requests.refresh, 0);
      assert.deepEqual(stats.unauthorizedByReason, {});
      assert.deepEqual(checkTotals(run.summary), { passes: iterations, fails: 0 });
      assert.deepEqual(findLeaks(run), []);
    });
  });

  describe('with an idle timeout shorter than the pause between iterations', () => {
    const server = referenceServerForSuite({ SESSION_IDLE_TTL: '1' });

    it('logs in again after each expired session, counts it, and fails no check', async () => {
      const vus = 4;
      const run = await runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'session',
          VUS: String(vus),
          DURATION: '8s',
          PAUSE_SECONDS: '2',
          ...THRESHOLDS_FOR_FAULTS,
        },
        timeoutMs: 60_000,
      });
      const stats = await server.stats();
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.summary);
      const logins = counterCount(run.summary, 'auth_logins');
      const relogins = counterCount(run.summary, 'auth_relogins');
      const rejections = counterCount(run.summary, 'auth_expired_rejections');
      assert.ok(relogins >= vus * 2, `expected at least 2 re-logins per VU, got ${relogins}`);
      assert.equal(logins, vus + relogins);
      assert.equal(stats.logins, logins);
      // Every re-login followed exactly one rejected request, which the server saw too.
      assert.equal(rejections, relogins);
      assert.equal(stats.expiredCredentialRejections, rejections);
      assert.equal(checkTotals(run.summary).fails, 0);
      // The rejected first tries were recovered: not failures.
      assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0);
      assert.deepEqual(findLeaks(run), []);
    });
  });
});
