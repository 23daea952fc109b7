import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveProfile } from '../../../lib/core/auth/profile-resolve.ts';
import { ConfigError } from '../../../lib/core/errors.ts';
import { findSetting } from '../../../lib/core/settings/registry.ts';
import {
  checkRemovedSettings,
  findRemovedSetting,
  REMOVED_SETTINGS,
} from '../../../lib/core/settings/removed.ts';

/** Asserts that `run` throws a ConfigError SETTING_REMOVED with exactly this message. */
function assertRemoved(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.code, 'SETTING_REMOVED');
    assert.equal(error.message, message);
    return true;
  });
}

describe('checkRemovedSettings', () => {
  it('names the knob that replaces a renamed one', () => {
    assertRemoved(
      () => checkRemovedSettings({ START_RATE: '10' }),
      'Removed setting -e START_RATE; reason: expected -e RATE (the base rate: stress starts and capacity first holds there), got -e START_RATE',
    );
    assertRemoved(
      () => checkRemovedSettings({ SPIKE_RATE: '200' }),
      'Removed setting -e SPIKE_RATE; reason: expected -e PEAK_RATE (the top rate), got -e SPIKE_RATE',
    );
  });

  it('names the profile field that took a moved override', () => {
    assertRemoved(
      () => checkRemovedSettings({ LOGIN_FORMAT: 'json' }),
      'Removed setting -e LOGIN_FORMAT; reason: expected login.format in the profile file (-e PROFILE=<file.json>), got -e LOGIN_FORMAT',
    );
  });

  it('recognises every member of a removed threshold family, and says how to write it now', () => {
    assertRemoved(
      () => checkRemovedSettings({ P95_PROTECTED_MS: '300' }),
      `Removed setting -e P95_PROTECTED_MS; reason: expected -e THRESHOLDS_OVERRIDE='{"http_req_duration{endpoint:<endpoint>}":["p(<N>)<<ms>"]}', or a thresholds file (-e THRESHOLDS=<file.json>), got -e P95_PROTECTED_MS`,
    );
    assert.equal(findRemovedSetting('ERROR_RATE_LOGIN_MAX')?.name, 'ERROR_RATE_<ENDPOINT>_MAX');
    assert.equal(findRemovedSetting('ERROR_RATE_MAX'), undefined);
  });

  it('never echoes the value, and lets an empty value pass as unset', () => {
    assert.throws(
      () => checkRemovedSettings({ AUDIENCE: 'secret-audience-42' }),
      (error: Error) => !error.message.includes('secret-audience-42'),
    );
    assert.doesNotThrow(() => checkRemovedSettings({ LOGIN_FORMAT: ' ', RATE: '5', PWD: '/' }));
  });

  it('lists no name that is still accepted, and every moved profile field exists', () => {
    for (const removed of REMOVED_SETTINGS) {
      assert.equal(findSetting(removed.name), undefined, removed.name);
    }
    const profile = resolveProfile({ env: {} }) as unknown as Record<string, unknown>;
    for (const removed of REMOVED_SETTINGS) {
      const path = /^([a-zA-Z.]+) in the profile file/.exec(removed.instead)?.[1];
      if (path === undefined) continue;
      const value = path
        .split('.')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], profile);
      assert.notEqual(value, undefined, `${removed.name}: ${path}`);
    }
  });
});
