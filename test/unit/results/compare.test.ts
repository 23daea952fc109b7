import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertBaselineName, isBaselineName } from '../../../lib/core/results/baseline-name.ts';
import { renderLineChart } from '../../../lib/core/results/charts.ts';
import { compareRuns, describeRow } from '../../../lib/core/results/compare.ts';
import {
  comparisonCharts,
  renderCompareHtml,
  withComparisonSection,
} from '../../../lib/core/results/compare-chart.ts';
import { formatCompareMarkdown } from '../../../lib/core/results/compare-markdown.ts';
import {
  DEFAULT_TOLERANCES,
  parseTolerances,
  toleranceFor,
} from '../../../lib/core/results/compare-tolerances.ts';
import type { RunDigest, WindowFigures } from '../../../lib/core/results/run-digest.ts';

/** Per-window p95s → windows of 20 req/s with p50 and p99 derived from them. */
function windows(p95s: readonly number[]): WindowFigures[] {
  return p95s.map((p95, index) => ({
    t: index * 10_000,
    perSecond: 20,
    p50Ms: p95 / 2,
    p95Ms: p95,
    p99Ms: p95 * 1.5,
    errorRate: 0,
  }));
}

function digest(options: {
  protectedP95s?: number[];
  refreshP95s?: number[];
  failed?: number;
  refreshes?: number;
  authMode?: string | null;
  scenario?: string;
  capacity?: RunDigest['capacity'];
}): RunDigest {
  const protectedP95s = options.protectedP95s ?? [100, 102, 98, 101, 99, 97];
  const refreshP95s = options.refreshP95s ?? [40, 41, 39, 43, 42, 38];
  const mid = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    version: 1,
    identity: {
      scenario: options.scenario ?? 'load',
      authMode: options.authMode === undefined ? 'dual' : options.authMode,
      profile: 'built-in',
      protectedPath: '/protected',
      thresholdsProfile: 'load',
      knobs: { RATE: '20', DURATION: '60s' },
    },
    startedAt: null,
    durationMs: 60_000,
    endpoints: {
      protected: {
        requests: 1200,
        perSecond: 20,
        p50Ms: mid(protectedP95s) / 2,
        p95Ms: mid(protectedP95s),
        p99Ms: mid(protectedP95s) * 1.5,
        failed: options.failed ?? 0,
        total: 1200,
      },
      refresh: {
        requests: 600,
        perSecond: 10,
        p50Ms: mid(refreshP95s) / 2,
        p95Ms: mid(refreshP95s),
        p99Ms: mid(refreshP95s) * 1.5,
        failed: 0,
        total: 600,
      },
      login: { requests: 20, perSecond: 0.33, p50Ms: 3, p95Ms: 5, p99Ms: 6, failed: 0, total: 20 },
    },
    auth: {
      logins: 20,
      refreshes: options.refreshes ?? 600,
      relogins: 0,
      expiredRejections: 0,
      authErrorsFailed: 0,
      authErrorsTotal: 620,
    },
    windows: {
      source: 'series',
      windowMs: 10_000,
      thinned: false,
      endpoints: { protected: windows(protectedP95s), refresh: windows(refreshP95s) },
    },
    capacity: options.capacity ?? null,
    soak: null,
  };
}

const verdict = (result: ReturnType<typeof compareRuns>, group: string, kind: string) =>
  result.rows.find((row) => row.group === group && row.kind === kind)?.verdict;

