/**
 * The target profile, resolved once per VU at init (k6 runs init code in every VU) from
 * `-e PROFILE=<file.json>` and the `-e` overrides (lib/core/profile-resolve.ts). A bad value throws
 * a `ConfigError` here, before any request is sent. The scenario's shape knobs are read by
 * lib/k6/scenario.ts.
 */

import { readEnvValue } from '../core/env-values.ts';
import { ConfigError } from '../core/errors.ts';
import { candidatePaths } from '../core/file-paths.ts';
import type { TargetProfile } from '../core/profile.ts';
import { resolveProfile } from '../core/profile-resolve.ts';

export const profile: TargetProfile = loadProfile(__ENV);

function loadProfile(env: Record<string, string | undefined>): TargetProfile {
  const file = readEnvValue(env, 'PROFILE');
  if (file === undefined) return resolveProfile({ env });
  return resolveProfile({ env, profileJson: readFile(file, env.PWD), profileSource: file });
}

function readFile(path: string, workingDir: string | undefined): string {
  const tried = candidatePaths(path, workingDir);
  for (const candidate of tried) {
    try {
      return open(candidate);
    } catch {
      // Not there: try the next place.
    }
  }
  throw new ConfigError(
    'PROFILE_NOT_FOUND',
    `Cannot open -e PROFILE=${path}; reason: expected a readable file, got none at ${tried.join(' or ')}`,
  );
}
