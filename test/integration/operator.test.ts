/**
 * `npm run operator`: the archive and the TestRun it writes. The archive is made by the real k6
 * (`k6 archive --exclude-env-vars`) and must hold no `-e` value; the manifest is checked offline
 * against the k6-operator's published TestRun CRD (pinned, from its Go module).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ensureBuilt, runK6Command } from '../helpers/k6.ts';
import { runScript } from '../helpers/run-process.ts';
import { type TestRunValidator, testRunValidator } from '../helpers/testrun-crd.ts';

// Made-up values that only this test uses: each must appear in no written file.
const CLIENT_SECRET = 'op-test-client-secret-7Qx2';
const ADMIN_TOKEN = 'op-test-admin-token-9Kd4';

interface EnvVar {
  name: string;
  value?: unknown;
  valueFrom?: unknown;
}
/** The parts of the manifest the tests read. */
interface Manifest {
  spec: {
    parallelism: number;
    separate: boolean;
    script: unknown;
    arguments: string;
    runner: { env: EnvVar[]; volumeMounts: unknown };
    [field: string]: unknown;
  };
}

describe('npm run operator', () => {
  let dir = '';
  let validate: TestRunValidator;
  let manifest: Manifest;
  let archive: Buffer;
  let stderr = '';

  before(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'k6-operator-'));
    validate = await testRunValidator();
    const run = await runScript(
      'cli/k6-auth.ts',
      [
        'operator',
        'load',
        '--parallelism',
        '4',
        '--separate',
        '--out',
        dir,
        '-e',
        'BASE_URL=https://staging.example.com',
        '-e',
        'RATE=40',
        '-e',
        `CLIENT_SECRET=${CLIENT_SECRET}`,
        '-e',
        `ADMIN_TOKEN=${ADMIN_TOKEN}`,
      ],
      { timeoutMs: 60_000 },
    );
    stderr = run.stderr;
    assert.equal(run.code, 0, run.stderr);
    manifest = parse(await readFile(join(dir, 'testrun.yaml'), 'utf8')) as Manifest;
    archive = await readFile(join(dir, 'archive.tar'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an archive that holds no secret and no -e value at all', () => {
    assert.ok(archive.includes('dist/load.js'), 'the bundle is inside');
    for (const value of [CLIENT_SECRET, ADMIN_TOKEN, 'staging.example.com']) {
      assert.equal(archive.includes(value), false, `${value.slice(0, 8)}… is in the archive`);
    }
  });

  it('would have found a secret in an archive made without --exclude-env-vars (the check can fail)', async () => {
    const file = join(dir, 'with-env.tar');
    const made = await runK6Command(
      ['archive', '-O', file, '-e', `CLIENT_SECRET=${CLIENT_SECRET}`, 'dist/load.js'],
      {
        timeoutMs: 60_000,
      },
    );
    assert.equal(made.code, 0, made.stderr);
    assert.equal((await readFile(file)).includes(CLIENT_SECRET), true);
  });

  it('writes a manifest with no secret value: secrets come from the Secret by secretKeyRef', async () => {
    const text = await readFile(join(dir, 'testrun.yaml'), 'utf8');
    assert.equal(text.includes(CLIENT_SECRET) || text.includes(ADMIN_TOKEN), false);
    assert.equal(stderr.includes(CLIENT_SECRET) || stderr.includes(ADMIN_TOKEN), false);
    const env = manifest.spec.runner.env;
    assert.deepEqual(
      env.find((e) => e.name === 'CLIENT_SECRET'),
      {
        name: 'CLIENT_SECRET',
        valueFrom: { secretKeyRef: { name: 'k6-load-secrets', key: 'CLIENT_SECRET' } },
      },
    );
    assert.deepEqual(
      env.find((e) => e.name === 'RATE'),
      { name: 'RATE', value: '40' },
    );
    assert.deepEqual(
      env.find((e) => e.name === 'DISTRIBUTED'),
      { name: 'DISTRIBUTED', value: 'true' },
    );
  });

  it('splits over the runners and has each write its results to its own folder on the results volume', () => {
    assert.equal(manifest.spec.parallelism, 4);
    assert.equal(manifest.spec.separate, true);
    assert.deepEqual(manifest.spec.script, {
      configMap: { name: 'k6-load-archive', file: 'archive.tar' },
    });
    assert.equal(manifest.spec.arguments, '--out json=/results/$(POD_NAME)/samples.json.gz');
    const env = manifest.spec.runner.env;
    assert.deepEqual(
      env.find((e) => e.name === 'RESULTS_DIR'),
      { name: 'RESULTS_DIR', value: '/results/$(POD_NAME)' },
    );
    assert.deepEqual(manifest.spec.runner.volumeMounts, [
      { name: 'results', mountPath: '/results' },
    ]);
  });

  it("passes the k6-operator's TestRun CRD schema, every emitted field included", () => {
    assert.deepEqual(validate(manifest), []);
  });

  it('has a schema check that refuses a misspelt or mistyped field', () => {
    const misspelt = structuredClone(manifest);
    misspelt.spec.paralelism = 4;
    assert.match(validate(misspelt).join('\n'), /additionalProperty":"paralelism"/);
    const mistyped = structuredClone(manifest);
    (mistyped.spec.runner.env[1] as EnvVar).value = 5;
    assert.match(validate(mistyped).join('\n'), /\/spec\/runner\/env\/1\/value must be string/);
    const unknownRunnerField = structuredClone(manifest);
    (unknownRunnerField.spec.runner as Record<string, unknown>).volumeMount = [];
    assert.notDeepEqual(validate(unknownRunnerField), []);
  });
});
