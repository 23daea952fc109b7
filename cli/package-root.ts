/**
 * Where the toolkit's own files are: the folder of its package.json, found from this module's
 * location, so the CLI finds its profiles, thresholds, catalogue scenarios and k6 library the same
 * way whether it runs from this repository (cli/*.ts under tsx) or installed
 * (node_modules/k6-auth-toolkit/dist/cli/k6-auth.js). The user's files are resolved from the
 * working directory, never from here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'k6-auth-toolkit';

/** The nearest folder at or above `from` whose package.json is this toolkit's. */
export function findPackageRoot(from: string): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `toolkit files not found; reason: expected a package.json named ${PACKAGE_NAME} above ${from}, got none`,
      );
    }
    dir = parent;
  }
}

/** The toolkit's package folder (this repository, or node_modules/k6-auth-toolkit). */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** The built catalogue scenario `name` (dist/<name>.js inside the package). */
export function catalogueBundle(name: string): string {
  return join(PACKAGE_ROOT, 'dist', `${name}.js`);
}

/** True in a source checkout (scenarios/*.ts beside build.mjs), where bundles can be rebuilt. */
export function isSourceCheckout(): boolean {
  return existsSync(join(PACKAGE_ROOT, 'build.mjs')) && existsSync(join(PACKAGE_ROOT, 'scenarios'));
}
