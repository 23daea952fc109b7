import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatElapsed, renderPhaseReport } from '../../../lib/core/results/scenario-report.ts';
import type { MetricSummary, SummaryData } from '../../../lib/core/results/summary-data.ts';
import { planScenario } from '../../../lib/core/scenario/shapes.ts';

function dataOf(ranMs: number, metrics: Record<string, MetricSummary>): SummaryData {
  return {
    metrics,
    root_group: { name: '', path: '', id: '', groups: [], checks: [] },
    options: { summaryTrendStats: [], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: ranMs },
  };
}
const counter = (count: number): MetricSummary => ({
  type: 'counter',
  contains: 'default',
  values: { count, rate: 0 },
});
const p95 = (ms: number, count: number): MetricSummary => ({
  type: 'trend',
  contains: 'time',
  values: { 'p(95)': ms, count },
});
const SLOS = [{ metric: 'http_req_duration{endpoint:protected}', expression: 'p(95)<250' }];

describe('renderPhaseReport', () => {
  it('has nothing to add for load, stress and spike', () => {
    for (const name of ['load', 'stress', 'spike'] as const) {
      assert.equal(renderPhaseReport(planScenario(name, {}), SLOS, dataOf(1000, {})), null);
    }
  });

  it('puts the capacity figure in the terminal, in summary.md and in capacity.json', () => {
    const plan = planScenario('capacity', {
      WARM_UP: '0s',
      RATE: '5',
      STEP_RATE: '5',
      PEAK_RATE: '15',
      HOLD: '3s',
      RAMP_UP: '1s',
    });
    const report = renderPhaseReport(
      plan,
      SLOS,
      dataOf(9500, {
        'http_reqs{endpoint:protected,phase:step-1}': counter(15),
        'http_req_duration{endpoint:protected,phase:step-1}': p95(3, 15),
        'http_reqs{endpoint:protected,phase:step-2}': counter(30),
        'http_req_duration{endpoint:protected,phase:step-2}': p95(312, 30),
        'http_reqs{endpoint:protected,phase:step-3}': counter(20),
        'http_req_duration{endpoint:protected,phase:step-3}': p95(900, 20),
      }),
    );
    assert.ok(report);
    const sentence =
      'highest rate that held the SLO: 5/s; step 2 (10/s) broke http_req_duration{endpoint:protected} p(95)<250 with p(95)=312';
    assert.equal(
      report.text,
      [
        '  █ CAPACITY',
        '',
        `  ${sentence}`,
        '',
        '  step  target/s  achieved/s  complete  SLO',
        '  1            5        5.00       yes  held',
        '  2           10       10.00       yes  broke http_req_duration{endpoint:protected} p(95)<250: p(95)=312',
        '  3           15        6.67        no  broke http_req_duration{endpoint:protected} p(95)<250: p(95)=900',
        '',
      ].join('\n'),
    );
    assert.match(report.markdown, /^\n## Capacity\n\nhighest rate that held the SLO: 5\/s;/);
    assert.match(report.markdown, /\| 1 \| 5 \| 5\.00 \| yes \| held \|/);
    const json = JSON.parse(report.files['capacity.json'] ?? '{}');
    assert.equal(json.heldRate, 5);
    assert.equal(json.brokeAtRate, 10);
    assert.equal(json.maxRate, 15);
    assert.equal(json.heldAll, false);
    assert.equal(json.sentence, sentence);
    assert.equal(json.steps.length, 3);
  });

  it('renders the soak windows with soak.json beside them, and the storm peaks without extra files', () => {
    const soak = renderPhaseReport(
      planScenario('soak', { DURATION: '4s', WINDOWS: '2' }),
      SLOS,
      dataOf(4000, {
        'http_reqs{endpoint:protected,phase:window-1}': counter(20),
        'http_reqs{endpoint:protected,phase:window-2}': counter(20),
      }),
    );
    assert.ok(soak);
    assert.match(soak.text, /█ SOAK WINDOWS/);
    assert.match(soak.text, /window-2\s+2s\s+4s\s+10\.00/);
    assert.deepEqual(Object.keys(soak.files), ['soak.json']);
    const soakJson = JSON.parse(soak.files['soak.json'] ?? '{}');
    assert.deepEqual(
      soakJson.windows.map((row: { name: string }) => row.name),
      ['window-1', 'window-2'],
    );
    assert.equal(typeof soakJson.sentence, 'string');
    assert.equal(typeof soakJson.flat, 'boolean');

    const storm = renderPhaseReport(
      planScenario('login-storm', { VUS: '30', DURATION: '3s' }),
      SLOS,
      dataOf(3000, { 'auth_logins{phase:t0}': counter(30) }),
    );
    assert.ok(storm);
    assert.match(
      storm.text,
      /peak 30 logins\/s at 0 s, 100% of the 30 VUs; 30 logins in all; all 30 VUs logged in within 1 s/,
    );
  });

  it('escapes Markdown in the soak section', () => {
    const soak = renderPhaseReport(
      planScenario('soak', { DURATION: '4s', WINDOWS: '2' }),
      [{ metric: 'http_req_duration{endpoint:protected}', expression: 'p(95)<1' }],
      dataOf(4000, { 'http_req_duration{endpoint:protected,phase:window-1}': p95(5, 10) }),
    );
    assert.ok(soak);
    assert.match(
      soak.markdown,
      /broke http\\_req\\_duration\{endpoint:protected\} p\(95\)\\<1: p\(95\)=5/,
    );
  });
});

describe('formatElapsed', () => {
  it('writes short times in seconds and long ones in hours, minutes and seconds', () => {
    assert.equal(formatElapsed(0), '0s');
    assert.equal(formatElapsed(1500), '1.5s');
    assert.equal(formatElapsed(60_000), '1m');
    assert.equal(formatElapsed(90_000), '1m30s');
    assert.equal(formatElapsed(1_800_000), '30m');
    assert.equal(formatElapsed(5_400_000), '1h30m');
    assert.equal(formatElapsed(7_200_000), '2h');
    assert.equal(formatElapsed(3_601_000), '1h1s');
  });
});
