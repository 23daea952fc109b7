import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENV_OVERRIDES, resolveProfile } from '../../../lib/core/auth/profile-resolve.ts';
import { profileFromJson } from '../../helpers/profiles.ts';

const configError = (code: string, message: string) => ({ name: 'ConfigError', code, message });

function readPath(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
}

describe('resolveProfile defaults', () => {
  test('with no profile and no -e values it describes the reference server in dual mode', () => {
    assert.deepEqual(resolveProfile({ env: {} }), {
      mode: 'dual',
      baseUrl: 'http://127.0.0.1:8080',
      login: {
        method: 'POST',
        path: '/login',
        format: 'json',
        usernameField: 'username',
        passwordField: 'password',
        extraFields: {},
        successStatuses: [200],
      },
      csrf: null,
      clientAuth: { method: 'none', clientId: '', clientSecret: '' },
      tokens: { access: 'accessToken', refresh: 'refreshToken', expiresIn: 'expiresIn' },
      accessToken: { header: 'Authorization', scheme: 'Bearer' },
      refresh: {
        method: 'POST',
        path: '/refresh',
        tokenIn: 'bearer',
        field: 'refresh_token',
        extraFields: {},
      },
      protected: { method: 'GET', path: '/protected' },
      logout: { method: 'POST', path: '/logout' },
      oauth: {
        issuer: null,
        authorizationUrl: null,
        tokenUrl: null,
        revocationUrl: null,
        redirectUri: null,
        scope: '',
        audience: null,
        resource: null,
        allowedOrigins: [],
        loginForm: null,
        consentForm: null,
        consent: 'submit',
        maxRequests: 12,
      },
      session: { cookieName: null, loginPagePath: null, lifetimeSeconds: null },
      expiredStatuses: [401],
      expiry: { source: 'auto', lifetimeSeconds: null, leewaySeconds: 15, jitterSeconds: 5 },
      retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000, retryAfterMaxSeconds: 30 },
      requestTimeoutSeconds: 30,
    });
  });

  test('session mode logs in with a form body, as in the article', () => {
    const profile = resolveProfile({ env: { AUTH_MODE: 'session' } });
    assert.equal(profile.mode, 'session');
    assert.equal(profile.login.format, 'form');
  });

  test('token mode logs in with JSON and reads the article’s "token" field', () => {
    const profile = resolveProfile({ env: { AUTH_MODE: 'token' } });
    assert.equal(profile.login.format, 'json');
    assert.equal(profile.tokens.access, 'token');
  });

  test('the mode from the profile decides the defaults when -e AUTH_MODE is absent', () => {
    assert.equal(profileFromJson({ mode: 'session' }).login.format, 'form');
  });

  test('an explicit login format wins over the mode’s default', () => {
    assert.equal(
      profileFromJson({ login: { format: 'json' } }, { AUTH_MODE: 'session' }).login.format,
      'json',
    );
  });
});

