/**
 * Issue 11, items 5 and 6, with the real k6 against the reference server:
 * - a configuration error ends k6 with the message and its code and no stack frames (unless
 *   `-e STACK_TRACES=true`), and `npm run scenario` still publishes junit.xml and summary.md;
 * - a password secret k6 cannot read stops the test at its first use (no promise storm), and a
 *   run in which no protected request succeeded fails whatever its thresholds say.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseJunit } from '../helpers/fixtures/parse-junit.ts';
import { counterCount, ensureBuilt, findLeaks, runK6 } from '../helpers/k6.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';
import { type Finished, runScript } from '../helpers/run-process.ts';

const SCRIPT_EXCEPTION = 107;
const TEST_ABORTED = 108;
const THRESHOLDS_CROSSED = 99;
/** k6 prints a stack frame inside its logfmt message as an escaped `\n\tat `. */
const STACK_FRAME = '\\tat ';
/** What the issue measured for the false pass: tens of thousands of these. */
const PROMISE_STORM = 'Uncaught (in promise)';

describe('configuration errors and false passes (issue 11, items 5 and 6)', () => {
  let dir: string;

  before(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'fail-safe-config-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const server = referenceServerForSuite();

  async function protectedSeen(): Promise<number> {
    return (await server.stats()).requests.protected ?? 0;
  }

  /** `npm run scenario -- args…` into `resultsDir`. */
  function runScenario(
    args: string[],
    resultsDir: string,
    env: NodeJS.ProcessEnv = {},
  ): Promise<Finished> {
    return runScript('cli/k6-auth.ts', ['run', ...args], {
      env: { ...process.env, RESULTS_DIR: resultsDir, ...env },
      timeoutMs: 60_000,
    });
  }

  describe('a password secret that cannot be read', () => {
    it('without --secret-source stops at its first use: exit 108, the code, no request, no promise storm, and no pass', async () => {
      await server.resetStats();
      const startedMs = Date.now();
      const run = await runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_USERNAME: 'user1',
          AUTH_PASSWORD_SECRET: 'nope',
          VUS: '5',
          SHARE_ACCOUNTS: 'true',
          DURATION: '10s',
        },
        timeoutMs: 60_000,
      });
      const elapsedMs = Date.now() - startedMs;
      assert.equal(run.code, TEST_ABORTED, run.stderr);
      assert.ok(elapsedMs < 8_000, `stopped at once, not after DURATION: ${elapsedMs} ms`);
      assert.match(
        run.stderr,
        /test aborted: CREDENTIALS_SECRET_UNREADABLE: Cannot read the secret -e AUTH_PASSWORD_SECRET=nope; reason: expected a secret of that name in a --secret-source \(e\.g\. --secret-source=file=secrets\.txt\), got \\"no secret sources are configured\\"/,
      );
      assert.equal(run.stderr.includes(PROMISE_STORM), false, run.stderr.slice(0, 2000));
      assert.ok(
        run.stderr.split('\n').length < 10,
        `a few lines, got ${run.stderr.split('\n').length}`,
      );
      assert.equal(await protectedSeen(), 0);
      assert.equal((await server.stats()).requests.login, 0);
      // k6 still runs handleSummary after an abort: the results fail and say why.
      const markdown = run.resultFiles['summary.md'] ?? '';
      const result = markdown.split('\n').find((line) => line.startsWith('- Result: ')) ?? '';
      assert.match(
        result.replaceAll('\\', ''),
        /^- Result: \*\*failed\*\*: test stopped: CREDENTIALS_SECRET_UNREADABLE: Cannot read the secret -e AUTH_PASSWORD_SECRET=\S+; .*; no protected request succeeded: 0 were sent \(1 of/,
      );
      assert.equal(markdown.includes('**passed**'), false);
      const junit = parseJunit(run.resultFiles['junit.xml'] ?? '');
      assert.ok(
        junit.testcases.some((testcase) =>
          testcase.failure?.startsWith('no protected request succeeded: 0 were sent;'),
        ),
      );
      assert.deepEqual(findLeaks(run), []);
    });

    it('from a secret source that lacks the name stops the same way, saying k6 found no value', async () => {
      const secrets = join(dir, 'secrets.txt');
      await writeFile(secrets, 'other=pass1\n');
      await server.resetStats();
      const run = await runK6({
        script: 'dist/smoke.js',
        env: { BASE_URL: server.url, AUTH_USERNAME: 'user1', AUTH_PASSWORD_SECRET: 'nope' },
        args: [`--secret-source=file=${secrets}`],
        timeoutMs: 60_000,
      });
      assert.equal(run.code, TEST_ABORTED, run.stderr);
      assert.match(run.stderr, /CREDENTIALS_SECRET_UNREADABLE: .*got \\"no value\\"/);
      assert.equal(run.stderr.includes(PROMISE_STORM), false);
      assert.equal(await protectedSeen(), 0);
    });

    it('that is there logs in with it and passes, the secret nowhere in the output', async () => {
      const secrets = join(dir, 'secrets-ok.txt');
      await writeFile(secrets, 'pw=pass1\n');
      await server.resetStats();
      const run = await runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_USERNAME: 'user1',
          AUTH_PASSWORD_SECRET: 'pw',
          DURATION: '2s',
        },
        args: [`--secret-source=file=${secrets}`],
        timeoutMs: 60_000,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.ok((await protectedSeen()) > 0);
      const summary = run.summary;
      assert.ok(summary);
      assert.ok(
        counterCount(summary, 'http_reqs{endpoint:protected,expected_response:true}') > 0,
        'the guard counted the successes',
      );
      assert.ok((run.resultFiles['summary.md'] ?? '').includes('- Result: **passed**: all'));
      assert.deepEqual(findLeaks(run), []);
    });
  });

  it('a run whose protected requests all fail exits 99 and says so, though every other threshold was removed', async () => {
    await server.resetStats();
    const run = await runK6({
      script: 'dist/smoke.js',
      env: {
        BASE_URL: server.url,
        AUTH_MODE: 'token',
        // Logins work; the protected path answers 404, which no client expects.
        PROTECTED_PATH: '/no-such-endpoint',
        DURATION: '2s',
        THRESHOLDS_OVERRIDE: JSON.stringify({
          'http_req_failed{endpoint:protected}': [],
          'http_req_duration{endpoint:protected}': [],
          auth_errors: [],
          checks: [],
          // An attempt to remove the guard: it is added back after the overrides.
          'http_reqs{endpoint:protected,expected_response:true}': [],
        }),
      },
      timeoutMs: 60_000,
    });
    assert.equal(run.code, THRESHOLDS_CROSSED, run.stderr);
    const summary = run.summary;
    assert.ok(summary);
    const sent = counterCount(summary, 'http_reqs{endpoint:protected}');
    assert.ok(sent > 0, 'protected requests were sent');
    assert.equal(counterCount(summary, 'http_reqs{endpoint:protected,expected_response:true}'), 0);
    const verdict = `no protected request succeeded: ${sent} ${sent === 1 ? 'was' : 'were'} sent, none answered as expected`;
    const markdown = run.resultFiles['summary.md'] ?? '';
    assert.ok(markdown.includes(`- Result: **failed**: ${verdict} (1 of `), markdown);
    const junit = parseJunit(run.resultFiles['junit.xml'] ?? '');
    assert.deepEqual(
      junit.testcases.filter((testcase) => testcase.failure !== undefined).map((t) => t.failure),
      [
        `${verdict}; the run fails whatever the other thresholds say (http_reqs{endpoint:protected,expected_response:true} count>0; observed count=0)`,
      ],
    );
    assert.ok(run.stdout.includes(`✗ ${verdict}`));
  });

  describe('a configuration error at init', () => {
    it('under a plain k6 run shows the code and the message without stack frames, and with them on STACK_TRACES=true', async () => {
      const env = {
        BASE_URL: server.url,
        VUS: '3',
        AUTH_USERNAME: 'user1',
        AUTH_PASSWORD: 'pass1',
      };
      const plain = await runK6({ script: 'dist/smoke.js', env, timeoutMs: 30_000 });
      assert.equal(plain.code, SCRIPT_EXCEPTION);
      assert.ok(
        plain.stderr.includes(
          'level=error msg="CREDENTIALS_TOO_FEW ConfigError: Not enough accounts for VU 3; reason: expected at most 1 VUs for 1 accounts (add accounts, lower the VUs, or set -e SHARE_ACCOUNTS=true), got VU 3\\n" hint="script exception"',
        ),
        plain.stderr,
      );
      assert.equal(plain.stderr.includes(STACK_FRAME), false, plain.stderr);

      // An error of VU 0's controller bundle (a separate copy of the error classes) too.
      const knob = await runK6({
        script: 'dist/smoke.js',
        env: { BASE_URL: server.url, VUS: '0' },
        timeoutMs: 30_000,
      });
      assert.equal(knob.code, SCRIPT_EXCEPTION);
      assert.match(knob.stderr, /msg="SCENARIO_SETTING_INVALID ConfigError: Invalid -e VUS; /);
      assert.equal(knob.stderr.includes(STACK_FRAME), false, knob.stderr);

      // A name the toolkit no longer reads stops the run before any load, naming its successor.
      const removed = await runK6({
        script: 'dist/stress.js',
        env: { BASE_URL: server.url, START_RATE: '5', DURATION: '1s' },
        timeoutMs: 30_000,
      });
      assert.equal(removed.code, SCRIPT_EXCEPTION);
      assert.ok(
        removed.stderr.includes(
          'msg="SETTING_REMOVED ConfigError: Removed setting -e START_RATE; reason: expected -e RATE (the base rate: stress starts and capacity first holds there), got -e START_RATE\\n" hint="script exception"',
        ),
        removed.stderr,
      );

      const debug = await runK6({
        script: 'dist/smoke.js',
        env: { ...env, STACK_TRACES: 'true' },
        timeoutMs: 30_000,
      });
      assert.equal(debug.code, SCRIPT_EXCEPTION);
      assert.match(debug.stderr, /CREDENTIALS_TOO_FEW ConfigError: Not enough accounts for VU 3/);
      assert.match(
        debug.stderr,
        /\\tat assertAccountsFor \(file:\/\/\S+\/lib\/k6\/credentials\.ts:/,
      );
      assert.equal(await protectedSeen(), 0);
    });

    it('under npm run scenario publishes junit.xml and summary.md with the code, the message and the fix, no secret in them', async () => {
      const password = 'a-Secret-pw-7731';
      const resultsDir = join(dir, 'too-few');
      await server.resetStats();
      const run = await runScenario(
        [
          'smoke',
          '--quiet',
          '-e',
          `BASE_URL=${server.url}`,
          '-e',
          'VUS=3',
          '-e',
          'AUTH_USERNAME=user1',
        ],
        resultsDir,
        // From the environment, as the README says: the wrapper refuses a secret given with -e.
        { AUTH_PASSWORD: password },
      );
      assert.equal(run.code, SCRIPT_EXCEPTION, run.stderr);
      assert.equal(run.stderr.includes(STACK_FRAME), false, run.stderr);
      const message =
        'CREDENTIALS_TOO_FEW ConfigError: Not enough accounts for VU 3; reason: expected at most 1 VUs for 1 accounts (add accounts, lower the VUs, or set -e SHARE_ACCOUNTS=true), got VU 3';
      assert.ok(run.stderr.includes(`k6-auth-toolkit: ${message}\n`), run.stderr);
      assert.ok(
        run.stderr.includes(
          `k6-auth-toolkit: k6 exited 107 and wrote no results; the error is in ${resultsDir}: junit.xml, summary.md\n`,
        ),
        run.stderr,
      );
      assert.deepEqual((await readdir(resultsDir)).sort(), ['junit.xml', 'summary.md']);
      const junitText = await readFile(join(resultsDir, 'junit.xml'), 'utf8');
      const junit = parseJunit(junitText);
      assert.equal(junit.suite.name, 'k6 thresholds: smoke');
      assert.equal(junit.suite.failures, '1');
      assert.deepEqual(junit.testcases, [
        {
          classname: 'k6-auth-toolkit',
          name: 'k6 run stopped with exit code 107: CREDENTIALS_TOO_FEW',
          failure: message,
        },
      ]);
      const markdown = await readFile(join(resultsDir, 'summary.md'), 'utf8');
      for (const line of [
        '- Result: **failed**: k6 stopped before its end-of-test summary (exit code 107)',
        '- Code: `CREDENTIALS_TOO_FEW`',
        '- What to fix: add accounts, lower the VUs (-e VUS, -e MAX\\_VUS), or allow -e SHARE\\_ACCOUNTS=true',
      ]) {
        assert.ok(markdown.includes(`${line}\n`), markdown);
      }
      for (const text of [junitText, markdown, run.stdout, run.stderr]) {
        assert.equal(text.includes(password), false, 'the password reached the output');
      }
      assert.equal(await protectedSeen(), 0);
    });

    it('under npm run scenario with a flag k6 does not know still leaves a failed junit.xml (exit 255)', async () => {
      const resultsDir = join(dir, 'bad-flag');
      const run = await runScenario(['smoke', '--no-summary'], resultsDir);
      assert.equal(run.code, 255, run.stderr);
      const junit = parseJunit(await readFile(join(resultsDir, 'junit.xml'), 'utf8'));
      assert.deepEqual(junit.testcases, [
        {
          classname: 'k6-auth-toolkit',
          name: 'k6 run stopped with exit code 255',
          failure: 'unknown flag: --no-summary',
        },
      ]);
    });
  });
});
