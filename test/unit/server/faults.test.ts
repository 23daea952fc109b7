import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { isLoopbackAddress } from '../../../server/loopback.ts';
import { type InProcessServer, startAppServer } from '../../helpers/reference-server.ts';

const START_MS = 1_700_000_000_000;

interface TokenAnswer {
  accessToken: string;
  refreshToken: string;
}

describe('fault injection through /_admin/faults', () => {
  const clock = { nowMs: START_MS };
  let server: InProcessServer;

  before(async () => {
    server = await startAppServer({ now: () => clock.nowMs, accessTtlSeconds: 60 });
  });
  afterEach(async () => {
    await fetch(`${server.url}/_admin/faults`, { method: 'DELETE' });
  });
  after(() => server.stop());

  const setFaults = (body: unknown) =>
    fetch(`${server.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const tokenLogin = async (): Promise<TokenAnswer> => {
    const res = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'user1', password: 'pass1' }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as TokenAnswer;
  };
  const sessionLogin = async (): Promise<string> => {
    const res = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=user1&password=pass1',
    });
    return res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  };
  const withBearer = (token: string) =>
    fetch(`${server.url}/protected`, { headers: { authorization: `Bearer ${token}` } });
  const refresh = (token: string) =>
    fetch(`${server.url}/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });

  it('adds latency to one endpoint only', async () => {
    const { accessToken } = await tokenLogin();
    assert.equal((await setFaults({ latencyMs: { protected: 150 } })).status, 200);
    let startedAt = performance.now();
    assert.equal((await withBearer(accessToken)).status, 200);
    assert.ok(performance.now() - startedAt >= 145, 'protected was not delayed');
    startedAt = performance.now();
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    assert.ok(performance.now() - startedAt < 145, 'health was delayed');
  });

  it('fails an endpoint with the given status for the given seconds, then recovers', async () => {
    const { refreshToken } = await tokenLogin();
    await setFaults({ failure: { endpoint: 'refresh', status: 503, seconds: 5 } });
    const failed = await refresh(refreshToken);
    assert.equal(failed.status, 503);
    assert.deepEqual(await failed.json(), {
      error: 'injected_failure',
      message: 'refresh failed; reason: expected no fault, got an injected 503',
    });
    clock.nowMs += 4999;
    assert.equal((await refresh(refreshToken)).status, 503);
    clock.nowMs += 1;
    // The failed attempts never reached the rotation: the token is still the current one.
    assert.equal((await refresh(refreshToken)).status, 200);
  });

  it('answers 429 with Retry-After above the rate, and lets the next second through', async () => {
    clock.nowMs = Math.ceil(clock.nowMs / 1000) * 1000;
    await setFaults({ rateLimit: { endpoint: 'login', perSecond: 2, retryAfterSeconds: 3 } });
    await tokenLogin();
    await tokenLogin();
    const limited = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    assert.deepEqual(await limited.json(), {
      error: 'rate_limited',
      message:
        'too many requests; reason: expected a lower rate on login, got more (injected fault)',
    });
    clock.nowMs += 1000;
    await tokenLogin();
  });

  it('shifts the clock for tokens and sessions with clockOffsetSeconds', async () => {
    const { accessToken } = await tokenLogin();
    const cookie = await sessionLogin();
    await setFaults({ clockOffsetSeconds: 120 });
    const expired = await withBearer(accessToken);
    assert.equal(expired.status, 401);
    assert.equal(((await expired.json()) as { reason: string }).reason, 'expired');
    const session = await fetch(`${server.url}/protected`, { headers: { cookie } });
    assert.equal(session.status, 200);

    // Issued in the shifted time, then used once the offset is gone: not valid yet.
    const { accessToken: future } = await tokenLogin();
    await setFaults({ clockOffsetSeconds: 0 });
    const early = await withBearer(future);
    assert.equal(((await early.json()) as { reason: string }).reason, 'not_yet_valid');
  });

  it('forgets every session and refresh family with forgetAll, as a restart would', async () => {
    const { accessToken, refreshToken } = await tokenLogin();
    const cookie = await sessionLogin();
    assert.ok(server.app.stats().activeSessions > 0);
    const res = await setFaults({ forgetAll: true });
    assert.equal(res.status, 200);
    assert.equal(server.app.stats().activeSessions, 0);
    assert.equal(server.app.stats().activeRefreshFamilies, 0);
    assert.equal((await fetch(`${server.url}/protected`, { headers: { cookie } })).status, 401);
    assert.equal((await withBearer(accessToken)).status, 401);
    assert.equal((await refresh(refreshToken)).status, 401);
  });

  it('revokes the refresh families of the accounts named in revokeAccounts, and no other', async () => {
    const revoked = await tokenLogin();
    const other = await (
      await fetch(`${server.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'user2', password: 'pass2' }),
      })
    ).json();
    assert.equal((await setFaults({ revokeAccounts: ['user1', 'user9'] })).status, 200);
    const refused = await refresh(revoked.refreshToken);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { reason: string }).reason, 'revoked');
    assert.equal((await withBearer(revoked.accessToken)).status, 401);
    assert.equal((await withBearer((other as TokenAnswer).accessToken)).status, 200);
    assert.equal((await refresh((other as TokenAnswer).refreshToken)).status, 200);
    // A new login of the revoked account starts a live family.
    assert.equal((await refresh((await tokenLogin()).refreshToken)).status, 200);
  });

  it('shows the active faults with GET, merges POSTs and clears them with DELETE', async () => {
    await setFaults({ latencyMs: { login: 10 }, clockOffsetSeconds: -5 });
    await setFaults({
      latencyMs: { refresh: 20 },
      failure: [{ endpoint: 'logout', status: 500, seconds: 10 }],
      rateLimit: { endpoint: 'protected', perSecond: 100 },
    });
    assert.deepEqual(await (await fetch(`${server.url}/_admin/faults`)).json(), {
      latencyMs: { login: 10, refresh: 20 },
      failure: [{ endpoint: 'logout', status: 500, remainingSeconds: 10 }],
      rateLimit: [{ endpoint: 'protected', perSecond: 100, retryAfterSeconds: 1 }],
      clockOffsetSeconds: -5,
    });
    const cleared = await fetch(`${server.url}/_admin/faults`, { method: 'DELETE' });
    assert.deepEqual(await cleared.json(), {
      latencyMs: {},
      failure: [],
      rateLimit: [],
      clockOffsetSeconds: 0,
    });
  });

  it('refuses bad fault bodies with 400 and a message naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [[], 'faults is invalid; reason: expected a JSON object, got an array'],
      [
        { latency: 5 },
        'faults.latency is invalid; reason: expected one of latencyMs, failure, rateLimit, clockOffsetSeconds, forgetAll, revokeAccounts, got an unknown field',
      ],
      [
        { latencyMs: { home: 5 } },
        'faults.latencyMs key is invalid; reason: expected one of login, refresh, protected, logout, got "home"',
      ],
      [
        { latencyMs: { login: -1 } },
        'faults.latencyMs.login is invalid; reason: expected a whole number from 0 to 60000, got -1',
      ],
      [
        { failure: { endpoint: 'login', status: 502, seconds: 1 } },
        'faults.failure[0].status is invalid; reason: expected 401, 500 or 503, got 502',
      ],
      [
        { failure: { endpoint: 'login', status: 500 } },
        'faults.failure[0].seconds is invalid; reason: expected a number from 0 to 86400, got nothing',
      ],
      [
        { rateLimit: { endpoint: 'login', perSecond: '10' } },
        'faults.rateLimit[0].perSecond is invalid; reason: expected a whole number from 0 to 1000000, got "10"',
      ],
      [
        { clockOffsetSeconds: null },
        'faults.clockOffsetSeconds is invalid; reason: expected a number from -315360000 to 315360000, got null',
      ],
      [
        { forgetAll: 'yes' },
        'faults.forgetAll is invalid; reason: expected true or false, got "yes"',
      ],
      [
        { revokeAccounts: 'user1' },
        'faults.revokeAccounts is invalid; reason: expected an array of at most 1000 usernames, got "user1"',
      ],
      [
        { revokeAccounts: ['user1', ''] },
        'faults.revokeAccounts[1] is invalid; reason: expected a username of 1 to 100 characters, got ""',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await setFaults(body);
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { error: 'invalid_faults', message });
    }
    const notJson = await fetch(`${server.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    assert.equal(notJson.status, 400);
    // A bad body changes nothing.
    assert.deepEqual(
      ((await (await fetch(`${server.url}/_admin/faults`)).json()) as { latencyMs: object })
        .latencyMs,
      {},
    );
  });
});

describe('admin access', () => {
  let server: InProcessServer;
  const ADMIN_TOKEN = 'admin-token-for-tests';

  before(async () => {
    server = await startAppServer({ adminToken: ADMIN_TOKEN });
  });
  after(() => server.stop());

  it('requires Authorization: Bearer <ADMIN_TOKEN> when one is set', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: ADMIN_TOKEN }]) {
      const res = await fetch(`${server.url}/_admin/stats`, { headers });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), {
        error: 'admin_unauthorized',
        message:
          'admin routes refused; reason: expected Authorization: Bearer <ADMIN_TOKEN>, got another or none',
      });
    }
    const ok = await fetch(`${server.url}/_admin/stats`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    assert.equal(ok.status, 200);
  });

  it('answers only loopback peers: 127.0.0.0/8, ::1 and IPv4-mapped loopback', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      assert.equal(isLoopbackAddress(address), true, address);
    }
    for (const address of [
      '10.0.0.1',
      '192.168.1.1',
      '::ffff:10.0.0.1',
      '128.0.0.1',
      '::2',
      '',
      undefined,
    ]) {
      assert.equal(isLoopbackAddress(address), false, String(address));
    }
  });
});
