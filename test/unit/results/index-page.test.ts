import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderLineChart } from '../../../lib/core/results/charts.ts';
import { renderIndexPage } from '../../../lib/core/results/index-page.ts';
import {
  buildResultCharts,
  type CapacityFile,
  p95LimitMs,
  type ResultFolder,
} from '../../../lib/core/results/result-charts.ts';
import { SeriesReducer } from '../../../lib/core/results/series.ts';
import type { SummaryData } from '../../../lib/core/results/summary-data.ts';

const START_MS = Date.UTC(2025, 0, 1);

function summary(metrics: SummaryData['metrics']): SummaryData {
  return {
    metrics,
    root_group: { name: '', path: '', id: '', groups: [], checks: [] },
    options: { summaryTrendStats: [], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 3000 },
  };
}

const SUMMARY = summary({
  'http_req_duration{endpoint:protected}': {
    type: 'trend',
    contains: 'time',
    values: { 'p(95)': 4.2, count: 30 },
    thresholds: { 'p(95)<300': { ok: true } },
  },
  http_req_duration: {
    type: 'trend',
    contains: 'time',
    values: { 'p(95)': 9, count: 33 },
    thresholds: { 'p(95)<1000': { ok: true }, 'max>=0': { ok: true } },
  },
  http_req_failed: {
    type: 'rate',
    contains: 'default',
    values: { rate: 0.1, passes: 3, fails: 30 },
    thresholds: { 'rate<0.01': { ok: false } },
  },
});

function seriesOf() {
  const reducer = new SeriesReducer();
  for (let i = 0; i < 30; i += 1) {
    reducer.addSample({
      metric: 'http_req_duration',
      timeMs: START_MS + i * 100,
      value: 1 + (i % 5),
      tags: { endpoint: 'protected' },
    });
  }
  reducer.addSample({
    metric: 'http_req_duration',
    timeMs: START_MS,
    value: 6,
    tags: { endpoint: 'login' },
  });
  reducer.addSample({ metric: 'auth_logins', timeMs: START_MS, value: 1, tags: {} });
  return reducer.finish('smoke');
}

function pageOf(folder: ResultFolder): string {
  const charts = buildResultCharts(folder).map((chart) => ({
    id: chart.id,
    title: chart.title,
    svg: renderLineChart(chart),
    file: `charts/${chart.id}.svg`,
  }));
  return renderIndexPage(folder, charts, [
    { file: 'summary.md', label: 'summary', present: true },
    { file: 'report.html', label: 'dashboard', present: false, missingReason: 'run too short' },
  ]);
}

describe('p95LimitMs', () => {
  it("takes an endpoint's own p95 threshold, else the run-wide one, else none", () => {
    assert.equal(p95LimitMs(SUMMARY, 'protected'), 300);
    assert.equal(p95LimitMs(SUMMARY, 'login'), 1000);
    assert.equal(p95LimitMs(summary({}), 'login'), null);
    assert.equal(p95LimitMs(null, 'login'), null);
  });
});

describe('buildResultCharts', () => {
  it('charts latency per endpoint (not the setup probe), requests and auth from series.json', () => {
    const series = seriesOf();
    series.endpoints.preflight = series.endpoints.login ?? [];
    const charts = buildResultCharts({
      scenario: 'smoke',
      summary: SUMMARY,
      series,
      capacity: null,
      soak: null,
    });
    assert.deepEqual(
      charts.map((chart) => chart.id),
      ['latency-login', 'latency-protected', 'requests', 'auth'],
    );
    assert.deepEqual(
      charts[1]?.references?.map((line) => line.y),
      [300],
    );
  });

  it('charts capacity steps with the capacity figure and the breaking step marked', () => {
    const step = (n: number, rate: number, held: boolean) => ({
      step: n,
      name: `step-${n}`,
      targetRate: rate,
      achievedRate: rate * 0.98,
      started: true,
      complete: true,
      breaches: [],
      held,
    });
    const capacity: CapacityFile = {
      heldRate: 10,
      brokeAtRate: 15,
      maxRate: 20,
      heldAll: false,
      sentence: 'highest rate that held the SLO: 10/s; step 3 (15/s) broke …',
      steps: [
        step(1, 5, true),
        step(2, 10, true),
        step(3, 15, false),
        { ...step(4, 20, false), started: false },
      ],
    };
    const charts = buildResultCharts({
      scenario: 'capacity',
      summary: SUMMARY,
      series: null,
      capacity,
      soak: null,
    });
    assert.deepEqual(
      charts.map((chart) => chart.id),
      ['capacity-rate', 'capacity-p95'],
    );
    assert.deepEqual(
      charts[0]?.markers?.map((marker) => marker.label),
      ['capacity 10/s', 'breaks: step 3 (15/s)'],
    );
    // The step the run never reached is not drawn.
    assert.equal(charts[0]?.series[0]?.points.length, 3);
  });
});

describe('renderIndexPage', () => {
  it('shows the verdict, every chart inline, the thresholds table and the links', () => {
    const html = pageOf({
      scenario: 'smoke',
      summary: SUMMARY,
      series: seriesOf(),
      capacity: null,
      soak: null,
    });
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /failed: 1 of 3 thresholds crossed/);
    assert.equal(html.match(/<svg /g)?.length, 4);
    assert.match(html, /<a href="summary\.md">summary\.md<\/a>/);
    assert.match(html, /report\.html: dashboard \(not written: run too short\)/);
    assert.match(
      html,
      /<code>http_req_failed<\/code><\/td><td class="text"><code>rate&lt;0\.01<\/code>/,
    );
    assert.doesNotMatch(html, /<script|<link|src=/);
  });

  it('escapes everything it interpolates: a scenario name or a threshold cannot inject markup', () => {
    const hostile = summary({
      'http_req_duration{endpoint:<img src=x onerror=alert(1)>}': {
        type: 'trend',
        contains: 'time',
        values: { 'p(95)': 1, count: 1 },
        thresholds: { 'p(95)<"><script>': { ok: true } },
      },
    });
    const html = pageOf({
      scenario: '<script>alert(1)</script>',
      summary: hostile,
      series: null,
      capacity: null,
      soak: null,
    });
    assert.doesNotMatch(html, /<script>|<img /);
    assert.match(html, /<title>&lt;script&gt;alert\(1\)&lt;\/script&gt;: k6 results<\/title>/);
    assert.match(html, /No chart: the run left no time series/);
  });
});
