import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findRunFailure,
  formatRunFailureJunit,
  formatRunFailureMarkdown,
} from '../../../lib/core/results/run-failure.ts';
import { parseJunit } from '../../helpers/fixtures/parse-junit.ts';

const generatedAtMs = Date.UTC(2025, 10, 30, 7, 27, 12, 345);

// What k6 v2.2.0 printed in these cases (captured, paths shortened).
const INIT_ERROR =
  'time="2026-12-02T01:41:36Z" level=error msg="CREDENTIALS_TOO_FEW ConfigError: Not enough accounts for VU 3; reason: expected at most 1 VUs for 1 accounts (add accounts, lower the VUs, or set -e SHARE_ACCOUNTS=true), got VU 3\\n" hint="script exception" source=stacktrace';
const INIT_ERROR_WITH_FRAMES =
  'time="2026-12-02T01:41:48Z" level=error msg="SCENARIO_SETTING_INVALID ConfigError: Invalid -e VUS; reason: expected a whole number of VUs from 1 to 100000, got \\"0\\"\\n\\tat file:///w/lib/core/errors.ts:78:10(3)\\n\\tat invalid2 (file:///w/lib/core/scenario/shapes.ts:304:9(21))\\n" hint="script exception" source=stacktrace';
const ABORT =
  'time="2026-12-02T01:41:52Z" level=error msg="test aborted: CREDENTIALS_SECRET_UNREADABLE: Cannot read the secret -e AUTH_PASSWORD_SECRET=nope; reason: expected a secret of that name in a --secret-source (e.g. --secret-source=file=secrets.txt), got \\"no secret sources are configured\\" at stopTest (file:///w/lib/k6/credentials.ts:104:52(17))"';
const ABORT_AT_INIT =
  'time="2026-12-02T01:38:11Z" level=error msg="could not initialize \'c.js\': could not load JS test \'file:///tmp/c.js\': test aborted: OIDC_DISCOVERY_FAILED: Cannot read x at f (file:///tmp/c.js:2:30(6))"';
const UNKNOWN_FLAG = 'time="2026-12-02T01:39:58Z" level=error msg="unknown flag: --no-summary"';

describe('findRunFailure', () => {
  it('reads the code and the message of a toolkit error k6 printed at init', () => {
    assert.deepEqual(findRunFailure(`banner\n${INIT_ERROR}\n`), {
      code: 'CREDENTIALS_TOO_FEW',
      message:
        'CREDENTIALS_TOO_FEW ConfigError: Not enough accounts for VU 3; reason: expected at most 1 VUs for 1 accounts (add accounts, lower the VUs, or set -e SHARE_ACCOUNTS=true), got VU 3',
    });
  });

  it('drops the stack frames and undoes the quoting of a message with them', () => {
    assert.deepEqual(findRunFailure(INIT_ERROR_WITH_FRAMES), {
      code: 'SCENARIO_SETTING_INVALID',
      message:
        'SCENARIO_SETTING_INVALID ConfigError: Invalid -e VUS; reason: expected a whole number of VUs from 1 to 100000, got "0"',
    });
  });

  it("takes k6's abort prefix and the call site off an exec.test.abort message", () => {
    assert.deepEqual(findRunFailure(ABORT), {
      code: 'CREDENTIALS_SECRET_UNREADABLE',
      message:
        'CREDENTIALS_SECRET_UNREADABLE: Cannot read the secret -e AUTH_PASSWORD_SECRET=nope; reason: expected a secret of that name in a --secret-source (e.g. --secret-source=file=secrets.txt), got "no secret sources are configured"',
    });
    assert.deepEqual(findRunFailure(ABORT_AT_INIT), {
      code: 'OIDC_DISCOVERY_FAILED',
      message: 'OIDC_DISCOVERY_FAILED: Cannot read x',
    });
  });

  it('prefers the line naming a toolkit code over an earlier error line', () => {
    const stderr = `time="x" level=error msg="Uncaught (in promise) boom"\n${INIT_ERROR}`;
    assert.equal(findRunFailure(stderr)?.code, 'CREDENTIALS_TOO_FEW');
  });

  it("keeps k6's own error without a code, and the last line when nothing is logfmt", () => {
    assert.deepEqual(findRunFailure(UNKNOWN_FLAG), { message: 'unknown flag: --no-summary' });
    assert.deepEqual(findRunFailure('panic: oops\n\ngoroutine 1\n'), { message: 'goroutine 1' });
    assert.equal(findRunFailure(''), undefined);
  });

  it('does not take a code-shaped word that is no toolkit code', () => {
    const stderr = 'time="x" level=error msg="SOME_THING went wrong"';
    assert.deepEqual(findRunFailure(stderr), { message: 'SOME_THING went wrong' });
  });

  it('masks known secrets and secret-shaped text in the message', () => {
    const stderr =
      'time="x" level=error msg="Error: login failed for hunter2-pw with Bearer abcdefgh12345678"';
    assert.deepEqual(findRunFailure(stderr, ['hunter2-pw']), {
      message: 'Error: login failed for [REDACTED] with Bearer [REDACTED]',
    });
  });
});

