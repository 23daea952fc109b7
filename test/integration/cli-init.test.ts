/**
 * `k6-auth init` then `k6-auth run` as a user runs them, from a folder outside this repository:
 * the scaffolded scenario (which imports 'k6-auth-toolkit') is bundled by the CLI and run by the
 * real k6 against the reference server, logging in per VU and refreshing, and passes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ReferenceServer, startReferenceServer } from '../helpers/reference-server.ts';
import { REPO_ROOT, runToEnd } from '../helpers/run-process.ts';

const TSX = import.meta.resolve('tsx');

function k6Auth(cwd: string, args: string[], timeoutMs = 30_000) {
  return runToEnd(process.execPath, ['--import', TSX, join(REPO_ROOT, 'cli/k6-auth.ts'), ...args], {
    cwd,
    timeoutMs,
  });
}

describe('k6-auth init, then k6-auth run of the scaffolded scenario', () => {
  let server: ReferenceServer;
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k6-auth-user-'));
    // Two-second access tokens: a six-second run refreshes every VU's token.
    server = await startReferenceServer({ ACCESS_TTL: '2' });
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scaffolds load-tests/ in dual mode, refuses to do it twice, and the scenario passes with the real k6', async () => {
    const init = await k6Auth(dir, ['init', '--mode', 'dual', '--base-url', server.url]);
    assert.equal(init.code, 0, init.stderr);
    const again = await k6Auth(dir, ['init', '--mode', 'dual']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^k6-auth init: load-tests\/scenario\.ts exists; .*pass --force/);

    const run = await k6Auth(
      dir,
      [
        'run',
        'load-tests/scenario.ts',
        '-e',
        `BASE_URL=${server.url}`,
        '-e',
        'PROFILE=load-tests/profile.json',
        '-e',
        'CREDENTIALS=load-tests/accounts.example.csv',
        '-e',
        'VUS=2',
        '-e',
        'DURATION=6s',
        '-e',
        'RESULTS_DIR=results/first',
        '--quiet',
      ],
      120_000,
    );
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(await readFile(join(dir, 'results/first/summary.json'), 'utf8'));
    const counter = (name: string) => summary.metrics[name]?.values?.count ?? 0;
    assert.equal(counter('auth_logins'), 2, 'one login per VU');
    assert.ok(counter('auth_refreshes') >= 2, `refreshes: ${counter('auth_refreshes')}`);
    assert.deepEqual(
      (await readdir(join(dir, 'results'))).filter((name) => name.startsWith('.')),
      [],
      'no staging or build folder left behind',
    );
  });
});