describe('resolveProfile layering', () => {
  test('a profile value overrides the default and an -e value overrides the profile', () => {
    assert.equal(profileFromJson({ login: { path: '/api/login' } }).login.path, '/api/login');
    const both = profileFromJson({ login: { path: '/api/login' } }, { LOGIN_PATH: '/v2/login' });
    assert.equal(both.login.path, '/v2/login');
    assert.equal(both.login.method, 'POST');
  });

  test('every -e override lands on its profile setting', () => {
    const values: Record<string, [string, unknown]> = {
      AUTH_MODE: ['token', 'token'],
      BASE_URL: ['https://api.example.test/v1/', 'https://api.example.test/v1'],
      LOGIN_PATH: ['/auth', '/auth'],
      PROTECTED_PATH: ['/me', '/me'],
      REFRESH_LEEWAY: ['7.5', 7.5],
      REFRESH_JITTER: ['0', 0],
      CLIENT_ID: ['my-client', 'my-client'],
      CLIENT_SECRET: ['s3cr3t', 's3cr3t'],
      OIDC_ISSUER: [
        'https://idp.example.test/realms/shop/',
        'https://idp.example.test/realms/shop/',
      ],
      REDIRECT_URI: ['http://127.0.0.1/callback', 'http://127.0.0.1/callback'],
      SCOPE: ['openid api', 'openid api'],
    };
    assert.deepEqual(
      ENV_OVERRIDES.map((row) => row.env).sort(),
      Object.keys(values).sort(),
      'each -e name in the table has a case here',
    );
    for (const { env, path } of ENV_OVERRIDES) {
      const [text, expected] = values[env] as [string, unknown];
      const profile = resolveProfile({ env: { CLIENT_ID: 'c', [env]: text } });
      assert.deepEqual(readPath(profile, path), expected, `-e ${env}=${text} sets ${path}`);
    }
  });

  test('the profile file normalises as -e did: a URL loses its trailing slash, an origin its case', () => {
    const profile = profileFromJson({
      oauth: {
        tokenUrl: 'https://idp.example.test/token/',
        issuer: 'https://idp.example.test/realms/shop/',
        allowedOrigins: ['https://SSO.example.test', 'http://127.0.0.1:9000'],
      },
    });
    assert.equal(profile.oauth.tokenUrl, 'https://idp.example.test/token');
    assert.equal(profile.oauth.issuer, 'https://idp.example.test/realms/shop/');
    assert.deepEqual(profile.oauth.allowedOrigins, [
      'https://sso.example.test',
      'http://127.0.0.1:9000',
    ]);
  });

  test('an empty -e value counts as unset', () => {
    assert.equal(
      resolveProfile({ env: { LOGIN_PATH: '', REFRESH_LEEWAY: ' ' } }).login.path,
      '/login',
    );
  });

  test('-e OIDC_ISSUER=none clears an issuer set by the profile', () => {
    const profile = profileFromJson(
      { oauth: { issuer: 'https://idp.example.test' } },
      { OIDC_ISSUER: 'none' },
    );
    assert.equal(profile.oauth.issuer, null);
  });

  test('a logout path in the profile keeps the POST method, and null turns logout off', () => {
    assert.deepEqual(profileFromJson({ logout: { path: '/bye' } }).logout, {
      method: 'POST',
      path: '/bye',
    });
    assert.equal(profileFromJson({ logout: null }).logout, null);
  });

  test('a CSRF step takes the login path and its own name as defaults', () => {
    assert.deepEqual(profileFromJson({ csrf: { from: 'cookie', name: 'XSRF-TOKEN' } }).csrf, {
      method: 'GET',
      path: '/login',
      from: 'cookie',
      name: 'XSRF-TOKEN',
      sendAs: 'field',
      sendName: 'XSRF-TOKEN',
    });
  });

  test('the CSRF page follows an -e LOGIN_PATH unless the profile sets its own', () => {
    const csrf = { from: 'html', name: 'csrf' };
    assert.equal(profileFromJson({ csrf }, { LOGIN_PATH: '/signin' }).csrf?.path, '/signin');
    assert.equal(
      profileFromJson({ csrf: { ...csrf, path: '/form' } }, { LOGIN_PATH: '/x' }).csrf?.path,
      '/form',
    );
  });

  test('a description is allowed, since JSON has no comments', () => {
    assert.equal(profileFromJson({ description: 'Staging API', mode: 'token' }).mode, 'token');
  });
});

