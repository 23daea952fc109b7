import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  collectAuthCounts,
  collectEndpointRows,
  formatEndpointTable,
} from '../../../lib/core/results/table.ts';
import { makeSummaryData } from '../../helpers/fixtures/summary-data.ts';

describe('collectEndpointRows', () => {
  it('reads requests, rate, percentiles and error rate per endpoint, in a fixed order', () => {
    assert.deepEqual(collectEndpointRows(makeSummaryData()), [
      {
        endpoint: 'login',
        requests: 2,
        requestsPerSecond: 1,
        p50Ms: 4.5,
        p90Ms: 5.1,
        p95Ms: 5.2,
        p99Ms: 5.25,
        errorRate: null,
      },
      {
        endpoint: 'refresh',
        requests: 0,
        requestsPerSecond: 0,
        p50Ms: null,
        p90Ms: null,
        p95Ms: null,
        p99Ms: null,
        errorRate: null,
      },
      {
        endpoint: 'protected',
        requests: 20,
        requestsPerSecond: 10,
        p50Ms: 1,
        p90Ms: 2,
        p95Ms: 3,
        p99Ms: 3.96,
        errorRate: 0.05,
      },
    ]);
  });

  it('adds csrf and logout rows only when the summary has their sub-metrics', () => {
    const data = makeSummaryData();
    data.metrics['http_reqs{endpoint:logout}'] = {
      type: 'counter',
      contains: 'default',
      values: { count: 4, rate: 2 },
    };
    const rows = collectEndpointRows(data);
    assert.deepEqual(
      rows.map((row) => row.endpoint),
      ['login', 'refresh', 'protected', 'logout'],
    );
    assert.deepEqual(rows[3], {
      endpoint: 'logout',
      requests: 4,
      requestsPerSecond: 2,
      p50Ms: null,
      p90Ms: null,
      p95Ms: null,
      p99Ms: null,
      errorRate: null,
    });
  });

  it('leaves every value empty for an endpoint whose sub-metrics are missing', () => {
    const data = makeSummaryData();
    for (const name of Object.keys(data.metrics)) {
      if (name.includes('endpoint:login')) delete data.metrics[name];
    }
    assert.deepEqual(collectEndpointRows(data)[0], {
      endpoint: 'login',
      requests: null,
      requestsPerSecond: null,
      p50Ms: null,
      p90Ms: null,
      p95Ms: null,
      p99Ms: null,
      errorRate: null,
    });
  });

  it('takes the median from p(50) when med was not collected', () => {
    const data = makeSummaryData();
    const duration = data.metrics['http_req_duration{endpoint:protected}'];
    assert.ok(duration);
    duration.values = { 'p(50)': 0.75, count: 20 };
    assert.equal(collectEndpointRows(data)[2]?.p50Ms, 0.75);
    assert.equal(collectEndpointRows(data)[2]?.p99Ms, null);
  });
});

describe('collectAuthCounts', () => {
  it('reads the auth counters, counting a counter k6 left out as 0', () => {
    assert.deepEqual(collectAuthCounts(makeSummaryData()), {
      logins: 2,
      refreshes: 0,
      relogins: 0,
      expiredRejections: 0,
      errorRate: 0,
    });
  });
});

describe('formatEndpointTable', () => {
  it('aligns the endpoint and auth tables, with – for what is missing', () => {
    assert.equal(
      formatEndpointTable(makeSummaryData()),
      [
        '  █ ENDPOINTS',
        '',
        '  endpoint   requests  req/s  p50 ms  p90 ms  p95 ms  p99 ms  errors',
        '  login             2   1.00    4.50    5.10    5.20    5.25       –',
        '  refresh           0   0.00       –       –       –       –       –',
        '  protected        20  10.00    1.00    2.00    3.00    3.96   5.00%',
        '',
        '  █ AUTH',
        '',
        '  logins  refreshes  relogins  expired rejections  auth errors',
        '       2          0         0                   0        0.00%',
        '',
      ].join('\n'),
    );
  });
});
