/**
 * The two identity-provider profiles, unchanged, against a second standards-compliant provider:
 * Dex (github.com/dexidp/dex, built from the Go module proxy by test/helpers/provision-dex.ts), given
 * only the -e values docs/identity-providers.md names. Dex differs from oidc-provider
 * in every page: an issuer with a path, a login form without hidden inputs whose wrong password
 * answers 401, approval forms without an action, remembered consent, and userinfo as the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Dex, startDex } from '../helpers/dex.ts';
import { counterCount, ensureBuilt, findLeaks, rateSamples, runK6 } from '../helpers/k6.ts';

describe('the identity-provider profiles against Dex', () => {
  let dex: Dex;
  before(async () => {
    await ensureBuilt();
    dex = await startDex({ accessTtlSeconds: 5, users: 6 });
  });
  after(() => dex?.stop());

  const codeFlow = (): Record<string, string> => ({
    PROFILE: 'profiles/oidc-authorization-code.json',
    OIDC_ISSUER: dex.issuer,
    CLIENT_ID: dex.clients.confidential.id,
    CLIENT_SECRET: dex.clients.confidential.secret,
    REDIRECT_URI: dex.redirectUri,
    SCOPE: 'openid offline_access',
    BASE_URL: dex.issuer,
    PROTECTED_PATH: '/userinfo',
  });
  const secrets = () => [dex.clients.confidential.secret, dex.clients.clientCredentials.secret];

  it('the code flow: one walk per VU through Dex’s pages, refreshes with rotation, no rejection', async () => {
    const vus = 5;
    const run = await runK6({
      script: 'dist/smoke.js',
      env: { ...codeFlow(), VUS: String(vus), DURATION: '12s' },
      timeoutMs: 90_000,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    assert.equal(counterCount(run.summary, 'auth_logins'), vus);
    assert.equal(counterCount(run.summary, 'auth_relogins'), 0);
    const refreshes = counterCount(run.summary, 'auth_refreshes');
    assert.ok(refreshes >= vus * 2, `refreshes: ${refreshes}`);
    assert.equal(counterCount(run.summary, 'auth_expired_rejections'), 0);
    assert.equal(rateSamples(run.summary, 'auth_errors').trues, 0);
    assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0);
    for (const endpoint of ['authorize', 'login', 'consent', 'token', 'refresh', 'protected']) {
      assert.ok(
        (run.summary.metrics[`http_reqs{endpoint:${endpoint}}`]?.count ?? 0) > 0,
        `endpoint:${endpoint} sent`,
      );
    }
    assert.deepEqual(findLeaks(run, [...secrets(), 'pass1', 'pass5']), []);
  });

  it('a wrong password: Dex’s 401 with the form again stops the test at the first refusal (exit 108)', async () => {
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        ...codeFlow(),
        VUS: '2',
        DURATION: '20s',
        CREDENTIALS: 'test/helpers/fixtures/wrong-passwords.csv',
      },
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 108, run.stderr);
    assert.ok(run.elapsedMs < 15_000, `stopped after ${run.elapsedMs} ms`);
    const refused = run.stderr
      .split('\n')
      .filter((line) => line.includes('level=warning') && line.includes('login refused'));
    assert.ok(refused.length >= 1 && refused.length <= 2, run.stderr);
    assert.match(
      run.stderr,
      /AUTH_LOGIN_REFUSED: the server refused the login of user[12] with 401/,
    );
    assert.ok(run.summary);
    assert.equal(counterCount(run.summary, 'auth_logins'), 0);
    const logins = counterCount(run.summary, 'http_reqs{endpoint:login}');
    assert.ok(logins >= 1 && logins <= 2, `login requests: ${logins}`);
    assert.deepEqual(findLeaks(run, ['not-pass1', 'not-pass2', ...secrets()]), []);
  });

  it('client credentials: a token per VU, renewed before expiry', async () => {
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        PROFILE: 'profiles/oauth2-client-credentials.json',
        OIDC_ISSUER: dex.issuer,
        CLIENT_ID: dex.clients.clientCredentials.id,
        CLIENT_SECRET: dex.clients.clientCredentials.secret,
        SCOPE: 'openid',
        BASE_URL: dex.issuer,
        PROTECTED_PATH: '/userinfo',
        VUS: '3',
        DURATION: '8s',
      },
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    assert.ok(counterCount(run.summary, 'auth_logins') >= 6, 'renewed before the 5 s expiry');
    assert.equal(counterCount(run.summary, 'auth_expired_rejections'), 0);
    assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0);
    assert.deepEqual(findLeaks(run, secrets()), []);
  });
});
