import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_IDP_CONFIG, readIdpConfig } from '../../../idp/config.ts';
import { ConfigError } from '../../../lib/core/errors.ts';

describe('readIdpConfig', () => {
  it('gives the defaults for an empty environment', () => {
    assert.deepEqual(readIdpConfig({}), DEFAULT_IDP_CONFIG);
    assert.equal(DEFAULT_IDP_CONFIG.port, 8090);
    assert.equal(DEFAULT_IDP_CONFIG.accessTokenTtlSeconds, 300);
    assert.equal(DEFAULT_IDP_CONFIG.consent, true);
  });

  it('reads every setting', () => {
    assert.deepEqual(
      readIdpConfig({
        PORT: '0',
        ACCESS_TTL: '5',
        REFRESH_TTL: '60',
        USERS: '3',
        CONSENT: 'off',
        SCRYPT_COST: '16',
      }),
      {
        port: 0,
        accessTokenTtlSeconds: 5,
        refreshTokenTtlSeconds: 60,
        users: 3,
        consent: false,
        scryptCost: 16,
      },
    );
    assert.equal(readIdpConfig({ CONSENT: 'TRUE' }).consent, true);
  });

  it('refuses a bad value with IDP_ENV_INVALID and the value it got', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [
        { ACCESS_TTL: '0' },
        'ACCESS_TTL is invalid; reason: expected a whole number from 1 to 31536000, got "0"',
      ],
      [
        { PORT: '70000' },
        'PORT is invalid; reason: expected a whole number from 0 to 65535, got "70000"',
      ],
      [
        { CONSENT: 'maybe' },
        'CONSENT is invalid; reason: expected on or off (true/false, 1/0, yes/no), got "maybe"',
      ],
      [
        { SCRYPT_COST: '100' },
        'SCRYPT_COST is invalid; reason: expected a power of two, got "100"',
      ],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => readIdpConfig(env),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.code === 'IDP_ENV_INVALID' &&
          error.message === message,
      );
    }
  });
});