describe('compareRuns', () => {
  it('calls two runs with the same windows in another order same on every metric', () => {
    const result = compareRuns(
      digest({}),
      digest({ protectedP95s: [101, 99, 100, 98, 102, 97] }),
      DEFAULT_TOLERANCES,
    );
    assert.equal(result.verdict, 'same');
    assert.deepEqual(
      result.rows.filter((row) => row.verdict !== 'same' && row.verdict !== 'n/a'),
      [],
    );
  });

  it('calls 50 ms more on every protected window worse, with the U test and the Hodges–Lehmann shift, and refresh same', () => {
    const result = compareRuns(
      digest({}),
      digest({ protectedP95s: [150, 152, 148, 151, 149, 147] }),
      DEFAULT_TOLERANCES,
    );
    const p95 = result.rows.find((row) => row.group === 'protected' && row.kind === 'p95');
    assert.equal(p95?.verdict, 'worse');
    assert.equal(p95?.effect, 50);
    assert.equal(p95?.method, 'Mann–Whitney U on 6+6 windows (exact), Hodges–Lehmann shift');
    assert.ok((p95?.pValue ?? 1) < 0.01);
    assert.equal(verdict(result, 'refresh', 'p95'), 'same');
    assert.equal(result.verdict, 'worse');
    assert.ok(p95);
    assert.equal(describeRow(p95), 'protected p95 100 ms → 150 ms (+50 ms, +50%, p=0.0022)');
  });

  it('calls a significant shift below the minimum practical effect same (9 ms on 100 ms)', () => {
    const result = compareRuns(
      digest({}),
      digest({ protectedP95s: [106, 107, 108, 109, 110, 111] }),
      DEFAULT_TOLERANCES,
    );
    const p95 = result.rows.find((row) => row.group === 'protected' && row.kind === 'p95');
    assert.ok((p95?.pValue ?? 1) < 0.01, 'the shift is significant');
    assert.equal(p95?.verdict, 'same');
  });

  it('calls a large but noisy difference same when the windows overlap', () => {
    const result = compareRuns(
      digest({ protectedP95s: [60, 140, 80, 160, 100, 120] }),
      digest({ protectedP95s: [70, 180, 90, 170, 110, 150] }),
      DEFAULT_TOLERANCES,
    );
    assert.equal(verdict(result, 'protected', 'p95'), 'same');
  });

  it('calls lower latency better and does not fail on it', () => {
    const result = compareRuns(
      digest({}),
      digest({ protectedP95s: [60, 61, 59, 63, 62, 58] }),
      DEFAULT_TOLERANCES,
    );
    assert.equal(verdict(result, 'protected', 'p95'), 'better');
    assert.equal(result.verdict, 'better');
    assert.deepEqual(result.worse, []);
  });

  it('calls 5 % protected errors worse by the two-proportion test, and one error in 1200 same', () => {
    assert.equal(
      verdict(
        compareRuns(digest({}), digest({ failed: 60 }), DEFAULT_TOLERANCES),
        'protected',
        'errorRate',
      ),
      'worse',
    );
    assert.equal(
      verdict(
        compareRuns(digest({}), digest({ failed: 1 }), DEFAULT_TOLERANCES),
        'protected',
        'errorRate',
      ),
      'same',
    );
  });

  it('judges refresh counts as Poisson rates: 600 against 630 is same, against 900 worse', () => {
    assert.equal(
      verdict(
        compareRuns(digest({}), digest({ refreshes: 630 }), DEFAULT_TOLERANCES),
        'auth',
        'refreshes',
      ),
      'same',
    );
    assert.equal(
      verdict(
        compareRuns(digest({}), digest({ refreshes: 900 }), DEFAULT_TOLERANCES),
        'auth',
        'refreshes',
      ),
      'worse',
    );
  });

  it('leaves a whole-run p95 of 20 logins unjudged: it is decided by one slow request', () => {
    const login = compareRuns(digest({}), digest({}), DEFAULT_TOLERANCES).rows.find(
      (row) => row.group === 'login' && row.kind === 'p95',
    );
    assert.equal(login?.verdict, 'n/a');
    assert.equal(login?.method, 'not judged: 20 requests, a whole-run p95 needs 100 a side');
  });

  it('leaves a burst that fell in too few windows unjudged', () => {
    const few = digest({ protectedP95s: [100, 100, 100] });
    const slow = digest({ protectedP95s: [200, 200, 200] });
    const row = compareRuns(few, slow, DEFAULT_TOLERANCES).rows.find(
      (r) => r.group === 'protected' && r.kind === 'p95',
    );
    assert.equal(row?.verdict, 'n/a');
    assert.equal(row?.method, 'not judged: requests in too few windows (3+3, need 5 a side)');
  });

  it('judges whole-run values against the tolerance alone when neither run has windows', () => {
    const bare = (p95s: number[]) => {
      const d = digest({ protectedP95s: p95s });
      return {
        ...d,
        windows: { source: 'none' as const, windowMs: 0, thinned: false, endpoints: {} },
      };
    };
    const row = compareRuns(bare([100]), bare([200]), DEFAULT_TOLERANCES).rows.find(
      (r) => r.group === 'protected' && r.kind === 'p95',
    );
    assert.equal(row?.verdict, 'worse');
    assert.equal(row?.pValue, null);
    assert.equal(row?.method, 'whole-run values against the tolerance (no windows)');
  });

  it('calls a capacity that held 30/s against 10/s now worse, and one step of 200 against 180 same', () => {
    const capacity = (heldRate: number | null, heldAll: boolean): RunDigest['capacity'] => ({
      heldRate,
      brokeAtRate: heldAll ? null : (heldRate ?? 0) + 10,
      maxRate: 200,
      heldAll,
      sentence: '',
      steps: [],
    });
    const worse = compareRuns(
      digest({ scenario: 'capacity', capacity: capacity(30, false) }),
      digest({ scenario: 'capacity', capacity: capacity(10, false) }),
      DEFAULT_TOLERANCES,
    );
    assert.equal(verdict(worse, 'capacity', 'capacity'), 'worse');
    assert.equal(
      worse.rows.some((row) => row.kind === 'throughput'),
      false,
      'a ramp’s throughput is not judged',
    );
    const step = compareRuns(
      digest({ scenario: 'capacity', capacity: capacity(200, true) }),
      digest({ scenario: 'capacity', capacity: capacity(180, false) }),
      DEFAULT_TOLERANCES,
    );
    assert.equal(verdict(step, 'capacity', 'capacity'), 'same');
    const none = compareRuns(
      digest({ scenario: 'capacity', capacity: capacity(30, false) }),
      digest({ scenario: 'capacity', capacity: capacity(null, false) }),
      DEFAULT_TOLERANCES,
    );
    assert.equal(none.rows.find((row) => row.kind === 'capacity')?.current, 0);
  });

  it('refuses different scenarios and auth modes, naming each, and judges nothing', () => {
    const result = compareRuns(
      digest({}),
      digest({ scenario: 'soak', authMode: 'session' }),
      DEFAULT_TOLERANCES,
    );
    assert.equal(result.verdict, 'incomparable');
    assert.deepEqual(result.incomparable, [
      'different scenario: baseline "load", current "soak"',
      'different auth mode (AUTH_MODE): baseline "dual", current "session"',
    ]);
    assert.deepEqual(result.rows, []);
  });

  it('compares a folder without run.json, and notes that its auth mode was not checked', () => {
    const result = compareRuns(digest({ authMode: null }), digest({}), DEFAULT_TOLERANCES);
    assert.equal(result.verdict, 'same');
    assert.deepEqual(result.notes, [
      'the baseline has no run.json: its auth mode and target profile could not be checked',
    ]);
  });
});

