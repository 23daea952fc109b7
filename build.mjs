/**
 * `npm run build`: bundles every `scenarios/<name>.ts` into `dist/<name>.js` for the k6 runtime,
 * and the k6 library, lib/k6/index.ts, into the prebuilt folder `dist/k6/` that users' scripts
 * import (`buildLibrary`; docs/k6-library.md).
 *
 * k6 runs one JavaScript file per test with no npm resolution and no Node APIs, so everything a
 * scenario uses must be inside its bundle, except k6's own modules (`k6`, `k6/*`), which the k6
 * binary provides. Anything else left unresolved, or a Node built-in, fails the build here,
 * naming the import, instead of failing later inside k6.
 *
 * k6 also instantiates every function of every loaded module in every VU, and each VU keeps its
 * copy for the whole test (bench/RESULTS.md's notes measure it), so the code only VU 0 runs
 * (settings, planning, results; see lib/k6/vu-zero.ts) is bundled apart into
 * `<out dir>/controller.js` from lib/k6/controller.ts, which VU 0 loads at init with k6's
 * `require` and the other VUs never instantiate. Likewise the identity-provider modes
 * (authorization-code, client-credentials: their login walk, forms, URLs, discovery, PKCE) go to
 * `<out dir>/identity-provider.js` from lib/k6/identity-provider.ts, which lib/k6/auth-mode.ts
 * requires at init only in a run of those modes: they cost a VU of another mode nothing. Each
 * `require` stays a run-time load of the file beside the bundle: copy dist/ as a whole. The
 * password modes (session, token, dual) stay inside the bundle: a `require` gives each VU that
 * makes it a module loader and record of its own, more than their code (bench/RESULTS.md, fix 5).
 *
 * `node build.mjs [<scenarios dir> [<out dir>]]` builds another folder (tests use it) and no
 * library; the bundles are also importable as `buildScenarios({ scenariosDir, outDir })`, any
 * entry files as `bundleForK6(entryPoints, outDir)`, and the library as `buildLibrary()`.
 * `npm run build` first regenerates lib/core/scenario/threshold-profiles.ts from thresholds/*.json;
 * the other entries only read it, so `k6-auth run file.ts` in an installed package writes nothing
 * inside node_modules (a unit test keeps the committed module in step with the JSON files).
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

/** The bundles built apart, each required at run time by one module of the scenario bundle. */
const APART = [
  {
    entry: join(ROOT, 'lib', 'k6', 'controller.ts'),
    file: 'controller.js',
    loader: join(ROOT, 'lib', 'k6', 'vu-zero.ts'),
  },
  {
    entry: join(ROOT, 'lib', 'k6', 'identity-provider.ts'),
    file: 'identity-provider.js',
    loader: join(ROOT, 'lib', 'k6', 'auth-mode.ts'),
  },
];

/** The shipped threshold profiles as a TypeScript module, generated from thresholds/*.json. */
const THRESHOLD_PROFILES_MODULE = join(ROOT, 'lib', 'core', 'scenario', 'threshold-profiles.ts');

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
 * Each loader's `require('./<name>.ts')` of a bundle built apart stays a run-time load of
 * `./<name>.js` beside the bundle. The source names the `.ts` file, so that k6 running lib/ as
 * source (`k6 run scenarios/smoke.ts`) loads it too, apart as well.
 */
const keepApart = {
  name: 'keep-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+\.ts$/ }, (args) => {
      const apart = APART.find(
        ({ file, loader }) =>
          args.path === `./${file.replace(/\.js$/, '.ts')}` && args.importer === loader,
      );
      return apart ? { path: `./${apart.file}`, external: true } : undefined;
    });
  },
};

/**
 * The text of lib/core/scenario/threshold-profiles.ts: every thresholds/<name>.json as
 * `THRESHOLD_PROFILES[name]`. The JSON files stay the one source; this module exists because k6
 * loads lib/ as source when a user runs a `.ts` file, and k6 v2.2.0 hangs forever on a `.ts`
 * module with a JSON import attribute (`import x from './a.json' with { type: 'json' }`).
 */
