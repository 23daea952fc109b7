import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTextSummary } from '../../../lib/core/results/text.ts';
import { makeSummaryData } from '../../helpers/fixtures/summary-data.ts';

describe('formatTextSummary', () => {
  it('lists thresholds by metric with a mark and the observed value, without reporting-only ones', () => {
    const text = formatTextSummary(makeSummaryData());
    const thresholds = text.slice(text.indexOf('█ THRESHOLDS'), text.indexOf('█ TOTAL RESULTS'));
    assert.equal(
      thresholds,
      [
        '█ THRESHOLDS',
        '',
        '    auth_errors',
        "    ✓ 'rate<0.01' rate=0.00%",
        '',
        '    http_req_duration{endpoint:login}',
        "    ✓ 'p(95)<1000' p(95)=5.2ms",
        '',
        '    http_req_duration{endpoint:protected}',
        "    ✗ 'p(95)<0.001' p(95)=3ms",
        "    ✓ 'p(99)<1000' p(99)=3.96ms",
        '',
        '    http_req_failed{endpoint:protected}',
        "    ✗ 'rate<0.01' rate=5.00%",
        '',
        '',
        '  ',
      ].join('\n'),
    );
  });

  it('summarises checks and groups metrics by category, sub-metrics under their metric', () => {
    const lines = formatTextSummary(makeSummaryData()).split('\n');
    const at = (start: string) => lines.findIndex((line) => line.startsWith(start));
    assert.match(lines[at('    checks_total')] ?? '', /: 40$/);
    assert.match(lines[at('    checks_succeeded')] ?? '', /: 97\.50% 39 out of 40$/);
    assert.match(lines[at('    checks_failed')] ?? '', /: 2\.50% 1 out of 40$/);
    assert.ok(lines.includes('    ✗ status is 200'));
    assert.ok(lines.includes('      ↳ 95% — ✓ 19 / ✗ 1'));
    const order = ['    AUTH', '    HTTP', '    EXECUTION', '    NETWORK'].map((heading) =>
      lines.indexOf(heading),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.ok(order.every((index) => index > 0));
    assert.match(
      lines[at('    http_req_duration.')] ?? '',
      /: avg=1\.5ms min=0\.1ms med=1\.2ms max=9ms p\(90\)=2\.5ms p\(95\)=3\.25ms p\(99\)=8ms count=25$/,
    );
    assert.match(lines[at('      { endpoint:protected }')] ?? '', /: avg=1\.25ms /);
    assert.match(lines[at('    http_req_failed.')] ?? '', /: 4\.00% {2}1 out of 25$/);
    assert.match(lines[at('    http_reqs.')] ?? '', /: 25 {2}12\.5\/s$/);
    assert.match(lines[at('    data_received.')] ?? '', /: 3\.1 kB {2}1\.55 kB\/s$/);
  });

  it('colours the marks only when stdout is a terminal and colour is allowed', () => {
    const plain = formatTextSummary(makeSummaryData());
    assert.equal(plain.includes('\u001b['), false);
    const tty = makeSummaryData();
    tty.state.isStdOutTTY = true;
    assert.ok(formatTextSummary(tty).includes('\u001b[31m✗\u001b[0m'));
    tty.options.noColor = true;
    assert.equal(formatTextSummary(tty).includes('\u001b['), false);
  });
});
