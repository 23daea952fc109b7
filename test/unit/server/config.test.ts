import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../lib/core/errors.ts';
import { DEFAULT_CONFIG, readConfig } from '../../../server/config.ts';

function configError(env: Record<string, string>): ConfigError {
  try {
    readConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('reference server settings', () => {
  it('uses the documented defaults when nothing is set', () => {
    assert.deepEqual(readConfig({}), {
      port: 8080,
      users: 1000,
      sessionIdleTtlSeconds: 1800,
      sessionMaxTtlSeconds: 28800,
      accessTtlSeconds: 300,
      refreshTtlSeconds: 86400,
      refreshReuseGraceSeconds: 0,
      jwtSecret: null,
      scryptCost: 16384,
      adminToken: null,
      logLevel: 'info',
    });
    assert.deepEqual(readConfig({}), DEFAULT_CONFIG);
  });

  it('treats an empty variable as unset', () => {
    assert.deepEqual(readConfig({ PORT: '', ADMIN_TOKEN: '', JWT_SECRET: '' }), DEFAULT_CONFIG);
  });

  it('reads every variable', () => {
    const secret = 's'.repeat(32);
    assert.deepEqual(
      readConfig({
        PORT: '0',
        USERS: '5',
        SESSION_IDLE_TTL: '2',
        SESSION_MAX_TTL: '3',
        ACCESS_TTL: '1',
        REFRESH_TTL: '4',
        REFRESH_REUSE_GRACE: '2',
        JWT_SECRET: secret,
        SCRYPT_COST: '16',
        ADMIN_TOKEN: 'admin-token',
        LOG_LEVEL: 'debug',
      }),
      {
        port: 0,
        users: 5,
        sessionIdleTtlSeconds: 2,
        sessionMaxTtlSeconds: 3,
        accessTtlSeconds: 1,
        refreshTtlSeconds: 4,
        refreshReuseGraceSeconds: 2,
        jwtSecret: secret,
        scryptCost: 16,
        adminToken: 'admin-token',
        logLevel: 'debug',
      },
    );
  });

  it('refuses a number that is not a whole number in range, naming the variable', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [
        { PORT: 'abc' },
        'PORT is invalid; reason: expected a whole number from 0 to 65535, got "abc"',
      ],
      [
        { PORT: '70000' },
        'PORT is invalid; reason: expected a whole number from 0 to 65535, got "70000"',
      ],
      [
        { USERS: '0' },
        'USERS is invalid; reason: expected a whole number from 1 to 1000000, got "0"',
      ],
      [
        { ACCESS_TTL: '1.5' },
        'ACCESS_TTL is invalid; reason: expected a whole number from 1 to 31536000, got "1.5"',
      ],
      [
        { REFRESH_TTL: '-1' },
        'REFRESH_TTL is invalid; reason: expected a whole number from 1 to 31536000, got "-1"',
      ],
      [
        { SESSION_IDLE_TTL: ' 5' },
        'SESSION_IDLE_TTL is invalid; reason: expected a whole number from 1 to 31536000, got " 5"',
      ],
      [
        { REFRESH_REUSE_GRACE: '3601' },
        'REFRESH_REUSE_GRACE is invalid; reason: expected a whole number from 0 to 3600, got "3601"',
      ],
    ];
    for (const [env, message] of cases) {
      const error = configError(env);
      assert.equal(error.code, 'SERVER_ENV_INVALID');
      assert.equal(error.message, message);
    }
  });

  it('refuses a JWT_SECRET under 32 bytes without echoing it', () => {
    const error = configError({ JWT_SECRET: 'short-secret' });
    assert.equal(
      error.message,
      'JWT_SECRET is too short; reason: expected at least 32 bytes, got 12',
    );
  });

  it('refuses a SCRYPT_COST that is not a power of two', () => {
    assert.equal(
      configError({ SCRYPT_COST: '1000' }).message,
      'SCRYPT_COST is invalid; reason: expected a power of two from 2 to 1048576, got 1000',
    );
  });

  it('refuses an unknown LOG_LEVEL', () => {
    assert.equal(
      configError({ LOG_LEVEL: 'verbose' }).message,
      'LOG_LEVEL is invalid; reason: expected one of silent, error, warn, info, debug, got "verbose"',
    );
  });
});
