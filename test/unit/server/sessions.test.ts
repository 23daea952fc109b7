import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type InProcessServer, startAppServer } from '../../helpers/reference-server.ts';

const START_MS = 1_700_000_000_000;
const IDLE_SECONDS = 60;
const MAX_SECONDS = 300;

describe('session login and the sid cookie', () => {
  const clock = { nowMs: START_MS };
  let server: InProcessServer;

  before(async () => {
    server = await startAppServer({
      now: () => clock.nowMs,
      sessionIdleTtlSeconds: IDLE_SECONDS,
      sessionMaxTtlSeconds: MAX_SECONDS,
    });
  });
  after(() => server.stop());

  async function formLogin(
    username = 'user1',
    password = 'pass1',
    cookie?: string,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (cookie !== undefined) headers.cookie = cookie;
    return fetch(`${server.url}/login`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ username, password }).toString(),
    });
  }

  /** The `sid=<id>` pair of a login answer. */
  async function loginCookie(username = 'user1'): Promise<string> {
    const res = await formLogin(username, username.replace('user', 'pass'));
    assert.equal(res.status, 200);
    const [setCookie] = res.headers.getSetCookie();
    return setCookie?.split(';')[0] ?? '';
  }

  const getProtected = (cookie: string) =>
    fetch(`${server.url}/protected`, { headers: { cookie } });

  it('answers 200 with a small JSON body and a sid cookie that is HttpOnly, SameSite=Lax, Path=/, with SESSION_MAX_TTL as its Max-Age', async () => {
    const res = await formLogin();
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { user: 'user1', auth: 'session' });
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const cookies = res.headers.getSetCookie();
    assert.equal(cookies.length, 1);
    const [pair, ...attributes] = (cookies[0] ?? '').split('; ');
    assert.match(pair ?? '', /^sid=[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(attributes, ['Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${MAX_SECONDS}`]);
  });

  it('makes session ids of 256 random bits: 43 base64url characters, all different', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i += 1) ids.add(await loginCookie());
    assert.equal(ids.size, 20);
    for (const id of ids) {
      assert.equal(Buffer.from(id.slice('sid='.length), 'base64url').length, 32);
    }
  });

  it('lets the cookie reach /protected as that user', async () => {
    const res = await getProtected(await loginCookie('user7'));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { user: 'user7', auth: 'session' });
  });

  it('gives a new id at a login that presents an old one, and ends the old session (no fixation)', async () => {
    const old = await loginCookie();
    const res = await formLogin('user1', 'pass1', old);
    const fresh = res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    assert.notEqual(fresh, old);
    assert.equal((await getProtected(fresh)).status, 200);
    const refused = await getProtected(old);
    assert.equal(refused.status, 401);
    assert.deepEqual(await refused.json(), {
      error: 'invalid_session',
      reason: 'unknown_session',
      message: 'session refused; reason: expected a live session, got an unknown or ended one',
    });
  });

  it('ends a session after SESSION_IDLE_TTL without a request, and not a millisecond before', async () => {
    const cookie = await loginCookie();
    clock.nowMs += IDLE_SECONDS * 1000 - 1;
    assert.equal((await getProtected(cookie)).status, 200);
    clock.nowMs += IDLE_SECONDS * 1000;
    const res = await getProtected(cookie);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="k6-auth-toolkit"');
    assert.deepEqual(await res.json(), {
      error: 'invalid_session',
      reason: 'session_expired',
      message:
        'session refused; reason: expected a live session, got one past its idle or absolute lifetime',
    });
  });

  it('ends a busy session at SESSION_MAX_TTL after login', async () => {
    const cookie = await loginCookie();
    const loginAtMs = clock.nowMs;
    while (clock.nowMs + (IDLE_SECONDS * 1000) / 2 < loginAtMs + MAX_SECONDS * 1000) {
      clock.nowMs += (IDLE_SECONDS * 1000) / 2;
      assert.equal((await getProtected(cookie)).status, 200);
    }
    clock.nowMs = loginAtMs + MAX_SECONDS * 1000;
    const res = await getProtected(cookie);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { reason: string }).reason, 'session_expired');
  });

  it('refuses a sid the server never issued, including an oversized one', async () => {
    for (const cookie of [`sid=${'A'.repeat(43)}`, `sid=${'x'.repeat(8000)}`, 'sid=']) {
      const res = await getProtected(cookie);
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { reason: string }).reason, 'unknown_session');
    }
  });

  it('ends the session at logout, clears the cookie, and refuses the old cookie afterwards', async () => {
    const cookie = await loginCookie();
    const res = await fetch(`${server.url}/logout`, { method: 'POST', headers: { cookie } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { loggedOut: true });
    assert.deepEqual(res.headers.getSetCookie(), [
      'sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0',
    ]);
    assert.equal((await getProtected(cookie)).status, 401);
    const again = await fetch(`${server.url}/logout`, { method: 'POST', headers: { cookie } });
    assert.equal(again.status, 401);
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const wrongPassword = await formLogin('user1', 'pass2');
    const unknownUser = await formLogin('user1001', 'pass1001');
    const notAUser = await formLogin('admin', 'pass1');
    const expected = {
      error: 'invalid_credentials',
      message:
        'login refused; reason: expected a known username and its password, got another pair',
    };
    for (const res of [wrongPassword, unknownUser, notAUser]) {
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="k6-auth-toolkit"');
      assert.deepEqual(res.headers.getSetCookie(), []);
      assert.deepEqual(await res.json(), expected);
    }
  });
});
