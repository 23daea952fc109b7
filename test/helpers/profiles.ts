/**
 * Target profiles for tests: an example from profiles/ as a user would pass it with `-e PROFILE`,
 * or settings written inline, both through the real resolver; and profile files for real k6 runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetProfile } from '../../lib/core/auth/profile.ts';
import { resolveProfile } from '../../lib/core/auth/profile-resolve.ts';

/**
 * `profiles/<name>.json` resolved with `env` as the `-e` overrides; `fields` replace the file's
 * top-level fields of the same name, as a copy of the file edited by a user would.
 */
export function exampleProfile(
  name: string,
  env: Record<string, string> = {},
  fields: Record<string, unknown> = {},
): TargetProfile {
  const path = `profiles/${name}.json`;
  const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const profileJson =
    Object.keys(fields).length === 0 ? text : JSON.stringify({ ...JSON.parse(text), ...fields });
  return resolveProfile({ env, profileJson, profileSource: path });
}

/** `json` as the content of a profile file named p.json, with `env` as the `-e` overrides. */
export function profileFromJson(json: unknown, env: Record<string, string> = {}): TargetProfile {
  return resolveProfile({ env, profileJson: JSON.stringify(json), profileSource: 'p.json' });
}

/** Plain objects merged key by key; anything else (arrays too) from `top`. */
function merge(base: unknown, top: unknown): unknown {
  const plain = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!plain(base) || !plain(top)) return top;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) merged[key] = merge(base[key], value);
  return merged;
}

let profileFolder: string | undefined;

/**
 * A profile file for a real k6 run (`-e PROFILE=<the path returned>`): `profiles/<base>.json`, if
 * given, with `fields` merged in, as a user edits a copy of a shipped profile. Written to a
 * temporary folder that is removed when the test process exits.
 */
export function writeProfileFile(fields: Record<string, unknown>, base?: string): string {
  if (profileFolder === undefined) {
    const folder = mkdtempSync(join(tmpdir(), 'k6-auth-profiles-'));
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    profileFolder = folder;
  }
  const shipped =
    base === undefined
      ? {}
      : JSON.parse(readFileSync(new URL(`../../profiles/${base}.json`, import.meta.url), 'utf8'));
  const path = join(profileFolder, `profile-${readdirSync(profileFolder).length + 1}.json`);
  writeFileSync(path, JSON.stringify(merge(shipped, fields)));
  return path;
}