export async function thresholdProfilesSource() {
  const dir = join(ROOT, 'thresholds');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const entries = await Promise.all(
    names.map(async (name) => {
      const profile = JSON.parse(await readFile(join(dir, name), 'utf8'));
      return `  ${JSON.stringify(name.replace(/\.json$/, ''))}: ${JSON.stringify(profile, null, 2).replace(/\n/g, '\n  ')},`;
    }),
  );
  return [
    '// Generated by `npm run build` (build.mjs) from thresholds/*.json: edit those, not this file.',
    '// k6 hangs on a JSON import attribute in a `.ts` module it loads as source (build.mjs says why).',
    '/** The profiles shipped in thresholds/, by the name given with `-e THRESHOLDS=<name>`. */',
    'export const THRESHOLD_PROFILES: Readonly<Record<string, unknown>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

/** Writes lib/core/scenario/threshold-profiles.ts when thresholds/*.json changed. */
export async function writeThresholdProfiles() {
  const source = await thresholdProfilesSource();
  const current = await readFile(THRESHOLD_PROFILES_MODULE, 'utf8').catch(() => '');
  if (current !== source) await writeFile(THRESHOLD_PROFILES_MODULE, source);
}

/**
 * Bundles each `*.ts` file directly in `scenariosDir` into `<outDir>/<name>.js`, plus the bundles
 * built apart (`<outDir>/controller.js`, `<outDir>/identity-provider.js`).
 * Resolves to the bundles written, with their sizes; rejects with esbuild's error (which names
 * each offending import and where it is) when any import cannot go into a k6 bundle.
 */
export async function buildScenarios({
  scenariosDir = join(ROOT, 'scenarios'),
  outDir = join(ROOT, 'dist'),
  sourcemap = true,
} = {}) {
  const names = (await readdir(scenariosDir))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .sort();
  if (names.length === 0) {
    throw new Error(
      `nothing to build; reason: expected scenarios/*.ts files, got none in ${scenariosDir}`,
    );
  }
  for (const { file } of APART) {
    const name = file.replace(/\.js$/, '');
    if (!names.includes(`${name}.ts`)) continue;
    throw new Error(
      `cannot build ${join(scenariosDir, `${name}.ts`)}; reason: expected another name, got "${name}", which the toolkit's dist/${file} uses`,
    );
  }
  return bundleForK6(
    names.map((name) => join(scenariosDir, name)),
    outDir,
    { sourcemap },
  );
}

/**
 * Bundles `entryPoints` (from one folder) into `<outDir>/<name>.js` each, and the bundles built
 * apart (VU 0's controller.js, identity-provider.js), which the bundles load at run time. Resolves
 * to the bundles written, with their sizes, the apart ones last.
 * `sourcemap: false` leaves the inline source map out (the bench measures what it costs per VU);
 * users' builds always have it. `import … from 'k6-auth-toolkit'` resolves to lib/k6/index.ts, the
 * k6 library's source: a script of the user's (`k6-auth run my-test.ts`) or an example in this
 * repository imports the package by name and gets the same bundle as a catalogue scenario.
 */
export async function bundleForK6(entryPoints, outDir, { sourcemap = true, banner } = {}) {
  const settings = {
    bundle: true,
    format: 'esm',
    // k6's JavaScript engine (sobek) lacks newer syntax such as `??=`; es2020 lowers it.
    target: 'es2020',
    platform: 'neutral',
    // Neutral resolves no package entry fields by default; npm packages still need these.
    mainFields: ['module', 'main'],
    external: ['k6', 'k6/*'],
    // Inline, so k6 maps stack traces back to the TypeScript without finding a second file.
    sourcemap: sourcemap ? 'inline' : false,
    // Mappings are enough for stack traces; the sources themselves would double the size.
    sourcesContent: false,
    logLevel: 'silent',
    plugins: [rejectNodeBuiltins, keepApart],
    ...(banner === undefined ? {} : { banner: { js: banner } }),
    alias: { 'k6-auth-toolkit': join(ROOT, 'lib', 'k6', 'index.ts') },
  };
  const apart = APART.map(({ entry, file }) => ({ entry, outfile: join(outDir, file) }));
  await Promise.all([
    esbuild.build({ ...settings, entryPoints, outdir: outDir }),
    ...apart.map(({ entry, outfile }) =>
      esbuild.build({ ...settings, entryPoints: [entry], outfile }),
    ),
  ]);
  const files = entryPoints.map((entry) =>
    join(outDir, `${basename(entry).replace(/\.[^.]+$/, '')}.js`),
  );
  files.push(...apart.map(({ outfile }) => outfile));
  return Promise.all(files.map(async (file) => ({ file, bytes: (await stat(file)).size })));
}

/**
 * The k6 library prebuilt (`<outDir>`, default dist/k6/), for scripts that plain `k6 run` loads
 * without a build of their own: `index.js` (lib/k6/index.ts, the one public entry, bundled with
 * only `k6` and `k6/*` left to k6), `controller.js` and `identity-provider.js` beside it (loaded
 * apart, as for the scenarios), and `index.d.ts` with the declarations under `types/`, which name
 * k6's modules only as imports (the user's @types/k6). k6 resolves each `require('./x.js')`
 * against the module that calls it, so the folder works where it is copied or served from, by a
 * relative path or by an https URL. Resolves to the files written, with their sizes.
 */
export async function buildLibrary({ outDir = join(ROOT, 'dist', 'k6') } = {}) {
  await rm(outDir, { recursive: true, force: true });
  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const bundles = await bundleForK6([join(ROOT, 'lib', 'k6', 'index.ts')], outDir, {
    // Whoever finds a copy of this folder learns what it is and what must stay with it.
    banner: `// k6-auth-toolkit ${version}, the k6 library prebuilt (MIT). index.js loads controller.js and identity-provider.js from its own folder: keep the three files together.`,
  });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const typesDir = join(outDir, 'types');
  await promisify(execFile)(process.execPath, [
    tsc,
    ...['-p', join(ROOT, 'tsconfig.k6-types.json'), '--outDir', typesDir],
  ]);
  const types = join(outDir, 'index.d.ts');
  await writeFile(
    types,
    "// The k6-auth-toolkit library's API: declarations of lib/k6/index.ts.\nexport * from './types/k6/index.js';\n",
  );
  return [...bundles, { file: types, bytes: (await stat(types)).size }];
}

function formatSize(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

const invokedDirectly =
  // realpath: Node loads the main module by its real path, so a symlinked build.mjs compares so too.
  process.argv[1] && realpathSync(resolve(process.argv[1])) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  try {
    const [scenariosDir, outDir] = process.argv.slice(2).map((path) => resolve(path));
    const options = {};
    if (scenariosDir !== undefined) options.scenariosDir = scenariosDir;
    if (outDir !== undefined) options.outDir = outDir;
    await writeThresholdProfiles();
    const built = await buildScenarios(options);
    if (scenariosDir === undefined) built.push(...(await buildLibrary()));
    for (const { file, bytes } of built) {
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
