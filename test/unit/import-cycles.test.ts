import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findImportCycles } from '../helpers/import-cycles.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = mkdtempSync(join(tmpdir(), 'import-cycles-'));
after(() => rmSync(fixture, { recursive: true, force: true }));

/** Writes `files` (path → text) under `name` in the fixture folder and returns that folder. */
function tree(name: string, files: Record<string, string>): string {
  const base = join(fixture, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(base, path, '..'), { recursive: true });
    writeFileSync(join(base, path), text);
  }
  return base;
}

describe('import cycles', () => {
  it('finds a cycle of type-only imports, listed once from the file that sorts first', () => {
    const root = tree('types', {
      'src/b.ts': "import type { A } from './a.ts';\nexport type B = A[];\n",
      'src/a.ts': "import type { B } from './b.ts';\nexport type A = { b: B };\n",
    });
    assert.deepEqual(findImportCycles(root, ['src']), [['src/a.ts', 'src/b.ts']]);
  });

  it('finds a value cycle of three files across folders, re-exports included', () => {
    const root = tree('values', {
      'lib/a.ts': "import { b } from './inner/b.ts';\nexport const a = () => b;\n",
      'lib/inner/b.ts': "export { c as b } from '../../other/c.ts';\n",
      'other/c.ts': "import { a } from '../lib/a.ts';\nexport const c = () => a;\n",
      'other/d.ts': "import { a } from '../lib/a.ts';\nexport const d = a;\n",
    });
    assert.deepEqual(findImportCycles(root, ['lib', 'other']), [
      ['lib/a.ts', 'lib/inner/b.ts', 'other/c.ts'],
    ]);
  });

  it('finds nothing in a tree whose imports only go one way', () => {
    const root = tree('acyclic', {
      'src/a.ts':
        "import { b } from './b.ts';\nimport type { C } from './c.ts';\nexport const a = b;\n",
      'src/b.ts': "import type { C } from './c.ts';\nexport const b: C = 1;\n",
      'src/c.ts': 'export type C = number;\n',
    });
    assert.deepEqual(findImportCycles(root, ['src']), []);
  });

  it('finds none in lib/, cli/, server/, idp/, test/ and bench/, type-only imports included', () => {
    const cycles = findImportCycles(ROOT, ['lib', 'cli', 'server', 'idp', 'test', 'bench']);
    assert.deepEqual(
      cycles.map((cycle) => cycle.join(' -> ')),
      [],
    );
  });
});
