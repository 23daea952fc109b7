/**
 * Expiry-aware sessions with the real k6: a VU logs in again shortly before its session cookie's
 * `Max-Age` ends it, keeps a sliding session without any new login, and, told the idle timeout
 * with the profile's `session.lifetimeSeconds`, logs in again before a server whose cookie says nothing would reject
 * it. No cookie value, password or CSRF token may appear in any output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCsrfFormServer } from '../helpers/csrf-form-server.ts';
import {
  checkTotals,
  counterCount,
  ensureBuilt,
  findLeaks,
  type K6Run,
  type K6Summary,
  rateSamples,
  runK6,
  THRESHOLDS_FOR_FAULTS,
} from '../helpers/k6.ts';
import { writeProfileFile } from '../helpers/profiles.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';

function assertPassed(run: K6Run): asserts run is K6Run & { summary: K6Summary } {
  assert.equal(run.timedOut, false, 'k6 finished in time');
  assert.equal(run.code, 0, `k6 exit code; stderr tail: ${run.stderr.slice(-400)}`);
  assert.ok(run.summary, 'k6 wrote its summary');
}

describe('expiry-aware sessions', () => {
  before(async () => {
    await ensureBuilt();
  });

  describe('against the reference server with a 5 s session cookie', () => {
    // The idle timeout stays long: only the cookie's Max-Age (SESSION_MAX_TTL) ends a session.
    const server = referenceServerForSuite({ SESSION_MAX_TTL: '5', SESSION_IDLE_TTL: '60' });

    it('logs each VU in again before its cookie ends: 10 VUs for 20 s, no expired rejection, exit 0', async () => {
      const vus = 10;
      // The profile's own thresholds stay: an expired rejection would make this exit 99.
      const run = await runK6({
        script: 'dist/smoke.js',
        env: { BASE_URL: server.url, AUTH_MODE: 'session', VUS: String(vus), DURATION: '20s' },
        timeoutMs: 90_000,
      });
      const stats = await server.stats();
      assertPassed(run);
      const { summary } = run;
      assert.equal(counterCount(summary, 'auth_expired_rejections'), 0);
      assert.equal(stats.expiredCredentialRejections, 0);
      assert.deepEqual(stats.unauthorizedByReason, {});
      const logins = counterCount(summary, 'auth_logins');
      const relogins = counterCount(summary, 'auth_relogins');
      assert.equal(logins, vus + relogins);
      assert.equal(stats.logins, logins);
      // The default 15 s leeway and 5 s jitter, capped at half the 5 s lifetime, renew each
      // session 2.5-3.1 s after login: about 20 s / 2.8 s per VU, never more than 20 s / 2.5 s.
      assert.ok(relogins >= vus * 4, `expected about 6 re-logins per VU, got ${relogins}`);
      assert.ok(relogins <= vus * 8, `expected at most 8 re-logins per VU, got ${relogins}`);
      assert.equal(checkTotals(summary).fails, 0);
      assert.equal(rateSamples(summary, 'http_req_failed').trues, 0);
      assert.deepEqual(findLeaks(run), []);
    });
  });

  describe('against a server-rendered form login (profiles/csrf-form.json)', () => {
    let server: Awaited<ReturnType<typeof startCsrfFormServer>> | undefined;
    after(async () => {
      await server?.stop();
    });

    async function runAgainst(
      options: Parameters<typeof startCsrfFormServer>[0],
      env: Record<string, string>,
    ) {
      await server?.stop();
      server = await startCsrfFormServer(options);
      const run = await runK6({
        script: 'dist/smoke.js',
        env: { PROFILE: 'profiles/csrf-form.json', BASE_URL: server.url, ...env },
        timeoutMs: 60_000,
      });
      return { run, stats: server.stats(), secrets: server.issuedSecrets() };
    }

    it('keeps a sliding session that every page re-sends with a 3 s Max-Age, without a new login', async () => {
      const vus = 4;
      const { run, stats, secrets } = await runAgainst(
        { sessionTtlSeconds: 3, idleTimeout: true, cookieMaxAge: true },
        { VUS: String(vus), DURATION: '8s' },
      );
      assertPassed(run);
      const { summary } = run;
      // Without reading the re-sent cookie, each VU would log in again every 1.5-1.9 s.
      assert.equal(counterCount(summary, 'auth_relogins'), 0);
      assert.equal(counterCount(summary, 'auth_logins'), vus);
      assert.equal(counterCount(summary, 'auth_expired_rejections'), 0);
      assert.equal(stats.logins, vus);
      assert.equal(stats.expiredRejections, 0);
      assert.ok(stats.cookiesResent >= vus * 20, `the cookie slid, ${stats.cookiesResent} times`);
      assert.equal(checkTotals(summary).fails, 0);
      assert.deepEqual(findLeaks(run, ['pass1', 'pass2', 'pass3', 'pass4', ...secrets]), []);
    });

    it("with the profile's session.lifetimeSeconds, logs in again before an idle timeout the cookie does not tell", async () => {
      const vus = 3;
      // Idle 1 s, 2 s between requests: every request would find its session ended.
      const serverOptions = { sessionTtlSeconds: 1, idleTimeout: true };
      const env = {
        VUS: String(vus),
        DURATION: '8s',
        PAUSE_SECONDS: '2',
        ...THRESHOLDS_FOR_FAULTS,
      };

      const told = await runAgainst(serverOptions, {
        ...env,
        PROFILE: writeProfileFile({ session: { lifetimeSeconds: 1 } }, 'csrf-form'),
      });
      assertPassed(told.run);
      const relogins = counterCount(told.run.summary, 'auth_relogins');
      assert.equal(counterCount(told.run.summary, 'auth_expired_rejections'), 0);
      assert.equal(told.stats.expiredRejections, 0);
      assert.ok(relogins >= vus * 2, `expected a re-login per iteration, got ${relogins}`);
      assert.equal(told.stats.logins, counterCount(told.run.summary, 'auth_logins'));
      assert.equal(checkTotals(told.run.summary).fails, 0);
      assert.deepEqual(findLeaks(told.run, ['pass1', 'pass2', 'pass3', ...told.secrets]), []);

      // The same run without the setting: the server rejects, and the VUs recover after it.
      const untold = await runAgainst(serverOptions, env);
      assertPassed(untold.run);
      const rejections = counterCount(untold.run.summary, 'auth_expired_rejections');
      assert.ok(rejections >= vus * 2, `expected rejected sessions, got ${rejections}`);
      assert.equal(untold.stats.expiredRejections, rejections);
    });
  });
});
