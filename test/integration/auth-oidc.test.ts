/**
 * The identity-provider modes with the real k6 against a real OpenID provider (panva's
 * oidc-provider, idp/): the authorization code flow with PKCE through the provider's own login
 * and consent pages, refresh with rotation, client credentials, discovery errors, and wrong
 * passwords. The profiles are the shipped ones, given only the README's -e values.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { idpForSuite, type TestIdp } from '../helpers/idp.ts';
import {
  checkTotals,
  counterCount,
  ensureBuilt,
  findLeaks,
  rateSamples,
  runK6,
  THRESHOLDS_FOR_FAULTS,
} from '../helpers/k6.ts';
import { writeProfileFile } from '../helpers/profiles.ts';

/** The -e values docs/identity-providers.md gives for the code flow. */
function codeFlowEnv(idp: TestIdp, client: 'confidential' | 'public'): Record<string, string> {
  const env: Record<string, string> = {
    PROFILE: 'profiles/oidc-authorization-code.json',
    OIDC_ISSUER: idp.issuer,
    CLIENT_ID: idp.clients[client].id,
    REDIRECT_URI: idp.redirectUri,
    SCOPE: 'openid offline_access',
    BASE_URL: idp.issuer,
    PROTECTED_PATH: '/api/protected',
  };
  const { secret } = idp.clients[client];
  if (secret !== undefined) env.CLIENT_SECRET = secret;
  return env;
}

/** k6's log lines escape the quotes of a message. */
const unescaped = (text: string): string => text.replaceAll('\\"', '"');

const secretsOf = (idp: TestIdp): string[] =>
  Object.values(idp.clients).flatMap((client) =>
    client.secret === undefined ? [] : [client.secret],
  );

