/**
 * The identity provider of idp/ driven over real HTTP on loopback, the way a k6 VU will walk it:
 * authorization request, the HTML login page (a wrong password first), consent, the redirect
 * with the code, the PKCE code exchange, the protected API until the access token expires,
 * refresh token rotation and reuse detection, the public and client_secret_post clients, client
 * credentials with `scope` and `resource`, and the counters of `/__stats` after each.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { CSRF_FIELD, INVALID_CREDENTIALS_MESSAGE } from '../../idp/pages.ts';
import { captureIdpPages, IDP_FIXTURES_DIR } from '../helpers/capture-idp-fixtures.ts';
import { type IdpClient, idpForSuite, type TestIdp } from '../helpers/idp.ts';
import {
  CookieJar,
  createPkcePair,
  followRedirects,
  formOf,
  type Page,
  type PkcePair,
  send,
} from '../helpers/idp-browser.ts';
import { REPO_ROOT } from '../helpers/run-process.ts';

interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A token endpoint request with the client's own authentication method (RFC 6749 §2.3.1). */
async function tokenRequest(
  idp: TestIdp,
  client: IdpClient,
  params: Record<string, string>,
): Promise<TokenAnswer> {
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (client.auth === 'client_secret_basic') {
    const pair = `${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret ?? '')}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', client.id);
    if (client.auth === 'client_secret_post') form.set('client_secret', client.secret ?? '');
  }
  const res = await fetch(`${idp.issuer}/token`, { method: 'POST', headers, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function callProtected(idp: TestIdp, accessToken?: string) {
  const headers: Record<string, string> =
    accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` };
  const res = await fetch(idp.protectedUrl, { headers });
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

function authorizeUrl(
  idp: TestIdp,
  client: IdpClient,
  pkce: PkcePair | null,
  extra: Record<string, string> = {},
): URL {
  const url = new URL(`${idp.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: client.id,
    response_type: 'code',
    redirect_uri: idp.redirectUri,
    scope: 'openid offline_access',
    state: 'state-1234',
    ...(pkce === null ? {} : { code_challenge: pkce.challenge, code_challenge_method: 'S256' }),
    ...extra,
  }).toString();
  return url;
}

/** The authorization request, followed to the page it lands on (the login form). */
async function startLogin(idp: TestIdp, jar: CookieJar, url: URL): Promise<Page> {
  const walked = await followRedirects(jar, await send(jar, url), idp.redirectUri);
  assert.ok('page' in walked, 'the authorization request went straight to the redirect URI');
  return walked.page;
}

/** Posts the first form of `page` with `fields` over its own inputs. */
function submit(jar: CookieJar, page: Page, fields: Record<string, string> = {}, index = 0) {
  const form = formOf(page, index);
  assert.equal(form.method, 'post');
  return send(jar, form.action, { method: 'POST', form: { ...form.inputs, ...fields } });
}

/** The code and state of the redirect that ends a walk. */
function codeOf(redirect: URL): { code: string; state: string | null; iss: string | null } {
  const code = redirect.searchParams.get('code');
  assert.ok(code !== null, `no code in the redirect: ${redirect.searchParams.get('error')}`);
  return { code, state: redirect.searchParams.get('state'), iss: redirect.searchParams.get('iss') };
}

/** A whole code-flow walk with the right password and consent: the code at the redirect URI. */
async function walkToCode(
  idp: TestIdp,
  client: IdpClient,
  pkce: PkcePair,
  username = 'user2',
  extra: Record<string, string> = {},
): Promise<string> {
  const jar = new CookieJar();
  const login = await startLogin(idp, jar, authorizeUrl(idp, client, pkce, extra));
  const afterLogin = await followRedirects(
    jar,
    await submit(jar, login, { username, password: username.replace('user', 'pass') }),
    idp.redirectUri,
  );
  if ('redirect' in afterLogin) return codeOf(afterLogin.redirect).code;
  const done = await followRedirects(jar, await submit(jar, afterLogin.page), idp.redirectUri);
  assert.ok('redirect' in done, 'consent did not end at the redirect URI');
  return codeOf(done.redirect).code;
}

/**
 * Polls the protected API with `accessToken` until it stops answering 200 (bounded): the last
 * answer, and how many 200s came before it.
 */
async function untilRefused(idp: TestIdp, accessToken: string, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (let oks = 0; ; oks += 1) {
    const answer = await callProtected(idp, accessToken);
    if (answer.status !== 200 || Date.now() > deadline) return { ...answer, oks };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the IdP (oidc-provider on loopback)', () => {
  const idp = idpForSuite({ accessTokenTtlSeconds: 1 });

  it('publishes a discovery document whose issuer is its own loopback origin', async () => {
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const discovery = (await res.json()) as Record<string, unknown>;
    assert.equal(discovery.issuer, idp.issuer);
    assert.match(idp.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(discovery.authorization_endpoint, `${idp.issuer}/auth`);
    assert.equal(discovery.token_endpoint, `${idp.issuer}/token`);
    assert.equal(discovery.jwks_uri, `${idp.issuer}/jwks`);
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    for (const grant of ['authorization_code', 'refresh_token', 'client_credentials']) {
      assert.ok((discovery.grant_types_supported as string[]).includes(grant), grant);
    }
  });

  it('walks login (a wrong password first), consent, code, PKCE exchange, expiry, rotation and reuse', async () => {
    await idp.resetStats();
    const client = idp.clients.confidential;
    const pkce = createPkcePair();
    const jar = new CookieJar();

    // oidc-provider keeps `offline_access` only with `prompt=consent` (OIDC Core §11).
    const url = authorizeUrl(idp, client, pkce, { prompt: 'consent' });
    const login = await startLogin(idp, jar, url);
    assert.equal(login.status, 200);
    assert.match(login.url.pathname, /^\/interaction\/[\w-]+$/);
    const loginForm = formOf(login);
    assert.equal(loginForm.action.pathname, `${login.url.pathname}/login`);
    assert.deepEqual(loginForm.hidden, ['uid', CSRF_FIELD]);
    assert.deepEqual(Object.keys(loginForm.inputs), ['uid', CSRF_FIELD, 'username', 'password']);
    assert.ok(jar.names().includes('_interaction'), jar.names().join(', '));

    const wrong = await submit(jar, login, { username: 'user1', password: 'not-pass1' });
    assert.equal(wrong.status, 200);
    assert.ok(wrong.text.includes(INVALID_CREDENTIALS_MESSAGE));
    assert.equal(formOf(wrong).inputs.username, 'user1');
    assert.equal(formOf(wrong).inputs.password, '');
    assert.ok(!wrong.text.includes('not-pass1'), 'the page echoes the password');

    const consent = await followRedirects(
      jar,
      await submit(jar, wrong, { username: 'user1', password: 'pass1' }),
      idp.redirectUri,
    );
    assert.ok('page' in consent, 'login went to the redirect URI without consent');
    assert.equal(consent.page.status, 200);
    assert.ok(consent.page.text.includes('Allow'));
    assert.ok(consent.page.text.includes('offline_access'));
    const consentForm = formOf(consent.page);
    assert.equal(consentForm.action.pathname, `${consent.page.url.pathname}/confirm`);
    assert.deepEqual(consentForm.hidden, ['uid', CSRF_FIELD]);

    const done = await followRedirects(jar, await submit(jar, consent.page), idp.redirectUri);
    assert.ok('redirect' in done, 'consent did not end at the redirect URI');
    const { code, state, iss } = codeOf(done.redirect);
    assert.equal(state, 'state-1234');
    assert.equal(iss, idp.issuer);

    const base = { grant_type: 'authorization_code', code, redirect_uri: idp.redirectUri };
    const wrongVerifier = await tokenRequest(idp, client, {
      ...base,
      code_verifier: createPkcePair().verifier,
    });
    assert.equal(wrongVerifier.status, 400);
    assert.equal(wrongVerifier.body.error, 'invalid_grant');

    const tokens = await tokenRequest(idp, client, { ...base, code_verifier: pkce.verifier });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body.error));
    assert.equal(tokens.body.token_type, 'Bearer');
    assert.equal(tokens.body.expires_in, 1);
    assert.equal(typeof tokens.body.id_token, 'string');
    assert.equal(typeof tokens.body.refresh_token, 'string');
    assert.equal(tokens.body.scope, 'openid offline_access');
    const accessToken = tokens.body.access_token as string;
    const refreshToken = tokens.body.refresh_token as string;

    const ok = await callProtected(idp, accessToken);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.sub, 'user1');
    assert.equal(ok.body.clientId, client.id);

    const expired = await untilRefused(idp, accessToken, 3000);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error, 'invalid_token');
    assert.match(expired.challenge ?? '', /^Bearer realm="[^"]+", error="invalid_token"/);

    const refreshed = await tokenRequest(idp, client, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body.error));
    const rotated = refreshed.body.refresh_token as string;
    assert.equal(typeof rotated, 'string');
    assert.notEqual(rotated, refreshToken);
    assert.equal((await callProtected(idp, refreshed.body.access_token as string)).status, 200);

    const reuse = await tokenRequest(idp, client, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    // The reuse revoked the grant: the rotated token and its access token go with it.
    const afterRevoke = await tokenRequest(idp, client, {
      grant_type: 'refresh_token',
      refresh_token: rotated,
    });
    assert.equal(afterRevoke.body.error, 'invalid_grant');
    assert.equal((await callProtected(idp, refreshed.body.access_token as string)).status, 401);

    const stats = await idp.stats();
    assert.equal(stats.authorizeRequests, 1);
    assert.equal(stats.authorizationsSucceeded, 1);
    assert.equal(stats.loginPagesShown, 2);
    assert.equal(stats.loginsFailed, 1);
    assert.deepEqual(stats.loginsFailedByAccount, { user1: 1 });
    assert.equal(stats.loginsSucceeded, 1);
    assert.deepEqual(stats.loginsSucceededByAccount, { user1: 1 });
    assert.equal(stats.consentPagesShown, 1);
    assert.equal(stats.consentsGiven, 1);
    assert.equal(stats.codeExchanges, 1);
    assert.equal(stats.pkceFailures, 1);
    assert.equal(stats.refreshes, 1);
    assert.equal(stats.refreshTokenReuse, 1);
    assert.equal(stats.grantsRevoked, 1);
    assert.deepEqual(stats.tokenErrors, { invalid_grant: 3 });
    assert.equal(stats.protectedOk, 1 + expired.oks + 1);
    assert.equal(stats.protectedUnauthorized, 2);
    assert.equal(stats.serverErrors, 0);
  });

  it('gives the public client tokens without a secret, and refuses it without PKCE', async () => {
    await idp.resetStats();
    const client = idp.clients.public;
    const pkce = createPkcePair();
    const code = await walkToCode(idp, client, pkce, 'user3');
    const tokens = await tokenRequest(idp, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: idp.redirectUri,
      code_verifier: pkce.verifier,
    });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body.error));
    // Without prompt=consent the scope lost offline_access; the refresh token comes anyway.
    assert.equal(tokens.body.scope, 'openid');
    assert.equal(typeof tokens.body.refresh_token, 'string');
    assert.equal((await callProtected(idp, tokens.body.access_token as string)).status, 200);

    const jar = new CookieJar();
    const noPkce = await send(jar, authorizeUrl(idp, client, null));
    assert.equal(noPkce.status, 303);
    const refused = new URL(noPkce.headers.get('location') ?? '');
    assert.equal(`${refused.origin}${refused.pathname}`, idp.redirectUri);
    assert.equal(refused.searchParams.get('error'), 'invalid_request');

    const stats = await idp.stats();
    assert.equal(stats.codeExchanges, 1);
    assert.equal(stats.authorizationErrors, 1);
  });

  it('takes the client_secret_post client and names the API as the resource of its tokens', async () => {
    const client = idp.clients.confidentialPost;
    const pkce = createPkcePair();
    const code = await walkToCode(idp, client, pkce, 'user4', {
      scope: 'openid offline_access api:read',
      resource: idp.apiResource,
    });
    const tokens = await tokenRequest(idp, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: idp.redirectUri,
      code_verifier: pkce.verifier,
    });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body.error));
    const answer = await callProtected(idp, tokens.body.access_token as string);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.aud, idp.apiResource);
    assert.equal(answer.body.scope, 'api:read');
  });

  it('issues client-credentials tokens with scope and resource, and refuses a wrong secret', async () => {
    await idp.resetStats();
    const client = idp.clients.service;
    const tokens = await tokenRequest(idp, client, {
      grant_type: 'client_credentials',
      scope: 'api:read',
      resource: idp.apiResource,
    });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body.error));
    assert.equal(tokens.body.scope, 'api:read');
    assert.equal(tokens.body.expires_in, 1);
    assert.equal(tokens.body.refresh_token, undefined);
    const answer = await callProtected(idp, tokens.body.access_token as string);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.aud, idp.apiResource);
    assert.equal(answer.body.sub, null);

    const otherResource = await tokenRequest(idp, client, {
      grant_type: 'client_credentials',
      scope: 'api:read',
      resource: 'http://127.0.0.1:1/elsewhere',
    });
    assert.equal(otherResource.status, 400);
    assert.equal(otherResource.body.error, 'invalid_target');

    const wrongSecret = await tokenRequest(
      idp,
      { ...client, secret: 'not-the-secret' },
      { grant_type: 'client_credentials', scope: 'api:read' },
    );
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error, 'invalid_client');

    const stats = await idp.stats();
    assert.equal(stats.clientCredentialsTokens, 1);
    assert.deepEqual(stats.tokenErrors, { invalid_target: 1, invalid_client: 1 });
    assert.equal(stats.protectedOk, 1);
  });

  it('answers the protected API without a token with a bare challenge, and an unknown one with invalid_token', async () => {
    const missing = await callProtected(idp);
    assert.equal(missing.status, 401);
    assert.match(missing.challenge ?? '', /^Bearer realm="[^"]+"$/);
    const unknown = await callProtected(idp, 'x'.repeat(43));
    assert.equal(unknown.status, 401);
    assert.match(unknown.challenge ?? '', /error="invalid_token"/);
  });

  it('refuses a login form without its interaction cookie or with a wrong CSRF token', async () => {
    await idp.resetStats();
    const jar = new CookieJar();
    const login = await startLogin(
      idp,
      jar,
      authorizeUrl(idp, idp.clients.confidential, createPkcePair()),
    );
    const forged = await submit(jar, login, {
      username: 'user1',
      password: 'pass1',
      [CSRF_FIELD]: 'forged',
    });
    assert.equal(forged.status, 403);
    const cookieless = await submit(new CookieJar(), login, {
      username: 'user1',
      password: 'pass1',
    });
    assert.equal(cookieless.status, 400);
    assert.ok(cookieless.text.includes('timed out'));
    const stats = await idp.stats();
    assert.equal(stats.csrfRejected, 1);
    assert.equal(stats.interactionErrors, 1);
    assert.equal(stats.loginsSucceeded, 0);
  });

  it('keeps /__stats to itself: reset answers zeros', async () => {
    const res = await fetch(`${idp.issuer}/__stats/reset`, { method: 'POST' });
    assert.equal(res.status, 200);
    const stats = (await res.json()) as Record<string, unknown>;
    assert.equal(stats.authorizeRequests, 0);
    assert.equal((await fetch(`${idp.issuer}/__stats`, { method: 'DELETE' })).status, 405);
  });
});

describe('the IdP with CONSENT off', () => {
  const idp = idpForSuite({ consent: false });

  it('sends the code right after login, with a refresh token for offline_access', async () => {
    const client = idp.clients.confidential;
    const pkce = createPkcePair();
    const code = await walkToCode(idp, client, pkce, 'user5');
    const tokens = await tokenRequest(idp, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: idp.redirectUri,
      code_verifier: pkce.verifier,
    });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body.error));
    assert.equal(typeof tokens.body.refresh_token, 'string');
    assert.equal(tokens.body.expires_in, 300);
    const stats = await idp.stats();
    assert.equal(stats.consentPagesShown, 0);
    assert.equal(stats.consentsSkipped, 1);
    assert.equal(stats.codeExchanges, 1);
  });
});

describe('the IdP page fixtures (test/helpers/fixtures/idp/)', () => {
  const idp = idpForSuite();

  it('have the same forms as the pages the IdP renders now', async () => {
    const live = await captureIdpPages(idp);
    for (const [file, page] of [
      ['login.html', live.login],
      ['login-error.html', live.loginError],
      ['consent.html', live.consent],
    ] as const) {
      const text = await readFile(`${IDP_FIXTURES_DIR}${file}`, 'utf8');
      const saved = formOf({ ...page, text });
      const now = formOf(page);
      const shape = (form: typeof now) => ({
        action: form.action.pathname.replace(/\/interaction\/[\w-]+/, '/interaction/<uid>'),
        method: form.method,
        names: Object.keys(form.inputs),
        hidden: form.hidden,
      });
      assert.deepEqual(shape(saved), shape(now), `${file} is stale: run capture-idp-fixtures.ts`);
      assert.equal(
        text.includes(INVALID_CREDENTIALS_MESSAGE),
        file === 'login-error.html',
        `${file} and the error message`,
      );
    }
  });
});

describe('npm run idp (idp/main.ts)', () => {
  it('prints its URL, serves discovery, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'idp/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', SCRYPT_COST: '16', USERS: '3', CONSENT: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.resume();
    try {
      const deadline = Date.now() + 15_000;
      let issuer: string | undefined;
      while (issuer === undefined && Date.now() < deadline && child.exitCode === null) {
        issuer = /^Identity provider listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
        if (issuer === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.ok(issuer !== undefined, `no URL line in: ${stdout}`);
      assert.equal(stdout, `Identity provider listening on ${issuer}\n`);
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      assert.equal(((await res.json()) as { issuer: string }).issuer, issuer);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});
