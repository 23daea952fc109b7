import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plugin as token } from '../../../../lib/core/auth/modes/token.ts';
import { resolveProfile } from '../../../../lib/core/auth/profile-resolve.ts';
import { respond, user1, walkTools } from '../../../helpers/response-views.ts';

const reference = resolveProfile({ env: { AUTH_MODE: 'token' } });
const walk = { step: 'login', carry: {} };
const decode = (part: string) => Buffer.from(part, 'base64url').toString('utf8');
const jwtOf = (claims: object) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('the token mode plug-in', () => {
  it('renews by a new login and keeps the jar', () => {
    assert.equal(token.mode, 'token');
    assert.deepEqual(token.policy, { renewBy: 'login', freshJarPerLogin: false });
    assert.equal(token.buildRenewal, undefined);
    assert.equal(token.readRenewal, undefined);
  });

  it('logs in with one JSON POST that asks for JSON', () => {
    assert.deepEqual(token.startLogin(reference, user1, walkTools()), {
      kind: 'send',
      request: {
        endpoint: 'login',
        method: 'POST',
        url: 'http://127.0.0.1:8080/login',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: '{"username":"user1","password":"pass1"}',
        followRedirects: false,
      },
      walk: { step: 'login', carry: {} },
    });
  });

  it('is logged in with the token and its lifetime from the answer', () => {
    const answer = respond({ body: '{"token":"t1","expiresIn":60}' });
    assert.deepEqual(token.continueLogin(reference, user1, walk, answer, walkTools()), {
      kind: 'done',
      tokens: { accessToken: 't1', expiresInSeconds: 60 },
    });
  });

  it('fails an answer without the token, saying which field it expected', () => {
    const answer = respond({ body: '{"expiresIn":60}' });
    assert.deepEqual(token.continueLogin(reference, user1, walk, answer, walkTools()), {
      kind: 'failed',
      reason:
        'unreadable login answer; reason: expected a non-empty string at "token", got nothing',
    });
  });

  it('fails a refused login with its OAuth error code', () => {
    const answer = respond({ status: 401, body: '{"error":"invalid_grant"}' });
    assert.deepEqual(token.continueLogin(reference, user1, walk, answer, walkTools()), {
      kind: 'failed',
      errorCode: 'invalid_grant',
    });
  });

  it('sends the token as a Bearer beside the request’s own headers (RFC 6750 §2.1)', () => {
    assert.deepEqual(token.applyCredentials(reference, { accessToken: 't1' }, { 'X-Trace': '1' }), {
      'X-Trace': '1',
      Authorization: 'Bearer t1',
    });
  });

  it('sees a 401 as expired credentials (RFC 6750 §3.1)', () => {
    assert.equal(token.isRejection(reference, respond({ status: 401 })), true);
    assert.equal(token.isRejection(reference, respond({ status: 403 })), false);
  });

  it('logs out with the Bearer token, which names the grant the server revokes', () => {
    assert.deepEqual(token.buildLogout?.(reference, { accessToken: 't1' }), {
      endpoint: 'logout',
      method: 'POST',
      url: 'http://127.0.0.1:8080/logout',
      headers: { Authorization: 'Bearer t1' },
      followRedirects: false,
    });
  });

  it('reads the JWT times of a token, and none of an opaque one', () => {
    const jwt = jwtOf({ iat: 100, exp: 160 });
    assert.deepEqual(token.readJwtTimes?.(jwt, decode), { iatSeconds: 100, expSeconds: 160 });
    assert.equal(token.readJwtTimes?.('opaque', decode), undefined);
  });
});
