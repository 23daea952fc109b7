import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultResultsDir,
  formatUtcTimestamp,
  renderSummaryOutputs,
  resultPath,
} from '../../../lib/core/results/result-files.ts';
import { parseJunit } from '../../helpers/fixtures/parse-junit.ts';
import { makeSummaryData, PLANTED } from '../../helpers/fixtures/summary-data.ts';

const generatedAtMs = Date.UTC(2025, 10, 30, 7, 27, 12, 345);

describe('results folder names', () => {
  it('formats a UTC timestamp that sorts by time and is safe in a file name', () => {
    assert.equal(formatUtcTimestamp(generatedAtMs), '20251130T072712Z');
    assert.equal(defaultResultsDir('smoke', generatedAtMs), 'results/smoke-20251130T072712Z');
  });

  it('puts files inside RESULTS_DIR, or flat into results/ when there is none', () => {
    const base = { scenario: 'smoke', generatedAtMs, thresholdsProfile: '' };
    assert.equal(
      resultPath({ ...base, resultsDir: 'out/run-1/' }, 'junit.xml'),
      'out/run-1/junit.xml',
    );
    assert.equal(
      resultPath({ ...base, resultsDir: undefined }, 'junit.xml'),
      'results/smoke-20251130T072712Z.junit.xml',
    );
  });
});

describe('renderSummaryOutputs', () => {
  it('returns summary.json, junit.xml, summary.md and stdout for handleSummary', () => {
    const outputs = renderSummaryOutputs(makeSummaryData(), {
      scenario: 'smoke',
      resultsDir: 'out/run-1',
      generatedAtMs,
      thresholdsProfile: 'load',
    });
    assert.deepEqual(Object.keys(outputs).sort(), [
      'out/run-1/junit.xml',
      'out/run-1/summary.json',
      'out/run-1/summary.md',
      'stdout',
    ]);
    const summary = JSON.parse(outputs['out/run-1/summary.json'] ?? '');
    assert.equal('setup_data' in summary, false);
    assert.equal(summary.metrics.http_reqs.values.count, 25);
    assert.equal(parseJunit(outputs['out/run-1/junit.xml'] ?? '').suite.failures, '2');
    assert.ok(outputs['out/run-1/summary.md']?.startsWith('# smoke: k6 results\n'));
    const stdout = outputs.stdout ?? '';
    assert.ok(stdout.includes('  █ THRESHOLDS'));
    assert.ok(stdout.includes('  █ ENDPOINTS'));
    assert.ok(stdout.includes('  protected        20  10.00'));
    assert.equal(stdout.includes('results:'), false);
  });

  it('writes no planted secret into any output, including known ones from the environment', () => {
    const data = makeSummaryData();
    const [first] = data.root_group.checks;
    assert.ok(first);
    data.root_group.checks[0] = { ...first, name: `logged in with ${PLANTED.password}` };
    const outputs = renderSummaryOutputs(data, {
      scenario: 'smoke',
      resultsDir: undefined,
      generatedAtMs,
      thresholdsProfile: '',
      knownSecrets: [PLANTED.password],
    });
    for (const [name, content] of Object.entries(outputs)) {
      for (const secret of Object.values(PLANTED)) {
        assert.equal(content.includes(secret), false, `a planted secret is in ${name}`);
      }
    }
  });

  it('appends the extra sections to stdout and summary.md and writes extra files beside summary.md', () => {
    const context = { scenario: 'capacity', generatedAtMs, thresholdsProfile: '' };
    const extras = {
      sections: [
        { text: '  █ ONE', markdown: '\n## One\n' },
        { text: '  █ TWO', markdown: '\n## Two\n' },
      ],
      files: { 'capacity.json': '{}\n' },
    };
    const plain = renderSummaryOutputs(makeSummaryData(), { ...context, resultsDir: 'out/run-1' });
    const outputs = renderSummaryOutputs(
      makeSummaryData(),
      { ...context, resultsDir: 'out/run-1' },
      extras,
    );
    assert.deepEqual(Object.keys(outputs), [...Object.keys(plain), 'out/run-1/capacity.json']);
    assert.equal(outputs.stdout, `${plain.stdout}  █ ONE\n  █ TWO\n`);
    assert.equal(
      outputs['out/run-1/summary.md'],
      `${plain['out/run-1/summary.md']}\n## One\n\n## Two\n`,
    );
    assert.equal(outputs['out/run-1/capacity.json'], '{}\n');
    const flat = renderSummaryOutputs(
      makeSummaryData(),
      { ...context, resultsDir: undefined },
      extras,
    );
    assert.equal(flat['results/capacity-20251130T072712Z.capacity.json'], '{}\n');
  });

  it('tells on stdout where flat files went when k6 had no folder to write into', () => {
    const { stdout } = renderSummaryOutputs(makeSummaryData(), {
      scenario: 'smoke',
      resultsDir: undefined,
      generatedAtMs,
      thresholdsProfile: '',
    });
    assert.ok(
      stdout?.includes(
        '  results: results/smoke-20251130T072712Z.* (k6 cannot create folders: set -e RESULTS_DIR to an existing one, or use npm run scenario)\n',
      ),
    );
  });
});
