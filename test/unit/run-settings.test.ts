import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../lib/core/errors.ts';
import { parseRunSettings } from '../../lib/core/run-settings.ts';

describe('parseRunSettings', () => {
  it('defaults to one VU for 30 seconds, one request at a time, 0.1 s of think time', () => {
    assert.deepEqual(parseRunSettings({}), {
      vus: 1,
      duration: '30s',
      parallel: 1,
      parallelVia: 'batch',
      pauseSeconds: 0.1,
    });
  });

  it('reads every knob, treating empty values as unset', () => {
    assert.deepEqual(
      parseRunSettings({
        VUS: '20',
        DURATION: '1m30s',
        PARALLEL: '4',
        PARALLEL_VIA: 'async',
        PAUSE_SECONDS: '0',
      }),
      { vus: 20, duration: '1m30s', parallel: 4, parallelVia: 'async', pauseSeconds: 0 },
    );
    assert.equal(parseRunSettings({ VUS: ' ', DURATION: '' }).vus, 1);
  });

  it('rejects a VU count that is not a whole number in range, naming the setting', () => {
    for (const value of ['0', '-1', '2.5', 'ten', '100001']) {
      assert.throws(
        () => parseRunSettings({ VUS: value }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.code === 'RUN_SETTING_INVALID' &&
          error.message ===
            `Invalid -e VUS; reason: expected a whole number from 1 to 100000, got ${JSON.stringify(value)}`,
      );
    }
  });

  it('rejects a duration k6 would not accept', () => {
    assert.throws(() => parseRunSettings({ DURATION: '30' }), {
      code: 'RUN_SETTING_INVALID',
      message:
        'Invalid -e DURATION; reason: expected a k6 duration such as "30s" or "1m30s", got "30"',
    });
  });

  it('rejects an unknown way of sending parallel requests', () => {
    assert.throws(() => parseRunSettings({ PARALLEL_VIA: 'threads' }), {
      message: 'Invalid -e PARALLEL_VIA; reason: expected "batch" or "async", got "threads"',
    });
  });

  it('rejects a negative or non-numeric pause', () => {
    assert.throws(() => parseRunSettings({ PAUSE_SECONDS: '-1' }), {
      message: 'Invalid -e PAUSE_SECONDS; reason: expected a number of seconds >= 0, got "-1"',
    });
  });

  it('bounds parallel requests per VU to 100', () => {
    assert.throws(() => parseRunSettings({ PARALLEL: '101' }), { code: 'RUN_SETTING_INVALID' });
    assert.equal(parseRunSettings({ PARALLEL: '100' }).parallel, 100);
  });
});
