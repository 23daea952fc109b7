import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildLibrary, buildScenarios, thresholdProfilesSource } from '../../build.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

/** Writes `files` (path → text) under a fresh scenarios folder and returns its path. */
async function scenarios(name: string, files: Record<string, string>): Promise<string> {
  const base = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(base, path, '..'), { recursive: true });
    await writeFile(join(base, path), text);
  }
  return join(base, 'scenarios');
}

async function buildError(scenariosDir: string): Promise<string[]> {
  try {
    await buildScenarios({ scenariosDir, outDir: join(scenariosDir, '..', 'dist') });
  } catch (error) {
    return ((error as { errors?: { text: string }[] }).errors ?? []).map((e) => e.text);
  }
  assert.fail('expected the build to fail');
}

describe('buildScenarios', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'build-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bundles every scenarios/*.ts into dist/<name>.js, plus the bundles built apart, and reports each size', async () => {
    const scenariosDir = await scenarios('many', {
      'scenarios/a.ts': 'export default function () {}\n',
      'scenarios/b.ts': 'export default function () {}\n',
      'scenarios/types.d.ts': 'export type X = 1;\n',
      'scenarios/notes.md': '# not a scenario\n',
    });
    const outDir = join(scenariosDir, '..', 'dist');
    const bundles = await buildScenarios({ scenariosDir, outDir });
    assert.deepEqual(
      bundles.map((b) => b.file),
      [
        join(outDir, 'a.js'),
        join(outDir, 'b.js'),
        join(outDir, 'controller.js'),
        join(outDir, 'identity-provider.js'),
      ],
    );
    assert.deepEqual((await readdir(outDir)).sort(), [
      'a.js',
      'b.js',
      'controller.js',
      'identity-provider.js',
    ]);
    for (const bundle of bundles) assert.ok(bundle.bytes > 0);
  });

  it('inlines the scenario’s own imports and leaves k6 modules to k6', async () => {
    const scenariosDir = await scenarios('k6', {
      'lib/helper.ts': 'export const answer = (n: number): number => n * 2;\n',
      'scenarios/s.ts': [
        "import http from 'k6/http';",
        "import { sleep } from 'k6';",
        "import { answer } from '../lib/helper.ts';",
        "export default function () { http.get('http://127.0.0.1:1/' + answer(21)); sleep(1); }",
        '',
      ].join('\n'),
    });
    const [bundle] = await buildScenarios({
      scenariosDir,
      outDir: join(scenariosDir, '..', 'dist'),
    });
    const text = await readFile(bundle?.file ?? '', 'utf8');
    assert.match(text, /from "k6\/http"/);
    assert.match(text, /from "k6"/);
    assert.match(text, /n \* 2/);
    assert.doesNotMatch(text, /helper\.ts"/);
  });

  it('writes an inline source map that points at the TypeScript sources', async () => {
    const scenariosDir = await scenarios('maps', {
      'scenarios/m.ts': 'export default function (): void { throw new Error("x"); }\n',
    });
    const [bundle] = await buildScenarios({
      scenariosDir,
      outDir: join(scenariosDir, '..', 'dist'),
    });
    const text = await readFile(bundle?.file ?? '', 'utf8');
    const match = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(
      text,
    );
    assert.ok(match, 'expected an inline source map at the end of the bundle');
    const map = JSON.parse(Buffer.from(match[1] ?? '', 'base64').toString('utf8')) as {
      sources: string[];
    };
    assert.deepEqual(map.sources, ['../scenarios/m.ts']);
  });

  it('lowers syntax k6 lacks, such as logical assignment, to es2020', async () => {
    const scenariosDir = await scenarios('lower', {
      'scenarios/l.ts':
        'let x: number | undefined;\nexport default function () { x ??= 1; return x; }\n',
    });
    const [bundle] = await buildScenarios({
      scenariosDir,
      outDir: join(scenariosDir, '..', 'dist'),
    });
    const text = await readFile(bundle?.file ?? '', 'utf8');
    assert.doesNotMatch(text, /\?\?=/);
  });

  it('fails naming a Node built-in, with or without the node: prefix', async () => {
    const scenariosDir = await scenarios('node', {
      'scenarios/n.ts':
        "import { readFileSync } from 'fs';\nimport { join } from 'node:path';\nexport default function () { readFileSync(join('a')); }\n",
    });
    assert.deepEqual(await buildError(scenariosDir), [
      '"fs" is a Node built-in; reason: expected code that runs in k6, which has no Node APIs, got an import of "fs"',
      '"node:path" is a Node built-in; reason: expected code that runs in k6, which has no Node APIs, got an import of "node:path"',
    ]);
  });

  it('fails naming an import that cannot be resolved', async () => {
    const scenariosDir = await scenarios('missing', {
      'scenarios/u.ts':
        "import { x } from './nowhere.ts';\nimport y from 'no-such-package-here';\nexport default function () { return x + y; }\n",
    });
    assert.deepEqual(await buildError(scenariosDir), [
      'Could not resolve "./nowhere.ts"',
      'Could not resolve "no-such-package-here"',
    ]);
  });

  it('leaves VU 0’s code to dist/controller.js, which the scenario loads at run time', async () => {
    const scenariosDir = await scenarios('vu-zero', {
      'scenarios/v.ts': [
        `import { summaryHandler } from '${join(ROOT, 'lib/k6/summary.ts')}';`,
        "export const handleSummary = summaryHandler('v');",
        'export default function () {}',
        '',
      ].join('\n'),
    });
    const [bundle, controller] = await buildScenarios({
      scenariosDir,
      outDir: join(scenariosDir, '..', 'dist'),
    });
    const scenario = await readFile(bundle?.file ?? '', 'utf8');
    assert.match(scenario, /require\("\.\/controller\.js"\)/);
    assert.doesNotMatch(scenario, /function renderResults/);
    assert.match(await readFile(controller?.file ?? '', 'utf8'), /function renderResults/);
  });

  it('bundles the password modes into the scenario, and leaves the identity-provider modes to a load at init', async () => {
    const scenariosDir = await scenarios('modes', {
      'scenarios/p.ts': [
        `import { protectedCall } from '${join(ROOT, 'lib/k6/index.ts')}';`,
        'export default function () { protectedCall(); }',
        '',
      ].join('\n'),
    });
    const outDir = join(scenariosDir, '..', 'dist');
    const bundles = await buildScenarios({ scenariosDir, outDir });
    assert.deepEqual(
      bundles.map((b) => b.file),
      [join(outDir, 'p.js'), join(outDir, 'controller.js'), join(outDir, 'identity-provider.js')],
    );
    const scenario = await readFile(join(outDir, 'p.js'), 'utf8');
    // Sorted: their order is the modules' evaluation order, which says nothing here.
    assert.deepEqual(scenario.match(/require\("[^"]+"\)/g)?.sort(), [
      'require("./controller.js")',
      'require("./identity-provider.js")',
      'require("k6/html")',
    ]);
    for (const fn of [
      'planBeforeRequest',
      'buildLoginRequest',
      'parseTokenResponse',
      'buildRefreshRequest',
    ]) {
      assert.match(scenario, new RegExp(`function ${fn}\\b`));
    }
    for (const fn of ['startAuthorization', 'findLoginForm', 'createPkce', 'readDiscovery']) {
      assert.doesNotMatch(scenario, new RegExp(`function ${fn}\\b`), `${fn} stays apart`);
    }
    const apart = await readFile(join(outDir, 'identity-provider.js'), 'utf8');
    for (const fn of ['startAuthorization', 'findLoginForm', 'createPkce', 'readDiscovery']) {
      assert.match(apart, new RegExp(`function ${fn}\\b`));
    }
  });

  it('refuses a scenario named controller, whose bundle would overwrite dist/controller.js', async () => {
    const scenariosDir = await scenarios('clash', {
      'scenarios/controller.ts': 'export default function () {}\n',
    });
    await assert.rejects(buildScenarios({ scenariosDir, outDir: join(dir, 'clash-dist') }), {
      message: `cannot build ${join(scenariosDir, 'controller.ts')}; reason: expected another name, got "controller", which the toolkit's dist/controller.js uses`,
    });
  });

  it('fails when there is no scenario to build', async () => {
    const scenariosDir = await scenarios('empty', { 'scenarios/readme.md': 'nothing\n' });
    await assert.rejects(buildScenarios({ scenariosDir, outDir: join(dir, 'empty-dist') }), {
      message: `nothing to build; reason: expected scenarios/*.ts files, got none in ${scenariosDir}`,
    });
  });

  it('prints each bundle with its size when run as `npm run build`', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['build.mjs'], { cwd: ROOT });
    const lines = stdout.trim().split('\n');
    assert.ok(
      lines.some((line) => line.startsWith('dist/smoke.js  ')),
      stdout,
    );
    for (const file of ['index.js', 'controller.js', 'identity-provider.js', 'index.d.ts']) {
      assert.ok(
        lines.some((line) => line.startsWith(`dist/k6/${file}  `)),
        stdout,
      );
    }
    for (const line of lines) {
      assert.match(line, /^dist\/(k6\/)?[\w.-]+\.(js|d\.ts) {2}\d+(\.\d)? (B|KiB)$/);
    }
  });
  it('exits with 1 and prints each offending import with its place when run on a bad folder', async () => {
    const scenariosDir = await scenarios('cli', {
      'scenarios/bad.ts': "import fs from 'node:fs';\nexport default function () { fs; }\n",
    });
    const run = promisify(execFile)(process.execPath, [join(ROOT, 'build.mjs'), scenariosDir], {
      cwd: join(scenariosDir, '..'),
    });
    await assert.rejects(run, (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1);
      assert.equal(
        error.stderr,
        'build failed: scenarios/bad.ts:1: "node:fs" is a Node built-in; reason: expected code that runs in k6, which has no Node APIs, got an import of "node:fs"\n',
      );
      return true;
    });
  });
  it('leaves nothing in the project’s bundles that k6’s runtime lacks', async () => {
    const bundles = await buildScenarios({ outDir: join(dir, 'project-dist') });
    assert.ok(bundles.some((b) => b.file === join(dir, 'project-dist', 'smoke.js')));
    for (const bundle of bundles) {
      const text = await readFile(bundle.file, 'utf8');
      for (const missing of [
        /\?\?=/,
        /\|\|=/,
        /&&=/,
        /\.replaceAll\(/,
        /\batob\(/,
        /\(\?<[A-Za-z]/,
      ]) {
        assert.doesNotMatch(text, missing, bundle.file);
      }
    }
  });
});

describe('buildLibrary', () => {
  let libDir: string;
  before(async () => {
    libDir = await mkdtemp(join(tmpdir(), 'build-library-'));
  });
  after(async () => {
    await rm(libDir, { recursive: true, force: true });
  });

  it('writes the prebuilt entry, the bundles it loads apart beside it, and its declarations, leaving only k6 modules unresolved', async () => {
    const outDir = join(libDir, 'k6');
    const built = await buildLibrary({ outDir });
    assert.deepEqual(
      built.map((b) => b.file),
      ['index.js', 'controller.js', 'identity-provider.js', 'index.d.ts'].map((f) =>
        join(outDir, f),
      ),
    );
    const entry = await readFile(join(outDir, 'index.js'), 'utf8');
    assert.match(
      entry,
      /^\/\/ k6-auth-toolkit \d+\.\d+\.\d+, the k6 library prebuilt \(MIT\)\. index\.js loads controller\.js and identity-provider\.js from its own folder: keep the three files together\.\n/,
    );
    assert.deepEqual(entry.match(/require\("[^"]+"\)/g)?.sort(), [
      'require("./controller.js")',
      'require("./identity-provider.js")',
      'require("k6/html")',
    ]);
    const imports = [...entry.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    assert.ok(imports.length > 0);
    for (const from of imports) assert.match(from ?? '', /^k6(\/[\w-]+)*$/);
    for (const name of [
      'authenticatedRequest',
      'authenticatedBatch',
      'authenticatedRequestAsync',
      'protectedCall',
      'withThresholds',
      'summaryHandler',
      'defineScenario',
      'setup',
      'useSetupData',
    ]) {
      assert.match(entry, new RegExp(`^export \\{[^}]*\\b${name}\\b`, 'm'), name);
    }
    const types = await readFile(join(outDir, 'index.d.ts'), 'utf8');
    assert.match(types, /^export \* from '\.\/types\/k6\/index\.js';$/m);
    const declarations = await readFile(join(outDir, 'types', 'k6', 'vu-requests.d.ts'), 'utf8');
    assert.match(declarations, /export declare function authenticatedRequest\(/);
  });
});

describe('the threshold profiles k6 loads as source', () => {
  it('are lib/core/scenario/threshold-profiles.ts exactly as the build generates it from thresholds/*.json', async () => {
    const committed = await readFile(
      join(ROOT, 'lib', 'core', 'scenario', 'threshold-profiles.ts'),
      'utf8',
    );
    assert.equal(committed, await thresholdProfilesSource());
  });

  it('come with no JSON import attribute in any file k6 may load as source (k6 v2.2.0 hangs on one in a .ts module)', async () => {
    const found: string[] = [];
    for (const folder of ['lib', 'scenarios', 'examples']) {
      const files = await readdir(join(ROOT, folder), { recursive: true });
      for (const file of files.filter((f) => /\.(ts|js|mjs)$/.test(f))) {
        const text = await readFile(join(ROOT, folder, file), 'utf8');
        if (/\b(with|assert)\s*\{\s*type\s*:/.test(text)) found.push(join(folder, file));
      }
    }
    assert.deepEqual(found, []);
  });
});
