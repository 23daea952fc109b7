/**
 * `npm run docs`: writes the `-e` settings tables into the docs from the settings registry
 * (lib/core/settings/registry.ts), between `<!-- settings:<group> -->` and `<!-- /settings -->`;
 * the group `removed` is the table of names the toolkit no longer reads (removed.ts).
 * test/unit/cli/settings-tables.test.ts fails when a page differs from what this writes.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveProfile } from '../lib/core/auth/profile-resolve.ts';
import {
  allSettings,
  formatRemovedTable,
  formatSettingsTable,
  type SettingGroup,
  type SettingRow,
} from '../lib/core/settings/registry.ts';
import { REMOVED_SETTINGS } from '../lib/core/settings/removed.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The pages that carry generated tables: the settings reference, and the profiles' own READMEs. */
export const DOCUMENTED_FILES = ['docs/settings.md', 'profiles/README.md', 'thresholds/README.md'];

const MARKER = /<!-- settings:([a-z]+) -->\n[\s\S]*?<!-- \/settings -->/g;

/** A profile value as a user would type it with `-e` (`none` for null, lists comma-separated). */
function asTyped(value: unknown): string {
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** The built-in profile's value at `row.profilePath` (`builtIn`: the profile in dual mode). */
function profileDefault(row: SettingRow, builtIn: unknown): string {
  if (row.profilePath === undefined) return row.default ?? '';
  if (row.secret) return '';
  let value = builtIn;
  for (const key of row.profilePath.split('.')) {
    value = (value as Record<string, unknown> | null)?.[key] ?? null;
  }
  return asTyped(value);
}

/** `text` with every marked table replaced by the registry's; throws on an unknown group. */
export function writeTables(text: string, source: string): string {
  const rows = allSettings();
  const builtIn = resolveProfile({ env: {} });
  return text.replace(MARKER, (_block, group: string) => {
    if (group === 'removed') {
      return `<!-- settings:removed -->\n${formatRemovedTable(REMOVED_SETTINGS)}\n<!-- /settings -->`;
    }
    const inGroup = rows.filter((row) => row.group === (group as SettingGroup));
    if (inGroup.length === 0) {
      throw new Error(
        `Unknown settings table in ${source}; reason: expected a group such as "run" or "profile", got "${group}"`,
      );
    }
    return `<!-- settings:${group} -->\n${formatSettingsTable(inGroup, (row) => profileDefault(row, builtIn))}\n<!-- /settings -->`;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  for (const file of DOCUMENTED_FILES) {
    const path = join(ROOT, file);
    const text = readFileSync(path, 'utf8');
    const next = writeTables(text, file);
    if (next !== text) {
      writeFileSync(path, next);
      process.stdout.write(`updated ${file}\n`);
    }
  }
}
