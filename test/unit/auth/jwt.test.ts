import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwtPayload, readJwtTimes } from '../../../lib/core/auth/jwt.ts';

const decode = (segment: string) => Buffer.from(segment, 'base64url').toString('utf8');
const part = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown) => `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2ln`;

describe('decodeJwtPayload', () => {
  it('decodes the claims of a well-formed token, including non-ASCII text', () => {
    const result = decodeJwtPayload(jwt({ sub: 'user1', name: 'Zoë 测试', exp: 10 }), decode);
    assert.deepEqual(result, { ok: true, claims: { sub: 'user1', name: 'Zoë 测试', exp: 10 } });
  });

  it('rejects an opaque token that has no dots', () => {
    assert.deepEqual(decodeJwtPayload('opaque-token-value', decode), {
      ok: false,
      reason: 'token is not a JWT; reason: expected 3 dot-separated parts, got 1',
    });
  });

  it('rejects a JWE, which has five parts', () => {
    const result = decodeJwtPayload('a.b.c.d.e', decode);
    assert.equal(result.ok, false);
    assert.equal(
      !result.ok && result.reason,
      'token is not a JWT; reason: expected 3 dot-separated parts, got 5',
    );
  });

  it('rejects a payload with characters outside base64url, such as padding or "+"', () => {
    for (const payload of ['eyJ4IjoxfQ==', 'ab+c', 'a b', '']) {
      const result = decodeJwtPayload(`h.${payload}.s`, decode);
      assert.deepEqual(result, {
        ok: false,
        reason: 'JWT payload is not base64url; reason: expected unpadded base64url, got other text',
      });
    }
  });

  it('rejects a payload whose length cannot be base64url', () => {
    assert.equal(decodeJwtPayload('h.abcde.s', decode).ok, false);
  });

  it('reports a decoder that throws as not base64url, without rethrowing', () => {
    const throwing = () => {
      throw new Error('illegal base64 data at input byte 4');
    };
    assert.deepEqual(decodeJwtPayload(jwt({ exp: 1 }), throwing), {
      ok: false,
      reason: 'JWT payload is not base64url; reason: expected decodable base64url, got an error',
    });
  });

  it('rejects a payload that is not JSON', () => {
    assert.deepEqual(decodeJwtPayload(`h.${part('not json')}.s`, decode), {
      ok: false,
      reason: 'JWT payload is not JSON; reason: expected a JSON object',
    });
  });

  it('rejects JSON that is not an object, naming only its type', () => {
    assert.deepEqual(decodeJwtPayload(`h.${part([1, 2])}.s`, decode), {
      ok: false,
      reason: 'JWT payload is not a claims set; reason: expected a JSON object, got an array',
    });
    assert.deepEqual(decodeJwtPayload(`h.${part('"secret-text"')}.s`, decode), {
      ok: false,
      reason: 'JWT payload is not a claims set; reason: expected a JSON object, got a string',
    });
    assert.deepEqual(decodeJwtPayload(`h.${part('null')}.s`, decode), {
      ok: false,
      reason: 'JWT payload is not a claims set; reason: expected a JSON object, got null',
    });
  });
});

describe('readJwtTimes', () => {
  it('reads exp and iat as seconds', () => {
    assert.deepEqual(readJwtTimes(jwt({ iat: 1000, exp: 1060 }), decode), {
      ok: true,
      times: { expSeconds: 1060, iatSeconds: 1000 },
    });
  });

  it('accepts a fractional exp, which RFC 7519 NumericDate allows', () => {
    assert.deepEqual(readJwtTimes(jwt({ exp: 1060.5 }), decode), {
      ok: true,
      times: { expSeconds: 1060.5 },
    });
  });

  it('ignores an iat that is not before exp or not a number', () => {
    assert.deepEqual(readJwtTimes(jwt({ iat: 2000, exp: 1060 }), decode), {
      ok: true,
      times: { expSeconds: 1060 },
    });
    assert.deepEqual(readJwtTimes(jwt({ iat: 'yesterday', exp: 1060 }), decode), {
      ok: true,
      times: { expSeconds: 1060 },
    });
  });

  it('reports a token without exp', () => {
    assert.deepEqual(readJwtTimes(jwt({ sub: 'user1' }), decode), {
      ok: false,
      reason: 'JWT has no expiry; reason: expected an "exp" claim, got none',
    });
  });

  it('reports an exp that is a string, negative or not finite', () => {
    assert.deepEqual(readJwtTimes(jwt({ exp: '1060' }), decode), {
      ok: false,
      reason:
        'JWT "exp" is not a NumericDate; reason: expected a non-negative number, got a string',
    });
    assert.equal(readJwtTimes(jwt({ exp: -5 }), decode).ok, false);
    assert.equal(readJwtTimes(`h.${part('{"exp":1e999}')}.s`, decode).ok, false);
  });

  it('passes a decoding failure through unchanged', () => {
    assert.deepEqual(readJwtTimes('only.two', decode), {
      ok: false,
      reason: 'token is not a JWT; reason: expected 3 dot-separated parts, got 2',
    });
  });
});
