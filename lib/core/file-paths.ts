/**
 * Where to look for a file the user named with `-e` (a profile, a credentials pool): k6 resolves a
 * relative `open()` from the script's folder (dist/), but users type paths from the folder they
 * run k6 in.
 */

/**
 * The paths to try, in order, for `path`:
 * 1. as is, when absolute (or a `file:` URL);
 * 2. from the working folder, `PWD` (present unless k6 runs with `--include-system-env-vars=false`);
 * 3. from the project root as seen from a bundle in dist/ (`../<path>`), so `-e PROFILE=profiles/x.json`
 *    still works from the project root without `PWD`.
 */
export function candidatePaths(path: string, workingDir: string | undefined): string[] {
  if (/^(\/|[A-Za-z]:[\\/]|file:)/.test(path)) return [path];
  const relative = path.replace(/^\.\//, '');
  const candidates: string[] = [];
  if (workingDir !== undefined && workingDir !== '') {
    candidates.push(`${workingDir.replace(/[\\/]+$/, '')}/${relative}`);
  }
  candidates.push(`../${relative}`);
  return candidates;
}