describe('parseTolerances', () => {
  it('merges a file over the defaults, an endpoint-specific key winning over the kind', () => {
    const tolerances = parseTolerances({
      alpha: 0.05,
      metrics: { 'protected.p95': { absolute: 20 } },
    });
    assert.equal(tolerances.alpha, 0.05);
    assert.deepEqual(toleranceFor(tolerances, 'p95', 'protected'), {
      relative: 0.15,
      absolute: 20,
    });
    assert.deepEqual(toleranceFor(tolerances, 'p95', 'refresh'), DEFAULT_TOLERANCES.metrics.p95);
  });

  it('rejects unknown keys and values out of range with COMPARE_TOLERANCES_INVALID', () => {
    assert.throws(() => parseTolerances({ metrics: { p96: { absolute: 1 } } }), {
      code: 'COMPARE_TOLERANCES_INVALID',
      message: /^Invalid compare tolerances at metrics\.p96; reason: expected a metric kind/,
    });
    assert.throws(() => parseTolerances({ alpha: 2 }), {
      code: 'COMPARE_TOLERANCES_INVALID',
      message:
        'Invalid compare tolerances at alpha; reason: expected a number from 0.000001 to 0.5, got 2',
    });
    assert.throws(() => parseTolerances({ metrics: { p95: { relativ: 1 } } }), {
      code: 'COMPARE_TOLERANCES_INVALID',
    });
  });
});

