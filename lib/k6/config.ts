/**
 * The target profile, resolved once per VU at init (k6 runs init code in every VU) from
 * `-e PROFILE=<file.json>` and the `-e` overrides (lib/core/profile-resolve.ts). A bad value throws
 * a `ConfigError` here, before any request is sent. The scenario's shape knobs are read by
 * lib/k6/scenario.ts.
 */
import { readEnvValue } from '../core/env-values.ts';
import type { TargetProfile } from '../core/profile.ts';
import { resolveProfile } from '../core/profile-resolve.ts';
import { openSettingFile } from './open-file.ts';

export const profile: TargetProfile = loadProfile(__ENV);

function loadProfile(env: Record<string, string | undefined>): TargetProfile {
  const file = readEnvValue(env, 'PROFILE');
  if (file === undefined) return resolveProfile({ env });
  const profileJson = openSettingFile('PROFILE', file);
  return resolveProfile({ env, profileJson, profileSource: file });
}
