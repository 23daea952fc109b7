/**
 * The series reader's memory with a 2-hour soak's worth of samples: 200 requests/s for 2 h
 * (1.44 M requests, 4.3 M rows of k6's CSV output) generated on the fly and read through
 * cli/series-capture.ts's reader in a child Node with `--expose-gc`
 * (test/helpers/series-memory-probe.ts). Bounds: heap growth after gc under 50 MB at every
 * checkpoint, series.json under 3 MB, at most 720 windows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runToEnd } from '../helpers/run-process.ts';

describe('reading a 2-hour series', () => {
  it('keeps the heap flat and series.json small for 1.44 M requests', async (t) => {
    const result = await runToEnd(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'test/helpers/series-memory-probe.ts'],
      { timeoutMs: 120_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    const probe = JSON.parse(result.stdout) as Record<string, number>;
    t.diagnostic(JSON.stringify(probe));
    assert.equal(probe.requests, 1_440_000);
    // Every duration and failure row read (2 per request), plus one refresh counter per 50.
    assert.equal(probe.samples, 1_440_000 * 2 + 1_440_000 / 50);
    assert.equal(probe.windows, 720);
    assert.equal(probe.windowMs, 10_000);
    assert.ok(
      (probe.peakHeapGrowthMb ?? Infinity) < 50,
      `heap growth ${probe.peakHeapGrowthMb} MB`,
    );
    assert.ok(
      (probe.seriesBytes ?? Infinity) < 3_000_000,
      `series.json ${probe.seriesBytes} bytes`,
    );
    // The generated drift (latency doubling over the run) is in the windows.
    assert.ok((probe.protectedP95LastMs ?? 0) > 1.5 * (probe.protectedP95FirstMs ?? Infinity));
  });
});
