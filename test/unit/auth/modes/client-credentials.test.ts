import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plugin as clientCredentials } from '../../../../lib/core/auth/modes/client-credentials.ts';
import type { TargetProfile } from '../../../../lib/core/auth/profile.ts';
import { resolveProfile } from '../../../../lib/core/auth/profile-resolve.ts';
import type { ResponseView } from '../../../../lib/core/http-types.ts';
import { profileFromJson } from '../../../helpers/profiles.ts';
import { requestStep, respond, walkTools } from '../../../helpers/response-views.ts';

const TOKEN_URL = 'http://127.0.0.1:9000/token';
const SECRET = 'client-s3cret';
/** The `-e` settings `env` and the profile file's `fields` beside the token endpoint. */
const profileWith = (env: Record<string, string> = {}, fields: object = {}): TargetProfile =>
  profileFromJson(
    { oauth: { tokenUrl: TOKEN_URL }, ...fields },
    { AUTH_MODE: 'client-credentials', CLIENT_ID: 'k6', CLIENT_SECRET: SECRET, ...env },
  );
const basic = profileWith();
const NO_ACCOUNT = { username: '', password: '' };

function login(profile: TargetProfile, res: ResponseView) {
  const first = requestStep(clientCredentials.startLogin(profile, NO_ACCOUNT, walkTools()));
  return clientCredentials.continueLogin(profile, NO_ACCOUNT, first.walk, res, walkTools());
}

describe('the client-credentials mode plug-in', () => {
  it('logs in without user accounts and renews by logging in again (RFC 6749 §4.4.3)', () => {
    assert.equal(clientCredentials.mode, 'client-credentials');
    assert.equal(clientCredentials.usesAccounts, false);
    assert.deepEqual(clientCredentials.policy, { renewBy: 'login', freshJarPerLogin: false });
    assert.equal(clientCredentials.maxLoginRequests(basic), 1);
    assert.equal(clientCredentials.buildRenewal, undefined);
    assert.equal(clientCredentials.buildLogout, undefined);
  });

  it('asks for a token with grant_type=client_credentials and HTTP Basic (RFC 6749 §4.4.2, §2.3.1)', () => {
    const step = clientCredentials.startLogin(basic, NO_ACCOUNT, walkTools());
    assert.deepEqual(step, {
      kind: 'send',
      request: {
        endpoint: 'token',
        method: 'POST',
        url: TOKEN_URL,
        headers: {
          Authorization: `Basic ${Buffer.from(`k6:${SECRET}`).toString('base64')}`,
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
        followRedirects: false,
      },
      walk: { step: 'token', carry: {} },
    });
  });

  it('form-encodes the id and secret inside HTTP Basic (§2.3.1)', () => {
    const profile = profileWith({ CLIENT_ID: 'svc:a', CLIENT_SECRET: 'p@ss w' });
    const { headers } = requestStep(
      clientCredentials.startLogin(profile, NO_ACCOUNT, walkTools()),
    ).request;
    assert.equal(
      headers.Authorization,
      `Basic ${Buffer.from('svc%3Aa:p%40ss+w').toString('base64')}`,
    );
  });

  it('sends the client id and secret in the body with clientAuth.method "body"', () => {
    const profile = profileWith({}, { clientAuth: { method: 'body' } });
    const { request } = requestStep(clientCredentials.startLogin(profile, NO_ACCOUNT, walkTools()));
    assert.equal(request.headers.Authorization, undefined);
    assert.equal(
      request.body,
      `grant_type=client_credentials&client_id=k6&client_secret=${SECRET}`,
    );
  });

  it('sends scope, audience and resource only when set', () => {
    const profile = profileWith(
      { SCOPE: 'orders:read orders:write' },
      { oauth: { tokenUrl: TOKEN_URL, audience: 'https://api.example', resource: 'urn:orders' } },
    );
    const { body } = requestStep(
      clientCredentials.startLogin(profile, NO_ACCOUNT, walkTools()),
    ).request;
    assert.deepEqual(Object.fromEntries(new URLSearchParams(body)), {
      grant_type: 'client_credentials',
      scope: 'orders:read orders:write',
      audience: 'https://api.example',
      resource: 'urn:orders',
    });
  });

  it('fails the login with OIDC_ENDPOINT_MISSING, sending nothing, when no token endpoint was found', () => {
    const profile = resolveProfile({
      env: {
        AUTH_MODE: 'client-credentials',
        OIDC_ISSUER: 'http://127.0.0.1:9000',
        CLIENT_ID: 'k6',
        CLIENT_SECRET: SECRET,
      },
    });
    assert.deepEqual(clientCredentials.startLogin(profile, NO_ACCOUNT, walkTools()), {
      kind: 'failed',
      errorCode: 'OIDC_ENDPOINT_MISSING',
      reason:
        'Cannot request a client-credentials token; reason: expected oauth.tokenUrl from the profile or discovery, got nothing',
    });
  });

  it('is logged in with the token of the answer (RFC 6749 §5.1)', () => {
    const res = respond({
      body: '{"access_token":"at1","token_type":"Bearer","expires_in":"3600"}',
    });
    assert.deepEqual(login(basic, res), {
      kind: 'done',
      tokens: { accessToken: 'at1', expiresInSeconds: 3600 },
    });
  });

  it('is refused with the OAuth error code of a 401 (RFC 6749 §5.2)', () => {
    const res = respond({ status: 401, body: '{"error":"invalid_client"}' });
    assert.deepEqual(login(basic, res), { kind: 'failed', errorCode: 'invalid_client' });
  });

  it('fails without an error code when a 5xx answer has none (its status drives the retry)', () => {
    assert.deepEqual(login(basic, respond({ status: 503, body: 'down' })), { kind: 'failed' });
  });

  it('fails an unreadable answer, naming what was expected', () => {
    assert.deepEqual(login(basic, respond({ body: '<html>' })), {
      kind: 'failed',
      reason:
        'unreadable login answer; reason: expected a JSON token response, got a body that is not JSON',
    });
    assert.deepEqual(login(basic, respond({ body: '{"token_type":"Bearer"}' })), {
      kind: 'failed',
      reason:
        'unreadable login answer; reason: expected a non-empty string at "access_token", got nothing',
    });
  });

  it('sends the access token as a Bearer and reads 401 as a rejection (RFC 6750 §3.1)', () => {
    assert.deepEqual(
      clientCredentials.applyCredentials(basic, { accessToken: 'at1' }, { X: '1' }),
      {
        X: '1',
        Authorization: 'Bearer at1',
      },
    );
    assert.equal(clientCredentials.isRejection(basic, respond({ status: 401 })), true);
    assert.equal(clientCredentials.isRejection(basic, respond({ status: 403 })), false);
  });

  it('reads the JWT expiry of an access token without expires_in', () => {
    const payload = Buffer.from(
      JSON.stringify({ exp: 1_800_000_000, iat: 1_799_999_000 }),
    ).toString('base64url');
    assert.deepEqual(clientCredentials.readJwtTimes?.(`e30.${payload}.sig`, walkTools().decode), {
      expSeconds: 1_800_000_000,
      iatSeconds: 1_799_999_000,
    });
    assert.equal(clientCredentials.readJwtTimes?.('opaque-token', walkTools().decode), undefined);
  });
});
