import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeCell, escapeCell, formatMarkdown } from '../../../lib/core/results/markdown.ts';
import { makeSummaryData } from '../../helpers/fixtures/summary-data.ts';

const generatedAtMs = Date.UTC(2025, 10, 30, 7, 27, 12, 345);

describe('formatMarkdown', () => {
  it('writes the verdict, the endpoint and auth tables and every threshold', () => {
    assert.equal(
      formatMarkdown(makeSummaryData(), {
        scenario: 'smoke',
        thresholdsProfile: 'load',
        generatedAtMs,
      }),
      [
        '# smoke: k6 results',
        '',
        '- Result: **failed**: 2 of 5 thresholds crossed',
        '- Thresholds profile: load',
        '- Test run duration: 2 s',
        '- Generated: 2025-11-30T07:27:12.345Z',
        '',
        '## Endpoints',
        '',
        'Latencies are `http_req_duration` percentiles in milliseconds; errors is the `http_req_failed` rate.',
        '',
        '| endpoint | requests | req/s | p50 ms | p90 ms | p95 ms | p99 ms | errors |',
        '| :-- | --: | --: | --: | --: | --: | --: | --: |',
        '| login | 2 | 1.00 | 4.50 | 5.10 | 5.20 | 5.25 | – |',
        '| refresh | 0 | 0.00 | – | – | – | – | – |',
        '| protected | 20 | 10.00 | 1.00 | 2.00 | 3.00 | 3.96 | 5.00% |',
        '',
        '## Auth',
        '',
        '| logins | refreshes | relogins | expired rejections | auth errors |',
        '| --: | --: | --: | --: | --: |',
        '| 2 | 0 | 0 | 0 | 0.00% |',
        '',
        '## Thresholds',
        '',
        '|  | metric | threshold | observed |',
        '| :-- | :-- | :-- | --: |',
        '| ✓ | `auth_errors` | `rate<0.01` | `rate=0.00%` |',
        '| ✓ | `http_req_duration{endpoint:login}` | `p(95)<1000` | `p(95)=5.2ms` |',
        '| ✗ | `http_req_duration{endpoint:protected}` | `p(95)<0.001` | `p(95)=3ms` |',
        '| ✓ | `http_req_duration{endpoint:protected}` | `p(99)<1000` | `p(99)=3.96ms` |',
        '| ✗ | `http_req_failed{endpoint:protected}` | `rate<0.01` | `rate=5.00%` |',
        '',
      ].join('\n'),
    );
  });

  it('says passed and names the default profile when nothing was crossed and THRESHOLDS was unset', () => {
    const data = makeSummaryData();
    for (const metric of Object.values(data.metrics)) {
      for (const result of Object.values(metric.thresholds ?? {})) result.ok = true;
    }
    const markdown = formatMarkdown(data, {
      scenario: 'smoke',
      thresholdsProfile: '',
      generatedAtMs,
    });
    assert.ok(markdown.includes('- Result: **passed**: all 5 thresholds held\n'));
    assert.ok(markdown.includes('- Thresholds profile: scenario default\n'));
  });

  it('names the default profile that was used when THRESHOLDS was unset and the scenario says which', () => {
    const markdown = formatMarkdown(makeSummaryData(), {
      scenario: 'load',
      thresholdsProfile: '',
      defaultThresholdsProfile: 'load',
      generatedAtMs,
    });
    assert.ok(markdown.includes('- Thresholds profile: scenario default (load)\n'));
  });

  it('names the THRESHOLDS profile as given even when the scenario has another default', () => {
    const markdown = formatMarkdown(makeSummaryData(), {
      scenario: 'load',
      thresholdsProfile: 'soak',
      defaultThresholdsProfile: 'load',
      generatedAtMs,
    });
    assert.ok(markdown.includes('- Thresholds profile: soak\n'));
  });

  it('says "no samples" instead of a zero for a threshold on an endpoint that saw no request', () => {
    const data = makeSummaryData();
    data.metrics['http_req_duration{endpoint:refresh}'] = {
      type: 'trend',
      contains: 'time',
      values: { avg: 0, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0, 'p(99)': 0, count: 0 },
      thresholds: { 'p(95)<800': { ok: true } },
    };
    data.metrics['http_req_failed{endpoint:refresh}'] = {
      type: 'rate',
      contains: 'default',
      values: { rate: 0, passes: 0, fails: 0 },
      thresholds: { 'rate<0.01': { ok: true } },
    };
    const markdown = formatMarkdown(data, {
      scenario: 'smoke',
      thresholdsProfile: '',
      generatedAtMs,
    });
    assert.ok(
      markdown.includes(
        '| ✓ | `http_req_duration{endpoint:refresh}` | `p(95)<800` | `no samples` |\n',
      ),
    );
    assert.ok(
      markdown.includes(
        '| ✓ | `http_req_failed{endpoint:refresh}` | `rate<0.01` | `no samples` |\n',
      ),
    );
  });

  it('escapes pipes and markup so a cell cannot break the table', () => {
    assert.equal(escapeCell('a|b *c* <d>\nnext'), 'a\\|b \\*c\\* \\<d\\> next');
    assert.equal(codeCell('x{tag:a|b}`'), "`x{tag:a\\|b}'`");
  });
});
