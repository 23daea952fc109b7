import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../../cli/package-root.ts';
import {
  knownSecrets,
  planRun,
  publishResults,
  UsageError,
  writeRunFailure,
} from '../../../cli/run-scenario.ts';

const nowMs = Date.UTC(2025, 10, 30, 7, 27, 12);

describe('planRun', () => {
  it("runs the package's dist/<scenario>.js (a catalogue scenario) into results/<scenario>-<UTC timestamp> through a hidden staging folder", () => {
    const plan = planRun(['smoke', '-e', 'AUTH_MODE=dual'], { PATH: '/bin' }, nowMs, 4242);
    assert.equal(plan.scenario, 'smoke');
    assert.equal(plan.script, join(PACKAGE_ROOT, 'dist', 'smoke.js'));
    assert.equal(plan.resultsDir, 'results/smoke-20251130T072712Z');
    assert.equal(plan.stagingDir, join('results', '.smoke-20251130T072712Z.staging-4242'));
    assert.deepEqual(plan.k6Args, [
      'run',
      '-e',
      'AUTH_MODE=dual',
      '-e',
      `RESULTS_DIR=${plan.stagingDir}`,
      join(PACKAGE_ROOT, 'dist', 'smoke.js'),
    ]);
    assert.deepEqual(plan.env, {
      PATH: '/bin',
      RESULTS_DIR: plan.stagingDir,
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_PORT: '-1',
      K6_WEB_DASHBOARD_EXPORT: join(plan.stagingDir, 'report.html'),
      K6_WEB_DASHBOARD_PERIOD: '1s',
    });
  });

  it('takes RESULTS_DIR from -e over the environment, and keeps it out of the k6 arguments', () => {
    const fromArgs = planRun(
      ['soak', '--env', 'RESULTS_DIR=out/a', '--vus', '2'],
      { RESULTS_DIR: 'out/b' },
      nowMs,
      1,
    );
    assert.equal(fromArgs.resultsDir, 'out/a');
    assert.deepEqual(fromArgs.k6Args, [
      'run',
      '--vus',
      '2',
      '-e',
      `RESULTS_DIR=${join('out', '.a.staging-1')}`,
      join(PACKAGE_ROOT, 'dist', 'soak.js'),
    ]);
    assert.equal(planRun(['soak', '--env=RESULTS_DIR=out/c'], {}, nowMs, 1).resultsDir, 'out/c');
    assert.equal(planRun(['soak'], { RESULTS_DIR: 'out/b' }, nowMs, 1).resultsDir, 'out/b');
  });

  it('runs a script path as given and names the scenario after the file', () => {
    const plan = planRun(['/tmp/x/my-check.js'], { K6_WEB_DASHBOARD_PERIOD: '5s' }, nowMs, 1);
    assert.equal(plan.script, '/tmp/x/my-check.js');
    assert.equal(plan.resultsDir, 'results/my-check-20251130T072712Z');
    assert.equal(plan.env.K6_WEB_DASHBOARD_PERIOD, '5s');
  });

  it('bundles a .ts path first into a hidden folder beside the results, runs the bundle, and names the scenario after the file', () => {
    const plan = planRun(['load-tests/scenario.ts', '-e', 'VUS=2'], {}, nowMs, 7);
    assert.equal(plan.scenario, 'scenario');
    assert.equal(plan.bundleFrom, 'load-tests/scenario.ts');
    assert.equal(plan.script, join('results', '.scenario-20251130T072712Z.build-7', 'scenario.js'));
    assert.equal(plan.resultsDir, 'results/scenario-20251130T072712Z');
    assert.equal(plan.k6Args.at(-1), plan.script);
  });

  it('rejects a missing scenario with the usage line', () => {
    for (const argv of [[], ['-e', 'X=1']]) {
      assert.throws(
        () => planRun(argv, {}, nowMs),
        (error: unknown) =>
          error instanceof UsageError &&
          error.message ===
            'usage: npm run scenario -- <scenario | path/to/script.js | path/to/script.ts> [k6 run arguments…], e.g. npm run scenario -- smoke -e AUTH_MODE=dual',
      );
    }
  });
});

