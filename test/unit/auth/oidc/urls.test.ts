import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeForm,
  formEncode,
  originOf,
  pathOf,
  queryParams,
  resolveUrl,
  withoutQuery,
} from '../../../../lib/core/auth/oidc/urls.ts';

const BASE = 'http://a/b/c/d;p?q';

describe('resolveUrl', () => {
  // RFC 3986 §5.4.1, every normal example.
  const normal: ReadonlyArray<[string, string]> = [
    ['g:h', 'g:h'],
    ['g', 'http://a/b/c/g'],
    ['./g', 'http://a/b/c/g'],
    ['g/', 'http://a/b/c/g/'],
    ['/g', 'http://a/g'],
    ['//g', 'http://g'],
    ['?y', 'http://a/b/c/d;p?y'],
    ['g?y', 'http://a/b/c/g?y'],
    ['#s', 'http://a/b/c/d;p?q#s'],
    ['g#s', 'http://a/b/c/g#s'],
    ['g?y#s', 'http://a/b/c/g?y#s'],
    [';x', 'http://a/b/c/;x'],
    ['g;x', 'http://a/b/c/g;x'],
    ['g;x?y#s', 'http://a/b/c/g;x?y#s'],
    ['', 'http://a/b/c/d;p?q'],
    ['.', 'http://a/b/c/'],
    ['./', 'http://a/b/c/'],
    ['..', 'http://a/b/'],
    ['../', 'http://a/b/'],
    ['../g', 'http://a/b/g'],
    ['../..', 'http://a/'],
    ['../../', 'http://a/'],
    ['../../g', 'http://a/g'],
  ];
  for (const [reference, expected] of normal) {
    it(`resolves "${reference}" against ${BASE} to ${expected} (RFC 3986 §5.4.1)`, () => {
      assert.equal(resolveUrl(BASE, reference), expected);
    });
  }

  // RFC 3986 §5.4.2, the abnormal examples a provider's Location could plausibly hold.
  const abnormal: ReadonlyArray<[string, string]> = [
    ['../../../g', 'http://a/g'],
    ['../../../../g', 'http://a/g'],
    ['/./g', 'http://a/g'],
    ['/../g', 'http://a/g'],
    ['g.', 'http://a/b/c/g.'],
    ['.g', 'http://a/b/c/.g'],
    ['g..', 'http://a/b/c/g..'],
    ['..g', 'http://a/b/c/..g'],
    ['./../g', 'http://a/b/g'],
    ['./g/.', 'http://a/b/c/g/'],
    ['g/./h', 'http://a/b/c/g/h'],
    ['g/../h', 'http://a/b/c/h'],
    ['g;x=1/./y', 'http://a/b/c/g;x=1/y'],
    ['g;x=1/../y', 'http://a/b/c/y'],
    ['g?y/./x', 'http://a/b/c/g?y/./x'],
    ['g?y/../x', 'http://a/b/c/g?y/../x'],
    ['g#s/./x', 'http://a/b/c/g#s/./x'],
    ['g#s/../x', 'http://a/b/c/g#s/../x'],
  ];
  for (const [reference, expected] of abnormal) {
    it(`resolves "${reference}" against ${BASE} to ${expected} (RFC 3986 §5.4.2)`, () => {
      assert.equal(resolveUrl(BASE, reference), expected);
    });
  }

  it('resolves against a base without a path as if its path were "/"', () => {
    assert.equal(resolveUrl('http://a', 'g'), 'http://a/g');
    assert.equal(resolveUrl('http://a', '?x=1'), 'http://a/?x=1');
  });

  it('keeps an absolute Location as it is, whatever the base', () => {
    assert.equal(
      resolveUrl('http://127.0.0.1:9000/auth', 'https://login.example.com/x?y=1'),
      'https://login.example.com/x?y=1',
    );
  });

  it('trims the white space around a Location', () => {
    assert.equal(resolveUrl('http://a/b/c', '  /login \t'), 'http://a/login');
  });

  it('drops the base’s fragment when the reference is empty (§5.2.2)', () => {
    assert.equal(resolveUrl('http://a/b?q#frag', ''), 'http://a/b?q');
  });
});

