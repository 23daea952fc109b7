import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { K6Sample } from '../../../lib/core/results/k6-samples.ts';
import {
  MAX_WINDOWS,
  nextWindowMs,
  SeriesReducer,
  UNTAGGED,
  WINDOW_LADDER_MS,
} from '../../../lib/core/results/series.ts';

const START_MS = Date.UTC(2025, 0, 1, 12, 0, 0);

function duration(atMs: number, value: number, endpoint = 'protected'): K6Sample {
  return { metric: 'http_req_duration', timeMs: START_MS + atMs, value, tags: { endpoint } };
}

function failed(atMs: number, value: 0 | 1, endpoint = 'protected'): K6Sample {
  return { metric: 'http_req_failed', timeMs: START_MS + atMs, value, tags: { endpoint } };
}

describe('SeriesReducer', () => {
  it('cuts samples into 1-second windows from the first sample, zeros where nothing happened', () => {
    const reducer = new SeriesReducer();
    reducer.addSample(duration(0, 2));
    reducer.addSample(duration(400, 4));
    reducer.addSample(failed(400, 1));
    reducer.addSample(failed(450, 0));
    reducer.addSample(duration(2100, 8));
    reducer.addSample({
      metric: 'auth_logins',
      timeMs: START_MS + 10,
      value: 1,
      tags: {},
    });
    reducer.addSample({
      metric: 'auth_refreshes',
      timeMs: START_MS + 2500,
      value: 1,
      tags: {},
    });
    reducer.addSample({
      metric: 'auth_logins',
      timeMs: START_MS + 2600,
      value: 0,
      tags: {},
    });
    reducer.addSample({
      metric: 'auth_errors',
      timeMs: START_MS + 2600,
      value: 1,
      tags: {},
    });
    reducer.addSample({
      metric: 'auth_errors',
      timeMs: START_MS + 2700,
      value: 0,
      tags: {},
    });
    const series = reducer.finish('load');
    assert.equal(series.version, 1);
    assert.equal(series.scenario, 'load');
    assert.equal(series.startedAt, '2025-01-01T12:00:00.000Z');
    assert.equal(series.windowMs, 1000);
    const windows = series.endpoints.protected ?? [];
    assert.deepEqual(
      windows.map((w) => [w.t, w.requests, w.errors]),
      [
        [0, 2, 1],
        [1000, 0, 0],
        [2000, 1, 0],
      ],
    );
    assert.deepEqual(windows[1], {
      t: 1000,
      requests: 0,
      errors: 0,
      p50: null,
      p95: null,
      p99: null,
    });
    assert.ok(Math.abs((windows[2]?.p95 ?? 0) - 8) <= 0.08);
    assert.deepEqual(series.auth, [
      { t: 0, logins: 1, refreshes: 0, relogins: 0, authErrors: 0, expiredRejections: 0 },
      { t: 1000, logins: 0, refreshes: 0, relogins: 0, authErrors: 0, expiredRejections: 0 },
      { t: 2000, logins: 0, refreshes: 1, relogins: 0, authErrors: 1, expiredRejections: 0 },
    ]);
    assert.equal(series.histograms.protected?.count, 3);
  });

  it('lists every endpoint tag seen, with every window, and counts untagged requests apart', () => {
    const reducer = new SeriesReducer();
    reducer.addSample(duration(0, 1, 'login'));
    reducer.addSample(duration(3500, 1, 'refresh'));
    reducer.addSample({
      metric: 'http_req_duration',
      timeMs: START_MS + 10,
      value: 1,
      tags: {},
    });
    const series = reducer.finish('smoke');
    assert.deepEqual(Object.keys(series.endpoints), [UNTAGGED, 'login', 'refresh']);
    for (const windows of Object.values(series.endpoints)) assert.equal(windows.length, 4);
  });

  it("reads each window's percentiles from its own samples, within 1 % of the exact ones", () => {
    const reducer = new SeriesReducer();
    // Window 0: 1..100 ms; window 1: 101..200 ms.
    for (let i = 1; i <= 100; i += 1) reducer.addSample(duration(i * 5, i));
    for (let i = 101; i <= 200; i += 1) reducer.addSample(duration(1000 + (i - 100) * 5, i));
    const [first, second] = reducer.finish('load').endpoints.protected ?? [];
    // Exact at rank ⌊q·(n−1)⌋: p50 → 50, p95 → 95, p99 → 99 (and +100 in the second window).
    const near = (actual: number | null | undefined, exact: number) =>
      assert.ok(Math.abs((actual ?? 0) - exact) <= exact * 0.01, `${actual} vs ${exact}`);
    near(first?.p50, 50);
    near(first?.p95, 95);
    near(first?.p99, 99);
    near(second?.p50, 150);
    near(second?.p95, 195);
    near(second?.p99, 199);
  });

  it('merges windows along the ladder when the run outlasts the bound, keeping every count', () => {
    const reducer = new SeriesReducer({ maxWindows: 4 });
    for (let second = 0; second < 9; second += 1) {
      reducer.addSample(duration(second * 1000 + 1, second + 1));
      reducer.addSample(failed(second * 1000 + 1, second % 2 === 0 ? 1 : 0));
    }
    // 9 s in 1 s windows would be 9 > 4: 2 s gives 5 > 4, so 10 s: one window.
    const series = reducer.finish('load');
    assert.equal(series.windowMs, 10_000);
    assert.deepEqual(
      (series.endpoints.protected ?? []).map((w) => [w.t, w.requests, w.errors]),
      [[0, 9, 5]],
    );
    const merged = series.endpoints.protected?.[0];
    // 1..9 ms: rank ⌊0.5·8⌋ = 4 → 5 ms, rank ⌊0.99·8⌋ = 7 → 8 ms.
    assert.ok(Math.abs((merged?.p50 ?? 0) - 5) <= 0.05);
    assert.ok(Math.abs((merged?.p99 ?? 0) - 8) <= 0.08);
  });

  it('merges 1 s windows into 2 s ones pairwise, the percentiles from the merged histograms', () => {
    const reducer = new SeriesReducer({ maxWindows: 3 });
    for (const [atMs, value] of [
      [0, 10],
      [1500, 20],
      [2500, 30],
      [3100, 40],
      [4200, 50],
    ] as const) {
      reducer.addSample(duration(atMs, value));
    }
    const series = reducer.finish('load');
    assert.equal(series.windowMs, 2000);
    assert.deepEqual(
      (series.endpoints.protected ?? []).map((w) => [w.t, w.requests]),
      [
        [0, 2],
        [2000, 2],
        [4000, 1],
      ],
    );
    assert.ok(Math.abs((series.endpoints.protected?.[1]?.p99 ?? 0) - 30) <= 0.3);
  });

  it('stays within 720 windows for any length: a 2-hour run gets 720 windows of 10 s', () => {
    const reducer = new SeriesReducer();
    for (let second = 0; second < 7200; second += 1) reducer.addSample(duration(second * 1000, 1));
    const series = reducer.finish('soak');
    assert.equal(series.windowMs, 10_000);
    assert.equal(series.endpoints.protected?.length, 720);
    assert.ok((series.endpoints.protected?.length ?? 0) <= MAX_WINDOWS);
    assert.ok(series.endpoints.protected?.every((w) => w.requests === 10));
  });

  it('counts a sample from before the first one (out of order) in window 0', () => {
    const reducer = new SeriesReducer();
    reducer.addSample(duration(500, 1));
    reducer.addSample(duration(20, 1));
    assert.deepEqual(
      reducer.finish('load').endpoints.protected?.map((w) => w.requests),
      [2],
    );
  });

  it('climbs a ladder of whole multiples, then doubles', () => {
    for (let i = 1; i < WINDOW_LADDER_MS.length; i += 1) {
      const previous = WINDOW_LADDER_MS[i - 1] ?? 1;
      assert.equal((WINDOW_LADDER_MS[i] ?? 0) % previous, 0);
      assert.equal(nextWindowMs(previous), WINDOW_LADDER_MS[i]);
    }
    assert.equal(nextWindowMs(3_600_000), 7_200_000);
  });
});