describe('compare.md and compare.html', () => {
  const baseline = digest({});
  const current = digest({ protectedP95s: [150, 152, 148, 151, 149, 147] });
  const result = compareRuns(baseline, current, DEFAULT_TOLERANCES);

  it('starts with the verdict and lists what got worse before the table', () => {
    const markdown = formatCompareMarkdown(result, baseline, current, {
      baseline: 'v1.3.0',
      current: 'results/load',
    });
    const lines = markdown.split('\n');
    assert.equal(lines[0], '## k6 compare: load');
    assert.equal(lines[2], 'Baseline `v1.3.0` → current `results/load`');
    assert.match(lines[4] ?? '', /^\*\*Worse\*\*: 3 metrics got worse/);
    assert.ok(markdown.indexOf('- protected p95 100 ms → 150 ms') < markdown.indexOf('| group |'));
    assert.match(
      markdown,
      /\| protected \| p95 \| 100 ms \| 150 ms \| \+50 ms \(\+50%\) \| 0\.0022 \| 🔴 worse \|/,
    );
  });

  it('draws one overlay chart per endpoint with windows, as SVG without script', () => {
    const charts = comparisonCharts(baseline, current);
    assert.deepEqual(
      charts.map((chart) => chart.title),
      ['protected p95 per window', 'refresh p95 per window'],
    );
    const html = renderCompareHtml(result, charts, 'md');
    assert.equal((html.match(/<svg /g) ?? []).length, 2);
    assert.equal(html.includes('<script'), false);
    const first = charts[0];
    assert.ok(first);
    const svg = renderLineChart(first);
    assert.equal((svg.match(/<path class="data" /g) ?? []).length, 2);
    assert.match(svg, /class="tick"[^>]*>150</);
  });

  it('puts the comparison into the result folder’s index.html, once however often it runs', () => {
    const page = '<html><body><h1>load</h1></body></html>';
    const charts = comparisonCharts(baseline, current);
    const once = withComparisonSection(page, result, charts);
    const twice = withComparisonSection(once, result, charts);
    assert.equal(twice, once);
    assert.equal((once.match(/<section id="comparison">/g) ?? []).length, 1);
    assert.equal((once.match(/<svg /g) ?? []).length, 2);
    assert.match(
      once,
      /<h1>load<\/h1><section id="comparison">\n<h2>Compared with the baseline: <span class="worse">worse<\/span><\/h2>/,
    );
    assert.match(
      once,
      /<a href="compare\.md">compare\.md<\/a>[\s\S]*<\/section>\n<\/body><\/html>$/,
    );
  });
});

describe('baseline names', () => {
  it('accepts release-like names and refuses paths', () => {
    for (const name of ['v1.4.0', 'main', 'nightly_2025-11-30'])
      assert.equal(isBaselineName(name), true, name);
    for (const name of ['', '../x', 'a/b', '.hidden', 'a..b', 'x'.repeat(65)])
      assert.equal(isBaselineName(name), false, name);
    assert.throws(() => assertBaselineName('../etc'), { code: 'BASELINE_NAME_INVALID' });
  });
});
