import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ENV_OVERRIDES, resolveProfile } from '../../../lib/core/auth/profile-resolve.ts';
import { exampleProfile } from '../../helpers/profiles.ts';

const profilesDir = new URL('../../../profiles/', import.meta.url);

/** What the provider profiles need, as docs/identity-providers.md gives it. */
const PROVIDER = {
  OIDC_ISSUER: 'http://127.0.0.1:9000',
  CLIENT_ID: 'k6',
  REDIRECT_URI: 'http://127.0.0.1:9000/cb',
  CLIENT_SECRET: '',
};

describe('example profiles', () => {
  test('every example profile in profiles/ resolves without error', () => {
    const names = readdirSync(profilesDir).filter((name) => name.endsWith('.json'));
    assert.deepEqual(names.sort(), [
      'article.json',
      'csrf-form.json',
      'oauth2-client-credentials.json',
      'oauth2-password.json',
      'oidc-authorization-code.json',
    ]);
    for (const name of names) {
      assert.doesNotThrow(
        () => exampleProfile(name.replace(/\.json$/, ''), { ...PROVIDER, CLIENT_SECRET: 's' }),
        name,
      );
    }
  });

  test('the provider profiles need only the -e values docs/identity-providers.md names', () => {
    const code = exampleProfile('oidc-authorization-code', PROVIDER);
    assert.equal(code.mode, 'authorization-code');
    assert.equal(code.oauth.issuer, 'http://127.0.0.1:9000');
    assert.equal(code.oauth.scope, 'openid offline_access');
    assert.deepEqual(code.clientAuth, { method: 'none', clientId: 'k6', clientSecret: '' });
    assert.deepEqual(code.tokens, {
      access: 'access_token',
      refresh: 'refresh_token',
      expiresIn: 'expires_in',
    });
    const confidential = exampleProfile('oidc-authorization-code', {
      ...PROVIDER,
      CLIENT_SECRET: 's',
    });
    assert.equal(confidential.clientAuth.method, 'basic');
    const body = exampleProfile(
      'oidc-authorization-code',
      { ...PROVIDER, CLIENT_SECRET: 's' },
      { clientAuth: { method: 'body' } },
    );
    assert.equal(body.clientAuth.method, 'body');
    const service = exampleProfile('oauth2-client-credentials', {
      ...PROVIDER,
      CLIENT_SECRET: 's',
    });
    assert.equal(service.mode, 'client-credentials');
    assert.equal(service.clientAuth.method, 'basic');
    assert.equal(service.oauth.scope, '');
  });

  test('the provider profiles name what is missing', () => {
    assert.throws(() => exampleProfile('oidc-authorization-code'), {
      code: 'PROFILE_MISSING',
      message:
        'Missing setting -e OIDC_ISSUER (or profile.oauth.issuer); reason: expected the issuer (OpenID Connect Discovery) or oauth.tokenUrl in authorization-code mode, got nothing',
    });
    const { REDIRECT_URI: _, ...noRedirect } = PROVIDER;
    assert.throws(() => exampleProfile('oidc-authorization-code', noRedirect), {
      message:
        'Missing setting -e REDIRECT_URI (or profile.oauth.redirectUri); reason: expected the redirect URI registered for the client in authorization-code mode, got nothing',
    });
    assert.throws(() => exampleProfile('oauth2-client-credentials', PROVIDER), {
      message:
        'Missing setting -e CLIENT_SECRET (or profile.clientAuth.clientSecret); reason: expected a client secret in client-credentials mode (RFC 6749 §4.4: confidential clients only), got nothing',
    });
  });

  test('article.json is the built-in default, so it works in every auth mode', () => {
    for (const mode of ['session', 'token', 'dual']) {
      assert.deepEqual(
        exampleProfile('article', { AUTH_MODE: mode }),
        resolveProfile({ env: { AUTH_MODE: mode } }),
      );
    }
  });

  test('oauth2-password.json speaks the RFC 6749 password and refresh_token grants', () => {
    const profile = exampleProfile('oauth2-password');
    assert.equal(profile.mode, 'dual');
    assert.deepEqual(profile.login, {
      method: 'POST',
      path: '/oauth/token',
      format: 'form',
      usernameField: 'username',
      passwordField: 'password',
      extraFields: { grant_type: 'password' },
      successStatuses: [200],
    });
    assert.deepEqual(profile.clientAuth, {
      method: 'basic',
      clientId: 'k6-load-test',
      clientSecret: '',
    });
    assert.deepEqual(profile.tokens, {
      access: 'access_token',
      refresh: 'refresh_token',
      expiresIn: 'expires_in',
    });
    assert.deepEqual(profile.refresh, {
      method: 'POST',
      path: '/oauth/token',
      tokenIn: 'form',
      field: 'refresh_token',
      extraFields: { grant_type: 'refresh_token' },
    });
    assert.deepEqual(profile.protected, { method: 'GET', path: '/api/me' });
    assert.equal(profile.logout, null);
    assert.equal(profile.expiry.source, 'expires_in');
    assert.equal(
      exampleProfile('oauth2-password', { CLIENT_SECRET: 'x' }).clientAuth.clientSecret,
      'x',
    );
  });

  test('csrf-form.json logs in through a form with a hidden CSRF input and a custom cookie', () => {
    const profile = exampleProfile('csrf-form');
    assert.equal(profile.mode, 'session');
    assert.equal(profile.login.format, 'form');
    assert.deepEqual(profile.login.successStatuses, [302, 303]);
    assert.deepEqual(profile.csrf, {
      method: 'GET',
      path: '/login',
      from: 'html',
      name: 'csrf_token',
      sendAs: 'field',
      sendName: 'csrf_token',
    });
    assert.deepEqual(profile.session, {
      cookieName: 'APPSESSION',
      loginPagePath: '/login',
      lifetimeSeconds: null,
    });
    assert.deepEqual(profile.protected, { method: 'GET', path: '/dashboard' });
    assert.deepEqual(profile.expiredStatuses, [401, 403]);
  });
});

describe('profiles/README.md', () => {
  const readme = readFileSync(new URL('README.md', profilesDir), 'utf8');

  test('it documents every -e override', () => {
    const missing = ENV_OVERRIDES.filter(({ env }) => !readme.includes(`\`${env}\``));
    assert.deepEqual(missing, []);
  });

  test('it documents every setting of a profile, CSRF step included', () => {
    const profile = exampleProfile('csrf-form');
    const leaves = (node: unknown, prefix: string): string[] =>
      typeof node === 'object' &&
      node !== null &&
      !Array.isArray(node) &&
      !prefix.endsWith('Fields')
        ? Object.entries(node).flatMap(([key, value]) =>
            leaves(value, prefix ? `${prefix}.${key}` : key),
          )
        : [prefix];
    const rows = new Set(readme.split('\n').map((line) => /^\| `([\w.]+)` +\|/.exec(line)?.[1]));
    const missing = leaves(profile, '').filter((path) => !rows.has(path));
    assert.deepEqual(missing, []);
  });
});
