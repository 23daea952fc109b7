import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type InProcessServer, startAppServer } from '../../helpers/reference-server.ts';

const START_MS = 1_700_000_000_000;
const ACCESS_TTL = 60;
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

interface TokenAnswer {
  token: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
}

const decode = (part: string | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString());

describe('token login and bearer access to /protected', () => {
  const clock = { nowMs: START_MS };
  let server: InProcessServer;

  before(async () => {
    server = await startAppServer({
      now: () => clock.nowMs,
      accessTtlSeconds: ACCESS_TTL,
      jwtSecret: SECRET,
    });
  });
  after(() => server.stop());

  async function tokenLogin(username = 'user1'): Promise<TokenAnswer> {
    const res = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: username.replace('user', 'pass') }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as TokenAnswer;
  }

  const withBearer = (authorization: string) =>
    fetch(`${server.url}/protected`, { headers: { authorization } });

  async function assertInvalidToken(res: Response, reason: string, got: string): Promise<void> {
    assert.equal(res.status, 401);
    assert.equal(
      res.headers.get('www-authenticate'),
      `Bearer realm="k6-auth-toolkit", error="invalid_token", error_description="${reason}"`,
    );
    assert.deepEqual(await res.json(), {
      error: 'invalid_token',
      reason,
      message: `access token refused; reason: expected a valid access token, got ${got}`,
    });
  }

  it('answers a JSON login with token, accessToken, refreshToken, expiresIn and tokenType', async () => {
    const res = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'user1', password: 'pass1' }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(res.headers.getSetCookie(), []);
    const answer = (await res.json()) as TokenAnswer;
    assert.deepEqual(Object.keys(answer).sort(), [
      'accessToken',
      'expiresIn',
      'refreshToken',
      'token',
      'tokenType',
    ]);
    assert.equal(answer.token, answer.accessToken);
    assert.equal(answer.expiresIn, ACCESS_TTL);
    assert.equal(answer.tokenType, 'Bearer');
  });

  it('signs HS256 tokens with sub, iat, nbf, exp, jti, typ and fid, access and refresh told apart', async () => {
    const answer = await tokenLogin('user3');
    const [accessHeader, accessPayload] = answer.accessToken.split('.');
    const [, refreshPayload] = answer.refreshToken.split('.');
    assert.deepEqual(decode(accessHeader), { alg: 'HS256', typ: 'JWT' });
    const access = decode(accessPayload);
    const refresh = decode(refreshPayload);
    assert.deepEqual(Object.keys(access).sort(), ['exp', 'fid', 'iat', 'jti', 'nbf', 'sub', 'typ']);
    assert.equal(access.sub, 'user3');
    assert.equal(access.typ, 'access');
    assert.equal(refresh.typ, 'refresh');
    assert.equal(access.fid, refresh.fid);
    assert.notEqual(access.jti, refresh.jti);
    assert.equal(access.iat, clock.nowMs / 1000);
    assert.equal(access.exp, clock.nowMs / 1000 + ACCESS_TTL);
    assert.equal(refresh.exp, clock.nowMs / 1000 + 86400);
  });

  it('rounds exp up to a whole second so a token lives at least ACCESS_TTL', async () => {
    clock.nowMs += 400;
    const answer = await tokenLogin();
    const claims = decode(answer.accessToken.split('.')[1]);
    assert.equal(claims.iat, Math.floor(clock.nowMs / 1000));
    assert.equal(claims.exp, Math.ceil(clock.nowMs / 1000) + ACCESS_TTL);
    clock.nowMs += ACCESS_TTL * 1000;
    assert.equal((await withBearer(`Bearer ${answer.accessToken}`)).status, 200);
  });

  it('answers /protected with the user for a valid access token, whatever the scheme case', async () => {
    const { accessToken } = await tokenLogin('user9');
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await withBearer(`${scheme} ${accessToken}`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { user: 'user9', auth: 'token' });
    }
  });

  it('answers missing credentials with a challenge that has no error attribute', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjE6cGFzczE=' }]) {
      const res = await fetch(`${server.url}/protected`, { headers });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="k6-auth-toolkit"');
      assert.deepEqual(await res.json(), {
        error: 'missing_credentials',
        reason: 'missing',
        message:
          'request is not authenticated; reason: expected a Bearer token or a session cookie, got neither',
      });
    }
  });

  it('refuses an empty or two-part Bearer credential as malformed', async () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b']) {
      await assertInvalidToken(await withBearer(header), 'malformed', 'a malformed token');
    }
  });

  it('accepts an access token until the millisecond before exp and refuses it as expired from exp on', async () => {
    const { accessToken } = await tokenLogin();
    const expMs = (decode(accessToken.split('.')[1]).exp as number) * 1000;
    clock.nowMs = expMs - 1;
    assert.equal((await withBearer(`Bearer ${accessToken}`)).status, 200);
    clock.nowMs = expMs;
    await assertInvalidToken(
      await withBearer(`Bearer ${accessToken}`),
      'expired',
      'an expired token',
    );
  });

  it('refuses a token used before its nbf as not_yet_valid', async () => {
    const { accessToken } = await tokenLogin();
    clock.nowMs -= 5000;
    try {
      await assertInvalidToken(
        await withBearer(`Bearer ${accessToken}`),
        'not_yet_valid',
        'a token not valid yet',
      );
    } finally {
      clock.nowMs += 5000;
    }
  });

  it('refuses a refresh token on /protected as wrong_type', async () => {
    const { refreshToken } = await tokenLogin();
    await assertInvalidToken(
      await withBearer(`Bearer ${refreshToken}`),
      'wrong_type',
      'a refresh token',
    );
  });

  it('refuses alg "none" as alg_none', async () => {
    const { accessToken } = await tokenLogin();
    const [, payload] = accessToken.split('.');
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    await assertInvalidToken(
      await withBearer(`Bearer ${header}.${payload}.`),
      'alg_none',
      'an unsigned token (alg "none")',
    );
  });

  it('refuses a token whose payload was changed as invalid_signature', async () => {
    const { accessToken } = await tokenLogin('user1');
    const [header, payload, signature] = accessToken.split('.');
    const claims = { ...decode(payload), sub: 'user2' };
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await assertInvalidToken(
      await withBearer(`Bearer ${forged}`),
      'invalid_signature',
      'a token whose signature does not verify',
    );
  });

  it('refuses a token signed with another key as invalid_signature', async () => {
    const { accessToken } = await tokenLogin();
    const input = accessToken.slice(0, accessToken.lastIndexOf('.'));
    const resigned = `${input}.${createHmac('sha256', 'another-key').update(input).digest('base64url')}`;
    await assertInvalidToken(
      await withBearer(`Bearer ${resigned}`),
      'invalid_signature',
      'a token whose signature does not verify',
    );
  });

  it('refuses bad base64url as malformed', async () => {
    const { accessToken } = await tokenLogin();
    const [header, payload, signature] = accessToken.split('.');
    await assertInvalidToken(
      await withBearer(`Bearer ${header}.${payload}==.${signature}`),
      'malformed',
      'a malformed token',
    );
    await assertInvalidToken(
      await withBearer('Bearer not-a-jwt'),
      'malformed',
      'a malformed token',
    );
  });
});
