import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildDiscoveryRequest,
  type DiscoveredEndpoints,
  discoveryUrl,
  needsDiscovery,
  readDiscovery,
  withEndpoints,
} from '../../../../lib/core/auth/oidc/discovery.ts';
import type { TargetProfile } from '../../../../lib/core/auth/profile.ts';
import { resolveProfile } from '../../../../lib/core/auth/profile-resolve.ts';
import { profileFromJson } from '../../../helpers/profiles.ts';
import { respond } from '../../../helpers/response-views.ts';

const ISSUER = 'http://127.0.0.1:9000';

/** The profile file's `oauth` fields: the endpoints set explicitly. */
type OAuthFields = Partial<TargetProfile['oauth']>;

const authCode = (oauth: OAuthFields = {}) =>
  profileFromJson(
    { oauth },
    {
      AUTH_MODE: 'authorization-code',
      OIDC_ISSUER: ISSUER,
      CLIENT_ID: 'k6',
      REDIRECT_URI: 'http://127.0.0.1:9/cb',
    },
  );
const clientCredentials = (oauth: OAuthFields = {}) =>
  profileFromJson(
    { oauth },
    {
      AUTH_MODE: 'client-credentials',
      OIDC_ISSUER: ISSUER,
      CLIENT_ID: 'k6',
      CLIENT_SECRET: 's3cret',
    },
  );

