import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeType, isPlainObject } from '../../lib/core/value-types.ts';

describe('isPlainObject', () => {
  it('is true for a JSON object only, not for null, an array or a string', () => {
    assert.equal(isPlainObject({ a: 1 }), true);
    assert.equal(isPlainObject({}), true);
    for (const value of [null, undefined, [], 'x', 1, true])
      assert.equal(isPlainObject(value), false);
  });
});

describe('describeType', () => {
  it('names the type, never the value', () => {
    assert.deepEqual(
      [undefined, null, '', 'pass1', 42, true, [], { password: 'pass1' }].map(describeType),
      [
        'nothing',
        'null',
        'an empty string',
        'a string',
        'a number',
        'a boolean',
        'an array',
        'an object',
      ],
    );
  });
});
