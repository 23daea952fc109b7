import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type InProcessServer, startAppServer } from '../../helpers/reference-server.ts';

const START_MS = 1_700_000_000_000;
const ACCESS_TTL = 60;
const REFRESH_TTL = 600;

interface TokenAnswer {
  token: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
}

interface ErrorBody {
  error: string;
  reason: string;
  message: string;
}

function refusal(reason: string, got: string): ErrorBody {
  return {
    error: 'invalid_grant',
    reason,
    message: `refresh refused; reason: expected a valid, unused refresh token, got ${got}`,
  };
}

const REUSED = refusal(
  'reused',
  'a refresh token that was already used (its whole family is now revoked)',
);
const REVOKED = refusal('revoked', 'a token of a revoked, logged-out or forgotten login');

function clients(server: () => InProcessServer) {
  const login = async (): Promise<TokenAnswer> => {
    const res = await fetch(`${server().url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'user1', password: 'pass1' }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as TokenAnswer;
  };
  const refresh = (refreshToken: string) =>
    fetch(`${server().url}/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${refreshToken}` },
    });
  const getProtected = (accessToken: string) =>
    fetch(`${server().url}/protected`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { login, refresh, getProtected };
}

describe('refresh with rotation and reuse detection', () => {
  const clock = { nowMs: START_MS };
  let server: InProcessServer;
  const { login, refresh, getProtected } = clients(() => server);

  before(async () => {
    server = await startAppServer({
      now: () => clock.nowMs,
      accessTtlSeconds: ACCESS_TTL,
      refreshTtlSeconds: REFRESH_TTL,
    });
  });
  after(() => server.stop());

  it('answers a new access token and a new refresh token in the login shape, not cacheable', async () => {
    const first = await login();
    clock.nowMs += 1000;
    const res = await refresh(first.refreshToken);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const second = (await res.json()) as TokenAnswer;
    assert.deepEqual(Object.keys(second).sort(), [
      'accessToken',
      'expiresIn',
      'refreshToken',
      'token',
      'tokenType',
    ]);
    assert.equal(second.token, second.accessToken);
    assert.equal(second.expiresIn, ACCESS_TTL);
    assert.equal(second.tokenType, 'Bearer');
    assert.notEqual(second.accessToken, first.accessToken);
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.equal((await getProtected(second.accessToken)).status, 200);
    // Rotation chains: the new refresh token is the family's current one.
    assert.equal((await refresh(second.refreshToken)).status, 200);
  });

  it('revokes the whole family when a used refresh token comes back (RFC 9700 §4.14.2)', async () => {
    const before = server.app.stats().refreshReuseDetections;
    const first = await login();
    const second = (await (await refresh(first.refreshToken)).json()) as TokenAnswer;

    const replay = await refresh(first.refreshToken);
    assert.equal(replay.status, 401);
    assert.equal(replay.headers.get('www-authenticate'), 'Bearer realm="k6-auth-toolkit"');
    assert.deepEqual(await replay.json(), REUSED);

    const newest = await refresh(second.refreshToken);
    assert.equal(newest.status, 401);
    assert.deepEqual(await newest.json(), REVOKED);
    const access = await getProtected(second.accessToken);
    assert.equal(access.status, 401);
    assert.equal(((await access.json()) as ErrorBody).reason, 'revoked');
    assert.equal(server.app.stats().refreshReuseDetections, before + 1);
  });

  it('lets exactly one of 20 concurrent refreshes with one token win, and revokes the family', async () => {
    const { refreshToken } = await login();
    // Added latency holds all 20 in flight together before any reaches the rotation.
    server.app.faults.apply({ latencyMs: { refresh: 50 } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(refreshToken)));
    server.app.faults.clear();
    const statuses = answers.map((res) => res.status);
    assert.equal(statuses.filter((status) => status === 200).length, 1);
    assert.equal(statuses.filter((status) => status === 401).length, 19);
    const bodies = await Promise.all(answers.map((res) => res.json() as Promise<ErrorBody>));
    const winner = bodies[statuses.indexOf(200)] as unknown as TokenAnswer;
    assert.ok(
      bodies.filter((_, i) => statuses[i] === 401).every((b) => b.error === 'invalid_grant'),
    );
    // The losers were replays: the winner's tokens went with the family.
    assert.equal((await refresh(winner.refreshToken)).status, 401);
  });

  it('accepts the refresh token as a JSON refreshToken field and as a form refresh_token field', async () => {
    const json = await login();
    const viaJson = await fetch(`${server.url}/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: json.refreshToken }),
    });
    assert.equal(viaJson.status, 200);
    const form = await login();
    const viaForm = await fetch(`${server.url}/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: form.refreshToken }),
    });
    assert.equal(viaForm.status, 200);
  });

  it('refuses an access token at /refresh as wrong_type, without touching the family', async () => {
    const { accessToken, refreshToken } = await login();
    const res = await refresh(accessToken);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), refusal('wrong_type', 'an access token'));
    assert.equal((await refresh(refreshToken)).status, 200);
  });

  it('refuses an expired refresh token as expired', async () => {
    const { refreshToken } = await login();
    clock.nowMs += REFRESH_TTL * 1000;
    const res = await refresh(refreshToken);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), refusal('expired', 'an expired token'));
  });

  it('refuses a refresh without a token with 400 invalid_request', async () => {
    const res = await fetch(`${server.url}/refresh`, { method: 'POST' });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      error: 'invalid_request',
      reason: 'missing',
      message:
        'refresh token is missing; reason: expected Authorization: Bearer <refresh token> or a refreshToken body field, got neither',
    });
  });

  it('refuses a tampered refresh token as invalid_signature', async () => {
    const { refreshToken } = await login();
    const tampered = `${refreshToken.slice(0, -3)}${refreshToken.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const res = await refresh(tampered);
    assert.deepEqual(
      await res.json(),
      refusal('invalid_signature', 'a token whose signature does not verify'),
    );
  });

  it('revokes the family at logout with the refresh token: refresh and access both refused', async () => {
    const { accessToken, refreshToken } = await login();
    const res = await fetch(`${server.url}/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${refreshToken}` },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { loggedOut: true });
    assert.deepEqual(await (await refresh(refreshToken)).json(), REVOKED);
    assert.equal((await getProtected(accessToken)).status, 401);
  });

  it('revokes the family at logout with the access token or a JSON refreshToken', async () => {
    const byAccess = await login();
    const res = await fetch(`${server.url}/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${byAccess.accessToken}` },
    });
    assert.equal(res.status, 200);
    assert.equal((await refresh(byAccess.refreshToken)).status, 401);

    const byBody = await login();
    const viaBody = await fetch(`${server.url}/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: byBody.refreshToken }),
    });
    assert.equal(viaBody.status, 200);
    assert.equal((await getProtected(byBody.accessToken)).status, 401);
    const twice = await fetch(`${server.url}/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${byBody.accessToken}` },
    });
    assert.equal(twice.status, 401);
    assert.equal(((await twice.json()) as ErrorBody).reason, 'revoked');
  });
});

describe('refresh with a reuse grace window (REFRESH_REUSE_GRACE)', () => {
  const clock = { nowMs: START_MS };
  let server: InProcessServer;
  const { login, refresh } = clients(() => server);

  before(async () => {
    server = await startAppServer({ now: () => clock.nowMs, refreshReuseGraceSeconds: 2 });
  });
  after(() => server.stop());

  it('answers concurrent refreshes with one token identically within the window', async () => {
    const { refreshToken } = await login();
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(refreshToken)));
    assert.deepEqual(
      answers.map((res) => res.status),
      [200, 200, 200, 200, 200],
    );
    const bodies = await Promise.all(answers.map((res) => res.text()));
    assert.equal(new Set(bodies).size, 1);
    const { refreshToken: next } = JSON.parse(bodies[0] ?? '') as TokenAnswer;
    assert.equal((await refresh(next)).status, 200);
  });

  it('treats the previous token as a replay once the window has passed', async () => {
    const { refreshToken } = await login();
    const next = (await (await refresh(refreshToken)).json()) as TokenAnswer;
    clock.nowMs += 2000;
    const late = await refresh(refreshToken);
    assert.equal(late.status, 401);
    assert.deepEqual(await late.json(), REUSED);
    assert.equal((await refresh(next.refreshToken)).status, 401);
  });

  it('treats a token two rotations old as a replay even within the window', async () => {
    const { refreshToken: first } = await login();
    const second = (await (await refresh(first)).json()) as TokenAnswer;
    assert.equal((await refresh(second.refreshToken)).status, 200);
    assert.deepEqual(await (await refresh(first)).json(), REUSED);
  });
});
