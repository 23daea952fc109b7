import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SCENARIO_KNOBS } from '../../../lib/core/scenario/shapes.ts';
import {
  allSettings,
  findSetting,
  formatSettingsTable,
  SETTING_GROUPS,
} from '../../../lib/core/settings/registry.ts';
import { findRemovedSetting } from '../../../lib/core/settings/removed.ts';

describe('allSettings', () => {
  it('lists each name once, grouped in table order', () => {
    const rows = allSettings();
    const names = rows.map((row) => row.name);
    assert.equal(new Set(names).size, names.length);
    const order = SETTING_GROUPS.map(({ group }) => group);
    const groups = rows.map((row) => order.indexOf(row.group));
    assert.deepEqual(
      groups,
      [...groups].sort((a, b) => a - b),
    );
    assert.ok(!groups.includes(-1));
  });

  it('has one scenario row per knob name, with every scenario default', () => {
    const rate = allSettings().find((row) => row.name === 'RATE');
    assert.equal(rate?.group, 'scenario');
    assert.equal(
      rate?.default,
      'load 50, stress 10, spike 10, soak 20, capacity 20, session-churn 10',
    );
    const knobNames = new Set(Object.values(SCENARIO_KNOBS).flatMap((k) => k.map((s) => s.env)));
    assert.equal(allSettings().filter((row) => row.group === 'scenario').length, knobNames.size);
    assert.equal(findSetting('SESSION_LOSS_AT')?.default, 'login-storm unset');
  });

  it('gives each knob name one meaning: RATE the base rate, PEAK_RATE the top, in every scenario', () => {
    assert.equal(findSetting('PEAK_RATE')?.default, 'stress 150, spike 200, capacity 400');
    assert.equal(findSetting('HOLD')?.default, 'stress 2m, spike 1m, capacity 30s');
    assert.equal(findSetting('RAMP_UP')?.default, 'stress 5m, spike 10s, capacity 10s');
  });

  it('accepts at most 45 names, none of them removed', () => {
    const rows = allSettings();
    assert.ok(rows.length <= 45, `${rows.length} names`);
    assert.deepEqual(
      rows.filter((row) => findRemovedSetting(row.name) !== undefined).map((row) => row.name),
      [],
    );
  });

  it('gives every profile override the profile path it sets', () => {
    for (const row of allSettings().filter((r) => r.group === 'profile')) {
      assert.match(row.profilePath ?? '', /^[a-zA-Z]+(\.[a-zA-Z]+)?$/, row.name);
    }
    assert.equal(findSetting('REFRESH_LEEWAY')?.profilePath, 'expiry.leewaySeconds');
  });

  it('marks the settings that hold secrets', () => {
    const secret = allSettings()
      .filter((row) => row.secret === true)
      .map((row) => row.name);
    assert.deepEqual(secret.sort(), ['ADMIN_TOKEN', 'AUTH_PASSWORD', 'CLIENT_SECRET']);
  });
});

describe('findSetting', () => {
  it('finds a row by its name, and nothing for a name no row has', () => {
    assert.equal(findSetting('ERROR_RATE_MAX')?.group, 'thresholds');
    assert.equal(findSetting('P95_PROTECTED_MS'), undefined);
    assert.equal(findSetting('NOT_A_SETTING'), undefined);
  });
});

describe('formatSettingsTable', () => {
  it('renders name, value, default and meaning, escaping pipes and showing – for no default', () => {
    const table = formatSettingsTable(
      [
        { name: 'A', group: 'run', value: 'x|y', default: '', help: 'first' },
        { name: 'B', group: 'profile', value: 'text', help: 'second', profilePath: 'baseUrl' },
      ],
      (row) => (row.name === 'B' ? 'dflt' : ''),
    );
    assert.equal(
      table,
      [
        '| `-e` | value | default | meaning |',
        '|---|---|---|---|',
        '| `A` | x\\|y | – | first |',
        '| `B` | text | `dflt` | second |',
      ].join('\n'),
    );
  });
});
