import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plugin as session } from '../../../../lib/core/auth/modes/session.ts';
import { resolveProfile } from '../../../../lib/core/auth/profile-resolve.ts';
import { exampleProfile, profileFromJson } from '../../../helpers/profiles.ts';
import { NOW, respond, user1, walkTools } from '../../../helpers/response-views.ts';

const reference = resolveProfile({ env: { AUTH_MODE: 'session' } });
const form = exampleProfile('csrf-form', { BASE_URL: 'http://app.test' });

describe('the session mode plug-in', () => {
  it('renews by a new login, from an empty cookie jar', () => {
    assert.equal(session.mode, 'session');
    assert.deepEqual(session.policy, { renewBy: 'login', freshJarPerLogin: true });
    assert.equal(session.buildRenewal, undefined);
    assert.equal(session.readJwtTimes, undefined);
  });

  it('logs in with one form POST when the profile has no CSRF step', () => {
    assert.deepEqual(session.startLogin(reference, user1, walkTools()), {
      kind: 'send',
      request: {
        endpoint: 'login',
        method: 'POST',
        url: 'http://127.0.0.1:8080/login',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'username=user1&password=pass1',
        followRedirects: false,
      },
      walk: { step: 'login', carry: {} },
    });
  });

  it('is logged in once the login answer sets a session cookie, with no tokens', () => {
    const walk = { step: 'login', carry: {} };
    const answer = respond({ setCookies: { sid: 's1' } });
    assert.deepEqual(session.continueLogin(reference, user1, walk, answer, walkTools()), {
      kind: 'done',
      session: { cookie: { name: 'sid', expiresAtMs: null, setAtMs: NOW }, idleSeconds: null },
    });
  });

  it('reports when the session cookie ends (its Max-Age) and the known idle timeout', () => {
    const walk = { step: 'login', carry: {} };
    const answer = respond({
      setCookies: { sid: 's1' },
      cookieLifetimes: { sid: { maxAgeSeconds: 5 } },
    });
    const profile = profileFromJson({ session: { lifetimeSeconds: 60 } }, { AUTH_MODE: 'session' });
    assert.deepEqual(session.continueLogin(profile, user1, walk, answer, walkTools()), {
      kind: 'done',
      session: { cookie: { name: 'sid', expiresAtMs: NOW + 5000, setAtMs: NOW }, idleSeconds: 60 },
    });
  });

  it('fails a refused login with the answer’s OAuth error code and no reason', () => {
    const walk = { step: 'login', carry: {} };
    const answer = respond({ status: 401, body: '{"error":"invalid_credentials"}' });
    assert.deepEqual(session.continueLogin(reference, user1, walk, answer, walkTools()), {
      kind: 'failed',
      errorCode: 'invalid_credentials',
    });
  });

  it('walks the CSRF page first, then posts the login with its token', () => {
    const first = session.startLogin(form, user1, walkTools());
    assert.deepEqual(first, {
      kind: 'send',
      request: {
        endpoint: 'csrf',
        method: 'GET',
        url: 'http://app.test/login',
        headers: {},
        followRedirects: true,
      },
      walk: { step: 'csrf', carry: {} },
      readPage: {},
    });
    const page = respond({
      page: {
        forms: [
          {
            action: '',
            method: 'post',
            fields: [{ name: 'csrf_token', type: 'hidden', value: 'c1', checked: true }],
            roles: [],
          },
        ],
        meta: {},
      },
    });
    const second = session.continueLogin(form, user1, first.walk, page, walkTools());
    assert.equal(second.kind, 'send');
    assert.equal(
      second.kind === 'send' && second.request.body,
      'username=user1&password=pass1&csrf_token=c1',
    );
    assert.deepEqual(second.kind === 'send' && second.walk, { step: 'login', carry: {} });
  });

  it('fails when the CSRF page has no token, naming where it looked', () => {
    const walk = { step: 'csrf', carry: {} };
    assert.deepEqual(
      session.continueLogin(
        form,
        user1,
        walk,
        respond({ page: { forms: [], meta: {} } }),
        walkTools(),
      ),
      {
        kind: 'failed',
        reason:
          'no CSRF token; reason: expected html "csrf_token" in the CSRF response, got none (status 200)',
      },
    );
  });

  it('takes a 302 with the session cookie as a login, and a 302 back to the login page as a refusal', () => {
    const walk = { step: 'login', carry: {} };
    const ok = respond({
      status: 302,
      headers: { location: '/dashboard' },
      setCookies: { APPSESSION: 'a' },
    });
    assert.deepEqual(session.continueLogin(form, user1, walk, ok, walkTools()), {
      kind: 'done',
      session: {
        cookie: { name: 'APPSESSION', expiresAtMs: null, setAtMs: NOW },
        idleSeconds: null,
      },
    });
    const back = respond({
      status: 302,
      headers: { location: '/login' },
      setCookies: { APPSESSION: 'a' },
    });
    assert.deepEqual(session.continueLogin(form, user1, walk, back, walkTools()), {
      kind: 'failed',
      reason:
        'login refused; reason: expected a session, got a redirect back to the login page (wrong user name or password?)',
    });
  });

  it('adds nothing to a request (the jar carries the cookie) and copies the headers', () => {
    const headers = { 'X-Trace': '1' };
    const applied = session.applyCredentials(reference, { accessToken: 'ignored' }, headers);
    assert.deepEqual(applied, { 'X-Trace': '1' });
    assert.notEqual(applied, headers);
  });

  it('sees a redirect to the login page as an ended session', () => {
    assert.equal(
      session.isRejection(form, respond({ status: 302, headers: { location: '/login' } })),
      true,
    );
    assert.equal(session.isRejection(form, respond({ status: 403 })), true);
    assert.equal(session.isRejection(form, respond({ status: 200 })), false);
  });

  it('logs out with a bare POST that the jar’s session cookie rides on, when the profile has a logout', () => {
    assert.deepEqual(session.buildLogout?.(reference, {}), {
      endpoint: 'logout',
      method: 'POST',
      url: 'http://127.0.0.1:8080/logout',
      headers: {},
      followRedirects: false,
    });
    assert.equal(session.buildLogout?.(form, {}), undefined);
  });
});
