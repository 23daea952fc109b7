import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJunit } from '../../../lib/core/results/junit.ts';
import { parseJunit } from '../../helpers/fixtures/parse-junit.ts';
import { makeSummaryData } from '../../helpers/fixtures/summary-data.ts';

const generatedAtMs = Date.UTC(2025, 10, 30, 7, 27, 12, 345);

describe('formatJunit', () => {
  it('writes one test case per threshold, with a failure on each crossed one', () => {
    const xml = formatJunit(makeSummaryData(), { scenario: 'smoke', generatedAtMs });
    const { suite, testcases } = parseJunit(xml);
    assert.deepEqual(suite, {
      name: 'k6 thresholds: smoke',
      tests: '5',
      failures: '2',
      errors: '0',
      skipped: '0',
      time: '2.000',
      timestamp: '2025-11-30T07:27:12',
    });
    assert.deepEqual(testcases, [
      { classname: 'auth_errors', name: 'rate<0.01', failure: undefined },
      { classname: 'http_req_duration{endpoint:login}', name: 'p(95)<1000', failure: undefined },
      {
        classname: 'http_req_duration{endpoint:protected}',
        name: 'p(95)<0.001',
        failure: 'http_req_duration{endpoint:protected} crossed p(95)<0.001; observed p(95)=3ms',
      },
      {
        classname: 'http_req_duration{endpoint:protected}',
        name: 'p(99)<1000',
        failure: undefined,
      },
      {
        classname: 'http_req_failed{endpoint:protected}',
        name: 'rate<0.01',
        failure: 'http_req_failed{endpoint:protected} crossed rate<0.01; observed rate=5.00%',
      },
    ]);
  });

  it('leaves out the always-true reporting thresholds', () => {
    const xml = formatJunit(makeSummaryData(), { scenario: 'smoke', generatedAtMs });
    for (const expression of ['count&gt;=0', 'max&gt;=0', 'rate&gt;=0']) {
      assert.equal(xml.includes(expression), false, expression);
    }
  });

  it('stays well-formed with markup, quotes and control characters in names', () => {
    const data = makeSummaryData();
    data.metrics['weird{tag:<a href="x">&\'\u0001}'] = {
      type: 'counter',
      contains: 'default',
      values: { count: 1, rate: 1 },
      thresholds: { 'count<1': { ok: false } },
    };
    const { testcases } = parseJunit(formatJunit(data, { scenario: 'a&b <c>', generatedAtMs }));
    const weird = testcases.find((testcase) => testcase.classname.startsWith('weird'));
    assert.deepEqual(weird, {
      classname: 'weird{tag:<a href="x">&\'}',
      name: 'count<1',
      failure: 'weird{tag:<a href="x">&\'} crossed count<1; observed count=1',
    });
  });

  it('writes an empty, well-formed suite when there are no thresholds', () => {
    const data = makeSummaryData();
    for (const metric of Object.values(data.metrics)) delete metric.thresholds;
    const { suite, testcases } = parseJunit(
      formatJunit(data, { scenario: 'smoke', generatedAtMs }),
    );
    assert.equal(suite.tests, '0');
    assert.equal(suite.failures, '0');
    assert.deepEqual(testcases, []);
  });

  it('is rejected by the strict parser when a character is left unescaped', () => {
    // Guards the guard: the parser used above does catch what escaping prevents.
    assert.throws(() => parseJunit('<testsuite name="a & b"/>'));
    assert.throws(() => parseJunit('<testsuite name="a"><testcase name="<"/></testsuite>'));
  });
});