describe('originOf', () => {
  it('gives the scheme and host in lower case, with an explicit port kept', () => {
    assert.equal(originOf('HTTP://Example.COM:8080/Path?Q=1'), 'http://example.com:8080');
    assert.equal(originOf('https://login.example.com'), 'https://login.example.com');
  });

  it('tells two ports of one host apart', () => {
    assert.notEqual(originOf('http://127.0.0.1:9000/auth'), originOf('http://127.0.0.1:9001/auth'));
  });

  it('leaves out the default port, so https://h and https://h:443 are one origin (RFC 6454 §4)', () => {
    assert.equal(originOf('https://h:443/login'), 'https://h');
    assert.equal(originOf('http://h:80/'), 'http://h');
    assert.equal(originOf('http://h:443/'), 'http://h:443');
  });

  it('leaves out user info, which is no part of an origin and may hold a password', () => {
    assert.equal(originOf('http://user:secret@h:8080/x'), 'http://h:8080');
  });

  it('is undefined for anything that is not an absolute URL', () => {
    assert.equal(originOf('/login'), undefined);
    assert.equal(originOf('login'), undefined);
    assert.equal(originOf('mailto:someone@example.com'), undefined);
    assert.equal(originOf(''), undefined);
  });
});

describe('pathOf', () => {
  it('gives the path, never the query (it may hold a code or a state) nor the fragment', () => {
    assert.equal(pathOf('http://127.0.0.1:9/cb?code=secret-code&state=s'), '/cb');
    assert.equal(pathOf('http://a/b/c#access_token=t'), '/b/c');
  });

  it('gives "/" for a URL without a path', () => {
    assert.equal(pathOf('http://a?code=x'), '/');
    assert.equal(pathOf('http://a'), '/');
  });

  it('says so for something that is not a URL, without echoing it', () => {
    assert.equal(pathOf('/cb?code=secret-code'), '(not a URL)');
  });
});

describe('withoutQuery', () => {
  it('cuts the query and the fragment', () => {
    assert.equal(withoutQuery('http://a/b?c=1#d'), 'http://a/b');
    assert.equal(withoutQuery('http://a/b#d?x'), 'http://a/b');
    assert.equal(withoutQuery('http://a/b'), 'http://a/b');
  });
});

describe('queryParams', () => {
  it('decodes names and values, with "+" as a space', () => {
    assert.deepEqual(queryParams('http://a/cb?code=a%2Bb&state=x+y&scope=openid%20email'), {
      code: 'a+b',
      state: 'x y',
      scope: 'openid email',
    });
  });

  it('keeps the first of a repeated name', () => {
    assert.deepEqual(queryParams('http://a/cb?state=first&state=second'), { state: 'first' });
  });

  it('stops at the fragment', () => {
    assert.deepEqual(queryParams('http://a/cb?code=c#state=s'), { code: 'c' });
  });

  it('gives an empty value to a name without "=" and skips empty pairs', () => {
    assert.deepEqual(queryParams('http://a/cb?a&&b=&c=1'), { a: '', b: '', c: '1' });
  });

  it('drops a malformed escape: the value is emptied, and a name that cannot be decoded is left out', () => {
    assert.deepEqual(queryParams('http://a/cb?code=%zz&%E0%A4=x&state=%41'), {
      code: '',
      state: 'A',
    });
  });

  it('is empty for a URL without a query', () => {
    assert.deepEqual(queryParams('http://a/cb'), {});
    assert.deepEqual(queryParams('http://a/cb#code=c'), {});
  });
});

describe('formEncode and encodeForm', () => {
  const samples = ["a b*-._~!'()", 'é&=+/?#%', 'user@example.com', '日本', ''];

  for (const sample of samples) {
    it(`encodes ${JSON.stringify(sample)} as URLSearchParams does (WHATWG urlencoded)`, () => {
      const expected = new URLSearchParams({ x: sample }).toString().slice(2);
      assert.equal(formEncode(sample), expected);
    });
  }

  it('keeps only alphanumerics and *-._ unescaped, and writes a space as "+"', () => {
    assert.equal(formEncode("a b*-._~!'()"), 'a+b*-._%7E%21%27%28%29');
  });

  it('joins name=value pairs in order, from an object or from pairs with repeated names', () => {
    assert.equal(
      encodeForm({ grant_type: 'authorization_code', code: 'a b' }),
      'grant_type=authorization_code&code=a+b',
    );
    assert.equal(
      encodeForm([
        ['scope', 'x'],
        ['scope', 'y&z'],
      ]),
      'scope=x&scope=y%26z',
    );
    assert.equal(encodeForm({}), '');
  });

  it('round-trips through URLSearchParams', () => {
    const fields: Record<string, string> = { 'na me': 'v+al=ue', ü: '~*' };
    assert.deepEqual(Object.fromEntries(new URLSearchParams(encodeForm(fields))), fields);
  });
});
