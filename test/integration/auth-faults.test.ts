/**
 * Faults with the real k6 against the reference server: a failing refresh endpoint, rate limiting
 * with Retry-After, a restart, clock jumps, a wrong password. The run must survive, recover within
 * the back-off cap, keep its attempts bounded (no tight loop), and count everything.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  checkTotals,
  counterCount,
  ensureBuilt,
  findLeaks,
  type K6Point,
  rateSamples,
  runK6,
  SHORT_LEEWAY,
  THRESHOLDS_FOR_FAULTS,
  waitFor,
} from '../helpers/k6.ts';
import { writeProfileFile } from '../helpers/profiles.ts';
import { type ReferenceServer, startReferenceServer } from '../helpers/reference-server.ts';

/** The toolkit's default back-off cap (`retry.maxDelayMs`). */
const MAX_DELAY_MS = 5000;
/** Scheduling noise on a shared 2-core machine. */
const SLACK_MS = 1500;
/** How long the "restarted" server stays down: longer than the 2-second tokens. */
const DOWNTIME_MS = 3000;

async function withServer(
  env: Record<string, string>,
  body: (server: ReferenceServer) => Promise<void>,
): Promise<void> {
  await ensureBuilt();
  const server = await startReferenceServer(env);
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

function failedCheckTimes(points: readonly K6Point[]): number[] {
  return points
    .filter((p) => p.metric === 'checks' && p.value === 0)
    .map((p) => Date.parse(p.time));
}

function passedChecksAfter(points: readonly K6Point[], sinceMs: number): number {
  return points.filter(
    (p) => p.metric === 'checks' && p.value === 1 && Date.parse(p.time) > sinceMs,
  ).length;
}

describe('faults injected into the reference server', () => {
  it('rides out a refresh endpoint answering 500 for 5 s: bounded attempts, a new login once a token expires, recovery within the back-off cap', async () => {
    await withServer({ ACCESS_TTL: '2' }, async (server) => {
      const vus = 5;
      const running = runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'dual',
          VUS: String(vus),
          DURATION: '16s',
          ...SHORT_LEEWAY,
          ...THRESHOLDS_FOR_FAULTS,
        },
        collectPoints: true,
        timeoutMs: 60_000,
      });
      await waitFor(
        'a first round of refreshes',
        async () => (await server.stats()).refreshes >= vus,
        20_000,
      );
      await server.setFaults({ failure: { endpoint: 'refresh', status: 500, seconds: 5 } });
      const faultStartMs = Date.now();
      const faultEndMs = faultStartMs + 5000;
      const run = await running;
      const stats = await server.stats();
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.summary);

      const injected = stats.faultsInjected.failures;
      assert.ok(injected >= vus, `every VU met the outage: ${injected} failed refreshes`);
      assert.ok(
        injected <= vus * 12,
        `bounded attempts, no tight loop: ${injected} for ${vus} VUs in 5 s`,
      );
      // Every failed attempt is counted on the client side too.
      assert.equal(rateSamples(run.summary, 'auth_errors').trues, injected);
      // The 2 s access tokens expire during the 5 s outage: each VU whose refresh kept failing
      // logs in again rather than stop its protected traffic; bounded, at most one per token.
      const relogins = counterCount(run.summary, 'auth_relogins');
      assert.ok(relogins >= 1 && relogins <= vus * 3, `relogins during the outage: ${relogins}`);
      assert.equal(stats.logins, vus + relogins);
      // Protected traffic goes on once the old tokens are gone (2 s), before the outage ends.
      const duringOutage =
        passedChecksAfter(run.points, faultStartMs + 2500) -
        passedChecksAfter(run.points, faultEndMs);
      assert.ok(duringOutage >= vus, `protected 2xx during the outage: ${duringOutage}`);
      assert.equal(stats.refreshReuseDetections, 0);
      assert.equal(counterCount(run.summary, 'auth_refreshes'), stats.refreshes);
      const rejections = counterCount(run.summary, 'auth_expired_rejections');
      assert.equal(rejections, stats.expiredCredentialRejections);
      assert.ok(rejections <= vus, `at most a token used to its last moment per VU: ${rejections}`);

      const recoveredByMs = faultEndMs + MAX_DELAY_MS + SLACK_MS;
      for (const time of failedCheckTimes(run.points)) {
        assert.ok(
          time <= recoveredByMs,
          `a check failed ${time - faultEndMs} ms after the outage ended`,
        );
      }
      assert.ok(passedChecksAfter(run.points, recoveredByMs) >= vus);
      assert.equal(checkTotals(run.summary).fails, failedCheckTimes(run.points).length);
      const lastFailureMs = Math.max(faultEndMs, ...failedCheckTimes(run.points));
      console.log(
        `refresh 500 for 5 s, ${vus} VUs: ${injected} failed refresh attempts, ` +
          `${checkTotals(run.summary).fails} failed checks, last one ${lastFailureMs - faultEndMs} ms after the outage`,
      );

      // Every request, failed or not, carries the tag contract, with one stable name per endpoint.
      const tagSets = new Set(
        run.points
          .filter((p) => p.metric === 'http_reqs')
          .map((p) => `${p.tags.endpoint} ${p.tags.auth} ${p.tags.name}`),
      );
      assert.deepEqual([...tagSets].sort(), [
        `login dual ${server.url}/login`,
        `preflight dual ${server.url}/`,
        `protected dual ${server.url}/protected`,
        `refresh dual ${server.url}/refresh`,
      ]);
      assert.deepEqual(findLeaks(run), []);
    });
  });

  it('waits for Retry-After on a rate-limited login before trying again, and logs every VU in', async () => {
    await withServer({}, async (server) => {
      await server.setFaults({
        rateLimit: { endpoint: 'login', perSecond: 2, retryAfterSeconds: 1 },
      });
      const vus = 8;
      const run = await runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'dual',
          VUS: String(vus),
          DURATION: '8s',
          ...THRESHOLDS_FOR_FAULTS,
        },
        // The `vu` tag lets the test follow each VU's attempts.
        args: ['--system-tags', 'status,method,name,scenario,check,expected_response,vu'],
        collectPoints: true,
        timeoutMs: 60_000,
      });
      const stats = await server.stats();
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.summary);
      assert.equal(counterCount(run.summary, 'auth_logins'), vus);
      assert.equal(stats.logins, vus);
      const limited = stats.faultsInjected.rateLimited;
      assert.ok(limited >= vus - 2, `the limit bit: ${limited} answers 429`);
      assert.ok(limited <= vus * 4, `bounded attempts: ${limited} answers 429 for ${vus} VUs`);
      assert.equal(rateSamples(run.summary, 'auth_errors').trues, limited);

      const attemptsByVu = new Map<string, K6Point[]>();
      for (const point of run.points) {
        if (point.metric !== 'http_req_duration' || point.tags.endpoint !== 'login') continue;
        const vu = point.metadata.vu ?? '?';
        attemptsByVu.set(vu, [...(attemptsByVu.get(vu) ?? []), point]);
      }
      assert.equal(attemptsByVu.size, vus);
      let shortestGapMs = Number.POSITIVE_INFINITY;
      for (const [vu, attempts] of attemptsByVu) {
        attempts.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
        attempts.forEach((attempt, i) => {
          const next = attempts[i + 1];
          if (attempt.tags.status !== '429' || next === undefined) return;
          const gapMs = Date.parse(next.time) - Date.parse(attempt.time);
          shortestGapMs = Math.min(shortestGapMs, gapMs);
          assert.ok(gapMs >= 1000, `VU ${vu} tried again ${gapMs} ms after a 429 asking for 1 s`);
        });
      }
      console.log(
        `login 429 (2/s, Retry-After 1 s), ${vus} VUs: ${limited} answers 429, ` +
          `shortest retry after a 429: ${shortestGapMs} ms`,
      );
      assert.deepEqual(findLeaks(run), []);
    });
  });

  it('survives a server restart: connection errors back off, then each VU logs in again once', async () => {
    await ensureBuilt();
    let server = await startReferenceServer({ ACCESS_TTL: '2' });
    const port = new URL(server.url).port;
    try {
      const vus = 4;
      const running = runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'dual',
          VUS: String(vus),
          DURATION: '15s',
          ...SHORT_LEEWAY,
          ...THRESHOLDS_FOR_FAULTS,
        },
        collectPoints: true,
        timeoutMs: 60_000,
      });
      await waitFor(
        'a first round of refreshes',
        async () => (await server.stats()).refreshes >= vus,
        20_000,
      );
      await server.stop();
      // Down for longer than a token lives, so every VU must try to refresh against a closed port.
      await delay(DOWNTIME_MS);
      // Same port, new process: every session, refresh family and signing key is gone.
      server = await startReferenceServer({ ACCESS_TTL: '2', PORT: port });
      const restartedAtMs = Date.now();
      const run = await running;
      const stats = await server.stats();
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.summary);
      assert.equal(counterCount(run.summary, 'auth_relogins'), vus);
      assert.equal(stats.logins, vus);
      // A VU whose refreshes gave up against the closed port logs in again once its token has
      // expired, without trying the dead refresh token; one that met the new server first tries
      // it once and is refused. Either way: one relogin per VU, at most one dead refresh each.
      assert.ok(
        stats.refreshFailures <= vus,
        `dead refresh tokens tried: ${stats.refreshFailures}`,
      );
      assert.equal(stats.refreshReuseDetections, 0);
      const authErrors = rateSamples(run.summary, 'auth_errors').trues;
      // Connection errors while down, and any refused refresh after; bounded.
      assert.ok(
        authErrors >= vus,
        `refresh attempts met the closed port: ${authErrors} auth errors`,
      );
      assert.ok(authErrors <= vus * 10, `bounded attempts while down: ${authErrors} auth errors`);
      console.log(`restart, ${vus} VUs: ${authErrors} failed auth attempts, ${vus} re-logins`);
      const recoveredByMs = restartedAtMs + MAX_DELAY_MS + SLACK_MS;
      for (const time of failedCheckTimes(run.points)) {
        assert.ok(
          time <= recoveredByMs,
          `a check failed ${time - restartedAtMs} ms after the restart`,
        );
      }
      assert.ok(passedChecksAfter(run.points, recoveredByMs) >= vus);
      assert.deepEqual(findLeaks(run), []);
    } finally {
      await server.stop();
    }
  });

  it('keeps working through server clock jumps of +120 s and −120 s, counting each rejection', async () => {
    await withServer({ ACCESS_TTL: '2' }, async (server) => {
      const vus = 5;
      const running = runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'dual',
          VUS: String(vus),
          DURATION: '12s',
          ...SHORT_LEEWAY,
          ...THRESHOLDS_FOR_FAULTS,
        },
        timeoutMs: 60_000,
      });
      await waitFor(
        'a first round of refreshes',
        async () => (await server.stats()).refreshes >= vus,
        20_000,
      );
      await server.setFaults({ clockOffsetSeconds: 120 });
      const before = (await server.stats()).refreshes;
      await waitFor(
        'refreshes under the +120 s clock',
        async () => (await server.stats()).refreshes >= before + vus * 2,
        20_000,
      );
      await server.setFaults({ clockOffsetSeconds: -120 });
      const run = await running;
      const stats = await server.stats();
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.summary);
      assert.equal(checkTotals(run.summary).fails, 0);
      assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0);
      assert.equal(stats.refreshReuseDetections, 0);
      const rejections = counterCount(run.summary, 'auth_expired_rejections');
      const refused = Object.values(stats.unauthorizedByReason).reduce((a, b) => a + b, 0);
      assert.equal(rejections, refused, 'every 401 the server sent was counted');
      assert.ok(rejections <= vus * 2, `at most one rejection per VU per jump, got ${rejections}`);
      assert.ok(counterCount(run.summary, 'auth_relogins') <= vus);
      console.log(`clock ±120 s, ${vus} VUs: ${rejections} rejections, all recovered`);
      assert.deepEqual(findLeaks(run), []);
    });
  });

  it('stops the test at the first refused login of a shared account: load at 20/s for 20 s sends one, exit 108, and never prints the password', async () => {
    await withServer({}, async (server) => {
      const password = `wrong-${randomBytes(12).toString('hex')}`;
      const startedMs = Date.now();
      const run = await runK6({
        script: 'dist/load.js',
        env: {
          BASE_URL: server.url,
          RATE: '20',
          DURATION: '20s',
          AUTH_USERNAME: 'user1',
          AUTH_PASSWORD: password,
          SHARE_ACCOUNTS: 'true',
        },
        timeoutMs: 60_000,
      });
      const elapsedMs = Date.now() - startedMs;
      const stats = await server.stats();
      assert.equal(run.code, 108, run.stderr);
      assert.equal(stats.logins, 0);
      assert.ok(
        stats.loginFailures >= 1 && stats.loginFailures <= 5,
        `refused logins: ${stats.loginFailures}`,
      );
      assert.ok(elapsedMs < 15_000, `stopped after ${elapsedMs} ms`);
      assert.match(
        run.stderr,
        /test aborted: AUTH_LOGIN_REFUSED: the server refused the login of user1, an account VUs share/,
      );
      console.log(
        `wrong password, shared account, load 20/s: ${stats.loginFailures} refused logins, stopped in ${elapsedMs} ms`,
      );
      assert.deepEqual(findLeaks(run, [password]), []);
    });
  });

  it('stops the test when the accounts of their own are refused before any login worked (exit 108), and the results say why first', async () => {
    await withServer({}, async (server) => {
      // Two VUs, each its own account with a wrong password: no login can ever work.
      const run = await runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          VUS: '2',
          DURATION: '20s',
          CREDENTIALS: 'test/helpers/fixtures/wrong-passwords.csv',
        },
        timeoutMs: 60_000,
      });
      const stats = await server.stats();
      assert.equal(run.code, 108, run.stderr);
      assert.equal(stats.logins, 0);
      assert.ok(stats.loginFailures >= 1 && stats.loginFailures <= 2, `${stats.loginFailures}`);
      assert.ok(run.elapsedMs < 15_000, `stopped after ${run.elapsedMs} ms`);
      const cause =
        /test aborted: AUTH_LOGIN_REFUSED: the server refused the login of user[12] with 401 before it had logged in once; .*check the account's password/;
      assert.match(run.stderr, cause);
      // The results name the same cause before any threshold.
      const summaryMd = run.resultFiles['summary.md'] ?? '';
      const result = summaryMd.split('\n').find((line) => line.startsWith('- Result: '));
      assert.match(
        result?.replaceAll('\\_', '_') ?? '',
        /^- Result: \*\*failed\*\*: test stopped: AUTH_LOGIN_REFUSED: the server refused the login of user[12]/,
      );
      assert.match(
        run.resultFiles['junit.xml'] ?? '',
        /<testcase classname="k6-auth-toolkit" name="test stopped: AUTH_LOGIN_REFUSED" time="0">\s*<failure message="test stopped: AUTH_LOGIN_REFUSED: the server refused the login of user[12]/,
      );
      console.log(
        `wrong accounts of their own: ${stats.loginFailures} refused logins, stopped in ${run.elapsedMs} ms`,
      );
      assert.deepEqual(findLeaks(run, ['not-pass1', 'not-pass2']), []);
    });
  });

  it('a refusal after the account worked stops only that VU, once, never the test', async () => {
    await withServer({ ACCESS_TTL: '2' }, async (server) => {
      // Token mode logs in again before each 2 s token expires; then every login is refused, as
      // if the accounts were locked mid-run: each VU tries once and stops, the test goes on.
      const vus = 3;
      const running = runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'token',
          VUS: String(vus),
          DURATION: '10s',
          ...SHORT_LEEWAY,
          ...THRESHOLDS_FOR_FAULTS,
        },
        timeoutMs: 60_000,
      });
      await waitFor('a login per VU', async () => (await server.stats()).logins >= vus, 20_000);
      await server.setFaults({ failure: { endpoint: 'login', status: 401, seconds: 30 } });
      const run = await running;
      const stats = await server.stats();
      assert.notEqual(run.code, 108, run.stderr);
      assert.doesNotMatch(run.stderr, /test aborted/);
      assert.ok(run.elapsedMs >= 10_000, `ran to its end: ${run.elapsedMs} ms`);
      const refused = stats.faultsInjected.failures;
      assert.ok(refused >= 1 && refused <= vus, `refused logins: ${refused}, at most one per VU`);
      assert.match(run.stderr, /this account is not tried again by this VU/);
    });
  });

  it('stops the test when the login path leads nowhere (404), naming the URL (exit 108)', async () => {
    await withServer({}, async (server) => {
      const run = await runK6({
        script: 'dist/load.js',
        env: { BASE_URL: server.url, RATE: '20', DURATION: '20s', LOGIN_PATH: '/signin' },
        timeoutMs: 60_000,
      });
      const stats = await server.stats();
      assert.equal(run.code, 108, run.stderr);
      assert.ok(run.elapsedMs < 15_000, `stopped after ${run.elapsedMs} ms`);
      assert.ok(run.summary);
      const logins = counterCount(run.summary, 'http_reqs{endpoint:login}');
      assert.ok(logins >= 1 && logins <= 5, `login requests: ${logins}`);
      assert.equal(stats.logins, 0);
      assert.match(
        run.stderr,
        new RegExp(
          `AUTH_LOGIN_REFUSED: the login request to ${server.url}/signin answered 404, so no login can work; .*LOGIN_PATH`,
        ),
      );
      console.log(
        `LOGIN_PATH with no route, load 20/s: ${logins} login requests, stopped in ${run.elapsedMs} ms`,
      );
    });
  });

  it('stops at init on a pool naming one account twice, naming both lines (exit 107)', async () => {
    await ensureBuilt();
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        BASE_URL: 'http://127.0.0.1:1',
        VUS: '2',
        DURATION: '2s',
        CREDENTIALS: 'test/helpers/fixtures/duplicate-accounts.csv',
      },
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 107, run.stderr);
    assert.match(
      run.stderr,
      /CREDENTIALS_DUPLICATE ConfigError: Duplicate account at test\/helpers\/fixtures\/duplicate-accounts\.csv line 4; .* got \\?"user1\\?" again, first at .* line 2/,
    );
    assert.deepEqual(findLeaks(run, ['pass1', 'pass2']), []);
  });

  it('stops the test when the profile does not fit the server: a session cookie it never sets (exit 108)', async () => {
    await withServer({}, async (server) => {
      const run = await runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'session',
          PROFILE: writeProfileFile({ session: { cookieName: 'JSESSIONID' } }),
          VUS: '2',
          DURATION: '20s',
        },
        timeoutMs: 60_000,
      });
      assert.equal(run.code, 108, run.stderr);
      assert.ok(run.elapsedMs < 15_000, `stopped after ${run.elapsedMs} ms`);
      assert.match(
        run.stderr,
        /AUTH_LOGIN_REFUSED: the server refused the login of user[12] with 200 \(no session cookie; reason: expected the login to set the cookie \\"JSESSIONID\\" \(session\.cookieName\), got sid\)/,
      );
    });
  });

  it('stops before load when only a gateway answers, with 502 for every request (exit 108)', async () => {
    await ensureBuilt();
    // A reverse proxy whose upstream is down: it answers, but the server behind it never does.
    const gateway = createServer((_req, res) => res.writeHead(502).end('Bad Gateway'));
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const { port } = gateway.address() as AddressInfo;
    try {
      const run = await runK6({
        script: 'dist/load.js',
        env: { BASE_URL: `http://127.0.0.1:${port}`, RATE: '20', DURATION: '20s' },
        timeoutMs: 60_000,
      });
      assert.equal(run.code, 108, run.stderr);
      assert.ok(run.summary);
      assert.equal(counterCount(run.summary, 'http_reqs'), 3);
      assert.match(
        run.stderr,
        /TARGET_UNREACHABLE: nothing answered at http:\/\/127\.0\.0\.1:\d+\/ after 3 attempts \(a gateway's 502\)/,
      );
    } finally {
      await new Promise((resolve) => gateway.close(resolve));
    }
  });

  it('stops before load when nothing answers at BASE_URL: load at 20/s sends 3 requests, exit 108', async () => {
    await ensureBuilt();
    const startedMs = Date.now();
    // Port 1 on loopback: nothing listens there.
    const run = await runK6({
      script: 'dist/load.js',
      env: { BASE_URL: 'http://127.0.0.1:1', RATE: '20', DURATION: '20s' },
      timeoutMs: 60_000,
    });
    const elapsedMs = Date.now() - startedMs;
    assert.equal(run.code, 108, run.stderr);
    assert.ok(run.summary);
    const requests = counterCount(run.summary, 'http_reqs');
    assert.ok(requests <= 10, `requests to the dead target: ${requests}`);
    assert.ok(elapsedMs < 15_000, `stopped after ${elapsedMs} ms`);
    assert.match(
      run.stderr,
      /test aborted: TARGET_UNREACHABLE: nothing answered at http:\/\/127\.0\.0\.1:1\/ after 3 attempts/,
    );
    // setup() stopped the test: the results still say why, first.
    const junit = run.resultFiles['junit.xml'] ?? '';
    assert.match(
      junit,
      /<testcase classname="k6-auth-toolkit" name="test stopped: TARGET_UNREACHABLE"/,
    );
    const result = (run.resultFiles['summary.md'] ?? '')
      .split('\n')
      .find((line) => line.startsWith('- Result: '));
    assert.match(
      result?.replaceAll('\\', '') ?? '',
      /^- Result: \*\*failed\*\*: test stopped: TARGET_UNREACHABLE: nothing answered at http:\/\/127\.0\.0\.1:1\//,
    );
    console.log(`dead target, load 20/s: ${requests} requests, stopped in ${elapsedMs} ms`);
  });
});
