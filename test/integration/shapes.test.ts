/**
 * The real k6 (dist/smoke.js) against APIs shaped unlike the reference server, reached through
 * configuration alone: an example profile, `-e BASE_URL` and short lifetimes so that refreshes
 * and re-logins happen within a few seconds. Both sides count, and must agree.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCsrfFormServer } from '../helpers/csrf-form-server.ts';
import {
  checkTotals,
  counterCount,
  type K6Run,
  rateSamples,
  runK6,
  THRESHOLDS_FOR_FAULTS,
} from '../helpers/k6.ts';
import { startOAuth2Server } from '../helpers/oauth2-server.ts';
import { writeProfileFile } from '../helpers/profiles.ts';

const CLIENT_SECRET = 'cs-4f1d9a7e2b';
const TIMEOUT_MS = 40_000;

/** Everything k6 printed or exported. */
const output = (run: K6Run) => `${run.stdout}\n${run.stderr}\n${run.summaryText}`;

function assertNoSecrets(run: K6Run, secrets: string[]): void {
  const text = output(run);
  const leaked = secrets.filter((secret) => text.includes(secret));
  // Count only: printing the leaked values here would leak them into the test log.
  assert.equal(leaked.length, 0, `${leaked.length} secret value(s) found in k6 output`);
}

function assertK6Passed(run: K6Run): void {
  assert.equal(run.timedOut, false, 'k6 finished in time');
  assert.equal(run.code, 0, `k6 exit code; stderr tail: ${run.stderr.slice(-400)}`);
  assert.ok(run.summary, 'k6 wrote its summary');
}

