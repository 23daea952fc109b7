import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  extractCsrfToken,
  isExpiredRejection,
  loginShortfall,
  oauthError,
  parseTokenResponse,
} from '../../../lib/core/auth/responses.ts';
import type { ResponseView } from '../../../lib/core/http-types.ts';
import { exampleProfile, profileFromJson } from '../../helpers/profiles.ts';

const RECEIVED_AT_MS = Date.UTC(2026, 0, 1);

function response(parts: Partial<ResponseView> & { json?: unknown }): ResponseView {
  const { json, ...rest } = parts;
  return {
    status: 200,
    headers: {},
    body: json === undefined ? '' : JSON.stringify(json),
    setCookies: {},
    receivedAtMs: RECEIVED_AT_MS,
    ...rest,
  };
}

describe('parseTokenResponse', () => {
  const article = exampleProfile('article');
  const oauth2 = exampleProfile('oauth2-password');
  const articleAnswer = { token: 'at', accessToken: 'at', refreshToken: 'rt', expiresIn: 900 };

  test('the article’s dual answer gives the access token, refresh token and lifetime', () => {
    assert.deepEqual(parseTokenResponse(article, response({ json: articleAnswer })), {
      ok: true,
      tokens: { accessToken: 'at', refreshToken: 'rt', expiresInSeconds: 900 },
    });
  });

  test('token mode reads the article’s "token" field', () => {
    const token = exampleProfile('article', { AUTH_MODE: 'token' });
    const answer = { ...articleAnswer, token: 'only-token' };
    assert.deepEqual(parseTokenResponse(token, response({ json: answer })), {
      ok: true,
      tokens: { accessToken: 'only-token', refreshToken: 'rt', expiresInSeconds: 900 },
    });
  });

  test('an OAuth 2.0 answer gives access_token, refresh_token and expires_in (RFC 6749 §5.1)', () => {
    const answer = {
      access_token: 'opaque-a',
      token_type: 'Bearer',
      expires_in: 60,
      refresh_token: 'opaque-r',
    };
    assert.deepEqual(parseTokenResponse(oauth2, response({ json: answer })), {
      ok: true,
      tokens: { accessToken: 'opaque-a', refreshToken: 'opaque-r', expiresInSeconds: 60 },
    });
  });

  test('expires_in given as a numeric string is read as a number', () => {
    const parsed = parseTokenResponse(
      oauth2,
      response({ json: { access_token: 'a', expires_in: '3600' } }),
    );
    assert.deepEqual(parsed, { ok: true, tokens: { accessToken: 'a', expiresInSeconds: 3600 } });
  });

  test('a refresh answer without a refresh token is fine: the caller keeps the old one', () => {
    const parsed = parseTokenResponse(
      oauth2,
      response({ json: { access_token: 'a2', expires_in: 60 } }),
    );
    assert.deepEqual(parsed, { ok: true, tokens: { accessToken: 'a2', expiresInSeconds: 60 } });
  });

  test('an answer without a lifetime leaves the expiry to the JWT or the profile', () => {
    const parsed = parseTokenResponse(
      article,
      response({ json: { accessToken: 'a', refreshToken: 'r' } }),
    );
    assert.deepEqual(parsed, { ok: true, tokens: { accessToken: 'a', refreshToken: 'r' } });
  });

  test('dotted paths reach into nested objects and arrays', () => {
    const nested = profileFromJson({
      tokens: { access: 'data.tokens.0.value', refresh: 'data.refresh', expiresIn: 'data.ttl' },
    });
    const answer = { data: { tokens: [{ value: 'deep' }], refresh: 'r', ttl: 30 } };
    assert.deepEqual(parseTokenResponse(nested, response({ json: answer })), {
      ok: true,
      tokens: { accessToken: 'deep', refreshToken: 'r', expiresInSeconds: 30 },
    });
  });

  test('an OAuth error answer fails with its status and error code (RFC 6749 §5.2)', () => {
    const refused = response({ status: 400, json: { error: 'invalid_grant' } });
    assert.deepEqual(parseTokenResponse(oauth2, refused), {
      ok: false,
      reason: 'expected a 2xx token response, got status 400 (invalid_grant)',
    });
  });

  test('no response at all fails as such', () => {
    assert.deepEqual(parseTokenResponse(oauth2, response({ status: 0 })), {
      ok: false,
      reason: 'expected a 2xx token response, got no response',
    });
  });

  test('an HTML answer fails as not JSON', () => {
    assert.deepEqual(parseTokenResponse(oauth2, response({ body: '<html>maintenance</html>' })), {
      ok: false,
      reason: 'expected a JSON token response, got a body that is not JSON',
    });
  });

  test('a missing access token names the configured field', () => {
    assert.deepEqual(parseTokenResponse(oauth2, response({ json: { accessToken: 'x' } })), {
      ok: false,
      reason: 'expected a non-empty string at "access_token", got nothing',
    });
  });

  test('a wrongly typed token is reported by type, never by value', () => {
    const parsed = parseTokenResponse(
      oauth2,
      response({ json: { access_token: 'a', refresh_token: 918273645 } }),
    );
    assert.deepEqual(parsed, {
      ok: false,
      reason: 'expected a non-empty string at "refresh_token", got a number',
    });
  });

  test('a lifetime that is not a number of seconds is refused', () => {
    for (const expiresIn of ['soon', -5, true]) {
      const parsed = parseTokenResponse(
        oauth2,
        response({ json: { access_token: 'a', expires_in: expiresIn } }),
      );
      assert.deepEqual(parsed, {
        ok: false,
        reason: `expected a number of seconds >= 0 at "expires_in", got a ${typeof expiresIn}`,
      });
    }
  });
});