describe('formatRunFailureJunit', () => {
  it('writes one failed test case naming the code and the message, in the scenario suite', () => {
    const failure = findRunFailure(INIT_ERROR);
    const xml = formatRunFailureJunit(failure, { scenario: 'smoke', exitCode: 107, generatedAtMs });
    const { suite, testcases } = parseJunit(xml);
    assert.deepEqual(suite, {
      name: 'k6 thresholds: smoke',
      tests: '1',
      failures: '1',
      errors: '0',
      skipped: '0',
      time: '0',
      timestamp: '2025-11-30T07:27:12',
    });
    assert.deepEqual(testcases, [
      {
        classname: 'k6-auth-toolkit',
        name: 'k6 run stopped with exit code 107: CREDENTIALS_TOO_FEW',
        failure: failure?.message,
      },
    ]);
    assert.ok(xml.includes('fix: add accounts, lower the VUs (-e VUS, -e MAX_VUS)'));
  });

  it('still fails, with the exit code, when k6 printed nothing', () => {
    const xml = formatRunFailureJunit(undefined, { scenario: 'x', exitCode: 255, generatedAtMs });
    assert.deepEqual(parseJunit(xml).testcases, [
      {
        classname: 'k6-auth-toolkit',
        name: 'k6 run stopped with exit code 255',
        failure: 'k6 exited 255 and printed no error',
      },
    ]);
  });
});

describe('formatRunFailureMarkdown', () => {
  it('puts the error first, then the code, the exit code and what to fix', () => {
    const failure = findRunFailure(INIT_ERROR_WITH_FRAMES);
    const markdown = formatRunFailureMarkdown(failure, {
      scenario: 'smoke',
      exitCode: 107,
      generatedAtMs,
    });
    assert.equal(
      markdown,
      [
        '# smoke: k6 results',
        '',
        '- Result: **failed**: k6 stopped before its end-of-test summary (exit code 107)',
        '- Error: `SCENARIO_SETTING_INVALID ConfigError: Invalid -e VUS; reason: expected a whole number of VUs from 1 to 100000, got "0"`',
        '- Code: `SCENARIO_SETTING_INVALID`',
        '- What it means: the script stopped at init, before any request: a setting, profile or credentials file is wrong, or the script threw',
        '- What to fix: fix the setting the message names (docs/exit-codes-and-troubleshooting.md; -e STACK\\_TRACES=true shows where it was thrown)',
        '- Generated: 2025-11-30T07:27:12.345Z',
        '',
        'No thresholds were judged: k6 wrote no end-of-test summary.',
        '',
      ].join('\n'),
    );
  });
});
