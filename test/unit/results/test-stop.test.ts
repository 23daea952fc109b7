/**
 * A test that stopped itself says why in every results writer, before any threshold (issue 11
 * item 2): the failed check lib/k6/stop-test.ts records is read back as the code and the message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJunit } from '../../../lib/core/results/junit.ts';
import { formatMarkdown } from '../../../lib/core/results/markdown.ts';
import type { SummaryData } from '../../../lib/core/results/summary-data.ts';
import {
  runFailureCauses,
  stopCheckName,
  testStopOf,
} from '../../../lib/core/results/test-stop.ts';
import { formatTextSummary } from '../../../lib/core/results/text.ts';
import { PROTECTED_SUCCESS_METRIC } from '../../../lib/core/scenario/thresholds.ts';
import { parseJunit } from '../../helpers/fixtures/parse-junit.ts';
import { makeSummaryData } from '../../helpers/fixtures/summary-data.ts';

const generatedAtMs = Date.UTC(2025, 10, 30, 7, 27, 12, 345);
const MESSAGE = 'the server refused the login of user7 with 401 before it had logged in once';
const LINE = `test stopped: AUTH_LOGIN_REFUSED: ${MESSAGE}`;

/** The fixture's data, every threshold held, with the stop's check (in setup's group) and no protected success. */
function stopped(): SummaryData {
  const data = makeSummaryData();
  for (const metric of Object.values(data.metrics)) {
    for (const result of Object.values(metric.thresholds ?? {})) result.ok = true;
  }
  const name = stopCheckName('AUTH_LOGIN_REFUSED', MESSAGE);
  data.root_group.groups.push({
    name: 'setup',
    path: '::setup',
    id: 'g',
    groups: [],
    checks: [{ name, path: `::setup::${name}`, id: 'c', passes: 0, fails: 1 }],
  });
  data.metrics[PROTECTED_SUCCESS_METRIC] = {
    type: 'counter',
    contains: 'default',
    values: { count: 0, rate: 0 },
    thresholds: { 'count>0': { ok: false } },
  };
  return data;
}

describe('testStopOf', () => {
  it('reads the code and the line from the check, in whatever group it is', () => {
    assert.deepEqual(testStopOf(stopped()), { code: 'AUTH_LOGIN_REFUSED', line: LINE });
  });

  it('finds no stop without the check, or in a check that names no toolkit code', () => {
    assert.equal(testStopOf(makeSummaryData()), undefined);
    const data = makeSummaryData();
    data.root_group.checks.push({
      name: 'test stopped: NOT_A_CODE: x',
      path: '::x',
      id: 'x',
      passes: 0,
      fails: 1,
    });
    assert.equal(testStopOf(data), undefined);
  });
});

describe('results of a test that stopped itself', () => {
  const data = stopped();

  it('lists the stop before the shortfall of the protected-success guard', () => {
    assert.deepEqual(runFailureCauses(data), [
      LINE,
      'no protected request succeeded: 20 were sent, none answered as expected',
    ]);
  });

  it('summary.md fails with the stop first', () => {
    const md = formatMarkdown(data, { scenario: 'load', thresholdsProfile: '', generatedAtMs });
    const result = md.split('\n').find((line) => line.startsWith('- Result: '));
    const escaped = LINE.replaceAll('_', '\\_');
    assert.ok(result?.startsWith(`- Result: **failed**: ${escaped}; no protected`), result);
  });

  it('junit.xml has a failed test case naming the code and the message, first', () => {
    const { suite, testcases } = parseJunit(formatJunit(data, { scenario: 'load', generatedAtMs }));
    assert.equal(Number(suite.tests), testcases.length);
    assert.equal(Number(suite.failures), 2);
    assert.deepEqual(testcases[0], {
      classname: 'k6-auth-toolkit',
      name: 'test stopped: AUTH_LOGIN_REFUSED',
      failure: LINE,
    });
  });

  it('the terminal summary says it under the thresholds', () => {
    assert.match(formatTextSummary(data), /✗ test stopped: AUTH_LOGIN_REFUSED: the server refused/);
  });
});