const document = (fields: Record<string, unknown> = {}) =>
  respond({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/auth`,
      token_endpoint: `${ISSUER}/token`,
      userinfo_endpoint: `${ISSUER}/me`,
      end_session_endpoint: `${ISSUER}/session/end`,
      revocation_endpoint: `${ISSUER}/token/revocation`,
      jwks_uri: `${ISSUER}/jwks`,
      ...fields,
    }),
  });

describe('discoveryUrl', () => {
  it('appends the well-known path to the issuer', () => {
    assert.equal(discoveryUrl(ISSUER), `${ISSUER}/.well-known/openid-configuration`);
  });

  it('removes a terminating "/" of the issuer before appending (OpenID Connect Discovery §4)', () => {
    assert.equal(
      discoveryUrl('https://login.example.com/realms/k6/'),
      'https://login.example.com/realms/k6/.well-known/openid-configuration',
    );
  });
});

describe('needsDiscovery', () => {
  it('is needed in authorization-code mode with an issuer and no endpoints', () => {
    assert.equal(needsDiscovery(authCode()), true);
  });

  it('is needed in authorization-code mode while the authorization endpoint is unset', () => {
    assert.equal(needsDiscovery(authCode({ tokenUrl: `${ISSUER}/token` })), true);
  });

  it('is needed in authorization-code mode while the token endpoint is unset', () => {
    assert.equal(needsDiscovery(authCode({ authorizationUrl: `${ISSUER}/auth` })), true);
  });

  it('is not needed in authorization-code mode once both endpoints are set', () => {
    const profile = authCode({ authorizationUrl: `${ISSUER}/auth`, tokenUrl: `${ISSUER}/token` });
    assert.equal(needsDiscovery(profile), false);
  });

  it('is needed in client-credentials mode without a token endpoint', () => {
    assert.equal(needsDiscovery(clientCredentials()), true);
  });

  it('is not needed in client-credentials mode with a token endpoint, which is all it uses', () => {
    assert.equal(needsDiscovery(clientCredentials({ tokenUrl: `${ISSUER}/token` })), false);
  });

  it('is not needed without an issuer', () => {
    const profile = profileFromJson(
      { oauth: { tokenUrl: `${ISSUER}/token` } },
      { AUTH_MODE: 'client-credentials', CLIENT_ID: 'k6', CLIENT_SECRET: 's3cret' },
    );
    assert.equal(needsDiscovery(profile), false);
  });

  for (const mode of ['session', 'token', 'dual']) {
    it(`is not needed in ${mode} mode, which uses no identity provider, even with OIDC_ISSUER set`, () => {
      const profile = resolveProfile({ env: { AUTH_MODE: mode, OIDC_ISSUER: ISSUER } });
      assert.equal(needsDiscovery(profile), false);
    });
  }
});

describe('buildDiscoveryRequest', () => {
  it('GETs the configuration as JSON, tagged discovery, without following redirects', () => {
    assert.deepEqual(buildDiscoveryRequest(`${ISSUER}/`), {
      endpoint: 'discovery',
      method: 'GET',
      url: `${ISSUER}/.well-known/openid-configuration`,
      headers: { Accept: 'application/json' },
      followRedirects: false,
    });
  });
});

describe('readDiscovery', () => {
  it('reads the endpoints of a valid document', () => {
    assert.deepEqual(readDiscovery(ISSUER, document(), true), {
      ok: true,
      endpoints: {
        authorizationUrl: `${ISSUER}/auth`,
        tokenUrl: `${ISSUER}/token`,
        revocationUrl: `${ISSUER}/token/revocation`,
      },
    });
  });

  it('ignores the endpoints a run does not use, however they are written', () => {
    const body = { issuer: ISSUER, token_endpoint: `${ISSUER}/t`, userinfo_endpoint: 42 };
    assert.deepEqual(readDiscovery(ISSUER, respond({ body: JSON.stringify(body) }), false), {
      ok: true,
      endpoints: { tokenUrl: `${ISSUER}/t` },
    });
  });

  it('leaves out the endpoints the provider has none of', () => {
    const res = respond({
      body: JSON.stringify({ issuer: ISSUER, token_endpoint: `${ISSUER}/t` }),
    });
    assert.deepEqual(readDiscovery(ISSUER, res, false), {
      ok: true,
      endpoints: { tokenUrl: `${ISSUER}/t` },
    });
  });

  it('fails a status other than 200, naming it', () => {
    assert.deepEqual(readDiscovery(ISSUER, respond({ status: 404, body: 'Not Found' }), true), {
      ok: false,
      reason: 'expected status 200, got status 404',
    });
  });

  it('fails when no response came (status 0)', () => {
    assert.deepEqual(readDiscovery(ISSUER, respond({ status: 0 }), true), {
      ok: false,
      reason: 'expected status 200, got no response',
    });
  });

  it('fails a body that is not JSON', () => {
    assert.deepEqual(readDiscovery(ISSUER, respond({ body: '<html>login</html>' }), true), {
      ok: false,
      reason: 'expected a JSON object, got a body that is not JSON',
    });
  });

  it('fails JSON that is not an object', () => {
    assert.deepEqual(readDiscovery(ISSUER, respond({ body: '["a"]' }), true), {
      ok: false,
      reason: 'expected a JSON object, got an array',
    });
    assert.deepEqual(readDiscovery(ISSUER, respond({ body: 'null' }), true), {
      ok: false,
      reason: 'expected a JSON object, got null',
    });
  });

  it('fails a document that names another issuer (§4.3)', () => {
    assert.deepEqual(readDiscovery(ISSUER, document({ issuer: 'http://evil.example' }), true), {
      ok: false,
      reason: `expected "issuer" identical to "${ISSUER}" (OpenID Connect Discovery §4.3), got "http://evil.example"`,
    });
  });

  it('fails an issuer that differs only by a trailing slash: §4.3 wants them identical', () => {
    assert.deepEqual(readDiscovery(ISSUER, document({ issuer: `${ISSUER}/` }), true), {
      ok: false,
      reason: `expected "issuer" identical to "${ISSUER}" (OpenID Connect Discovery §4.3), got "${ISSUER}/"`,
    });
    assert.equal(readDiscovery(`${ISSUER}/`, document(), true).ok, false);
  });

  it('fails a document without an issuer, naming the type', () => {
    assert.deepEqual(readDiscovery(ISSUER, document({ issuer: 7 }), true), {
      ok: false,
      reason: `expected "issuer" identical to "${ISSUER}" (OpenID Connect Discovery §4.3), got a number`,
    });
  });

  it('fails an endpoint that is not an http(s) URL, naming the field', () => {
    assert.deepEqual(readDiscovery(ISSUER, document({ token_endpoint: '/token' }), true), {
      ok: false,
      reason: 'expected "token_endpoint" to be an http(s) URL, got a string',
    });
    assert.deepEqual(readDiscovery(ISSUER, document({ revocation_endpoint: 42 }), true), {
      ok: false,
      reason: 'expected "revocation_endpoint" to be an http(s) URL, got a number',
    });
    assert.equal(
      readDiscovery(ISSUER, document({ authorization_endpoint: 'javascript:alert(1)' }), true).ok,
      false,
    );
  });

  it('fails a document without a token endpoint', () => {
    assert.deepEqual(readDiscovery(ISSUER, document({ token_endpoint: undefined }), false), {
      ok: false,
      reason: 'expected a "token_endpoint", got none',
    });
  });

  it('fails a missing authorization endpoint only when the run walks the authorization-code flow', () => {
    const res = document({ authorization_endpoint: undefined });
    assert.deepEqual(readDiscovery(ISSUER, res, true), {
      ok: false,
      reason: 'expected an "authorization_endpoint", got none',
    });
    assert.equal(readDiscovery(ISSUER, res, false).ok, true);
  });
});

describe('withEndpoints', () => {
  const found: DiscoveredEndpoints = {
    authorizationUrl: `${ISSUER}/auth`,
    tokenUrl: `${ISSUER}/token`,
    revocationUrl: `${ISSUER}/revoke`,
  };

  it('fills every endpoint the profile left unset', () => {
    const profile = withEndpoints(authCode(), found);
    assert.equal(profile.oauth.authorizationUrl, `${ISSUER}/auth`);
    assert.equal(profile.oauth.tokenUrl, `${ISSUER}/token`);
    assert.equal(profile.oauth.revocationUrl, `${ISSUER}/revoke`);
    assert.equal(needsDiscovery(profile), false);
  });

  it('keeps the endpoints set explicitly', () => {
    const profile = withEndpoints(
      authCode({
        tokenUrl: 'http://127.0.0.1:9001/my-token',
        revocationUrl: 'http://127.0.0.1:9001/my-revoke',
      }),
      found,
    );
    assert.equal(profile.oauth.authorizationUrl, `${ISSUER}/auth`);
    assert.equal(profile.oauth.tokenUrl, 'http://127.0.0.1:9001/my-token');
    assert.equal(profile.oauth.revocationUrl, 'http://127.0.0.1:9001/my-revoke');
  });

  it('leaves revocation unset when the provider has none, and the input profile unchanged', () => {
    const input = authCode();
    const profile = withEndpoints(input, { tokenUrl: `${ISSUER}/token` });
    assert.equal(profile.oauth.revocationUrl, null);
    assert.equal(profile.oauth.authorizationUrl, null);
    assert.equal(input.oauth.tokenUrl, null);
  });
});
