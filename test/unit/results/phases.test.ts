import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateExpression,
  listSlos,
  phaseBreaches,
  phaseMetricKey,
  phaseThresholds,
} from '../../../lib/core/results/phases.ts';
import type { MetricSummary, SummaryData } from '../../../lib/core/results/summary-data.ts';
import { resolveThresholds } from '../../../lib/core/scenario/thresholds.ts';

function summaryOf(metrics: Record<string, MetricSummary>): SummaryData {
  return {
    metrics,
    root_group: { name: '', path: '', id: '', groups: [], checks: [] },
    options: { summaryTrendStats: [], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 10_000 },
  };
}

const trend = (values: Record<string, number>): MetricSummary => ({
  type: 'trend',
  contains: 'time',
  values,
});
const rate = (passes: number, fails: number): MetricSummary => ({
  type: 'rate',
  contains: 'default',
  values: { rate: passes / (passes + fails || 1), passes, fails },
});

describe('phaseMetricKey', () => {
  it('adds the phase to a metric with tags and to one without', () => {
    assert.equal(
      phaseMetricKey('http_req_duration{endpoint:protected}', 'step-2'),
      'http_req_duration{endpoint:protected,phase:step-2}',
    );
    assert.equal(phaseMetricKey('auth_refreshes', 't12'), 'auth_refreshes{phase:t12}');
  });
});

describe('listSlos', () => {
  it('lists the profile expressions, sorted, without the always-true reporting ones', () => {
    const slos = listSlos({
      'http_req_duration{endpoint:protected}': [
        { threshold: 'p(95)<250', abortOnFail: true },
        'p(99)<600',
      ],
      'http_reqs{endpoint:login}': ['count>=0'],
      auth_errors: ['rate<0.01'],
    });
    assert.deepEqual(slos, [
      { metric: 'auth_errors', expression: 'rate<0.01' },
      { metric: 'http_req_duration{endpoint:protected}', expression: 'p(95)<250' },
      { metric: 'http_req_duration{endpoint:protected}', expression: 'p(99)<600' },
    ]);
  });
});

describe('phaseThresholds', () => {
  const phases = [
    { name: 'step-1', startMs: 0, endMs: 1000, rate: 5 },
    { name: 'step-2', startMs: 1000, endMs: 2000, rate: 10 },
  ];

  it('keeps every SLO metric and the protected request count of each capacity step, with expressions that cannot fail', () => {
    const map = phaseThresholds(
      phases,
      'capacity',
      resolveThresholds({}, { defaultProfile: 'release-gate' }),
    );
    assert.deepEqual(map['http_req_duration{endpoint:protected,phase:step-2}'], ['max>=0']);
    assert.deepEqual(map['http_req_failed{endpoint:login,phase:step-1}'], ['rate>=0']);
    assert.deepEqual(map['auth_errors{phase:step-1}'], ['rate>=0']);
    assert.deepEqual(map['auth_expired_rejections{phase:step-2}'], ['count>=0']);
    assert.deepEqual(map['http_reqs{endpoint:protected,phase:step-1}'], ['count>=0']);
    // 8 SLO metrics in release-gate, plus the request count, per step.
    assert.equal(Object.keys(map).length, 9 * phases.length);
  });

  it('marks every threshold it adds as a reporting one, a gauge too, so none reads as an SLO', () => {
    const map = phaseThresholds(phases.slice(0, 1), 'capacity', { vus: ['value<100'] });
    assert.deepEqual(map['vus{phase:step-1}'], ['value>=0']);
    assert.deepEqual(listSlos(map), []);
  });

  it('keeps only the counter a storm needs, per bucket', () => {
    const buckets = [
      { name: 't0', startMs: 0, endMs: 1000 },
      { name: 't1', startMs: 1000, endMs: 2000 },
    ];
    assert.deepEqual(phaseThresholds(buckets, 'refresh-storm', resolveThresholds({})), {
      'auth_refreshes{phase:t0}': ['count>=0'],
      'auth_refreshes{phase:t1}': ['count>=0'],
    });
    assert.deepEqual(Object.keys(phaseThresholds(buckets, 'login-storm', resolveThresholds({}))), [
      'auth_logins{phase:t0}',
      'auth_logins{phase:t1}',
    ]);
  });

  it('adds the soak metrics to the SLO metrics of each window', () => {
    const map = phaseThresholds(
      [{ name: 'window-1', startMs: 0, endMs: 1000 }],
      'soak',
      resolveThresholds({}, { defaultProfile: 'soak' }),
    );
    for (const key of [
      'http_reqs{endpoint:protected,phase:window-1}',
      'http_req_failed{phase:window-1}',
      'auth_refreshes{phase:window-1}',
      'auth_relogins{phase:window-1}',
      'http_req_duration{endpoint:refresh,phase:window-1}',
    ]) {
      assert.ok(map[key], key);
    }
  });
});

describe('evaluateExpression', () => {
  const values = { 'p(95)': 250, med: 40, rate: 0.02, count: 3 };

  it('applies each comparison operator the way k6 does', () => {
    assert.equal(evaluateExpression('p(95)<250', values), false);
    assert.equal(evaluateExpression('p(95)<=250', values), true);
    assert.equal(evaluateExpression('rate>0.01', values), true);
    assert.equal(evaluateExpression('rate>=0.03', values), false);
    assert.equal(evaluateExpression('count==3', values), true);
    assert.equal(evaluateExpression('count===3', values), true);
    assert.equal(evaluateExpression('count!=3', values), false);
    assert.equal(evaluateExpression(' count < 4 ', values), true);
  });

  it('reads p(50) as the median', () => {
    assert.equal(evaluateExpression('p(50)<50', values), true);
  });

  it('gives null for a statistic that is not in the values or an unreadable expression', () => {
    assert.equal(evaluateExpression('p(99)<300', values), null);
    assert.equal(evaluateExpression('fast', values), null);
  });
});

describe('phaseBreaches', () => {
  const slos = [
    { metric: 'http_req_duration{endpoint:protected}', expression: 'p(95)<250' },
    { metric: 'http_req_duration{endpoint:refresh}', expression: 'p(95)<400' },
    { metric: 'http_req_failed{endpoint:protected}', expression: 'rate<0.01' },
  ];

  it('lists the SLOs the phase broke, with the value observed', () => {
    const data = summaryOf({
      'http_req_duration{endpoint:protected,phase:step-3}': trend({ 'p(95)': 312.456, count: 40 }),
      'http_req_failed{endpoint:protected,phase:step-3}': rate(2, 38),
    });
    assert.deepEqual(phaseBreaches(data, 'step-3', slos), [
      {
        metric: 'http_req_duration{endpoint:protected}',
        expression: 'p(95)<250',
        observed: 'p(95)=312.46',
      },
      {
        metric: 'http_req_failed{endpoint:protected}',
        expression: 'rate<0.01',
        observed: 'rate=0.05',
      },
    ]);
  });

  it('ignores metrics with no samples in the phase and metrics not in the summary', () => {
    const data = summaryOf({
      'http_req_duration{endpoint:refresh,phase:step-1}': trend({ 'p(95)': 0, count: 0 }),
      'http_req_failed{endpoint:protected,phase:step-1}': rate(0, 0),
    });
    assert.deepEqual(phaseBreaches(data, 'step-1', slos), []);
  });
});
