/**
 * The scenarios the toolkit ships (its catalogue: smoke, load, soak…) and the bundling of a user's
 * own TypeScript scenario. Installed, the catalogue is prebuilt in the package's dist/; in this
 * repository (a source checkout) a missing bundle is built first, as `npm run build` would.
 * build.mjs is loaded from the package folder at run time, not bundled into the CLI, so its own
 * paths (lib/k6/controller.ts…) stay right wherever the package is installed.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogueBundle, isSourceCheckout, PACKAGE_ROOT } from './package-root.ts';

type Build = typeof import('../build.mjs');

async function loadBuild(): Promise<Build> {
  return import(pathToFileURL(join(PACKAGE_ROOT, 'build.mjs')).href);
}

/**
 * Builds the catalogue when this is a source checkout and `names` are not all built yet, or when
 * `always` (npm start rebuilds, as it always has). Resolves to the bundles written (none when
 * nothing was built).
 */
export async function ensureCatalogue(
  names: readonly string[],
  always = false,
): Promise<{ file: string; bytes: number }[]> {
  const missing = names.filter((name) => !existsSync(catalogueBundle(name)));
  if (!isSourceCheckout() || (!always && missing.length === 0)) return [];
  return (await loadBuild()).buildScenarios();
}

/**
 * Bundles the user's `source` (.ts) for k6 into `outDir`/<name>.js, with VU 0's controller and the
 * identity-provider bundle beside it; `import … from 'k6-auth-toolkit'` resolves to this package's
 * k6 library. Resolves to the bundle's path.
 */
export async function bundleUserScenario(source: string, outDir: string): Promise<string> {
  const { bundleForK6 } = await loadBuild();
  await bundleForK6([source], outDir);
  return join(outDir, `${basename(source).replace(/\.[^.]+$/, '')}.js`);
}