describe('loginShortfall', () => {
  test('token modes need a success status; a refusing status says it all', () => {
    const article = exampleProfile('article');
    assert.equal(loginShortfall(article, response({ status: 200 })), undefined);
    assert.deepEqual(loginShortfall(article, response({ status: 401 })), {});
    assert.deepEqual(loginShortfall(article, response({ status: 302 })), {
      reason:
        'unexpected login answer; reason: expected status 200 (login.successStatuses), got 302',
    });
  });

  test('session mode also needs a cookie, any cookie when no name is set', () => {
    const session = exampleProfile(
      'article',
      { AUTH_MODE: 'session' },
      { session: { cookieName: 'sid' } },
    );
    assert.equal(loginShortfall(session, response({ setCookies: { sid: 'abc' } })), undefined);
    const none =
      'no session cookie; reason: expected the login to set the cookie "sid" (session.cookieName), got';
    assert.deepEqual(loginShortfall(session, response({ setCookies: {} })), {
      reason: `${none} none`,
    });
    assert.deepEqual(loginShortfall(session, response({ setCookies: { sid: '' } })), {
      reason: `${none} none`,
    });
    assert.deepEqual(loginShortfall(session, response({ setCookies: { other: 'x' } })), {
      reason: `${none} other`,
    });
    const any = exampleProfile('article', { AUTH_MODE: 'session' });
    assert.equal(loginShortfall(any, response({ setCookies: { other: 'x' } })), undefined);
    assert.deepEqual(loginShortfall(any, response({ setCookies: {} })), {
      reason: 'no session cookie; reason: expected the login to set a cookie, got none',
    });
  });

  test('a form login succeeds with a 302 that sets the named session cookie', () => {
    const form = exampleProfile('csrf-form');
    const ok = response({
      status: 302,
      headers: { location: '/dashboard' },
      setCookies: { APPSESSION: 's1' },
    });
    assert.equal(loginShortfall(form, ok), undefined);
    assert.match(
      loginShortfall(form, { ...ok, setCookies: { csrf_binding: 'b' } })?.reason ?? '',
      /got csrf_binding$/,
    );
    assert.match(
      loginShortfall(form, { ...ok, status: 200 })?.reason ?? '',
      /expected status 302 .*got 200$/,
    );
  });

  test('a form login sent back to the login page has failed, whatever cookies it set', () => {
    const form = exampleProfile('csrf-form');
    const back = response({
      status: 302,
      headers: { location: '/login?error=1' },
      setCookies: { APPSESSION: 'anonymous' },
    });
    assert.match(loginShortfall(form, back)?.reason ?? '', /redirect back to the login page/);
  });
});

