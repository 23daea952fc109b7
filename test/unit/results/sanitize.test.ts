import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isSecretKey,
  MASK,
  maskSecretsInText,
  redactValue,
  sanitizeSummary,
} from '../../../lib/core/results/sanitize.ts';
import { makeSummaryData, PLANTED } from '../../helpers/fixtures/summary-data.ts';

describe('sanitizeSummary', () => {
  it('drops setup_data and leaves no planted token, cookie or password anywhere', () => {
    const safe = sanitizeSummary(makeSummaryData());
    const text = JSON.stringify(safe);
    assert.equal('setup_data' in safe, false);
    for (const secret of Object.values(PLANTED)) {
      assert.equal(text.includes(secret), false, 'a planted secret survived sanitising');
    }
    assert.equal(safe.root_group.checks[1]?.name, `Bearer ${MASK} accepted`);
  });

  it('keeps metrics, stats, thresholds, check counts and group ids as they were', () => {
    const data = makeSummaryData();
    const safe = sanitizeSummary(data);
    assert.deepEqual(safe.metrics, data.metrics);
    assert.deepEqual(safe.options, data.options);
    assert.deepEqual(safe.state, data.state);
    assert.equal(safe.root_group.id, 'd41d8cd98f00b204e9800998ecf8427e');
    assert.deepEqual(safe.root_group.checks[0], data.root_group.checks[0]);
  });

  it('keeps a stop message readable, settings and code named, and still masks a secret in it', () => {
    const data = makeSummaryData();
    const jwt = PLANTED.jwt;
    const name = `test stopped: CREDENTIALS_SECRET_UNREADABLE: Cannot read the secret -e AUTH_PASSWORD_SECRET=nope; got ${jwt} and hunter22`;
    data.root_group.checks.push({ name, path: `::${name}`, id: 'x', passes: 0, fails: 1 });
    const stop = sanitizeSummary(data, ['hunter22']).root_group.checks.at(-1);
    const kept =
      'test stopped: CREDENTIALS_SECRET_UNREADABLE: Cannot read the secret -e AUTH_PASSWORD_SECRET=nope; got';
    assert.equal(stop?.name, `${kept} ${MASK} and ${MASK}`);
    assert.equal(stop?.path, `::${kept} ${MASK} and ${MASK}`);
  });

  it('does not change its input', () => {
    const data = makeSummaryData();
    sanitizeSummary(data);
    assert.deepEqual(data, makeSummaryData());
  });

  it('keeps the numbers of a metric whose name contains "token"', () => {
    const data = makeSummaryData();
    data.metrics.token_age_seconds = { type: 'trend', contains: 'default', values: { avg: 42 } };
    assert.deepEqual(sanitizeSummary(data).metrics.token_age_seconds, {
      type: 'trend',
      contains: 'default',
      values: { avg: 42 },
    });
  });

  it('masks secrets in metric names, such as a tag value', () => {
    const data = makeSummaryData();
    data.metrics[`http_reqs{url:/x?access_token=${PLANTED.refreshToken}}`] = {
      type: 'counter',
      contains: 'default',
      values: { count: 1, rate: 1 },
    };
    const names = Object.keys(sanitizeSummary(data).metrics);
    assert.ok(names.includes(`http_reqs{url:/x?access_token=${MASK}}`));
  });

  it('masks exact known secrets, but not ones too short to tell from ordinary text', () => {
    const data = makeSummaryData();
    const [first] = data.root_group.checks;
    assert.ok(first);
    data.root_group.checks[0] = { ...first, name: 'logged in as user1/hunter22' };
    const safe = sanitizeSummary(data, ['hunter22', '95']);
    assert.equal(safe.root_group.checks[0]?.name, `logged in as user1/${MASK}`);
    assert.ok(
      'p(95)<0.001' in (safe.metrics['http_req_duration{endpoint:protected}']?.thresholds ?? {}),
    );
  });
});

describe('maskSecretsInText', () => {
  it('masks a JWT, bearer and basic credentials, and secret-named pairs', () => {
    assert.equal(maskSecretsInText(`got ${PLANTED.jwt} back`), `got ${MASK} back`);
    assert.equal(
      maskSecretsInText('Authorization: Bearer abc.def'),
      `Authorization: Bearer ${MASK}`,
    );
    assert.equal(maskSecretsInText('Basic dXNlcjE6cGFzczE='), `Basic ${MASK}`);
    assert.equal(maskSecretsInText('login password=pass1&user=a'), `login password=${MASK}&user=a`);
    assert.equal(maskSecretsInText('api_key: k-123 sent'), `api_key: ${MASK} sent`);
    assert.equal(maskSecretsInText('authorization=k-123'), `authorization=${MASK}`);
    assert.equal(maskSecretsInText('cookie sid=abc accepted'), `cookie sid=${MASK} accepted`);
  });

  it('masks long random-looking runs and long hex, but not names, paths or md5 ids', () => {
    assert.equal(maskSecretsInText(`refresh ${PLANTED.refreshToken}`), `refresh ${MASK}`);
    assert.equal(maskSecretsInText(`id ${'a1'.repeat(20)}`), `id ${MASK}`);
    for (const text of [
      'http_req_tls_handshaking',
      'auth_expired_rejections',
      'd41d8cd98f00b204e9800998ecf8427e',
      'http://127.0.0.1:8080/protected',
      'http_req_duration{endpoint:protected,auth:token}',
      '{auth:session}',
    ]) {
      assert.equal(maskSecretsInText(text), text);
    }
  });
});

describe('redactValue', () => {
  it('masks strings and numbers under secret-named keys, at any depth', () => {
    assert.deepEqual(
      redactValue({
        user: { name: 'user1', password: 'pass1', pin: 7, otp: { secret: 123456 } },
        headers: { Authorization: 'x', Cookie: ['a', 'b'] },
        passes: 3,
      }),
      {
        user: { name: 'user1', password: MASK, pin: 7, otp: { secret: MASK } },
        headers: { Authorization: MASK, Cookie: [MASK, MASK] },
        passes: 3,
      },
    );
  });

  it('treats passwords, tokens, cookies and secrets as secret keys, and counts as not', () => {
    for (const key of [
      'password',
      'PASSWORD',
      'FIXTURE_PASSWORD',
      'refreshToken',
      'set-cookie',
      'client_secret',
      'apiKey',
      'sessionId',
    ]) {
      assert.equal(isSecretKey(key), true, key);
    }
    for (const key of ['passes', 'fails', 'name', 'path', 'id', 'endpoint', 'auth']) {
      assert.equal(isSecretKey(key), false, key);
    }
  });
});
