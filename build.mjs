/**
 * `npm run build`: bundles every `scenarios/<name>.ts` into `dist/<name>.js` for the k6 runtime.
 *
 * k6 runs one JavaScript file per test with no npm resolution and no Node APIs, so everything a
 * scenario uses must be inside its bundle, except k6's own modules (`k6`, `k6/*`), which the k6
 * binary provides. Anything else left unresolved, or a Node built-in, fails the build here,
 * naming the import, instead of failing later inside k6.
 *
 * `node build.mjs [<scenarios dir> [<out dir>]]` builds another folder (tests use it); the bundles
 * are also importable as `buildScenarios({ scenariosDir, outDir })`.
 */
import { readdir, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/**
 * esbuild on the neutral platform already refuses what it cannot resolve; this plugin gives Node
 * built-ins their own message, since "could not resolve fs" does not say why that is fatal.
 */
const rejectNodeBuiltins = {
  name: 'reject-node-builtins',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (!NODE_BUILTINS.has(args.path) && !args.path.startsWith('node:')) return undefined;
      return {
        errors: [
          {
            text: `"${args.path}" is a Node built-in; reason: expected code that runs in k6, which has no Node APIs, got an import of "${args.path}"`,
          },
        ],
      };
    });
  },
};

/**
 * Bundles each `*.ts` file directly in `scenariosDir` into `<outDir>/<name>.js`.
 * Resolves to the bundles written, with their sizes; rejects with esbuild's error (which names
 * each offending import and where it is) when any import cannot go into a k6 bundle.
 */
export async function buildScenarios({
  scenariosDir = join(ROOT, 'scenarios'),
  outDir = join(ROOT, 'dist'),
} = {}) {
  const entries = (await readdir(scenariosDir))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .sort()
    .map((name) => join(scenariosDir, name));
  if (entries.length === 0) {
    throw new Error(
      `nothing to build; reason: expected scenarios/*.ts files, got none in ${scenariosDir}`,
    );
  }
  await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    outbase: scenariosDir,
    bundle: true,
    format: 'esm',
    // k6's JavaScript engine (sobek) lacks newer syntax such as `??=`; es2020 lowers it.
    target: 'es2020',
    platform: 'neutral',
    // Neutral resolves no package entry fields by default; npm packages still need these.
    mainFields: ['module', 'main'],
    external: ['k6', 'k6/*'],
    // Inline, so k6 maps stack traces back to the TypeScript without finding a second file.
    sourcemap: 'inline',
    // Mappings are enough for stack traces; the sources themselves would double the size.
    sourcesContent: false,
    logLevel: 'silent',
    plugins: [rejectNodeBuiltins],
  });
  const bundles = [];
  for (const entry of entries) {
    const file = join(outDir, `${basename(entry, '.ts')}.js`);
    bundles.push({ file, bytes: (await stat(file)).size });
  }
  return bundles;
}

function formatSize(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

const invokedDirectly =
  process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  try {
    const [scenariosDir, outDir] = process.argv.slice(2).map((path) => resolve(path));
    const options = {};
    if (scenariosDir !== undefined) options.scenariosDir = scenariosDir;
    if (outDir !== undefined) options.outDir = outDir;
    for (const { file, bytes } of await buildScenarios(options)) {
      console.log(`${relative(process.cwd(), file)}  ${formatSize(bytes)}`);
    }
  } catch (error) {
    const messages = error.errors?.length
      ? error.errors.map((e) => {
          const where = e.location ? `${e.location.file}:${e.location.line}: ` : '';
          return `build failed: ${where}${e.text}`;
        })
      : [`build failed: ${error.message}`];
    for (const message of messages) console.error(message);
    process.exitCode = 1;
  }
}
