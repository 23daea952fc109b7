import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareModes,
  formatModeLinks,
  formatModeMarkdown,
  formatModeTable,
  formatNotPassedLine,
  formatResultsLine,
  overallExitCode,
} from '../../../lib/core/results/mode-comparison.ts';
import type { MetricSummary, SummaryData } from '../../../lib/core/results/summary-data.ts';

const counter = (count: number, rate = 0): MetricSummary => ({
  type: 'counter',
  contains: 'default',
  values: { count, rate },
});
const trend = (p95: number, count: number): MetricSummary => ({
  type: 'trend',
  contains: 'time',
  values: { med: p95 / 2, 'p(90)': p95, 'p(95)': p95, 'p(99)': p95, count },
});

function smokeData(refreshes: number, failed: number): SummaryData {
  return {
    metrics: {
      'http_reqs{endpoint:protected}': counter(480, 48.04),
      'http_req_duration{endpoint:protected}': trend(1.5, 480),
      'http_reqs{endpoint:refresh}': counter(refreshes),
      'http_req_duration{endpoint:refresh}': trend(2.6, refreshes),
      http_req_failed: {
        type: 'rate',
        contains: 'default',
        values: { rate: failed / 500, passes: failed, fails: 500 - failed },
      },
      auth_logins: counter(5),
      auth_refreshes: counter(refreshes),
    },
    root_group: { name: '', path: '', id: '', groups: [], checks: [] },
    options: { summaryTrendStats: [], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 10_000 },
  };
}

describe('compareModes', () => {
  it('reads one row per mode from its summary data', () => {
    const rows = compareModes([
      { mode: 'session', exitCode: 0, data: smokeData(0, 0) },
      { mode: 'dual', exitCode: 99, data: smokeData(15, 2) },
      { mode: 'token', exitCode: 107, data: undefined },
    ]);
    assert.deepEqual(rows[0], {
      mode: 'session',
      protectedPerSecond: 48.04,
      protectedP95Ms: 1.5,
      refreshP95Ms: null,
      logins: 5,
      refreshes: 0,
      errors: 0,
      verdict: 'passed',
    });
    assert.equal(rows[1]?.refreshP95Ms, 2.6);
    assert.equal(rows[1]?.errors, 2);
    assert.equal(rows[1]?.verdict, 'thresholds crossed');
    assert.equal(rows[2]?.verdict, 'failed');
    assert.equal(rows[2]?.logins, null);
  });

  it('renders the terminal table and the Markdown table with the same cells', () => {
    const rows = compareModes([
      { mode: 'dual', exitCode: 0, data: smokeData(15, 0) },
      { mode: 'token', exitCode: 107, data: undefined },
    ]);
    assert.equal(
      formatModeTable(rows),
      [
        '  mode   protected req/s  p95 protected ms  p95 refresh ms  logins  refreshes  errors  thresholds',
        '  dual             48.04              1.50            2.60       5         15       0      passed',
        '  token                –                 –               –       –          –       –      failed',
      ].join('\n'),
    );
    assert.equal(
      formatModeMarkdown(rows).split('\n')[2],
      '| dual | 48.04 | 1.50 | 2.60 | 5 | 15 | 0 | passed |',
    );
  });
});

describe('overallExitCode', () => {
  it('is 0 when every run passed', () => {
    assert.equal(overallExitCode([{ exitCode: 0 }, { exitCode: 0 }]), 0);
  });

  it('is 99 when a threshold was crossed and nothing failed outright', () => {
    assert.equal(overallExitCode([{ exitCode: 0 }, { exitCode: 99 }]), 99);
  });

  it('is the failed run’s own code when a run failed, even after a crossed threshold', () => {
    assert.equal(overallExitCode([{ exitCode: 99 }, { exitCode: 107 }, { exitCode: 104 }]), 107);
  });
});

describe('formatResultsLine', () => {
  it('lists the files each mode really wrote, and says so when a failed mode wrote none', () => {
    assert.equal(
      formatResultsLine('results/start-20251130T072712Z', [
        { mode: 'session', files: ['junit.xml', 'report.html', 'summary.json', 'summary.md'] },
        { mode: 'token', files: [] },
        { mode: 'dual', files: ['junit.xml', 'summary.json', 'summary.md'] },
      ]),
      'Results: results/start-20251130T072712Z/: ' +
        'session/ (summary.md, report.html, summary.json, junit.xml); ' +
        'token/ (no files: k6 wrote none); ' +
        'dual/ (summary.md, summary.json, junit.xml); comparison.md',
    );
  });
});

describe('formatModeLinks', () => {
  it('links only the modes whose summary.md exists', () => {
    assert.equal(
      formatModeLinks([
        { mode: 'session', files: ['summary.md'] },
        { mode: 'token', files: [] },
        { mode: 'dual', files: ['summary.md', 'report.html'] },
      ]),
      "Each mode's full results: [session](session/summary.md), [dual](dual/summary.md).",
    );
  });

  it('says that no mode wrote a summary when every run failed before its end', () => {
    assert.equal(formatModeLinks([{ mode: 'session', files: [] }]), 'No mode wrote a summary.md.');
  });
});

describe('formatNotPassedLine', () => {
  const wrote = { files: ['summary.md', 'report.html'] };
  it('points at every summary.md when each mode that did not pass wrote one', () => {
    assert.equal(
      formatNotPassedLine(
        ['token', 'dual'],
        [
          { mode: 'token', ...wrote },
          { mode: 'dual', ...wrote },
        ],
        99,
      ),
      'Not passed in: token, dual; see their summary.md (exit code 99).',
    );
  });

  it('points only at the summaries that exist when a mode failed before writing any', () => {
    assert.equal(
      formatNotPassedLine(
        ['token', 'dual'],
        [
          { mode: 'token', ...wrote },
          { mode: 'dual', files: [] },
        ],
        107,
      ),
      'Not passed in: token, dual; see the summary.md of token; the others wrote no results (exit code 107).',
    );
    assert.equal(
      formatNotPassedLine(['session'], [{ mode: 'session', files: [] }], 107),
      "Not passed in: session; no results were written: see k6's errors above (exit code 107).",
    );
  });
});