describe('publishResults', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'publish-results-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function stage(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
    return dir;
  }

  it('renames the staging folder into place, creating the parent', async () => {
    const staging = await stage('.a.staging', { 'summary.json': '{}', 'junit.xml': '<x/>' });
    const target = join(root, 'nested', 'a');
    assert.deepEqual(await publishResults(staging, target), ['junit.xml', 'summary.json']);
    assert.equal(existsSync(staging), false);
    assert.deepEqual((await readdir(target)).sort(), ['junit.xml', 'summary.json']);
  });

  it('moves file by file into a folder that already exists, replacing same-named files', async () => {
    const target = await stage('b', { 'summary.json': 'old', 'notes.txt': 'kept' });
    const staging = await stage('.b.staging', { 'summary.json': 'new' });
    assert.deepEqual(await publishResults(staging, target), ['summary.json']);
    assert.equal(existsSync(staging), false);
    assert.equal(await readFile(join(target, 'summary.json'), 'utf8'), 'new');
    assert.equal(await readFile(join(target, 'notes.txt'), 'utf8'), 'kept');
  });

  it('merges a charts/ folder into the one an earlier run left, file by file', async () => {
    const target = await stage('d', { 'index.html': 'old' });
    await stage('d/charts', { 'auth.svg': 'old', 'old-only.svg': 'kept' });
    const staging = await stage('.d.staging', { 'index.html': 'new' });
    await stage('.d.staging/charts', { 'auth.svg': 'new' });
    assert.deepEqual(await publishResults(staging, target), ['charts', 'index.html']);
    assert.equal(existsSync(staging), false);
    assert.equal(await readFile(join(target, 'charts', 'auth.svg'), 'utf8'), 'new');
    assert.equal(await readFile(join(target, 'charts', 'old-only.svg'), 'utf8'), 'kept');
    assert.equal(await readFile(join(target, 'index.html'), 'utf8'), 'new');
  });

  it('creates nothing when k6 wrote nothing', async () => {
    const staging = await stage('.c.staging', {});
    const target = join(root, 'c');
    assert.deepEqual(await publishResults(staging, target), []);
    assert.equal(existsSync(staging), false);
    assert.equal(existsSync(target), false);
  });
});

describe('knownSecrets', () => {
  it('takes the values of secret-named variables from the environment and from -e arguments', () => {
    const args = [
      'smoke',
      '-e',
      'AUTH_PASSWORD=pw-1',
      '--env',
      'CLIENT_SECRET=cs-2',
      '--env=ADMIN_TOKEN=t-3',
    ];
    assert.deepEqual(
      knownSecrets([...args, '-e', 'VUS=2', '-e', 'AUTH_PASSWORD='], {
        API_TOKEN: 'env-4',
        HOME: '/root',
      }),
      ['env-4', 'pw-1', 'cs-2', 't-3'],
    );
  });
});

describe('writeRunFailure', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-failure-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes junit.xml and summary.md for a run k6 stopped before its summary', async () => {
    const files = await writeRunFailure(
      dir,
      {
        code: 'CREDENTIALS_TOO_FEW',
        message: 'CREDENTIALS_TOO_FEW ConfigError: Not enough accounts',
      },
      { scenario: 'smoke', exitCode: 107, generatedAtMs: nowMs },
    );
    assert.deepEqual(files, ['junit.xml', 'summary.md']);
    assert.deepEqual((await readdir(dir)).sort(), files);
    assert.ok(
      (await readFile(join(dir, 'junit.xml'), 'utf8')).includes('type="CREDENTIALS_TOO_FEW"'),
    );
    assert.ok((await readFile(join(dir, 'summary.md'), 'utf8')).includes('(exit code 107)'));
  });
});
