import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cookieExpiresAtMs,
  findSessionCookie,
  readSessionCookie,
} from '../../../lib/core/auth/cookie-expiry.ts';
import { NOW, respond } from '../../helpers/response-views.ts';

const PAST = Date.UTC(2015, 9, 21, 7, 28, 0);
const FUTURE = Date.UTC(2099, 9, 21, 7, 28, 0);

describe('cookieExpiresAtMs', () => {
  it('counts Max-Age from the moment the response was received', () => {
    assert.equal(cookieExpiresAtMs({ maxAgeSeconds: 5 }, NOW), NOW + 5000);
  });

  it('lets Max-Age win over Expires, whichever is later (RFC 6265 §5.3 step 3)', () => {
    assert.equal(cookieExpiresAtMs({ maxAgeSeconds: 5, expiresAtMs: FUTURE }, NOW), NOW + 5000);
    assert.equal(cookieExpiresAtMs({ maxAgeSeconds: 5, expiresAtMs: PAST }, NOW), NOW + 5000);
  });

  it('takes Expires as it is when there is no Max-Age', () => {
    assert.equal(cookieExpiresAtMs({ expiresAtMs: FUTURE }, NOW), FUTURE);
  });

  it('ends a deleted cookie at once: Max-Age 0 or below, or an Expires in the past', () => {
    assert.equal(cookieExpiresAtMs({ maxAgeSeconds: 0 }, NOW), NOW);
    assert.equal(cookieExpiresAtMs({ maxAgeSeconds: -1, expiresAtMs: FUTURE }, NOW), NOW);
    assert.equal(cookieExpiresAtMs({ expiresAtMs: 0 }, NOW), NOW);
    assert.equal(cookieExpiresAtMs({ expiresAtMs: PAST }, NOW), NOW);
  });

  it('knows no end for a browser-session cookie, one with neither attribute', () => {
    assert.equal(cookieExpiresAtMs({}, NOW), null);
  });

  it('ignores a malformed attribute, as RFC 6265 §5.2.1 and §5.2.2 do', () => {
    assert.equal(
      cookieExpiresAtMs({ maxAgeSeconds: Number.NaN, expiresAtMs: FUTURE }, NOW),
      FUTURE,
    );
    assert.equal(
      cookieExpiresAtMs({ maxAgeSeconds: Number.POSITIVE_INFINITY, expiresAtMs: Number.NaN }, NOW),
      null,
    );
  });
});

describe('findSessionCookie', () => {
  it('finds the named cookie with its end and the moment it was set', () => {
    const res = respond({
      setCookies: { sid: 's1', theme: 'dark' },
      cookieLifetimes: { sid: { maxAgeSeconds: 5 }, theme: { maxAgeSeconds: 1 } },
    });
    assert.deepEqual(findSessionCookie('sid', res), {
      name: 'sid',
      expiresAtMs: NOW + 5000,
      setAtMs: NOW,
    });
  });

  it('finds nothing when the response did not set the named cookie', () => {
    const res = respond({ setCookies: { other: 'x' } });
    assert.equal(findSessionCookie('sid', res), undefined);
  });

  it('takes a named cookie without lifetime attributes as a browser-session cookie', () => {
    assert.deepEqual(findSessionCookie('sid', respond({ setCookies: { sid: 's1' } })), {
      name: 'sid',
      expiresAtMs: null,
      setAtMs: NOW,
    });
  });

  it('without a name, takes the cookie that ends first, since the session ends with it', () => {
    const res = respond({
      setCookies: { remember: 'r', sid: 's1', connect: 'c' },
      cookieLifetimes: {
        remember: { maxAgeSeconds: 86_400 },
        sid: { maxAgeSeconds: 5 },
        connect: {},
      },
    });
    assert.deepEqual(findSessionCookie(null, res), {
      name: 'sid',
      expiresAtMs: NOW + 5000,
      setAtMs: NOW,
    });
  });

  it('without a name, skips cookies the login deletes (a cleared CSRF cookie)', () => {
    const res = respond({
      setCookies: { csrf: '', xsrf: 'gone', sid: 's1' },
      cookieLifetimes: { xsrf: { maxAgeSeconds: 0 }, sid: { expiresAtMs: FUTURE } },
    });
    assert.equal(findSessionCookie(null, res)?.name, 'sid');
  });

  it('without a name and without any end, takes the first cookie set', () => {
    const res = respond({ setCookies: { a: '1', b: '2' } });
    assert.deepEqual(findSessionCookie(null, res), { name: 'a', expiresAtMs: null, setAtMs: NOW });
  });
});

describe('readSessionCookie', () => {
  it('reads a re-sent cookie at the moment its response arrived', () => {
    assert.deepEqual(readSessionCookie('sid', { maxAgeSeconds: 30 }, NOW + 1000), {
      name: 'sid',
      expiresAtMs: NOW + 31_000,
      setAtMs: NOW + 1000,
    });
  });
});
