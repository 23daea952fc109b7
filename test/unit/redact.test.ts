import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redact, redactPatterns, redactSecrets } from '../../lib/core/redact.ts';

describe('redactSecrets', () => {
  it('replaces every occurrence of each known secret', () => {
    assert.equal(
      redactSecrets('login user1 with pass1, again pass1', ['pass1']),
      `login user1 with ${REDACTED}, again ${REDACTED}`,
    );
  });

  it('masks a secret that contains another secret whole', () => {
    assert.equal(redactSecrets('token abc123xyz', ['abc', 'abc123xyz']), `token ${REDACTED}`);
  });

  it('skips empty and undefined secrets, leaving the text intact', () => {
    assert.equal(redactSecrets('nothing to hide', ['', undefined]), 'nothing to hide');
  });

  it('treats secrets literally, not as regular expressions', () => {
    assert.equal(redactSecrets('a.b a+b (x)', ['a+b', '(x)']), `a.b ${REDACTED} ${REDACTED}`);
  });
});

describe('redactPatterns', () => {
  it('masks bearer and basic credentials', () => {
    assert.equal(
      redactPatterns('Authorization: Bearer abc.DEF-123_x~+/='),
      `Authorization: Bearer ${REDACTED}`,
    );
    assert.equal(redactPatterns('basic dXNlcjE6cGFzczE='), `basic ${REDACTED}`);
  });

  it('masks anything shaped like a JWT', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyMSJ9.c2lnbmF0dXJl';
    assert.equal(redactPatterns(`got ${jwt} back`), `got ${REDACTED} back`);
  });

  it('masks cookie header values', () => {
    assert.equal(redactPatterns('Set-Cookie: sid=abc; Path=/'), `Set-Cookie: ${REDACTED}`);
    assert.equal(redactPatterns('cookie=sid=abc'), `cookie=${REDACTED}`);
  });

  it('masks JSON and form fields whose names say secret', () => {
    assert.equal(
      redactPatterns('{"accessToken":"a1","refresh_token":"r1","user":"user1"}'),
      `{"accessToken":${REDACTED},"refresh_token":${REDACTED},"user":"user1"}`,
    );
    assert.equal(
      redactPatterns('username=user1&password=pass1&csrf_token=c1'),
      `username=user1&password=${REDACTED}&csrf_token=${REDACTED}`,
    );
  });

  it('leaves ordinary messages alone', () => {
    const message = 'refresh failed; reason: expected status 200, got 500 (auth_refreshes 3)';
    assert.equal(redactPatterns(message), message);
  });
});

describe('redact', () => {
  it('masks known secrets and secret-shaped text together', () => {
    assert.equal(
      redact('user1/hunter2 sent Bearer tok', ['hunter2']),
      `user1/${REDACTED} sent Bearer ${REDACTED}`,
    );
  });
});
