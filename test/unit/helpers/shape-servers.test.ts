/**
 * The in-test servers in other API shapes, checked with plain fetch (none of the toolkit's code),
 * so the integration tests that aim k6 at them can trust what they count.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningCsrfFormServer, startCsrfFormServer } from '../../helpers/csrf-form-server.ts';
import { type RunningOAuth2Server, startOAuth2Server } from '../../helpers/oauth2-server.ts';

const START_MS = Date.UTC(2026, 0, 1);

describe('the OAuth 2.0 test server', () => {
  let server: RunningOAuth2Server;
  let nowMs = START_MS;
  const basic = `Basic ${Buffer.from('k6-load-test:test-client-secret').toString('base64')}`;

  before(async () => {
    server = await startOAuth2Server({ accessTokenTtlSeconds: 30, now: () => nowMs });
  });
  after(() => server.stop());

  const tokenRequest = (fields: Record<string, string>, authorization = basic) =>
    fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: authorization,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(fields).toString(),
    });
  const me = (accessToken: string) =>
    fetch(`${server.url}/api/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
  const passwordGrant = async (n = 1) => {
    const res = await tokenRequest({
      grant_type: 'password',
      username: `user${n}`,
      password: `pass${n}`,
    });
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  };

  test('a password grant answers opaque tokens with expires_in, uncached', async () => {
    const before = server.stats().grants.password;
    const res = await tokenRequest({
      grant_type: 'password',
      username: 'user7',
      password: 'pass7',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'expires_in',
      'refresh_token',
      'token_type',
    ]);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 30);
    assert.match(String(body.access_token), /^[A-Za-z0-9_-]{32}$/);
    assert.equal(String(body.access_token).split('.').length, 1, 'not a JWT');
    assert.equal(server.stats().grants.password, before + 1);
    assert.equal(server.stats().passwordGrantsByUser.user7, 1);
    assert.deepEqual(server.issuedSecrets().slice(-2), [body.access_token, body.refresh_token]);
  });

  test('the access token opens /api/me until expires_in has passed', async () => {
    const { access_token } = await passwordGrant(2);
    const ok = await me(String(access_token));
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { username: 'user2' });

    const rejectedBefore = server.stats().expiredRejections;
    nowMs += 30_000;
    const expired = await me(String(access_token));
    assert.equal(expired.status, 401);
    assert.equal(
      expired.headers.get('www-authenticate'),
      'Bearer realm="api", error="invalid_token"',
    );
    assert.deepEqual(await expired.json(), { error: 'invalid_token' });
    assert.equal(server.stats().expiredRejections, rejectedBefore + 1);
  });

  test('a refresh_token grant rotates the refresh token and refuses the old one', async () => {
    const first = await passwordGrant(3);
    const before = server.stats();
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: String(first.refresh_token),
    });
    assert.equal(refreshed.status, 200);
    const second = (await refreshed.json()) as Record<string, unknown>;
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal((await me(String(second.access_token))).status, 200);

    const replay = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: String(first.refresh_token),
    });
    assert.equal(replay.status, 400);
    assert.deepEqual(await replay.json(), { error: 'invalid_grant' });
    const after = server.stats();
    assert.equal(after.grants.refresh_token, before.grants.refresh_token + 1);
    assert.equal(after.invalidGrant, before.invalidGrant + 1);
  });

  test('a wrong password is an invalid_grant', async () => {
    const before = server.stats().invalidGrant;
    const res = await tokenRequest({
      grant_type: 'password',
      username: 'user1',
      password: 'pass2',
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_grant' });
    assert.equal(server.stats().invalidGrant, before + 1);
  });

  test('a missing or wrong client secret is an invalid_client with a Basic challenge', async () => {
    const before = server.stats().invalidClient;
    const wrong = `Basic ${Buffer.from('k6-load-test:nope').toString('base64')}`;
    for (const authorization of [wrong, '']) {
      const res = await tokenRequest(
        { grant_type: 'password', username: 'user1', password: 'pass1' },
        authorization,
      );
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Basic realm="oauth"');
      assert.deepEqual(await res.json(), { error: 'invalid_client' });
    }
    assert.equal(server.stats().invalidClient, before + 2);
  });

  test('a JSON body and an unknown grant type are refused', async () => {
    const json = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: 'user1', password: 'pass1' }),
    });
    assert.equal(json.status, 400);
    assert.deepEqual(await json.json(), { error: 'invalid_request' });
    const unknown = await tokenRequest({ grant_type: 'client_credentials' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(await unknown.json(), { error: 'unsupported_grant_type' });
  });

  test('/api/me without a token is challenged without counting an expiry', async () => {
    const before = server.stats().expiredRejections;
    const res = await fetch(`${server.url}/api/me`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.equal(server.stats().expiredRejections, before);
  });
});

describe('the CSRF form test server', () => {
  let server: RunningCsrfFormServer;
  let nowMs = START_MS;

  before(async () => {
    server = await startCsrfFormServer({ sessionTtlSeconds: 60, now: () => nowMs });
  });
  after(() => server.stop());

  const cookiePair = (res: Response, name: string) =>
    res.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0] ?? '')
      .find((pair) => pair.startsWith(`${name}=`));

  const loginPage = async () => {
    const res = await fetch(`${server.url}/login`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const token = /<input value="([^"]+)" type='hidden' name=csrf_token>/.exec(html)?.[1];
    assert.ok(token, 'the page has the hidden CSRF input');
    return { binding: cookiePair(res, 'csrf_binding') ?? '', token };
  };

  const postLogin = (fields: Record<string, string>, cookie: string) =>
    fetch(`${server.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      body: new URLSearchParams(fields).toString(),
    });

  const dashboard = (cookie?: string) =>
    fetch(`${server.url}/dashboard`, {
      redirect: 'manual',
      headers: cookie ? { Cookie: cookie } : {},
    });

  test('the login page binds its CSRF token to a cookie', async () => {
    const res = await fetch(`${server.url}/login`);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const [cookie] = res.headers.getSetCookie();
    assert.match(
      cookie ?? '',
      /^csrf_binding=[0-9a-f]{32}; Path=\/login; HttpOnly; SameSite=Strict$/,
    );
  });

  test('a form login with the CSRF token answers 302 and an APPSESSION cookie that opens the dashboard', async () => {
    const before = server.stats();
    const { binding, token } = await loginPage();
    const res = await postLogin(
      { username: 'user4', password: 'pass4', csrf_token: token },
      binding,
    );
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/dashboard');
    const session = cookiePair(res, 'APPSESSION');
    assert.match(session ?? '', /^APPSESSION=[A-Za-z0-9_-]{32}$/);
    assert.deepEqual(server.issuedSecrets().slice(-3), [
      binding.slice('csrf_binding='.length),
      token,
      session?.slice('APPSESSION='.length),
    ]);
    assert.equal(cookiePair(res, 'sid'), undefined);

    const page = await dashboard(session);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<h1>Welcome, user4<\/h1>/);
    const after = server.stats();
    assert.equal(after.loginPages, before.loginPages + 1);
    assert.equal(after.logins, before.logins + 1);
    assert.equal(after.dashboardOk, before.dashboardOk + 1);
  });

  test('a missing, wrong, unbound or reused CSRF token is refused with 403', async () => {
    const before = server.stats().csrfRejections;
    const good = { username: 'user1', password: 'pass1' };
    const a = await loginPage();
    assert.equal((await postLogin(good, a.binding)).status, 403, 'missing');
    const b = await loginPage();
    assert.equal(
      (await postLogin({ ...good, csrf_token: `${b.token}x` }, b.binding)).status,
      403,
      'wrong',
    );
    const c = await loginPage();
    assert.equal((await postLogin({ ...good, csrf_token: c.token }, '')).status, 403, 'unbound');
    const d = await loginPage();
    assert.equal(
      (await postLogin({ ...good, csrf_token: d.token }, d.binding)).status,
      302,
      'first use',
    );
    assert.equal(
      (await postLogin({ ...good, csrf_token: d.token }, d.binding)).status,
      403,
      'reused',
    );
    assert.equal(server.stats().csrfRejections, before + 4);
  });

  test('a wrong password is sent back to the login page without a session', async () => {
    const before = server.stats().loginFailures;
    const { binding, token } = await loginPage();
    const res = await postLogin(
      { username: 'user1', password: 'nope', csrf_token: token },
      binding,
    );
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/login?error=1');
    assert.equal(cookiePair(res, 'APPSESSION'), undefined);
    assert.equal(server.stats().loginFailures, before + 1);
  });

  test('an expired session is redirected to the login page and counted', async () => {
    const { binding, token } = await loginPage();
    const login = await postLogin(
      { username: 'user5', password: 'pass5', csrf_token: token },
      binding,
    );
    const session = cookiePair(login, 'APPSESSION');
    assert.equal((await dashboard(session)).status, 200);

    const before = server.stats();
    nowMs += 60_000;
    const expired = await dashboard(session);
    assert.equal(expired.status, 302);
    assert.equal(expired.headers.get('location'), '/login?next=%2Fdashboard');
    const missing = await dashboard();
    assert.equal(missing.status, 302);
    const after = server.stats();
    assert.equal(after.expiredRejections, before.expiredRejections + 1);
    assert.equal(after.missingSession, before.missingSession + 1);
  });
});

describe('the CSRF form test server with a sliding session cookie', () => {
  let server: RunningCsrfFormServer;
  let nowMs = START_MS;

  before(async () => {
    server = await startCsrfFormServer({
      sessionTtlSeconds: 60,
      idleTimeout: true,
      cookieMaxAge: true,
      now: () => nowMs,
    });
  });
  after(() => server.stop());

  /** Logs user1 in through the CSRF page; the login's session Set-Cookie. */
  const login = async (): Promise<string> => {
    const page = await fetch(`${server.url}/login`);
    const binding = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const token = /<input value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const res = await fetch(`${server.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: binding },
      body: new URLSearchParams({ username: 'user1', password: 'pass1', csrf_token: token }),
    });
    assert.equal(res.status, 302);
    return res.headers.getSetCookie()[0] ?? '';
  };
  const dashboard = (cookie: string) =>
    fetch(`${server.url}/dashboard`, { redirect: 'manual', headers: { Cookie: cookie } });

  test('the session cookie says its Max-Age, and every page sends it again', async () => {
    const setCookie = await login();
    assert.match(
      setCookie,
      /^APPSESSION=[A-Za-z0-9_-]{32}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=60$/,
    );
    const pair = setCookie.split(';')[0] ?? '';
    const page = await dashboard(pair);
    assert.equal(page.status, 200);
    assert.deepEqual(page.headers.getSetCookie(), [
      `${pair}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60`,
    ]);
    assert.equal(server.stats().cookiesResent, 1);
  });

  test('the session ends 60 s after its last request, not after login', async () => {
    const pair = (await login()).split(';')[0] ?? '';
    nowMs += 50_000;
    assert.equal((await dashboard(pair)).status, 200);
    nowMs += 50_000;
    assert.equal((await dashboard(pair)).status, 200, 'kept alive by the request 50 s ago');
    nowMs += 60_000;
    assert.equal((await dashboard(pair)).status, 302, 'idle for 60 s');
  });
});
