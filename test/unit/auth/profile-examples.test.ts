import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ENV_OVERRIDES, resolveProfile } from '../../../lib/core/auth/profile-resolve.ts';
import { exampleProfile } from '../../helpers/profiles.ts';

const profilesDir = new URL('../../../profiles/', import.meta.url);

describe('example profiles', () => {
  test('every example profile in profiles/ resolves without error', () => {
    const names = readdirSync(profilesDir).filter((name) => name.endsWith('.json'));
    assert.deepEqual(names.sort(), ['article.json', 'csrf-form.json', 'oauth2-password.json']);
    for (const name of names) {
      assert.doesNotThrow(() => exampleProfile(name.replace(/\.json$/, '')), name);
    }
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
