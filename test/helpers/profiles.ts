/**
 * Target profiles for unit tests: an example from profiles/ as a user would pass it with
 * `-e PROFILE`, or settings written inline, both through the real resolver.
 */
import { readFileSync } from 'node:fs';
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
