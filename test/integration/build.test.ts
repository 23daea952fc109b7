/**
 * The bundles run in the real k6: inline source maps make k6's stack traces name the TypeScript
 * file and line, and a scenario with dist/controller.js (VU 0's code) travels in a k6 archive, the
 * form distributed and cloud runs take, and runs there in any auth mode.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildScenarios } from '../../build.mjs';
import { ensureBuilt, runK6, runK6Command } from '../helpers/k6.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';
import { runToEnd } from '../helpers/run-process.ts';

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

describe('a scenario in a k6 archive', () => {
  const server = referenceServerForSuite();
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archive-k6-'));
    await ensureBuilt();
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('carries dist/controller.js, and runs with every result file, in any auth mode', async () => {
    const archive = join(dir, 'smoke.tar');
    const made = await runK6Command(
      [
        'archive',
        '--quiet',
        '-O',
        archive,
        '-e',
        `BASE_URL=${server.url}`,
        '-e',
        'VUS=2',
        '-e',
        'DURATION=2s',
        'dist/smoke.js',
      ],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
        timeoutMs: 30_000,
      },
    );
    assert.equal(made.code, 0, made.stderr);
    const listing = await runToEnd('tar', ['-tf', archive], { timeoutMs: 10_000 });
    assert.match(listing.stdout, /\/dist\/controller\.js$/m);

    const run = await runK6({ script: archive, timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.summary?.metrics.auth_logins?.count, 2);
    assert.deepEqual(Object.keys(run.resultFiles).sort(), [
      'junit.xml',
      'run.json',
      'summary.json',
      'summary.md',
    ]);

    // A mode the archive was not made with: every plug-in is inside the bundle.
    const session = await runK6({
      script: archive,
      env: { AUTH_MODE: 'session' },
      timeoutMs: 60_000,
    });
    assert.equal(session.code, 0, session.stderr);
    assert.equal(session.summary?.metrics.auth_logins?.count, 2);
    // Form logins, which only session mode sends, are the only ones that open server sessions.
    assert.equal((await server.stats()).activeSessions, 2);
  });
});
