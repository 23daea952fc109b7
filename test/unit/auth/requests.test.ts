import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveProfile } from '../../../lib/core/auth/profile-resolve.ts';
import {
  buildCsrfRequest,
  buildLoginRequest,
  buildLogoutRequest,
  buildPreflightRequest,
  buildProtectedRequest,
  buildRefreshRequest,
  preflightAnswered,
} from '../../../lib/core/auth/requests.ts';
import { exampleProfile, profileFromJson } from '../../helpers/profiles.ts';

const user1 = { username: 'user1', password: 'pass1' };

/** RFC 6749 §2.3.1 computed the long way, with Node's encoders. */
function basicAuth(clientId: string, secret: string): string {
  const encode = (text: string) => new URLSearchParams({ x: text }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

describe('the article’s JSON shape (reference server)', () => {
  const profile = exampleProfile('article');

  test('dual mode logs in with a JSON body and asks for JSON', () => {
    assert.deepEqual(buildLoginRequest(profile, user1), {
      endpoint: 'login',
      method: 'POST',
      url: 'http://127.0.0.1:8080/login',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: '{"username":"user1","password":"pass1"}',
      followRedirects: false,
    });
  });

  test('session mode logs in with a form body and no JSON Accept header', () => {
    const session = exampleProfile('article', { AUTH_MODE: 'session' });
    assert.deepEqual(buildLoginRequest(session, user1), {
      endpoint: 'login',
      method: 'POST',
      url: 'http://127.0.0.1:8080/login',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=user1&password=pass1',
      followRedirects: false,
    });
  });

  test('refresh sends the refresh token as a Bearer header and no body', () => {
    assert.deepEqual(buildRefreshRequest(profile, 'rt-1'), {
      endpoint: 'refresh',
      method: 'POST',
      url: 'http://127.0.0.1:8080/refresh',
      headers: { Authorization: 'Bearer rt-1', Accept: 'application/json' },
      followRedirects: false,
    });
  });

  test('a protected request carries the access token as a Bearer header', () => {
    assert.deepEqual(buildProtectedRequest(profile, 'at-1'), {
      endpoint: 'protected',
      method: 'GET',
      url: 'http://127.0.0.1:8080/protected',
      headers: { Authorization: 'Bearer at-1' },
      followRedirects: false,
    });
  });

  test('a protected request in session mode carries no header: the cookie jar has the session', () => {
    const session = exampleProfile('article', { AUTH_MODE: 'session' });
    assert.deepEqual(buildProtectedRequest(session, 'at-1').headers, {});
  });

  test('a protected request before any token carries no header', () => {
    assert.deepEqual(buildProtectedRequest(profile).headers, {});
  });

  test('logout carries the access token, which ends the token family on the reference server', () => {
    assert.deepEqual(buildLogoutRequest(profile, { accessToken: 'at-1', refreshToken: 'rt-1' }), {
      endpoint: 'logout',
      method: 'POST',
      url: 'http://127.0.0.1:8080/logout',
      headers: { Authorization: 'Bearer at-1' },
      followRedirects: false,
    });
  });

  test('a base path in the base URL prefixes every path', () => {
    const behindProxy = exampleProfile('article', { BASE_URL: 'https://example.test/api/' });
    assert.equal(buildLoginRequest(behindProxy, user1).url, 'https://example.test/api/login');
  });
});

describe('an OAuth 2.0 token endpoint (RFC 6749)', () => {
  const profile = exampleProfile('oauth2-password', { CLIENT_SECRET: 'client-secret' });

  test('login is a form-encoded password grant with HTTP Basic client authentication (§4.3.2)', () => {
    assert.deepEqual(buildLoginRequest(profile, user1), {
      endpoint: 'login',
      method: 'POST',
      url: 'http://127.0.0.1:8080/oauth/token',
      headers: {
        Authorization: basicAuth('k6-load-test', 'client-secret'),
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password&username=user1&password=pass1',
      followRedirects: false,
    });
  });

  test('refresh is a refresh_token grant with the token in the body (§6)', () => {
    assert.deepEqual(buildRefreshRequest(profile, 'opaque/rt+1='), {
      endpoint: 'refresh',
      method: 'POST',
      url: 'http://127.0.0.1:8080/oauth/token',
      headers: {
        Authorization: basicAuth('k6-load-test', 'client-secret'),
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=refresh_token&refresh_token=opaque%2Frt%2B1%3D',
      followRedirects: false,
    });
  });

  test('the Basic credentials are the form-encoded id and secret (§2.3.1)', () => {
    for (const [id, secret] of [
      ['a', 'b'],
      ['ab', 'cd'],
      ['abc', 'de'],
      ['my client', 'p:ss wörd/+'],
    ] as const) {
      const odd = profileFromJson({
        clientAuth: { method: 'basic', clientId: id, clientSecret: secret },
        refresh: { tokenIn: 'form' },
      });
      assert.equal(buildLoginRequest(odd, user1).headers.Authorization, basicAuth(id, secret));
    }
  });

  test('client authentication in the body sends client_id and client_secret fields', () => {
    const inBody = profileFromJson({
      login: { format: 'form', extraFields: { grant_type: 'password' } },
      clientAuth: { method: 'body', clientId: 'cid', clientSecret: 'cs' },
      refresh: { tokenIn: 'form', extraFields: { grant_type: 'refresh_token' } },
    });
    const login = buildLoginRequest(inBody, user1);
    assert.equal(
      login.body,
      'grant_type=password&username=user1&password=pass1&client_id=cid&client_secret=cs',
    );
    assert.equal(login.headers.Authorization, undefined);
    assert.equal(
      buildRefreshRequest(inBody, 'rt').body,
      'grant_type=refresh_token&refresh_token=rt&client_id=cid&client_secret=cs',
    );
  });

  test('a public client still identifies itself with client_id (§3.2.1)', () => {
    const publicClient = profileFromJson(
      { clientAuth: { clientId: 'spa' } },
      { AUTH_MODE: 'session' },
    );
    assert.equal(
      buildLoginRequest(publicClient, user1).body,
      'username=user1&password=pass1&client_id=spa',
    );
  });

  test('a Bearer refresh with body client authentication sends the fields in the login format', () => {
    const mixed = profileFromJson({
      clientAuth: { method: 'body', clientId: 'cid', clientSecret: 'cs' },
    });
    const refresh = buildRefreshRequest(mixed, 'rt');
    assert.equal(refresh.headers.Authorization, 'Bearer rt');
    assert.equal(refresh.headers['Content-Type'], 'application/json');
    assert.equal(refresh.body, '{"client_id":"cid","client_secret":"cs"}');
  });

  test('a refresh token in a JSON field goes in a JSON body', () => {
    const json = profileFromJson({ refresh: { tokenIn: 'json', field: 'refreshToken' } });
    const refresh = buildRefreshRequest(json, 'rt-2');
    assert.equal(refresh.headers['Content-Type'], 'application/json');
    assert.equal(refresh.body, '{"refreshToken":"rt-2"}');
  });

  test('without a logout endpoint there is no logout request', () => {
    assert.equal(buildLogoutRequest(profile, { accessToken: 'at' }), undefined);
  });

  test('logout sends the refresh token in the body when refresh tokens go in a body field', () => {
    const revocable = exampleProfile('oauth2-password', {}, { logout: { path: '/oauth/revoke' } });
    assert.deepEqual(buildLogoutRequest(revocable, { accessToken: 'at', refreshToken: 'rt' }), {
      endpoint: 'logout',
      method: 'POST',
      url: 'http://127.0.0.1:8080/oauth/revoke',
      headers: {
        Authorization: 'Bearer at',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'refresh_token=rt',
      followRedirects: false,
    });
  });

  test('an access token header without a scheme sends the bare token', () => {
    const custom = profileFromJson({ accessToken: { header: 'X-Auth-Token', scheme: '' } });
    assert.deepEqual(buildProtectedRequest(custom, 'at').headers, { 'X-Auth-Token': 'at' });
  });
});

describe('a server-rendered form with a CSRF token', () => {
  const profile = exampleProfile('csrf-form');

  test('the CSRF request fetches the login page and may follow its redirects', () => {
    assert.deepEqual(buildCsrfRequest(profile), {
      endpoint: 'csrf',
      method: 'GET',
      url: 'http://127.0.0.1:8080/login',
      headers: {},
      followRedirects: true,
    });
  });

  test('the login form carries the CSRF token as a field and does not follow the 302', () => {
    assert.deepEqual(buildLoginRequest(profile, user1, 'tok/en+='), {
      endpoint: 'login',
      method: 'POST',
      url: 'http://127.0.0.1:8080/login',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=user1&password=pass1&csrf_token=tok%2Fen%2B%3D',
      followRedirects: false,
    });
  });

  test('a CSRF token sent as a header stays out of the body', () => {
    const header = profileFromJson({
      mode: 'session',
      csrf: { from: 'cookie', name: 'XSRF-TOKEN', sendAs: 'header', sendName: 'X-XSRF-TOKEN' },
    });
    const login = buildLoginRequest(header, user1, 'abc');
    assert.equal(login.headers['X-XSRF-TOKEN'], 'abc');
    assert.equal(login.body, 'username=user1&password=pass1');
  });

  test('asking for a CSRF request without a CSRF step is a caller error with a code', () => {
    assert.throws(() => buildCsrfRequest(exampleProfile('article')), {
      name: 'ToolkitError',
      code: 'CSRF_NOT_CONFIGURED',
      message: 'Cannot build the CSRF request; reason: expected profile.csrf to be set, got null',
    });
  });

  test('a session-mode logout sends no token: the cookie jar carries the session', () => {
    const session = exampleProfile('article', { AUTH_MODE: 'session' });
    assert.deepEqual(buildLogoutRequest(session, {})?.headers, {});
  });
});

describe('form encoding', () => {
  test('bodies are encoded exactly as URLSearchParams does, reserved characters included', () => {
    const tricky = { username: 'ann+bob@example.com', password: "p@ss w0rd&=!'()~*-._é😀%" };
    const session = resolveProfile({ env: { AUTH_MODE: 'session' } });
    assert.equal(buildLoginRequest(session, tricky).body, new URLSearchParams(tricky).toString());
  });

  test('JSON bodies escape quotes and backslashes', () => {
    const tricky = { username: 'a"b', password: 'c\\d' };
    const body = buildLoginRequest(resolveProfile({ env: {} }), tricky).body ?? '';
    assert.deepEqual(JSON.parse(body), tricky);
  });
});

describe('the preflight before load', () => {
  test('is one GET of BASE_URL, tagged preflight', () => {
    const request = buildPreflightRequest(exampleProfile('article'));
    assert.equal(request.endpoint, 'preflight');
    assert.equal(request.method, 'GET');
    assert.equal(request.url, 'http://127.0.0.1:8080/');
  });

  test('counts any answer of the server, but neither no answer nor a gateway saying it had none', () => {
    for (const status of [200, 302, 401, 404, 500, 503])
      assert.equal(preflightAnswered(status), true);
    for (const status of [0, 502, 504]) assert.equal(preflightAnswered(status), false, `${status}`);
  });
});
