import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { StatsSnapshot } from '../../../server/stats.ts';
import { type InProcessServer, startAppServer } from '../../helpers/reference-server.ts';

const START_MS = 1_700_000_000_000;
const START_SECOND = START_MS / 1000;

describe('GET /_admin/stats', () => {
  const clock = { nowMs: START_MS };
  let server: InProcessServer;

  before(async () => {
    server = await startAppServer({ now: () => clock.nowMs, sessionIdleTtlSeconds: 30 });
  });
  after(() => server.stop());

  const stats = async (): Promise<StatsSnapshot> =>
    (await (await fetch(`${server.url}/_admin/stats`)).json()) as StatsSnapshot;
  const login = (body: object, json = true) =>
    fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
      body: json
        ? JSON.stringify(body)
        : new URLSearchParams(body as Record<string, string>).toString(),
    });
  const refresh = (token: string) =>
    fetch(`${server.url}/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
  const getProtected = (headers: Record<string, string>) =>
    fetch(`${server.url}/protected`, { headers });

  it('counts exactly what happened in a scripted run', async () => {
    const tokens = (await (await login({ username: 'user1', password: 'pass1' })).json()) as {
      accessToken: string;
      refreshToken: string;
    };
    await login({ username: 'user1', password: 'nope' });
    const cookie =
      (await login({ username: 'user2', password: 'pass2' }, false)).headers
        .getSetCookie()[0]
        ?.split(';')[0] ?? '';
    const stale = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));

    clock.nowMs += 1000;
    const rotated = (await (await refresh(tokens.refreshToken)).json()) as { refreshToken: string };
    clock.nowMs += 1000;
    await refresh(rotated.refreshToken);
    await refresh(tokens.refreshToken); // a replay: revokes the family
    await refresh(tokens.accessToken); // wrong type

    await getProtected({ cookie });
    await getProtected({});
    await getProtected({ cookie: stale });
    await getProtected({ authorization: `Bearer ${tokens.accessToken}` }); // revoked by the replay
    await getProtected({ authorization: 'Bearer x.y.z' });
    clock.nowMs += 30_000;
    await getProtected({ cookie }); // idle timeout

    const snapshot = await stats();
    assert.equal(snapshot.logins, 2);
    assert.equal(snapshot.loginFailures, 1);
    assert.deepEqual(snapshot.loginsByAccount, { user1: 1, user2: 1 });
    assert.deepEqual(snapshot.loginFailuresByAccount, { user1: 1 });
    assert.deepEqual(snapshot.retryAfter, {
      answered: 0,
      followed: 0,
      early: 0,
      smallestMarginMs: null,
    });
    assert.equal(snapshot.refreshes, 2);
    assert.equal(snapshot.refreshFailures, 2);
    assert.equal(snapshot.refreshReuseDetections, 1);
    assert.deepEqual(snapshot.refreshFailuresByReason, { reused: 1, wrong_type: 1 });
    assert.deepEqual(snapshot.unauthorizedByReason, {
      missing: 1,
      unknown_session: 1,
      revoked: 1,
      malformed: 1,
      session_expired: 1,
    });
    assert.equal(snapshot.expiredCredentialRejections, 3);
    assert.equal(snapshot.activeSessions, 0);
    assert.equal(snapshot.activeRefreshFamilies, 0);
    assert.deepEqual(snapshot.requests, { login: 3, refresh: 4, protected: 6, logout: 0 });
    assert.deepEqual(snapshot.responsesByStatus, { '200': 5, '401': 8 });
    assert.deepEqual(snapshot.faultsInjected, { failures: 0, rateLimited: 0 });
    assert.deepEqual(snapshot.timeline, {
      logins: { [START_SECOND]: 2 },
      refreshes: { [START_SECOND + 1]: 1, [START_SECOND + 2]: 1 },
    });
    assert.equal(snapshot.peakLoginsPerSecond, 2);
    assert.equal(snapshot.peakRefreshesPerSecond, 1);
    assert.equal(snapshot.sinceMs, START_MS);
  });

  it('counts live sessions and refresh families as gauges', async () => {
    await fetch(`${server.url}/_admin/stats/reset`, { method: 'POST' });
    await login({ username: 'user3', password: 'pass3' }, false);
    await login({ username: 'user4', password: 'pass4' }, false);
    await login({ username: 'user5', password: 'pass5' });
    const snapshot = await stats();
    assert.equal(snapshot.activeSessions, 2);
    assert.equal(snapshot.activeRefreshFamilies, 1);
  });

  it('gives the peak refreshes per second over a burst, and keeps only the last 10 minutes', async () => {
    await fetch(`${server.url}/_admin/stats/reset`, { method: 'POST' });
    const burstSecond = Math.floor(clock.nowMs / 1000);
    for (let i = 0; i < 3; i += 1) {
      const { refreshToken } = (await (
        await login({ username: `user${i + 1}`, password: `pass${i + 1}` })
      ).json()) as { refreshToken: string };
      assert.equal((await refresh(refreshToken)).status, 200);
    }
    let snapshot = await stats();
    assert.equal(snapshot.peakRefreshesPerSecond, 3);
    assert.deepEqual(snapshot.timeline.refreshes, { [burstSecond]: 3 });

    clock.nowMs += 600_000;
    snapshot = await stats();
    assert.deepEqual(snapshot.timeline, { logins: {}, refreshes: {} });
    assert.equal(snapshot.peakRefreshesPerSecond, 0);
  });

  it('zeroes every counter at POST /_admin/stats/reset but keeps sessions', async () => {
    await login({ username: 'user6', password: 'pass6' }, false);
    const res = await fetch(`${server.url}/_admin/stats/reset`, { method: 'POST' });
    assert.equal(res.status, 200);
    const snapshot = (await res.json()) as StatsSnapshot;
    assert.equal(snapshot.logins, 0);
    assert.equal(snapshot.refreshes, 0);
    assert.deepEqual(snapshot.unauthorizedByReason, {});
    assert.deepEqual(snapshot.requests, { login: 0, refresh: 0, protected: 0, logout: 0 });
    assert.deepEqual(snapshot.responsesByStatus, {});
    assert.equal(snapshot.activeSessions, 1);
    assert.equal(snapshot.sinceMs, clock.nowMs);
  });

  it('counts injected failures and rate-limited requests', async () => {
    await fetch(`${server.url}/_admin/stats/reset`, { method: 'POST' });
    await fetch(`${server.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        failure: { endpoint: 'protected', status: 500, seconds: 60 },
        rateLimit: { endpoint: 'logout', perSecond: 0 },
      }),
    });
    await getProtected({});
    await fetch(`${server.url}/logout`, { method: 'POST' });
    await fetch(`${server.url}/_admin/faults`, { method: 'DELETE' });
    const snapshot = await stats();
    assert.deepEqual(snapshot.faultsInjected, { failures: 1, rateLimited: 1 });
    assert.deepEqual(snapshot.responsesByStatus, { '500': 1, '429': 1 });
    assert.deepEqual(snapshot.requests, { login: 0, refresh: 0, protected: 1, logout: 1 });
  });

  it('keeps a username as an account name, __proto__ included, in the per-account counts', async () => {
    await fetch(`${server.url}/_admin/stats/reset`, { method: 'POST' });
    await login({ username: '__proto__', password: 'x' });
    await login({ username: 'user7', password: 'pass7' });
    const snapshot = await stats();
    assert.deepEqual(snapshot.loginFailuresByAccount, { ['__proto__']: 1 });
    assert.deepEqual(snapshot.loginsByAccount, { user7: 1 });
  });

  it('follows a 429 to the next request on its connection and counts one sent before Retry-After', async () => {
    await fetch(`${server.url}/_admin/stats/reset`, { method: 'POST' });
    await fetch(`${server.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rateLimit: { endpoint: 'logout', perSecond: 0, retryAfterSeconds: 2 },
      }),
    });
    // One keep-alive connection, so every request is the same client.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const logout = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}/logout`, { method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      assert.equal(await logout(), 429);
      clock.nowMs += 1500;
      assert.equal(await logout(), 429); // 500 ms early
      clock.nowMs += 2500;
      assert.equal(await logout(), 429); // 500 ms late
    } finally {
      agent.destroy();
      await fetch(`${server.url}/_admin/faults`, { method: 'DELETE' });
    }
    assert.deepEqual((await stats()).retryAfter, {
      answered: 3,
      followed: 2,
      early: 1,
      smallestMarginMs: -500,
    });
  });
});
