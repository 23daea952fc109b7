/**
 * The one list of `-e` settings: the fixed rows (lib/core/settings/rows.ts) and the scenario
 * knobs (lib/core/scenario/shapes.ts), one row per name. Used by VU 0 and by Node code only (the
 * docs generator, tests): a scenario bundle never imports it, so no VU pays for its rows.
 */
import {
  KNOB_MEANINGS,
  KNOB_VALUES,
  PLANNED_SCENARIOS,
  SCENARIO_KNOBS,
} from '../scenario/shapes.ts';
import type { RemovedSetting } from './removed.ts';
import { fixedSettingRows, type SettingGroup, type SettingRow } from './rows.ts';

export type { SettingGroup, SettingRow } from './rows.ts';

/** The groups in table order, with the heading each table has. */
export const SETTING_GROUPS: ReadonlyArray<{ group: SettingGroup; title: string }> = [
  { group: 'run', title: 'Run' },
  { group: 'credentials', title: 'Accounts' },
  { group: 'profile', title: 'Target profile overrides' },
  { group: 'scenario', title: 'Scenario knobs' },
  { group: 'thresholds', title: 'Threshold overrides' },
];

/**
 * One row per knob name across the catalogue: its one meaning and its defaults per scenario
 * ("load 50, soak 20").
 */
function knobRows(): SettingRow[] {
  const rows: SettingRow[] = [];
  for (const scenario of PLANNED_SCENARIOS) {
    for (const knob of SCENARIO_KNOBS[scenario]) {
      let row = rows.find((r) => r.name === knob.env);
      if (row === undefined) {
        row = {
          name: knob.env,
          group: 'scenario',
          value: KNOB_VALUES[knob.kind],
          default: '',
          help: KNOB_MEANINGS[knob.env],
        };
        rows.push(row);
      }
      const given = knob.default === null ? 'unset' : knob.default;
      row.default = `${row.default}${row.default === '' ? '' : ', '}${scenario} ${given}`;
    }
  }
  return rows;
}

/** Every setting, in table order. */
export function allSettings(): SettingRow[] {
  const rows = [...fixedSettingRows(), ...knobRows()];
  return SETTING_GROUPS.flatMap(({ group }) => rows.filter((row) => row.group === group));
}

/** The row of `name`, or undefined for a name the toolkit does not read. */
export function findSetting(
  name: string,
  rows: readonly SettingRow[] = allSettings(),
): SettingRow | undefined {
  return rows.find((row) => row.name === name);
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/**
 * The Markdown table of one group: name, value, default, meaning. `defaultOf` supplies the
 * defaults rows leave to the code (the profile overrides').
 */
export function formatSettingsTable(
  rows: readonly SettingRow[],
  defaultOf: (row: SettingRow) => string = (row) => row.default ?? '',
): string {
  const lines = ['| `-e` | value | default | meaning |', '|---|---|---|---|'];
  for (const row of rows) {
    const fallback = defaultOf(row);
    const shown = fallback === '' ? '–' : row.group === 'profile' ? `\`${fallback}\`` : fallback;
    lines.push(`| \`${row.name}\` | ${cell(row.value)} | ${cell(shown)} | ${cell(row.help)} |`);
  }
  return lines.join('\n');
}

/** The Markdown table of the removed names: each with what to use instead. */
export function formatRemovedTable(rows: readonly RemovedSetting[]): string {
  const lines = ['| removed `-e` | use instead |', '|---|---|'];
  for (const row of rows) lines.push(`| \`${row.name}\` | ${cell(row.instead)} |`);
  return lines.join('\n');
}
