import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { createPkce } from '../../../../lib/core/auth/oidc/pkce.ts';
import { walkTools } from '../../../helpers/response-views.ts';

const sha256Url = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

describe('createPkce', () => {
  it('derives the challenge of RFC 7636 Appendix B from its verifier, with S256', () => {
    const asked: number[] = [];
    const pkce = createPkce({
      randomUrlSafe: (bytes) => {
        asked.push(bytes);
        return 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
      },
      sha256Url,
    });
    assert.deepEqual(pkce, {
      verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      method: 'S256',
    });
    assert.deepEqual(asked, [32]);
  });

  it('asks for 32 random bytes, which make a 43-character verifier of the unreserved set (§4.1, §7.1)', () => {
    const asked: number[] = [];
    const tools = walkTools();
    const pkce = createPkce({
      randomUrlSafe: (bytes) => {
        asked.push(bytes);
        return tools.randomUrlSafe(bytes);
      },
      sha256Url: tools.sha256Url,
    });
    assert.deepEqual(asked, [32]);
    assert.equal(pkce.verifier, Buffer.alloc(32, 1).toString('base64url'));
    assert.equal(pkce.verifier.length, 43);
    assert.match(pkce.verifier, /^[A-Za-z0-9\-._~]{43,128}$/);
  });

  it('gives BASE64URL(SHA256(ASCII(code_verifier))) as the challenge, unpadded (§4.2)', () => {
    const pkce = createPkce(walkTools());
    assert.equal(pkce.challenge, sha256Url(pkce.verifier));
    assert.match(pkce.challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(pkce.method, 'S256');
  });

  it('makes a fresh verifier for every authorization request', () => {
    const tools = walkTools();
    const first = createPkce(tools);
    const second = createPkce(tools);
    assert.notEqual(first.verifier, second.verifier);
    assert.notEqual(first.challenge, second.challenge);
  });
});