describe('k6 against an OAuth 2.0 token endpoint, configured by profiles/oauth2-password.json', () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'shapes-'));
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  const oauth2Env = (url: string, extra: Record<string, string> = {}) => ({
    PROFILE: 'profiles/oauth2-password.json',
    BASE_URL: url,
    CLIENT_SECRET,
    VUS: '2',
    DURATION: '5s',
    ...extra,
  });

  test('each VU logs in once with the password grant and refreshes before expiry', async () => {
    const server = await startOAuth2Server({
      accessTokenTtlSeconds: 2,
      clientSecret: CLIENT_SECRET,
    });
    try {
      const run = await runK6({
        script: 'dist/smoke.js',
        env: oauth2Env(server.url, { REFRESH_LEEWAY: '0.5', REFRESH_JITTER: '0' }),
        timeoutMs: TIMEOUT_MS,
      });
      assertK6Passed(run);
      const summary = run.summary as NonNullable<K6Run['summary']>;
      const stats = server.stats();
      const checks = checkTotals(summary);
      assert.equal(checks.fails, 0);
      assert.ok(checks.passes > 0);
      assert.equal(rateSamples(summary, 'http_req_failed').trues, 0);

      assert.equal(counterCount(summary, 'auth_logins'), 2, 'logins = VUs');
      assert.equal(stats.grants.password, 2);
      assert.deepEqual(stats.passwordGrantsByUser, { user1: 1, user2: 1 });
      const refreshes = counterCount(summary, 'auth_refreshes');
      assert.ok(
        refreshes >= 4,
        `a 2 s token over 5 s refreshes at least twice per VU, got ${refreshes}`,
      );
      assert.equal(stats.grants.refresh_token, refreshes, 'refreshes counted on both sides');
      assert.equal(stats.invalidGrant, 0);
      assert.equal(stats.invalidClient, 0);
      assert.equal(counterCount(summary, 'auth_relogins'), 0);
      assert.equal(stats.protectedOk, checks.passes);
      assertNoSecrets(run, [CLIENT_SECRET, 'pass1', 'pass2', ...server.issuedSecrets()]);
    } finally {
      await server.stop();
    }
  });

  test('a token the server expired early is answered 401, then refreshed once and retried', async () => {
    const server = await startOAuth2Server({
      accessTokenTtlSeconds: 1,
      clientSecret: CLIENT_SECRET,
    });
    try {
      // The client is told tokens last 60 s, so only the server's 401 can trigger a refresh.
      const env = oauth2Env(server.url, {
        PROFILE: writeProfileFile(
          { expiry: { source: 'fixed', lifetimeSeconds: 60 } },
          'oauth2-password',
        ),
        DURATION: '4s',
        // The rejections are the point here: the test judges them, not the smoke profile.
        ...THRESHOLDS_FOR_FAULTS,
      });
      const run = await runK6({ script: 'dist/smoke.js', env, timeoutMs: TIMEOUT_MS });
      assertK6Passed(run);
      const summary = run.summary as NonNullable<K6Run['summary']>;
      const stats = server.stats();
      assert.equal(checkTotals(summary).fails, 0);
      assert.equal(counterCount(summary, 'auth_logins'), 2);
      const rejections = counterCount(summary, 'auth_expired_rejections');
      assert.ok(
        rejections >= 4,
        `a 1 s token over 4 s is rejected at least twice per VU, got ${rejections}`,
      );
      assert.equal(stats.expiredRejections, rejections, 'rejections counted on both sides');
      assert.equal(stats.grants.refresh_token, counterCount(summary, 'auth_refreshes'));
      assert.equal(stats.grants.refresh_token, rejections, 'one refresh per rejection');
      assertNoSecrets(run, [CLIENT_SECRET, 'pass1', 'pass2', ...server.issuedSecrets()]);
    } finally {
      await server.stop();
    }
  });

  test('a CSV pool gives each VU an account of its own', async () => {
    const server = await startOAuth2Server({ clientSecret: CLIENT_SECRET });
    const csv = join(tmp, 'users.csv');
    await writeFile(csv, 'username,password\nuser7,pass7\n"user9","pass9"\nuser11,pass11\n');
    try {
      const env = oauth2Env(server.url, { CREDENTIALS: csv, VUS: '3', DURATION: '2s' });
      const run = await runK6({ script: 'dist/smoke.js', env, timeoutMs: TIMEOUT_MS });
      assertK6Passed(run);
      assert.deepEqual(server.stats().passwordGrantsByUser, { user7: 1, user9: 1, user11: 1 });
      assertNoSecrets(run, [CLIENT_SECRET, 'pass7', 'pass9', 'pass11', ...server.issuedSecrets()]);
    } finally {
      await server.stop();
    }
  });

  test('a password from a k6 secret source logs in and is never printed', async () => {
    const server = await startOAuth2Server({ clientSecret: CLIENT_SECRET });
    try {
      const env = oauth2Env(server.url, {
        AUTH_USERNAME: 'user3',
        AUTH_PASSWORD_SECRET: 'api_password',
        VUS: '1',
        DURATION: '2s',
      });
      const run = await runK6({
        script: 'dist/smoke.js',
        env,
        args: ['--secret-source=mock=api_password=pass3'],
        timeoutMs: TIMEOUT_MS,
      });
      assertK6Passed(run);
      assert.deepEqual(server.stats().passwordGrantsByUser, { user3: 1 });
      assertNoSecrets(run, [CLIENT_SECRET, 'pass3', ...server.issuedSecrets()]);
    } finally {
      await server.stop();
    }
  });

  test('more VUs than accounts stops the run at init with CREDENTIALS_TOO_FEW', async () => {
    const server = await startOAuth2Server({ clientSecret: CLIENT_SECRET });
    const csv = join(tmp, 'two-users.csv');
    await writeFile(csv, 'username,password\nuser1,pass1\nuser2,pass2\n');
    try {
      const env = oauth2Env(server.url, { CREDENTIALS: csv, VUS: '3', DURATION: '3s' });
      const run = await runK6({ script: 'dist/smoke.js', env, timeoutMs: TIMEOUT_MS });
      assert.equal(run.timedOut, false);
      // Checked at init against the scenario's peak VUs: no VU starts, no request is sent.
      assert.equal(run.code, 107, `k6 exit code; stderr tail: ${run.stderr.slice(-300)}`);
      assert.match(
        output(run),
        /Not enough accounts for VU 3; reason: expected at most 2 VUs for 2 accounts \(add accounts, lower the VUs, or set -e SHARE_ACCOUNTS=true\), got VU 3/,
      );
      assert.deepEqual(server.stats().passwordGrantsByUser, {}, 'no login at all');
      assertNoSecrets(run, [CLIENT_SECRET, 'pass1', 'pass2', ...server.issuedSecrets()]);
    } finally {
      await server.stop();
    }
  });

  test('a typo in the profile stops the run before any request', async () => {
    const server = await startOAuth2Server({ clientSecret: CLIENT_SECRET });
    const profile = join(tmp, 'typo.json');
    await writeFile(
      profile,
      JSON.stringify({ refresh: { tokenIn: 'form', feild: 'refresh_token' } }),
    );
    try {
      const env = oauth2Env(server.url, { PROFILE: profile });
      const run = await runK6({ script: 'dist/smoke.js', env, timeoutMs: TIMEOUT_MS });
      assert.equal(run.timedOut, false);
      assert.equal(run.code, 107, 'script exception at init');
      // k6 logs in logfmt, which escapes the message's quotes.
      assert.ok(
        output(run)
          .replace(/\\"/g, '"')
          .includes(
            `Unknown setting profile.refresh.feild (${profile}); reason: expected one of method, path, tokenIn, field, extraFields, got "feild"`,
          ),
        `k6 names the unknown key; stderr tail: ${run.stderr.slice(-300)}`,
      );
      const stats = server.stats();
      assert.equal(
        stats.grants.password + stats.invalidClient + stats.invalidGrant,
        0,
        'no request',
      );
    } finally {
      await server.stop();
    }
  });
});