describe('extractCsrfToken', () => {
  const html = (fields: { name: string; value: string }[], meta: Record<string, string> = {}) =>
    response({
      page: {
        forms: [
          {
            action: '',
            method: 'post',
            fields: fields.map((f) => ({ ...f, type: 'hidden', checked: true })),
            roles: [],
          },
        ],
        meta,
      },
    });
  const form = exampleProfile('csrf-form');

  test('it reads a cookie', () => {
    const profile = profileFromJson({
      mode: 'session',
      csrf: { from: 'cookie', name: 'XSRF-TOKEN' },
    });
    assert.equal(extractCsrfToken(profile, response({ setCookies: { 'XSRF-TOKEN': 'c1' } })), 'c1');
  });

  test('it reads a header whatever the case of its name', () => {
    const profile = profileFromJson({
      mode: 'session',
      csrf: { from: 'header', name: 'X-CSRF-Token' },
    });
    assert.equal(extractCsrfToken(profile, response({ headers: { 'x-csrf-token': 'h1' } })), 'h1');
  });

  test('it reads a dotted JSON path', () => {
    const profile = profileFromJson({ mode: 'session', csrf: { from: 'json', name: 'meta.csrf' } });
    assert.equal(extractCsrfToken(profile, response({ json: { meta: { csrf: 'j1' } } })), 'j1');
    assert.equal(extractCsrfToken(profile, response({ body: 'not json' })), undefined);
  });

  // k6's HTML parser reads the page (attribute order, entities and comments are its job, tested
  // in test/integration/html-page.test.ts); this reads the plain data it gives.
  test('it reads a form field of the parsed page, the first non-empty one', () => {
    const page = html([
      { name: 'csrf_token_old', value: 'no' },
      { name: 'csrf_token', value: '' },
      { name: 'csrf_token', value: 'v1' },
    ]);
    assert.equal(extractCsrfToken(form, page), 'v1');
  });

  test('it reads a meta tag’s content, as Rails and Laravel render it', () => {
    const profile = profileFromJson({
      mode: 'session',
      csrf: { from: 'html', name: 'csrf-token' },
    });
    assert.equal(extractCsrfToken(profile, html([], { 'csrf-token': 'm1' })), 'm1');
  });

  test('it gives nothing for a missing or empty token, or without a CSRF step', () => {
    assert.equal(extractCsrfToken(form, html([{ name: 'other', value: 'x' }])), undefined);
    assert.equal(extractCsrfToken(form, html([{ name: 'csrf_token', value: '' }])), undefined);
    assert.equal(extractCsrfToken(form, html([], { csrf_token: '' })), undefined);
    assert.equal(
      extractCsrfToken(form, response({ body: '<input name="csrf_token" value="x">' })),
      undefined,
    );
    assert.equal(
      extractCsrfToken(exampleProfile('article'), html([{ name: 'csrf_token', value: 'x' }])),
      undefined,
    );
  });
});

describe('isExpiredRejection', () => {
  test('a 401 means expired by default and a 403 does not', () => {
    const article = exampleProfile('article');
    assert.equal(isExpiredRejection(article, response({ status: 401 })), true);
    assert.equal(isExpiredRejection(article, response({ status: 403 })), false);
    assert.equal(isExpiredRejection(article, response({ status: 200 })), false);
  });

  test('the profile’s statuses and a redirect to the login page mean expired', () => {
    const form = exampleProfile('csrf-form');
    const redirect = (location: string) => response({ status: 302, headers: { location } });
    assert.equal(isExpiredRejection(form, response({ status: 403 })), true);
    assert.equal(isExpiredRejection(form, redirect('/login?next=%2Fdashboard')), true);
    assert.equal(isExpiredRejection(form, redirect('http://127.0.0.1:8080/login#top')), true);
    assert.equal(isExpiredRejection(form, redirect('/login/help')), false);
    assert.equal(isExpiredRejection(form, redirect('/dashboard')), false);
    assert.equal(isExpiredRejection(form, response({ status: 302 })), false);
    assert.equal(
      isExpiredRejection(form, response({ status: 200, headers: { location: '/login' } })),
      false,
    );
  });

  test('a login page under the base URL’s path counts too', () => {
    const form = exampleProfile('csrf-form', { BASE_URL: 'https://example.test/app' });
    const redirect = response({ status: 303, headers: { location: '/app/login' } });
    assert.equal(isExpiredRejection(form, redirect), true);
  });
});

describe('oauthError', () => {
  test('it reads the error field of a JSON error body (RFC 6749 §5.2)', () => {
    const body = { error: 'invalid_grant', error_description: 'refresh token reused' };
    assert.equal(oauthError(response({ status: 400, json: body })), 'invalid_grant');
  });

  test('it falls back to the WWW-Authenticate error parameter (RFC 6750 §3)', () => {
    const headers = { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' };
    assert.equal(
      oauthError(response({ status: 401, headers, body: 'Unauthorized' })),
      'invalid_token',
    );
  });

  test('it returns nothing that could be a secret or free text', () => {
    const echoed = { error: 'token eyJhbGciOiJIUzI1NiJ9.e30.abc is invalid' };
    assert.equal(oauthError(response({ status: 401, json: echoed })), undefined);
    assert.equal(oauthError(response({ status: 400, json: { error: 'x'.repeat(65) } })), undefined);
  });

  test('it returns nothing for a plain error', () => {
    assert.equal(oauthError(response({ status: 500, body: 'Internal Server Error' })), undefined);
    assert.equal(oauthError(response({ status: 400, json: { error: { code: 7 } } })), undefined);
  });
});