describe('authorization code + PKCE against oidc-provider', () => {
  before(() => ensureBuilt());
  const idp = idpForSuite({ accessTokenTtlSeconds: 5, users: 20 });

  it('10 VUs for 20 s with 5 s access tokens: one login per VU, refreshes within bounds, no rejection, no reuse', async () => {
    await idp.resetStats();
    const vus = 10;
    const run = await runK6({
      script: 'dist/smoke.js',
      env: { ...codeFlowEnv(idp, 'confidential'), VUS: String(vus), DURATION: '20s' },
      timeoutMs: 90_000,
    });
    const stats = await idp.stats();
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    // One walk per VU through the provider's pages: authorize, login form, consent, token.
    assert.equal(stats.loginsSucceeded, vus);
    assert.deepEqual(Object.values(stats.loginsSucceededByAccount), Array(vus).fill(1));
    assert.equal(stats.consentsGiven, vus);
    assert.equal(stats.codeExchanges, vus);
    assert.equal(stats.pkceFailures, 0);
    assert.equal(counterCount(run.summary, 'auth_logins'), vus);
    assert.equal(counterCount(run.summary, 'auth_relogins'), 0);
    // 5 s tokens renewed 2.5–5 s before expiry (leeway capped at half the lifetime): 4–8 per VU.
    const refreshes = counterCount(run.summary, 'auth_refreshes');
    assert.ok(refreshes >= vus * 3 && refreshes <= vus * 9, `refreshes: ${refreshes}`);
    assert.equal(stats.refreshes, refreshes, 'the provider counted what k6 counted');
    assert.equal(stats.refreshTokenReuse, 0);
    assert.equal(stats.grantsRevoked, 0);
    assert.equal(counterCount(run.summary, 'auth_expired_rejections'), 0);
    assert.equal(stats.protectedUnauthorized, 0);
    assert.ok(stats.protectedOk > vus * 50, `protected 200s: ${stats.protectedOk}`);
    assert.equal(rateSamples(run.summary, 'auth_errors').trues, 0);
    assert.equal(checkTotals(run.summary).fails, 0);
    // Every step of the walk is measured under its own stable endpoint tag.
    for (const endpoint of ['authorize', 'login', 'consent', 'token', 'refresh']) {
      assert.ok(
        (run.summary.metrics[`http_req_duration{endpoint:${endpoint}}`]?.count ?? 0) > 0,
        `endpoint:${endpoint} measured`,
      );
    }
    assert.match(run.resultFiles['summary.md'] ?? '', /\| authorize \|/);
    assert.deepEqual(findLeaks(run, [...secretsOf(idp), 'pass1', 'pass10']), []);
  });

  it('a later walk rides the provider’s SSO session in the VU’s jar: it skips the login form and still counts as a login', async () => {
    await idp.resetStats();
    // session-churn logs out after each session (the client forgets its tokens; this provider
    // has no revocation endpoint), so every session starts a new walk through the authorize URL.
    const run = await runK6({
      script: 'dist/session-churn.js',
      env: {
        ...codeFlowEnv(idp, 'confidential'),
        RATE: '4',
        DURATION: '4s',
        SESSION_REQUESTS: '2',
        PAUSE_SECONDS: '0.1',
        PRE_ALLOCATED_VUS: '2',
        MAX_VUS: '4',
        THRESHOLDS: 'smoke',
      },
      timeoutMs: 60_000,
    });
    const stats = await idp.stats();
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    const logins = counterCount(run.summary, 'auth_logins');
    assert.ok(logins >= 8, `a walk per session: ${logins}`);
    assert.equal(stats.codeExchanges, logins);
    // The form and the consent page only on each VU's first walk.
    assert.ok(stats.loginPagesShown <= 4, `login pages: ${stats.loginPagesShown}`);
    assert.equal(stats.loginsSucceeded, stats.loginPagesShown);
    assert.ok(stats.authorizeRequests >= logins);
  });

  it('a public client logs in with PKCE alone, without a secret', async () => {
    await idp.resetStats();
    const run = await runK6({
      script: 'dist/smoke.js',
      env: { ...codeFlowEnv(idp, 'public'), VUS: '2', DURATION: '4s' },
      timeoutMs: 60_000,
    });
    const stats = await idp.stats();
    assert.equal(run.code, 0, run.stderr);
    assert.equal(stats.codeExchanges, 2);
    assert.equal(stats.protectedUnauthorized, 0);
    assert.ok(stats.protectedOk > 0);
  });

  it('a wrong password stops the test at the first refusal, with a clear error, never retried', async () => {
    await idp.resetStats();
    // Two VUs, each its own account with a wrong password (test/helpers/fixtures).
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        ...codeFlowEnv(idp, 'confidential'),
        VUS: '2',
        DURATION: '20s',
        CREDENTIALS: 'test/helpers/fixtures/wrong-passwords.csv',
      },
      timeoutMs: 60_000,
    });
    const stats = await idp.stats();
    assert.equal(run.code, 108, run.stderr);
    assert.ok(run.elapsedMs < 15_000, `stopped after ${run.elapsedMs} ms`);
    assert.ok(stats.loginsFailed >= 1 && stats.loginsFailed <= 2, `refused: ${stats.loginsFailed}`);
    for (const [account, refused] of Object.entries(stats.loginsFailedByAccount)) {
      assert.equal(refused, 1, `${account} tried again`);
    }
    assert.equal(stats.codeExchanges, 0);
    const warnings = run.stderr.split('\n').filter((line) => line.includes('login refused'));
    assert.ok(warnings.length >= 1, run.stderr);
    assert.match(warnings[0] ?? '', /got its login form again \(wrong user name or password/);
    assert.match(
      run.stderr,
      /AUTH_LOGIN_REFUSED: the server refused the login of user[12] with 200 \(login refused at login .*got its login form again .*\) before it had logged in once/,
    );
    assert.deepEqual(findLeaks(run, ['not-pass1', 'not-pass2', ...secretsOf(idp)]), []);
  });

  it('a wrong password for an account VUs share stops the test at the first refusal', async () => {
    await idp.resetStats();
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        ...codeFlowEnv(idp, 'confidential'),
        VUS: '3',
        DURATION: '6s',
        AUTH_USERNAME: 'user1',
        AUTH_PASSWORD: 'wrong-password-123',
        SHARE_ACCOUNTS: 'true',
      },
      timeoutMs: 60_000,
    });
    const stats = await idp.stats();
    assert.equal(run.code, 108, run.stderr);
    assert.ok(stats.loginsFailed >= 1 && stats.loginsFailed <= 3, `refused: ${stats.loginsFailed}`);
    assert.match(run.stderr, /AUTH_LOGIN_REFUSED: the server refused the login of user1/);
    assert.deepEqual(findLeaks(run, ['wrong-password-123', ...secretsOf(idp)]), []);
  });

  it('oauth.consent "fail" stops at the consent page with a clear error', async () => {
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        ...codeFlowEnv(idp, 'confidential'),
        VUS: '1',
        DURATION: '2s',
        PROFILE: writeProfileFile({ oauth: { consent: 'fail' } }, 'oidc-authorization-code'),
        ...THRESHOLDS_FOR_FAULTS,
      },
      timeoutMs: 60_000,
    });
    assert.match(
      unescaped(run.stderr),
      /consent not given at authorize \(\/interaction\/[^)]+\); reason: expected no consent page, got one and oauth\.consent is "fail"/,
    );
  });

  it('an issuer that is not the provider stops the run in setup, naming the URL, before any login', async () => {
    await idp.resetStats();
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        ...codeFlowEnv(idp, 'confidential'),
        OIDC_ISSUER: `${idp.issuer}/`,
        VUS: '2',
        DURATION: '3s',
      },
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 108, run.stderr);
    assert.match(
      unescaped(run.stderr),
      new RegExp(
        `OIDC_DISCOVERY_FAILED: Cannot read the OpenID configuration at ${idp.issuer}/\\.well-known/openid-configuration \\(-e OIDC_ISSUER\\); reason: expected "issuer" identical to "${idp.issuer}/"`,
      ),
    );
    assert.equal((await idp.stats()).authorizeRequests, 0);
  });
});

describe('client credentials against oidc-provider', () => {
  before(() => ensureBuilt());
  const idp = idpForSuite({ accessTokenTtlSeconds: 3 });

  it('each VU gets its own token with scope and resource, renews it before expiry, and is never rejected', async () => {
    await idp.resetStats();
    const vus = 5;
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        PROFILE: writeProfileFile(
          { oauth: { resource: idp.apiResource } },
          'oauth2-client-credentials',
        ),
        OIDC_ISSUER: idp.issuer,
        CLIENT_ID: idp.clients.service.id,
        CLIENT_SECRET: idp.clients.service.secret ?? '',
        SCOPE: 'api:read',
        BASE_URL: idp.issuer,
        PROTECTED_PATH: '/api/protected',
        VUS: String(vus),
        DURATION: '9s',
      },
      timeoutMs: 60_000,
    });
    const stats = await idp.stats();
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    const logins = counterCount(run.summary, 'auth_logins');
    // 3 s tokens renewed at 1.5–3 s: 3–6 tokens per VU in 9 s.
    assert.ok(logins >= vus * 3 && logins <= vus * 7, `tokens: ${logins}`);
    assert.equal(stats.clientCredentialsTokens, logins);
    assert.equal(stats.loginPagesShown, 0);
    assert.equal(stats.protectedUnauthorized, 0);
    assert.equal(counterCount(run.summary, 'auth_expired_rejections'), 0);
    assert.ok(stats.protectedOk > 0);
    assert.deepEqual(findLeaks(run, secretsOf(idp)), []);
  });
});
