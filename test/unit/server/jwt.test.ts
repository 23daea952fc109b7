import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { signToken, type TokenClaims, verifyToken } from '../../../server/jwt.ts';

const KEY = Buffer.alloc(32, 7);
const NOW_MS = 1_700_000_000_000;
const CLAIMS: TokenClaims = {
  sub: 'user1',
  iat: NOW_MS / 1000,
  nbf: NOW_MS / 1000,
  exp: NOW_MS / 1000 + 60,
  jti: 'jti-1',
  typ: 'access',
  fid: 'family-1',
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Signs arbitrary header and payload objects, for tokens the server would never issue. */
function signRaw(header: unknown, payload: unknown, key: Buffer = KEY): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

describe('HS256 tokens', () => {
  it('verifies a token it signed and returns its claims unchanged', () => {
    const result = verifyToken(signToken(CLAIMS, KEY), KEY, 'access', NOW_MS);
    assert.deepEqual(result, { ok: true, claims: CLAIMS });
  });

  it('writes the header {"alg":"HS256","typ":"JWT"}', () => {
    const [header] = signToken(CLAIMS, KEY).split('.');
    assert.deepEqual(JSON.parse(Buffer.from(header ?? '', 'base64url').toString()), {
      alg: 'HS256',
      typ: 'JWT',
    });
  });

  it('accepts an HS256 header written with another key order', () => {
    const token = signRaw({ typ: 'JWT', alg: 'HS256' }, CLAIMS);
    assert.equal(verifyToken(token, KEY, 'access', NOW_MS).ok, true);
  });

  it('refuses alg "none" with an empty signature as alg_none, whatever its case', () => {
    for (const alg of ['none', 'None', 'NONE']) {
      const token = `${b64({ alg, typ: 'JWT' })}.${b64(CLAIMS)}.`;
      assert.deepEqual(verifyToken(token, KEY, 'access', NOW_MS), {
        ok: false,
        reason: 'alg_none',
      });
    }
  });

  it('refuses other algorithms and unknown critical headers as unsupported_alg', () => {
    for (const header of [{ alg: 'HS512' }, { alg: 'RS256' }, { alg: 'HS256', crit: ['exp'] }]) {
      assert.deepEqual(verifyToken(signRaw(header, CLAIMS), KEY, 'access', NOW_MS), {
        ok: false,
        reason: 'unsupported_alg',
      });
    }
  });

  it('refuses a payload changed after signing as invalid_signature', () => {
    const [header, , signature] = signToken(CLAIMS, KEY).split('.');
    const forged = `${header}.${b64({ ...CLAIMS, sub: 'user2' })}.${signature}`;
    assert.deepEqual(verifyToken(forged, KEY, 'access', NOW_MS), {
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('refuses a changed signature, a short one and another key as invalid_signature', () => {
    const token = signToken(CLAIMS, KEY);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    const short = token.slice(0, token.lastIndexOf('.') + 8);
    const otherKey = signToken(CLAIMS, Buffer.alloc(32, 8));
    for (const candidate of [tampered, short, otherKey]) {
      assert.deepEqual(verifyToken(candidate, KEY, 'access', NOW_MS), {
        ok: false,
        reason: 'invalid_signature',
      });
    }
  });

  it('refuses bad base64url (padding, +, /, impossible length) as malformed', () => {
    const [header, payload, signature] = signToken(CLAIMS, KEY).split('.');
    const candidates = [
      `${header}.${payload}=.${signature}`,
      `${header}.${payload}.${signature}=`,
      `${header}.${payload?.replace(/^./, '+')}.${signature}`,
      `${header}.${payload}.${signature?.replace(/^./, '/')}`,
      `${header}.AAAAA.${signature}`,
      `${header?.slice(0, -1)}+.${payload}.${signature}`,
      `a.${payload}.${signature}`,
    ];
    for (const candidate of candidates) {
      const result = verifyToken(candidate, KEY, 'access', NOW_MS);
      assert.equal(result.ok, false, candidate.slice(0, 20));
      assert.equal(result.ok === false && result.reason, 'malformed');
    }
  });

  it('refuses a signature spelled with non-zero unused low bits in its last character as invalid_signature', () => {
    const token = signToken(CLAIMS, KEY);
    const signature = token.slice(token.lastIndexOf('.') + 1);
    assert.equal(signature.length, 43);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1) ?? '');
    // 43 characters carry 256 bits and 2 spare ones: these three decode to the same 32 bytes.
    for (const spare of [1, 2, 3]) {
      const variant = `${token.slice(0, -1)}${alphabet[last | spare]}`;
      assert.deepEqual(verifyToken(variant, KEY, 'access', NOW_MS), {
        ok: false,
        reason: 'invalid_signature',
      });
    }
  });

  it('refuses a signed header or payload in non-canonical base64url as malformed', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    /** Sets the spare low bits of the last character; the decoded bytes stay the same. */
    const spoil = (part: string) => {
      const spareMask = part.length % 4 === 2 ? 0x0f : 0x03;
      const last = alphabet.indexOf(part.at(-1) ?? '');
      return `${part.slice(0, -1)}${alphabet[last | spareMask]}`;
    };
    const sign = (input: string) =>
      `${input}.${createHmac('sha256', KEY).update(input).digest('base64url')}`;
    // Pad both until their length is not a multiple of 4: only then are there spare bits.
    let claims: TokenClaims = CLAIMS;
    while (b64(claims).length % 4 === 0) claims = { ...claims, jti: `${claims.jti}x` };
    let pad = '';
    while (b64({ alg: 'HS256', pad }).length % 4 === 0) pad += 'x';
    const header = b64({ alg: 'HS256', pad });
    assert.equal(verifyToken(sign(`${header}.${b64(claims)}`), KEY, 'access', NOW_MS).ok, true);
    for (const input of [`${header}.${spoil(b64(claims))}`, `${spoil(header)}.${b64(claims)}`]) {
      assert.deepEqual(verifyToken(sign(input), KEY, 'access', NOW_MS), {
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('refuses anything but exactly three parts as malformed', () => {
    const token = signToken(CLAIMS, KEY);
    for (const candidate of ['', 'abc', 'a.b', `${token}.x`, '..', `.${token}`]) {
      assert.deepEqual(verifyToken(candidate, KEY, 'access', NOW_MS), {
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('refuses a token longer than 4096 characters as malformed', () => {
    const token = signToken({ ...CLAIMS, sub: 'u'.repeat(4000) }, KEY);
    assert.deepEqual(verifyToken(token, KEY, 'access', NOW_MS), { ok: false, reason: 'malformed' });
  });

  it('refuses a validly signed payload with missing or mistyped claims as malformed', () => {
    const { jti: _jti, ...withoutJti } = CLAIMS;
    for (const payload of [withoutJti, { ...CLAIMS, exp: '1' }, { ...CLAIMS, typ: 'id' }, [1]]) {
      assert.deepEqual(verifyToken(signRaw({ alg: 'HS256' }, payload), KEY, 'access', NOW_MS), {
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('refuses a refresh token where an access token is expected, and the reverse, as wrong_type', () => {
    const refresh = signToken({ ...CLAIMS, typ: 'refresh' }, KEY);
    const access = signToken(CLAIMS, KEY);
    assert.deepEqual(verifyToken(refresh, KEY, 'access', NOW_MS), {
      ok: false,
      reason: 'wrong_type',
    });
    assert.deepEqual(verifyToken(access, KEY, 'refresh', NOW_MS), {
      ok: false,
      reason: 'wrong_type',
    });
  });

  it('accepts a token until the millisecond before exp and refuses it from exp on as expired', () => {
    const token = signToken(CLAIMS, KEY);
    const expMs = CLAIMS.exp * 1000;
    assert.equal(verifyToken(token, KEY, 'access', expMs - 1).ok, true);
    assert.deepEqual(verifyToken(token, KEY, 'access', expMs), { ok: false, reason: 'expired' });
  });

  it('refuses a token before its nbf as not_yet_valid', () => {
    const token = signToken(CLAIMS, KEY);
    assert.deepEqual(verifyToken(token, KEY, 'access', NOW_MS - 1), {
      ok: false,
      reason: 'not_yet_valid',
    });
  });
});
