/**
 * Dependencies point one way: the test harness and the benchmarks may import the product, never
 * the reverse, and lib/ (what k6 bundles, and what the npm package will export) imports none of
 * the programs around it. A product file importing test/ would ship test code, or fail once test/
 * is left out of the package.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/run-process.ts';

const SOURCE = /\.(ts|mts|js|mjs)$/;

/** The repository-relative source files under `folder` (or the one file `folder` names). */
function sourceFiles(folder: string): string[] {
  if (SOURCE.test(folder)) return [folder];
  return readdirSync(join(REPO_ROOT, folder), { recursive: true })
    .map((entry) => join(folder, String(entry)))
    .filter((path) => SOURCE.test(path));
}

/**
 * Every relative module a file names (static and dynamic `import`, `export … from`, `require`),
 * resolved to a repository-relative path. Type-only imports count: they tie the files as well.
 */
function relativeImports(path: string, text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) {
    found.push(normalize(join(dirname(path), match[1] ?? '')));
  }
  return found;
}

/** `importer → imported` for each import from `folders` into one of `forbidden`. */
function importsInto(folders: readonly string[], forbidden: readonly string[]): string[] {
  const wrong: string[] = [];
  for (const path of folders.flatMap(sourceFiles)) {
    const text = readFileSync(join(REPO_ROOT, path), 'utf8');
    for (const imported of relativeImports(path, text)) {
      const top = relative('.', imported).split('/')[0] ?? '';
      if (forbidden.includes(top)) wrong.push(`${path} → ${imported}`);
    }
  }
  return wrong;
}

describe('the direction of dependencies', () => {
  it('finds the imports it is meant to find (the scan can fail)', () => {
    const text = [
      "import { a } from '../test/helpers/k6.ts';",
      "import type { B } from '../bench/lib/k6-run.ts';",
      "export { c } from './k6-process.ts';",
      "const d = await import('../test/chaos/chaos.ts');",
      "const e = require('./controller.js');",
      "import './side-effect.ts';",
    ].join('\n');
    assert.deepEqual(relativeImports('cli/x.ts', text), [
      'test/helpers/k6.ts',
      'bench/lib/k6-run.ts',
      'cli/k6-process.ts',
      'test/chaos/chaos.ts',
      'cli/controller.js',
      'cli/side-effect.ts',
    ]);
  });

  it('keeps the product (lib/, cli/, server/, idp/, scenarios/, build.mjs) free of test/ and bench/', () => {
    assert.deepEqual(
      importsInto(['lib', 'cli', 'server', 'idp', 'scenarios', 'build.mjs'], ['test', 'bench']),
      [],
    );
  });

  it('keeps lib/ free of the programs around it: cli/, server/, idp/', () => {
    assert.deepEqual(importsInto(['lib'], ['cli', 'server', 'idp']), []);
  });
});
