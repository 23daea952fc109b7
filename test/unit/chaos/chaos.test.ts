import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchByGroup, ChaosUsageError, planChaos } from '../../chaos/chaos.ts';
import { CHAOS_CASES } from '../../chaos/chaos-cases.ts';

const NOW_MS = Date.UTC(2025, 10, 30, 7, 27, 12);

describe('npm run chaos command line', () => {
  it('runs every fault in full into results/chaos-<UTC timestamp> by default', () => {
    assert.deepEqual(planChaos([], {}, NOW_MS), {
      short: false,
      only: CHAOS_CASES.map((c) => c.id),
      resultsDir: 'results/chaos-20251130T072712Z',
    });
  });

  it('takes --short or CHAOS_SHORT=true for CI, --only for some faults, RESULTS_DIR for the folder', () => {
    assert.equal(planChaos(['--short'], {}, NOW_MS).short, true);
    assert.equal(planChaos([], { CHAOS_SHORT: 'true' }, NOW_MS).short, true);
    const plan = planChaos(['--only', 'dead-target,restart'], { RESULTS_DIR: '/tmp/x' }, NOW_MS);
    // Catalogue order, whatever the order given.
    assert.deepEqual(plan.only, ['restart', 'dead-target']);
    assert.equal(plan.resultsDir, '/tmp/x');
    assert.deepEqual(planChaos(['--only=slow-login'], {}, NOW_MS).only, ['slow-login']);
  });

  it('refuses unknown arguments and case ids with a message naming them', () => {
    assert.throws(
      () => planChaos(['--fast'], {}, NOW_MS),
      (error: unknown) =>
        error instanceof ChaosUsageError &&
        error.message.startsWith(
          'unknown argument; reason: expected --short or --only, got --fast',
        ),
    );
    assert.throws(
      () => planChaos(['--only', 'restart,meteor'], {}, NOW_MS),
      (error: unknown) =>
        error instanceof ChaosUsageError &&
        error.message ===
          `--only is invalid; reason: expected case ids among ${CHAOS_CASES.map((c) => c.id).join(', ')}, got meteor`,
    );
    assert.throws(() => planChaos(['--only'], {}, NOW_MS), ChaosUsageError);
  });

  it('batches consecutive cases of one group together and every other case alone', () => {
    const cases = [{ id: 'a' }, { id: 'b', group: 'g' }, { id: 'c', group: 'g' }, { id: 'd' }];
    assert.deepEqual(
      batchByGroup(cases).map((batch) => batch.map((c) => c.id)),
      [['a'], ['b', 'c'], ['d']],
    );
  });

  it('has the issue catalogue: ten faults, the two misconfigurations pending', () => {
    assert.deepEqual(
      CHAOS_CASES.map((c) => c.id),
      [
        'restart',
        'refresh-outage',
        'clock-skew',
        'short-tokens',
        'mass-expiry',
        'rate-limit',
        'slow-login',
        'revoked-family',
        'refused-password',
        'dead-target',
      ],
    );
  });
});
