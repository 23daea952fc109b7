/**
 * The article's three Python clients, step for step, against `npm run server`'s entry point:
 * a requests.Session login, a single bearer token, and an access + refresh pair.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referenceServerForSuite } from '../../helpers/reference-server.ts';

/** What requests.Session does with cookies: keep what the server sets, send it back. */
class CookieJarClient {
  private readonly cookies = new Map<string, string>();

  async send(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set(
        'cookie',
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      );
    }
    const res = await fetch(url, { ...init, headers });
    for (const setCookie of res.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair !== undefined && at > 0) this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }
}

describe("the article's three clients against npm run server", () => {
  const server = referenceServerForSuite();

  it('logs in with a form body in a cookie session and reads /protected (article §1.1)', async () => {
    const session = new CookieJarClient();
    const login = await session.send(`${server.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'user1', password: 'pass1' }),
    });
    assert.equal(login.status, 200, '登录失败');
    await login.text();
    const res = await session.send(`${server.url}/protected`);
    assert.equal(res.status, 200, '访问受保护资源失败');
    assert.deepEqual(await res.json(), { user: 'user1', auth: 'session' });
  });

  it('logs in with JSON, takes "token" and sends it as a Bearer token (article §2.1)', async () => {
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'user1', password: 'pass1' }),
    });
    assert.equal(login.status, 200, '登录失败');
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${server.url}/protected`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, '访问受保护资源失败');
    assert.deepEqual(await res.json(), { user: 'user1', auth: 'token' });
  });

  it('refreshes with the refresh token as Bearer and uses the new access token (article §3.1)', async () => {
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'user1', password: 'pass1' }),
    });
    assert.equal(login.status, 200, '登录失败');
    const tokens = (await login.json()) as { accessToken: string; refreshToken: string };
    const refreshed = await fetch(`${server.url}/refresh`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.refreshToken}` },
    });
    assert.equal(refreshed.status, 200, '刷新 Token 失败');
    const { accessToken: newAccessToken } = (await refreshed.json()) as { accessToken: string };
    const res = await fetch(`${server.url}/protected`, {
      headers: { Authorization: `Bearer ${newAccessToken}` },
    });
    assert.equal(res.status, 200, '访问受保护资源失败');
    assert.deepEqual(await res.json(), { user: 'user1', auth: 'token' });
    const stats = await server.stats();
    assert.equal(stats.refreshes, 1);
  });
});