describe('resolveProfile validation', () => {
  test('a non-number -e value names the variable', () => {
    assert.throws(
      () => resolveProfile({ env: { REFRESH_LEEWAY: 'abc' } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting -e REFRESH_LEEWAY; reason: expected a number >= 0, got "abc"',
      ),
    );
  });

  test('a negative -e number is refused', () => {
    assert.throws(
      () => resolveProfile({ env: { REFRESH_JITTER: '-1' } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting -e REFRESH_JITTER; reason: expected a number >= 0, got "-1"',
      ),
    );
  });

  test('a fractional retry count is refused', () => {
    assert.throws(
      () => profileFromJson({ retry: { maxAttempts: 1.5 } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.retry.maxAttempts (p.json); reason: expected an integer >= 1, got 1.5',
      ),
    );
  });

  test('a zero request timeout is refused', () => {
    assert.throws(
      () => profileFromJson({ requestTimeoutSeconds: 0 }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.requestTimeoutSeconds (p.json); reason: expected a number > 0, got 0',
      ),
    );
  });

  test('a status list with a word in it is refused', () => {
    assert.throws(
      () => profileFromJson({ expiredStatuses: [401, 'expired'] }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.expiredStatuses (p.json); reason: expected a non-empty list of HTTP statuses (100-599), got [401, "expired"]',
      ),
    );
  });

  test('an empty status list in the profile is refused', () => {
    assert.throws(
      () => profileFromJson({ expiredStatuses: [] }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.expiredStatuses (p.json); reason: expected a non-empty list of HTTP statuses (100-599), got []',
      ),
    );
  });

  test('a session lifetime that is not a number of seconds > 0 is refused, naming session.lifetimeSeconds', () => {
    for (const [value, got] of [
      ['30m', '"30m"'],
      [0, '0'],
    ] as const) {
      assert.throws(
        () => profileFromJson({ session: { lifetimeSeconds: value } }, { AUTH_MODE: 'session' }),
        configError(
          'PROFILE_BAD_VALUE',
          `Invalid setting profile.session.lifetimeSeconds (p.json); reason: expected a number > 0 or null, got ${got}`,
        ),
      );
    }
    assert.equal(
      profileFromJson({ session: { lifetimeSeconds: null } }).session.lifetimeSeconds,
      null,
    );
  });

  test('an unknown mode from -e is refused', () => {
    assert.throws(
      () => resolveProfile({ env: { AUTH_MODE: 'jwt' } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting -e AUTH_MODE; reason: expected one of "session", "token", "dual", "authorization-code", "client-credentials", got "jwt"',
      ),
    );
  });

  test('invalid JSON is reported with its place and without the file’s text', () => {
    const json = '{\n  "clientAuth": { "clientSecret": "TOP-SECRET-42", }\n}';
    assert.throws(
      () => resolveProfile({ env: {}, profileJson: json, profileSource: 'p.json' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.name, 'ConfigError');
        assert.equal(error.code, 'PROFILE_INVALID_JSON');
        assert.match(
          error.message,
          /^Cannot read profile p\.json; reason: expected valid JSON, got a syntax error( at line 2, column \d+)?$/,
        );
        assert.ok(!error.message.includes('TOP-SECRET-42'), 'the secret is not echoed');
        return true;
      },
    );
  });

  test('a profile that is not a JSON object is refused', () => {
    assert.throws(
      () => profileFromJson([{ mode: 'token' }]),
      configError(
        'PROFILE_INVALID_JSON',
        'Cannot read profile p.json; reason: expected a JSON object, got [an object]',
      ),
    );
  });

  test('an unknown top-level key is an error, so a typo is never silent', () => {
    assert.throws(
      () => profileFromJson({ protectd: { path: '/me' } }),
      configError(
        'PROFILE_UNKNOWN_KEY',
        'Unknown setting profile.protectd (p.json); reason: expected one of mode, baseUrl, login, csrf, clientAuth, tokens, accessToken, refresh, protected, logout, oauth, session, expiredStatuses, expiry, retry, requestTimeoutSeconds, got "protectd"',
      ),
    );
  });

  test('an unknown nested key names its dotted path', () => {
    assert.throws(
      () => profileFromJson({ refresh: { tokenin: 'form' } }),
      configError(
        'PROFILE_UNKNOWN_KEY',
        'Unknown setting profile.refresh.tokenin (p.json); reason: expected one of method, path, tokenIn, field, extraFields, got "tokenin"',
      ),
    );
  });

  test('a value outside its choices names the setting and the choices', () => {
    assert.throws(
      () => profileFromJson({ refresh: { tokenIn: 'header' } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.refresh.tokenIn (p.json); reason: expected one of "bearer", "form", "json", got "header"',
      ),
    );
  });

  test('a wrongly typed client secret is reported by type only', () => {
    assert.throws(
      () => profileFromJson({ clientAuth: { clientSecret: 982451653 } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.clientAuth.clientSecret (p.json); reason: expected a string, got a number (hidden)',
      ),
    );
  });

  test('a path without its leading slash is refused', () => {
    assert.throws(
      () => profileFromJson({ protected: { path: 'api/me' } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.protected.path (p.json); reason: expected a path starting with "/", got "api/me"',
      ),
    );
  });

  test('a base URL that is not http(s) is refused', () => {
    assert.throws(
      () => resolveProfile({ env: { BASE_URL: '127.0.0.1:8080' } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting -e BASE_URL; reason: expected an http:// or https:// URL without query or fragment, got "127.0.0.1:8080"',
      ),
    );
  });

  test('a dotted path with an empty step is refused', () => {
    assert.throws(
      () => profileFromJson({ tokens: { access: 'data..token' } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.tokens.access (p.json); reason: expected a dotted path into the JSON body, like "data.access_token", got "data..token"',
      ),
    );
  });

  test('a section given as a string is refused', () => {
    assert.throws(
      () => profileFromJson({ login: '/login' }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.login (p.json); reason: expected an object, got "/login"',
      ),
    );
  });

  test('extra fields must all be strings', () => {
    assert.throws(
      () => profileFromJson({ login: { extraFields: { scope: ['a'] } } }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.login.extraFields (p.json); reason: expected an object of string values, got an object',
      ),
    );
  });

  test('a CSRF step without its token name is reported missing', () => {
    assert.throws(
      () => profileFromJson({ csrf: { from: 'html' } }),
      configError(
        'PROFILE_MISSING',
        'Missing setting profile.csrf.name (p.json); reason: expected a non-empty string, got nothing',
      ),
    );
  });

  test('a non-string description is refused', () => {
    assert.throws(
      () => profileFromJson({ description: 3 }),
      configError(
        'PROFILE_BAD_VALUE',
        'Invalid setting profile.description (p.json); reason: expected a string, got 3',
      ),
    );
  });
});

describe('resolveProfile combinations', () => {
  test('client authentication without a client id names the profile setting', () => {
    assert.throws(
      () => profileFromJson({ clientAuth: { method: 'body' } }),
      configError(
        'PROFILE_MISSING',
        'Missing setting profile.clientAuth.clientId (p.json); reason: expected a client id for client authentication "body", got nothing',
      ),
    );
  });

  test('client authentication without any profile names the -e variable to set', () => {
    assert.throws(
      () => resolveProfile({ env: { AUTH_MODE: 'authorization-code', CLIENT_SECRET: 's' } }),
      configError(
        'PROFILE_MISSING',
        'Missing setting -e CLIENT_ID; reason: expected a client id for client authentication "basic", got nothing',
      ),
    );
  });

  test('HTTP Basic client authentication cannot share the header with a Bearer refresh token', () => {
    assert.throws(
      () => profileFromJson({ clientAuth: { method: 'basic', clientId: 'c' } }),
      configError(
        'PROFILE_CONFLICT',
        'Conflicting settings profile.refresh.tokenIn (p.json) and profile.clientAuth.method (p.json); reason: expected the refresh token in a body field ("form" or "json") when the client authenticates with HTTP Basic, got "bearer" (both need the Authorization header)',
      ),
    );
  });

  test('a fixed expiry needs a lifetime', () => {
    assert.throws(
      () => profileFromJson({ expiry: { source: 'fixed' } }),
      configError(
        'PROFILE_MISSING',
        'Missing setting profile.expiry.lifetimeSeconds (p.json); reason: expected a lifetime in seconds when expiry.source is "fixed", got nothing',
      ),
    );
  });

  test('a base delay above the maximum delay is refused', () => {
    assert.throws(
      () => profileFromJson({ retry: { baseDelayMs: 6000 } }),
      configError(
        'PROFILE_CONFLICT',
        'Conflicting settings profile.retry.baseDelayMs (p.json) and profile.retry.maxDelayMs (p.json); reason: expected baseDelayMs <= maxDelayMs, got 6000 > 5000',
      ),
    );
  });
});
