/**
 * Opens a file the user named with `-e NAME=<path>`: the target profile, the credentials pool or
 * a thresholds profile of their own.
 * Init code only, where k6's `open()` exists. A relative path is tried from the folder k6 runs in,
 * then from the project root (lib/core/file-paths.ts).
 */
import { readEnvValue } from '../core/env-values.ts';
import { ConfigError, ERROR_CODES } from '../core/errors.ts';
import { candidatePaths } from '../core/file-paths.ts';
import { isThresholdsFile } from '../core/scenario/thresholds.ts';

const NOT_FOUND = {
  PROFILE: ERROR_CODES.PROFILE_NOT_FOUND,
  CREDENTIALS: ERROR_CODES.CREDENTIALS_NOT_FOUND,
  THRESHOLDS: ERROR_CODES.THRESHOLDS_UNKNOWN,
} as const;

/**
 * The text of the file `-e <name>=<path>` names.
 * @throws ConfigError `PROFILE_NOT_FOUND`, `CREDENTIALS_NOT_FOUND` or `THRESHOLDS_UNKNOWN`,
 *   listing every place tried.
 */
export function openSettingFile(name: keyof typeof NOT_FOUND, path: string): string {
  const tried = candidatePaths(path, __ENV.PWD);
  for (const candidate of tried) {
    try {
      return open(candidate);
    } catch {
      // Not there: try the next place.
    }
  }
  throw new ConfigError(
    NOT_FOUND[name],
    `Cannot open -e ${name}=${path}; reason: expected a readable file, got none at ${tried.join(' or ')}`,
  );
}

/** The text of the file `-e THRESHOLDS=<file.json>` names; undefined when it names a profile. */
export function openThresholdsFile(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const name = readEnvValue(env, 'THRESHOLDS');
  return name !== undefined && isThresholdsFile(name)
    ? openSettingFile('THRESHOLDS', name)
    : undefined;
}