describe('k6 against a server-rendered form login, configured by profiles/csrf-form.json', () => {
  test('each VU reads the CSRF field, logs in through the 302, and logs in again when the session expires', async () => {
    const server = await startCsrfFormServer({ sessionTtlSeconds: 2 });
    try {
      const run = await runK6({
        script: 'dist/smoke.js',
        env: {
          PROFILE: 'profiles/csrf-form.json',
          BASE_URL: server.url,
          VUS: '2',
          DURATION: '5s',
          // Sessions expire server-side with no warning: the rejections are expected and judged here.
          ...THRESHOLDS_FOR_FAULTS,
        },
        timeoutMs: TIMEOUT_MS,
      });
      assertK6Passed(run);
      const summary = run.summary as NonNullable<K6Run['summary']>;
      const stats = server.stats();
      const checks = checkTotals(summary);
      assert.equal(checks.fails, 0);
      assert.equal(rateSamples(summary, 'http_req_failed').trues, 0);

      const logins = counterCount(summary, 'auth_logins');
      const relogins = counterCount(summary, 'auth_relogins');
      assert.equal(logins - relogins, 2, 'first logins = VUs');
      assert.ok(
        relogins >= 2,
        `a 2 s session over 5 s needs a new login per VU at least once, got ${relogins}`,
      );
      assert.equal(stats.logins, logins, 'logins counted on both sides');
      assert.equal(stats.loginPages, logins, 'one CSRF page per login');
      assert.equal(stats.csrfRejections, 0);
      assert.equal(stats.loginFailures, 0);
      assert.equal(stats.missingSession, 0, 'the cookie jar kept the session across iterations');
      const rejections = counterCount(summary, 'auth_expired_rejections');
      assert.equal(stats.expiredRejections, rejections, 'expired sessions counted on both sides');
      assert.equal(relogins, rejections, 'one new login per expired session');
      assert.equal(stats.dashboardOk, checks.passes);
      assertNoSecrets(run, ['pass1', 'pass2', ...server.issuedSecrets()]);
    } finally {
      await server.stop();
    }
  });
});
