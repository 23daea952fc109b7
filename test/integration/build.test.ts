/**
 * The bundles run in the real k6: inline source maps make k6's stack traces name the TypeScript
 * file and line, and the smoke bundle loads with k6's own module resolution only.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildScenarios } from '../../build.mjs';
import { runK6 } from '../helpers/k6.ts';

describe('bundles in the real k6', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'build-k6-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a script error at its TypeScript file and line', async () => {
    await mkdir(join(dir, 'scenarios'));
    await writeFile(
      join(dir, 'scenarios', 'boom.ts'),
      [
        "import { sleep } from 'k6';",
        '',
        'function explode(): never {',
        "  throw new Error('boom from TypeScript');",
        '}',
        '',
        'export default function (): void {',
        '  sleep(0);',
        '  explode();',
        '}',
        '',
      ].join('\n'),
    );
    const [bundle] = await buildScenarios({
      scenariosDir: join(dir, 'scenarios'),
      outDir: join(dir, 'dist'),
    });
    const run = await runK6({
      script: bundle?.file ?? '',
      args: ['--iterations', '1'],
      timeoutMs: 30_000,
    });
    assert.match(run.stderr, /Error: boom from TypeScript/);
    assert.match(run.stderr, /at explode \(file:\/\/\S*\/scenarios\/boom\.ts:4:\d+/);
    assert.match(run.stderr, /\/scenarios\/boom\.ts:9:\d+/);
  });
});
