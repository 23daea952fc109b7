import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ERROR_CODES, ToolkitError } from '../../lib/core/errors.ts';

describe('ERROR_CODES', () => {
  it('lists each code once, in UPPER_SNAKE_CASE, under its own name', () => {
    for (const [name, code] of Object.entries(ERROR_CODES)) {
      assert.equal(code, name);
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
    }
    assert.equal(new Set(Object.values(ERROR_CODES)).size, Object.keys(ERROR_CODES).length);
  });

  it('keeps the codes README names for users', () => {
    assert.equal(ERROR_CODES.CREDENTIALS_TOO_FEW, 'CREDENTIALS_TOO_FEW');
  });
});

describe('ConfigError', () => {
  it('is a ToolkitError with its code, its message and an explicit name', () => {
    const error = new ConfigError(ERROR_CODES.PROFILE_BAD_VALUE, 'Invalid setting x');
    assert.ok(error instanceof ToolkitError);
    assert.equal(error.name, 'ConfigError');
    assert.equal(error.code, 'PROFILE_BAD_VALUE');
    assert.equal(error.message, 'Invalid setting x');
  });
});
