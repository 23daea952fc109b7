/**
 * Opens a file the user named with `-e NAME=<path>`: the target profile or the credentials pool.
 * Init code only, where k6's `open()` exists. A relative path is tried from the folder k6 runs in,
 * then from the project root (lib/core/file-paths.ts).
 */
import { ConfigError, ERROR_CODES } from '../core/errors.ts';
import { candidatePaths } from '../core/file-paths.ts';

const NOT_FOUND = {
  PROFILE: ERROR_CODES.PROFILE_NOT_FOUND,
  CREDENTIALS: ERROR_CODES.CREDENTIALS_NOT_FOUND,
} as const;

/**
 * The text of the file `-e <name>=<path>` names.
 * @throws ConfigError `PROFILE_NOT_FOUND` or `CREDENTIALS_NOT_FOUND`, listing every place tried.
 */
export function openSettingFile(name: 'PROFILE' | 'CREDENTIALS', path: string): string {
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
