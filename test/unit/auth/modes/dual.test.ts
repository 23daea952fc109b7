import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plugin as dual } from '../../../../lib/core/auth/modes/dual.ts';
import { exampleProfile } from '../../../helpers/profiles.ts';
import { requestStep, respond, user1, walkTools } from '../../../helpers/response-views.ts';

const article = exampleProfile('article');
const oauth2 = exampleProfile('oauth2-password', {}, { logout: { path: '/oauth/revoke' } });

describe('the dual mode plug-in', () => {
  it('renews with the refresh token and keeps the jar', () => {
    assert.equal(dual.mode, 'dual');
    assert.deepEqual(dual.policy, { renewBy: 'refresh', freshJarPerLogin: false });
  });

  it('is logged in with both tokens from the login answer', () => {
    const answer = respond({ body: '{"accessToken":"a1","refreshToken":"r1","expiresIn":60}' });
    const walk = requestStep(dual.startLogin(article, user1, walkTools())).walk;
    assert.deepEqual(dual.continueLogin(article, user1, walk, answer, walkTools()), {
      kind: 'done',
      tokens: { accessToken: 'a1', refreshToken: 'r1', expiresInSeconds: 60 },
    });
  });

  it('refreshes with the refresh token as a Bearer (RFC 6749 §6, the article’s shape)', () => {
    assert.deepEqual(dual.buildRenewal?.(article, { accessToken: 'a1', refreshToken: 'r1' }), {
      endpoint: 'refresh',
      method: 'POST',
      url: 'http://127.0.0.1:8080/refresh',
      headers: { Authorization: 'Bearer r1', Accept: 'application/json' },
      followRedirects: false,
    });
  });

  it('has nothing to refresh with once the refresh token is gone', () => {
    assert.equal(dual.buildRenewal?.(article, { accessToken: 'a1' }), undefined);
  });

  it('reads a refresh answer, keeping no refresh token it did not get (§6)', () => {
    const answer = respond({ body: '{"accessToken":"a2","expiresIn":60}' });
    assert.deepEqual(dual.readRenewal?.(article, answer), {
      kind: 'done',
      tokens: { accessToken: 'a2', expiresInSeconds: 60 },
    });
  });

  it('fails a refused refresh with its OAuth error code (§5.2)', () => {
    const answer = respond({ status: 401, body: '{"error":"invalid_grant"}' });
    assert.deepEqual(dual.readRenewal?.(article, answer), {
      kind: 'failed',
      errorCode: 'invalid_grant',
    });
  });

  it('fails a 2xx refresh answer that is not JSON, saying so', () => {
    assert.deepEqual(dual.readRenewal?.(article, respond({ body: '<html>' })), {
      kind: 'failed',
      reason:
        'unreadable refresh answer; reason: expected a JSON token response, got a body that is not JSON',
    });
  });

  it('sends the access token as a Bearer', () => {
    assert.deepEqual(
      dual.applyCredentials(article, { accessToken: 'a1', refreshToken: 'r1' }, {}),
      {
        Authorization: 'Bearer a1',
      },
    );
  });

  it('logs out with the access token as a Bearer, which names the refresh family to revoke', () => {
    assert.deepEqual(dual.buildLogout?.(article, { accessToken: 'a1', refreshToken: 'r1' }), {
      endpoint: 'logout',
      method: 'POST',
      url: 'http://127.0.0.1:8080/logout',
      headers: { Authorization: 'Bearer a1' },
      followRedirects: false,
    });
  });

  it('logs out with the refresh token in the body where the profile sends refresh tokens there', () => {
    const request = dual.buildLogout?.(oauth2, { accessToken: 'a1', refreshToken: 'r1' });
    assert.equal(request?.url, 'http://127.0.0.1:8080/oauth/revoke');
    assert.equal(request?.body, 'refresh_token=r1');
    assert.equal(request?.headers.Authorization, 'Bearer a1');
  });
});
