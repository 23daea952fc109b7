import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  describeToolkitError,
  ERROR_CODES,
  isErrorCode,
  isToolkitError,
  ToolkitError,
} from '../../lib/core/errors.ts';

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

describe('ToolkitError as text', () => {
  it('reads as its code, its name and its message, the line k6 prints for an exception', () => {
    const error = new ConfigError(ERROR_CODES.CREDENTIALS_TOO_FEW, 'Not enough accounts for VU 3');
    assert.equal(String(error), 'CREDENTIALS_TOO_FEW ConfigError: Not enough accounts for VU 3');
    assert.equal(describeToolkitError(error), String(error));
  });

  it('is recognised by its code, also when another bundle made it', () => {
    // dist/controller.js has its own copy of the class: same shape, not the same prototype.
    const foreign = Object.assign(new Error('x'), { name: 'ConfigError', code: 'PROFILE_MISSING' });
    assert.equal(isToolkitError(foreign), true);
    assert.equal(isToolkitError(new ConfigError(ERROR_CODES.PROFILE_MISSING, 'x')), true);
    assert.equal(isToolkitError(Object.assign(new Error('x'), { code: 'ENOENT' })), false);
    assert.equal(isToolkitError({ code: 'PROFILE_MISSING', message: 'x' }), false);
    assert.equal(isErrorCode('CREDENTIALS_SECRET_UNREADABLE'), true);
    assert.equal(isErrorCode('toString'), false);
  });
});
