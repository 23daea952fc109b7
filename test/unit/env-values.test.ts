import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseDecimal,
  parseDurationMs,
  parseRate,
  parseWholeNumber,
  readEnvValue,
} from '../../lib/core/env-values.ts';

describe('readEnvValue', () => {
  it('gives the value without surrounding spaces', () => {
    assert.equal(readEnvValue({ RATE: ' 50 ' }, 'RATE'), '50');
  });

  it('treats an unset, empty or blank value as unset', () => {
    assert.equal(readEnvValue({}, 'RATE'), undefined);
    assert.equal(readEnvValue({ RATE: '' }, 'RATE'), undefined);
    assert.equal(readEnvValue({ RATE: '   ' }, 'RATE'), undefined);
  });
});

describe('k6 durations', () => {
  it('parses every unit and their combinations into milliseconds', () => {
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('30s'), 30_000);
    assert.equal(parseDurationMs('1m30s'), 90_000);
    assert.equal(parseDurationMs('2h'), 7_200_000);
    assert.equal(parseDurationMs('1.5s'), 1500);
    assert.equal(parseDurationMs('0s'), 0);
  });

  it('gives NaN for text that is not a k6 duration', () => {
    for (const text of ['', '30', 'ten seconds', '1d', '-5s', '5 s']) {
      assert.ok(Number.isNaN(parseDurationMs(text)), text);
    }
  });

  it('gives the same answer when called again, whatever the previous text was', () => {
    assert.equal(parseDurationMs('1h30m'), 5_400_000);
    assert.equal(parseDurationMs('1h30m'), 5_400_000);
  });
});

describe('numbers', () => {
  it('reads decimals written with digits and an optional fraction', () => {
    assert.equal(parseDecimal('0'), 0);
    assert.equal(parseDecimal('0.25'), 0.25);
    assert.equal(parseDecimal('300'), 300);
  });

  it('refuses signs, exponents, hex, bare dots, spaces and words', () => {
    for (const text of ['', '-1', '+1', '1e3', '0x10', '.5', '5.', ' 5', 'Infinity', 'five']) {
      assert.ok(Number.isNaN(parseDecimal(text)), text);
    }
  });

  it('reads whole numbers within the bounds given, both included', () => {
    assert.equal(parseWholeNumber('1', 1, 100), 1);
    assert.equal(parseWholeNumber('100', 1, 100), 100);
    assert.equal(parseWholeNumber('0'), 0);
    for (const text of ['0', '101', '2.5', '-1', '1e2', 'ten', '']) {
      assert.ok(Number.isNaN(parseWholeNumber(text, 1, 100)), text);
    }
  });

  it('reads rates from 0 to 1', () => {
    assert.equal(parseRate('0'), 0);
    assert.equal(parseRate('0.01'), 0.01);
    assert.equal(parseRate('1'), 1);
    for (const text of ['1.5', '-0.1', '5%', '']) {
      assert.ok(Number.isNaN(parseRate(text)), text);
    }
  });
});
