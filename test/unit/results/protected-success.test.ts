/**
 * The protected-success guard in every results writer: a run in which no protected request
 * succeeded says so plainly, first, whatever the other thresholds say (issue 11 item 6).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJunit } from '../../../lib/core/results/junit.ts';
import { formatMarkdown } from '../../../lib/core/results/markdown.ts';
import {
  protectedSuccessShortfall,
  type SummaryData,
} from '../../../lib/core/results/summary-data.ts';
import { formatTextSummary } from '../../../lib/core/results/text.ts';
import { PROTECTED_SUCCESS_METRIC } from '../../../lib/core/scenario/thresholds.ts';
import { parseJunit } from '../../helpers/fixtures/parse-junit.ts';
import { makeSummaryData } from '../../helpers/fixtures/summary-data.ts';

const generatedAtMs = Date.UTC(2025, 10, 30, 7, 27, 12, 345);

/** The fixture's data with every other threshold held and the guard as given. */
function withGuard(succeeded: number, sent: number): SummaryData {
  const data = makeSummaryData();
  for (const metric of Object.values(data.metrics)) {
    for (const result of Object.values(metric.thresholds ?? {})) result.ok = true;
  }
  data.metrics[PROTECTED_SUCCESS_METRIC] = {
    type: 'counter',
    contains: 'default',
    values: { count: succeeded, rate: 0 },
    thresholds: { 'count>0': { ok: succeeded > 0 } },
  };
  const protectedCount = data.metrics['http_reqs{endpoint:protected}'];
  if (protectedCount) protectedCount.values.count = sent;
  return data;
}

describe('protectedSuccessShortfall', () => {
  it('says none was sent, or how many were sent and that none succeeded', () => {
    assert.equal(
      protectedSuccessShortfall(withGuard(0, 0)),
      'no protected request succeeded: 0 were sent',
    );
    assert.equal(
      protectedSuccessShortfall(withGuard(0, 12)),
      'no protected request succeeded: 12 were sent, none answered as expected',
    );
    assert.equal(
      protectedSuccessShortfall(withGuard(0, 1)),
      'no protected request succeeded: 1 was sent, none answered as expected',
    );
  });

  it('says nothing when one succeeded, or when the data has no guard', () => {
    assert.equal(protectedSuccessShortfall(withGuard(3, 3)), undefined);
    assert.equal(protectedSuccessShortfall(makeSummaryData()), undefined);
  });
});

describe('results of a run in which no protected request succeeded', () => {
  it('summary.md fails with the cause first, though every other threshold held', () => {
    const markdown = formatMarkdown(withGuard(0, 0), {
      scenario: 'smoke',
      thresholdsProfile: '',
      generatedAtMs,
    });
    assert.ok(
      markdown.includes(
        '- Result: **failed**: no protected request succeeded: 0 were sent (1 of 6 thresholds crossed)\n',
      ),
      markdown,
    );
    assert.ok(
      markdown.includes(
        '| ✗ | `http_reqs{endpoint:protected,expected_response:true}` | `count>0` | `count=0` |',
      ),
    );
  });

  it('junit.xml fails the guard with the plain sentence', () => {
    const { suite, testcases } = parseJunit(
      formatJunit(withGuard(0, 12), { scenario: 'smoke', generatedAtMs }),
    );
    assert.equal(suite.failures, '1');
    assert.deepEqual(
      testcases.filter((testcase) => testcase.failure !== undefined),
      [
        {
          classname: PROTECTED_SUCCESS_METRIC,
          name: 'count>0',
          failure:
            'no protected request succeeded: 12 were sent, none answered as expected; the run fails whatever the other thresholds say (http_reqs{endpoint:protected,expected_response:true} count>0; observed count=0)',
        },
      ],
    );
  });

  it('the terminal summary says it under the thresholds', () => {
    const text = formatTextSummary(withGuard(0, 0));
    assert.ok(
      text.includes(
        "    ✗ 'count>0' count=0\n\n    ✗ no protected request succeeded: 0 were sent\n",
      ),
      text,
    );
  });

  it('a run with a success reads as before', () => {
    const markdown = formatMarkdown(withGuard(5, 5), {
      scenario: 'smoke',
      thresholdsProfile: '',
      generatedAtMs,
    });
    assert.ok(markdown.includes('- Result: **passed**: all 6 thresholds held\n'));
    assert.equal(formatTextSummary(withGuard(5, 5)).includes('no protected request'), false);
  });
});
