/**
 * The run's configuration, resolved once per VU at init (k6 runs init code in every VU): the target
 * profile (`-e PROFILE=<file.json>` and the `-e` overrides, see lib/core/profile-resolve.ts) and the
 * scenario's shape knobs. A bad value throws a `ConfigError` here, before any request is sent.
 */
import { ConfigError } from '../core/errors.ts';
import { candidatePaths } from '../core/file-paths.ts';
import type { TargetProfile } from '../core/profile.ts';
import { resolveProfile } from '../core/profile-resolve.ts';
import { parseRunSettings, type RunSettings } from '../core/run-settings.ts';

export const profile: TargetProfile = loadProfile(__ENV);
export const runSettings: RunSettings = parseRunSettings(__ENV);

function loadProfile(env: Record<string, string | undefined>): TargetProfile {
  const file = env.PROFILE?.trim();
  if (file === undefined || file === '') return resolveProfile({ env });
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
