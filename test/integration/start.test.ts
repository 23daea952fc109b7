/**
 * `npm start` end to end, as a user runs it: the real script in its own process (build, k6,
 * in-process reference server, smoke in every auth mode), with its results in a temporary folder.
 */
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Finished, runScript } from '../helpers/run-process.ts';

const MODES = ['session', 'token', 'dual', 'authorization-code', 'client-credentials'];
/** Where each mode's smoke run sends its protected requests. */
const PATHS: Record<string, string> = {
  session: '/protected',
  token: '/protected',
  dual: '/protected',
  'authorization-code': '/api/protected',
  'client-credentials': '/api/protected',
};
/** The script promises under a minute; the slack is for a busy two-core machine. */
const TIMEOUT_MS = 180_000;

function runStart(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return runScript('cli/k6-auth.ts', ['demo', ...args], { env, timeoutMs: TIMEOUT_MS });
}

describe('npm start', () => {
  let resultsDir: string;
  let finished: Finished;

  before(async () => {
    resultsDir = join(await mkdtemp(join(tmpdir(), 'start-')), 'demo');
    // USERNAME in a user's shell must not reach k6's __ENV (it would pick a single account).
    finished = await runStart([], {
      ...process.env,
      RESULTS_DIR: resultsDir,
      USERNAME: 'someone',
    });
    console.log(`npm start took ${(finished.elapsedMs / 1000).toFixed(1)} s`);
  });

  after(async () => {
    await rm(join(resultsDir, '..'), { recursive: true, force: true });
  });

  it('exits 0 with visible progress for every step', () => {
    assert.equal(finished.code, 0, `stderr tail: ${finished.stderr.slice(-800)}`);
    const progress = finished.stdout.split('\n').filter((line) => /^\[\d\/9\] /.test(line));
    assert.deepEqual(
      progress.map((line) => line.slice(0, line.indexOf(':'))),
      [
        '[1/9] build',
        '[2/9] k6',
        '[3/9] reference server',
        '[4/9] identity provider',
        '[5/9] session',
        '[6/9] token',
        '[7/9] dual',
        '[8/9] authorization-code',
        '[9/9] client-credentials',
      ],
    );
    for (const mode of MODES) {
      assert.match(finished.stdout, new RegExp(`\\n      ${mode}: passed \\(k6 exit code 0, `));
    }
    assert.match(finished.stdout, /All thresholds held in every mode/);
  });

  it('prints one table comparing the modes, in which only dual refreshes', () => {
    const lines = finished.stdout.split('\n');
    const header = lines.findIndex((line) => line.trim().startsWith('mode '));
    assert.notEqual(header, -1, finished.stdout);
    assert.match(
      lines[header] ?? '',
      /mode\s+protected req\/s\s+p95 protected ms\s+p95 refresh ms\s+logins\s+refreshes\s+errors\s+thresholds/,
    );
    const rows = new Map(
      lines.slice(header + 1, header + 1 + MODES.length).map((line) => {
        const cells = line.trim().split(/\s{2,}/);
        return [cells[0], cells] as const;
      }),
    );
    assert.deepEqual([...rows.keys()], MODES);
    for (const [mode, cells] of rows) {
      assert.ok(Number(cells[1]) > 0, `${mode} protected req/s`);
      assert.equal(cells[6], '0', `${mode} errors`);
      assert.equal(cells[7], 'passed');
    }
    // 5 VUs: one login each; token mode logs in again as its 5 s tokens run out.
    assert.equal(rows.get('session')?.[4], '5');
    assert.ok(Number(rows.get('token')?.[4]) > 5, 'token mode logs in again');
    assert.equal(rows.get('dual')?.[4], '5');
    assert.ok(Number(rows.get('dual')?.[5]) >= 5, 'dual mode refreshes');
    assert.equal(rows.get('dual')?.[3] === '–', false, 'dual has a refresh p95');
    assert.equal(rows.get('session')?.[5], '0');
    // The code flow: one walk through the provider's pages per VU, then refreshes.
    assert.equal(rows.get('authorization-code')?.[4], '5');
    assert.ok(Number(rows.get('authorization-code')?.[5]) >= 5, 'the code flow refreshes');
    // Client credentials: a new token before each one expires.
    assert.ok(Number(rows.get('client-credentials')?.[4]) > 5, 'client credentials renew');
  });

  it('writes every result file for every mode, and a comparison', async () => {
    for (const mode of MODES) {
      for (const file of [
        'summary.json',
        'junit.xml',
        'summary.md',
        'report.html',
        'series.json',
        'index.html',
      ]) {
        await access(join(resultsDir, mode, file));
      }
      const summary = JSON.parse(await readFile(join(resultsDir, mode, 'summary.json'), 'utf8'));
      assert.ok(summary.metrics['http_reqs{endpoint:protected}'].values.count > 0, mode);
    }
    const comparison = await readFile(join(resultsDir, 'comparison.md'), 'utf8');
    assert.match(comparison, /^# npm start: the smoke scenario in every auth mode/);
    assert.match(comparison, /\| dual \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 5 \| \d+ \| 0 \| passed \|/);
    assert.match(comparison, /- Exit code: 0/);
  });

  it('prints no password, token or cookie', () => {
    const text = finished.stdout + finished.stderr;
    assert.equal(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./.test(text), false, 'a JWT');
    assert.equal(/\bpass\d+\b/.test(text), false, 'a demo password');
    assert.equal(/\bsid=/.test(text), false, 'a session cookie');
  });
});

describe('npm start with a threshold that cannot hold', () => {
  it('exits 99, says which modes crossed it, and still writes their results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'start-99-'));
    try {
      const resultsDir = join(dir, 'demo');
      const finished = await runStart(
        [
          // Extra arguments reach every k6 run; the later -e wins.
          ...['-e', 'DURATION=2s'],
          ...['-e', 'THRESHOLDS_OVERRIDE={"http_reqs{endpoint:protected}":["count<1"]}'],
        ],
        { ...process.env, RESULTS_DIR: resultsDir },
      );
      assert.equal(finished.code, 99, finished.stdout);
      assert.match(
        finished.stdout,
        /Not passed in: session, token, dual, authorization-code, client-credentials; see their summary\.md \(exit code 99\)/,
      );
      for (const mode of MODES) {
        assert.match(
          finished.stdout,
          new RegExp(`${mode}: thresholds crossed \\(k6 exit code 99, `),
        );
        await access(join(resultsDir, mode, 'summary.md'));
      }
      assert.match(await readFile(join(resultsDir, 'comparison.md'), 'utf8'), /- Exit code: 99/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start when every run fails at init', () => {
  it('says the VUs and duration it was given, and promises no file that k6 did not write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'start-107-'));
    try {
      const resultsDir = join(dir, 'demo');
      const finished = await runStart(
        // A profile that does not exist stops every k6 run at init, before any result file.
        ['-e', 'VUS=3', '-e', 'DURATION=2s', '-e', 'THRESHOLDS=no-such-profile'],
        { ...process.env, RESULTS_DIR: resultsDir },
      );
      assert.equal(finished.code, 107, finished.stdout);
      for (const [index, mode] of MODES.entries()) {
        assert.match(
          finished.stdout,
          new RegExp(`\\n\\[${5 + index}/9\\] ${mode}: 3 VUs for 2s against ${PATHS[mode]}…\\n`),
        );
        assert.match(finished.stdout, new RegExp(`${mode}/ \\(no files: k6 wrote none\\)`));
      }
      const closing = finished.stdout.slice(finished.stdout.indexOf('\nResults: '));
      assert.doesNotMatch(closing, /report\.html|summary\.md/);
      assert.match(
        closing,
        /Not passed in: session, token, dual, authorization-code, client-credentials; no results were written: see k6's errors above \(exit code 107\)\./,
      );
      const comparison = await readFile(join(resultsDir, 'comparison.md'), 'utf8');
      assert.match(comparison, /- Load: 3 VUs for 2s per mode/);
      assert.match(comparison, /No mode wrote a summary\.md\./);
      assert.doesNotMatch(comparison, /\]\(\w+\/summary\.md\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
