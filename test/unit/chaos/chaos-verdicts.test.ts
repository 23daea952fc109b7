import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atLeast,
  atMost,
  type ChaosCaseResult,
  chaosExitCode,
  equalTo,
  errorsStop,
  formatChaosJson,
  formatChaosMarkdown,
  formatChaosText,
  formatMeasured,
  judgeCase,
  lessThan,
  noSecretPrinted,
} from '../../chaos/chaos-verdicts.ts';

const GENERATED_AT_MS = Date.UTC(2025, 10, 30, 7, 27, 12);

function outage(passed: boolean): ChaosCaseResult {
  return judgeCase({
    id: 'refresh-outage',
    fault: '/refresh answers 500 for 30 s',
    survived: 'errors stop within the end + 6.0 s',
    criteria: [
      errorsStop(passed ? 0 : 3, passed ? 2100 : 9400, 6000),
      atMost('relogins per VU (k6)', 1, 1),
    ],
    numbers: { vus: 5 },
    folder: 'refresh-outage',
  });
}

describe('chaos verdicts', () => {
  it('passes a criterion exactly at its bound and fails it one past', () => {
    assert.equal(atMost('relogins', 1, 1).passed, true);
    assert.equal(atMost('relogins', 2, 1).passed, false);
    assert.equal(atLeast('refreshes', 5, 5).passed, true);
    assert.equal(atLeast('refreshes', 4, 5).passed, false);
    assert.equal(lessThan('run time', 15, 15, ' s').passed, false);
    assert.deepEqual(lessThan('run time', 14.9, 15, ' s'), {
      name: 'run time',
      measured: '14.9 s',
      limit: '< 15 s',
      passed: true,
    });
    assert.deepEqual(equalTo('k6 exit code', 99, 108), {
      name: 'k6 exit code',
      measured: '99',
      limit: '= 108',
      passed: false,
    });
  });

  it('judges errors by how many fell after the allowance, showing the last one from the fault end', () => {
    assert.deepEqual(errorsStop(0, null, 6000), {
      name: 'last error after the fault ended',
      measured: 'none',
      limit: '≤ +6.0 s',
      passed: true,
    });
    assert.equal(errorsStop(0, -400, 6000).measured, '−0.4 s');
    assert.deepEqual(errorsStop(2, 9400, 6000), {
      name: 'last error after the fault ended',
      measured: '+9.4 s (2 late)',
      limit: '≤ +6.0 s',
      passed: false,
    });
  });

  it('names where secrets were printed, never more than three places', () => {
    assert.equal(noSecretPrinted([]).passed, true);
    const leaked = noSecretPrinted([
      'k6 stderr: a JWT',
      'server 1 output: a demo password',
      'a',
      'b',
    ]);
    assert.equal(leaked.passed, false);
    assert.equal(leaked.measured, '4 (k6 stderr: a JWT, server 1 output: a demo password, a)');
  });

  it('passes a case only when every criterion passed, and exits 1 when one case failed', () => {
    assert.equal(outage(true).passed, true);
    assert.equal(outage(false).passed, false);
    assert.equal(chaosExitCode([outage(true)]), 0);
    assert.equal(chaosExitCode([outage(true), outage(false)]), 1);
  });

  it('shows the measured numbers in one cell, failed criteria marked', () => {
    assert.equal(
      formatMeasured(outage(false)),
      '✗ last error after the fault ended +9.4 s (3 late) (≤ +6.0 s); relogins per VU (k6) 1 (≤ 1)',
    );
  });

  it('prints a terminal table with each verdict and its criteria', () => {
    const failed = { ...outage(false), id: 'dead-target', fault: 'dead target' };
    assert.equal(
      formatChaosText([outage(true), failed]),
      [
        'PASS  /refresh answers 500 for 30 s',
        '      survived = errors stop within the end + 6.0 s',
        '        ok  last error after the fault ended: +2.1 s (≤ +6.0 s)',
        '        ok  relogins per VU (k6): 1 (≤ 1)',
        'FAIL  dead target',
        '      survived = errors stop within the end + 6.0 s',
        '        NO  last error after the fault ended: +9.4 s (3 late) (≤ +6.0 s)',
        '        ok  relogins per VU (k6): 1 (≤ 1)',
        '1 of 2 faults survived',
        '',
      ].join('\n'),
    );
  });

  it('writes chaos.md as one table with the fault, what survived means, the numbers and the verdict', () => {
    const markdown = formatChaosMarkdown([outage(true)], {
      generatedAtMs: GENERATED_AT_MS,
      mode: 'short',
    });
    assert.equal(
      markdown,
      [
        '# Chaos suite (short)',
        '',
        '2025-11-30T07:27:12.000Z: 1 of 1 faults survived.',
        '',
        '| fault | survived means | measured | result |',
        '|---|---|---|---|',
        '| /refresh answers 500 for 30 s | errors stop within the end + 6.0 s | last error after the fault ended +2.1 s (≤ +6.0 s); relogins per VU (k6) 1 (≤ 1) | PASS |',
        '',
        'Each case keeps its k6 files (summary export, `points.jsonl`, the scenario results) in its folder:',
        '',
        '- refresh-outage: `refresh-outage/`',
        '',
      ].join('\n'),
    );
    assert.ok(
      formatChaosMarkdown([{ ...outage(false), fault: 'a | b' }], {
        generatedAtMs: GENERATED_AT_MS,
        mode: 'full',
      }).includes('| a \\| b |'),
    );
  });

  it('writes chaos.json with the mode, the overall verdict and every case as data', () => {
    const json = JSON.parse(
      formatChaosJson([outage(true), outage(false)], {
        generatedAtMs: GENERATED_AT_MS,
        mode: 'full',
      }),
    ) as { generatedAt: string; mode: string; passed: boolean; cases: ChaosCaseResult[] };
    assert.equal(json.generatedAt, '2025-11-30T07:27:12.000Z');
    assert.equal(json.mode, 'full');
    assert.equal(json.passed, false);
    assert.deepEqual(json.cases[0], outage(true));
  });
});
