import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ChaosPoint,
  collectRequests,
  countPerVu,
  errorsOutside,
  errorTimes,
  followRetryAfter,
  largestCount,
  percentile,
  vusServedAfter,
} from '../../chaos/chaos-points.ts';

const T0 = 1_700_000_000_000;

/** The samples k6 writes for one request: duration and failed, same time and tags. */
function request(
  vu: string,
  endpoint: string,
  status: string,
  endMs: number,
  durationMs: number,
  failed: boolean,
): ChaosPoint[] {
  const base = { timeMs: T0 + endMs, vu, endpoint, status };
  return [
    { ...base, metric: 'http_req_duration', value: durationMs },
    { ...base, metric: 'http_req_failed', value: failed ? 1 : 0 },
    { ...base, metric: 'http_reqs', value: 1 },
  ];
}

const point = (metric: string, vu: string, atMs: number, value: number): ChaosPoint => ({
  metric,
  timeMs: T0 + atMs,
  value,
  vu,
  endpoint: '',
  status: '',
});

describe('chaos points', () => {
  it('joins each request from its duration and failed samples, with its start time', () => {
    const requests = collectRequests([
      ...request('2', 'refresh', '500', 900, 100, true),
      ...request('1', 'protected', '200', 500, 20, false),
    ]);
    assert.deepEqual(requests, [
      {
        vu: '1',
        endpoint: 'protected',
        status: '200',
        startMs: T0 + 480,
        endMs: T0 + 500,
        failed: false,
      },
      {
        vu: '2',
        endpoint: 'refresh',
        status: '500',
        startMs: T0 + 800,
        endMs: T0 + 900,
        failed: true,
      },
    ]);
  });

  it('times errors: failed requests at their start, failed checks and auth errors when recorded', () => {
    const times = errorTimes([
      ...request('1', 'refresh', '500', 1000, 300, true),
      ...request('1', 'protected', '200', 1100, 10, false),
      point('checks', '1', 1200, 0),
      point('checks', '1', 1250, 1),
      point('auth_errors', '1', 1300, 1),
      point('auth_errors', '1', 1400, 0),
    ]);
    assert.deepEqual(times, [T0 + 700, T0 + 1200, T0 + 1300]);
  });

  it('keeps only the errors outside every allowed span, bounds included in the span', () => {
    const spans = [
      { fromMs: 100, toMs: 200 },
      { fromMs: 500, toMs: 600 },
    ];
    assert.deepEqual(errorsOutside([50, 100, 200, 201, 550, 601], spans), [50, 201, 601]);
  });

  it('counts a counter per VU and gives the largest count', () => {
    const counts = countPerVu(
      [
        point('auth_relogins', '1', 0, 1),
        point('auth_relogins', '1', 5, 1),
        point('auth_relogins', '3', 5, 1),
        point('auth_logins', '2', 5, 1),
      ],
      'auth_relogins',
    );
    assert.deepEqual(
      [...counts],
      [
        ['1', 2],
        ['3', 1],
      ],
    );
    assert.equal(largestCount(counts), 2);
    assert.equal(largestCount(new Map()), 0);
  });

  it('measures how each VU followed a 429: from the end of the 429 to the start of its next request', () => {
    const requests = collectRequests([
      // VU 1 waits 2.1 s after its 429: 100 ms to spare.
      ...request('1', 'login', '429', 1000, 10, true),
      ...request('1', 'login', '200', 3200, 100, false),
      // VU 2 comes back after 1.5 s: 500 ms early.
      ...request('2', 'login', '429', 1000, 10, true),
      ...request('2', 'login', '429', 2600, 100, true),
      // Its second 429 is its last request: nothing to follow.
    ]);
    assert.deepEqual(followRetryAfter(requests, 2000), {
      followed: 2,
      early: 1,
      smallestMarginMs: -500,
    });
    assert.deepEqual(followRetryAfter([], 2000), { followed: 0, early: 0, smallestMarginMs: null });
  });

  it('names the VUs with a successful request to an endpoint that started after a moment', () => {
    const requests = collectRequests([
      ...request('1', 'protected', '200', 1000, 10, false),
      ...request('2', 'protected', '401', 2000, 10, true),
      ...request('3', 'protected', '200', 2000, 10, false),
      ...request('4', 'login', '200', 2000, 10, false),
    ]);
    assert.deepEqual([...vusServedAfter(requests, 'protected', T0 + 1500)], ['3']);
  });

  it('takes the nearest-rank percentile, null for no values', () => {
    assert.equal(percentile([10, 20, 30, 40], 50), 20);
    assert.equal(percentile([10, 20, 30, 40], 99), 40);
    assert.equal(percentile([5], 0), 5);
    assert.equal(percentile([], 99), null);
  });
});
