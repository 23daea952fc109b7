import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../lib/core/errors.ts';
import {
  capacitySteps,
  formatDuration,
  MAX_STORM_BUCKETS,
  PLANNED_SCENARIOS,
  peakVus,
  planScenario,
  planThresholds,
  readKnobs,
  SCENARIO_KNOBS,
  stormBuckets,
} from '../../../lib/core/scenario/shapes.ts';
import { resolveThresholds, THRESHOLD_PROFILES } from '../../../lib/core/scenario/thresholds.ts';

function configError(code: string, message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    return true;
  };
}

describe('k6 durations', () => {
  it('formats whole seconds as seconds and the rest as milliseconds', () => {
    assert.equal(formatDuration(90_000), '90s');
    assert.equal(formatDuration(1500), '1500ms');
  });
});

describe('the knob table', () => {
  it('has knobs for every planned scenario, each default valid', () => {
    for (const name of PLANNED_SCENARIOS) {
      assert.ok(SCENARIO_KNOBS[name].length > 0, name);
      assert.doesNotThrow(() => planScenario(name, {}), name);
    }
  });

  it('defaults each scenario to a thresholds profile that exists', () => {
    for (const name of PLANNED_SCENARIOS) {
      const profile = planScenario(name, {}).defaultThresholds;
      assert.ok(Object.keys(THRESHOLD_PROFILES).includes(profile), `${name}: ${profile}`);
    }
  });

  it('treats an empty or blank -e value as unset', () => {
    const { given } = readKnobs('load', { RATE: '', DURATION: '  ' });
    assert.equal(given.RATE, '50');
    assert.equal(given.DURATION, '5m');
  });
});

describe('planScenario: smoke', () => {
  it('defaults to one VU for 30 seconds, one request at a time, 0.1 s of think time', () => {
    const plan = planScenario('smoke', {});
    assert.deepEqual(plan.executor, { executor: 'constant-vus', vus: 1, duration: '30s' });
    assert.equal(plan.parallel, 1);
    assert.equal(plan.parallelVia, 'batch');
    assert.equal(plan.pauseSeconds, 0.1);
    assert.equal(plan.defaultThresholds, 'smoke');
    assert.deepEqual(plan.phases, []);
    assert.equal(plan.phaseReport, null);
  });

  it('reads every knob, treating empty values as unset', () => {
    const plan = planScenario('smoke', {
      VUS: '20',
      DURATION: '1m30s',
      PARALLEL: '4',
      PARALLEL_VIA: 'async',
      PAUSE_SECONDS: '0',
    });
    assert.deepEqual(plan.executor, { executor: 'constant-vus', vus: 20, duration: '90s' });
    assert.equal(plan.parallel, 4);
    assert.equal(plan.parallelVia, 'async');
    assert.equal(plan.pauseSeconds, 0);
    assert.deepEqual(plan.knobs, {
      VUS: '20',
      DURATION: '1m30s',
      PARALLEL: '4',
      PARALLEL_VIA: 'async',
      PAUSE_SECONDS: '0',
    });
    const blank = planScenario('smoke', { VUS: ' ', DURATION: '' });
    assert.ok(blank.executor.executor === 'constant-vus');
    assert.equal(blank.executor.vus, 1);
  });

  it('rejects a VU count that is not a whole number in range, naming the setting', () => {
    for (const value of ['0', '-1', '2.5', 'ten', '100001']) {
      assert.throws(
        () => planScenario('smoke', { VUS: value }),
        configError(
          'SCENARIO_SETTING_INVALID',
          `Invalid -e VUS; reason: expected a whole number of VUs from 1 to 100000, got ${JSON.stringify(value)}`,
        ),
      );
    }
  });

  it('rejects a duration k6 would not accept', () => {
    assert.throws(
      () => planScenario('smoke', { DURATION: '30' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e DURATION; reason: expected a k6 duration such as "30s", "5m" or "1h30m", longer than 0, got "30"',
      ),
    );
  });

  it('rejects an unknown way of sending parallel requests', () => {
    assert.throws(
      () => planScenario('smoke', { PARALLEL_VIA: 'threads' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e PARALLEL_VIA; reason: expected "batch" or "async", got "threads"',
      ),
    );
  });

  it('rejects a negative or non-numeric pause', () => {
    assert.throws(
      () => planScenario('smoke', { PAUSE_SECONDS: '-1' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e PAUSE_SECONDS; reason: expected a number of seconds >= 0, got "-1"',
      ),
    );
  });

  it('bounds parallel requests per VU to 100', () => {
    assert.throws(
      () => planScenario('smoke', { PARALLEL: '101' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e PARALLEL; reason: expected a whole number from 1 to 100, got "101"',
      ),
    );
    assert.equal(planScenario('smoke', { PARALLEL: '100' }).parallel, 100);
  });
});

describe('planScenario', () => {
  it('plans load as a constant arrival rate with its defaults', () => {
    const plan = planScenario('load', {});
    assert.deepEqual(plan.executor, {
      executor: 'constant-arrival-rate',
      rate: 50,
      timeUnit: '1s',
      duration: '300s',
      preAllocatedVUs: 20,
      maxVUs: 200,
    });
    assert.equal(plan.totalMs, 300_000);
    assert.equal(plan.defaultThresholds, 'load');
    assert.deepEqual(plan.phases, []);
    assert.equal(plan.phaseReport, null);
  });

  it('takes load knobs from -e', () => {
    const plan = planScenario('load', {
      RATE: '7',
      DURATION: '3s',
      PRE_ALLOCATED_VUS: '2',
      MAX_VUS: '4',
    });
    assert.deepEqual(plan.executor, {
      executor: 'constant-arrival-rate',
      rate: 7,
      timeUnit: '1s',
      duration: '3s',
      preAllocatedVUs: 2,
      maxVUs: 4,
    });
    assert.deepEqual(plan.knobs, {
      RATE: '7',
      DURATION: '3s',
      PRE_ALLOCATED_VUS: '2',
      MAX_VUS: '4',
    });
  });

  it('plans stress as a climb to PEAK_RATE, a hold and a ramp down to zero', () => {
    const plan = planScenario('stress', {
      RATE: '2',
      PEAK_RATE: '10',
      RAMP_UP: '4s',
      HOLD: '2s',
      RAMP_DOWN: '1s',
    });
    assert.deepEqual(plan.executor, {
      executor: 'ramping-arrival-rate',
      startRate: 2,
      timeUnit: '1s',
      stages: [
        { target: 10, duration: '4s' },
        { target: 10, duration: '2s' },
        { target: 0, duration: '1s' },
      ],
      preAllocatedVUs: 20,
      maxVUs: 500,
    });
    assert.equal(plan.totalMs, 7000);
    assert.equal(plan.defaultThresholds, 'smoke');
  });

  it('plans spike as baseline, jump, hold, drop and recovery', () => {
    const plan = planScenario('spike', {});
    assert.equal(plan.executor.executor, 'ramping-arrival-rate');
    assert.ok(plan.executor.executor === 'ramping-arrival-rate');
    assert.equal(plan.executor.startRate, 10);
    assert.deepEqual(plan.executor.stages, [
      { target: 10, duration: '60s' },
      { target: 200, duration: '10s' },
      { target: 200, duration: '60s' },
      { target: 10, duration: '10s' },
      { target: 10, duration: '60s' },
    ]);
    assert.equal(plan.totalMs, 200_000);
  });

  it('plans a two-hour soak cut into four equal windows', () => {
    const plan = planScenario('soak', {});
    assert.equal(plan.totalMs, 7_200_000);
    assert.equal(plan.defaultThresholds, 'soak');
    assert.equal(plan.phaseReport, 'soak');
    assert.deepEqual(plan.phases, [
      { name: 'window-1', startMs: 0, endMs: 1_800_000 },
      { name: 'window-2', startMs: 1_800_000, endMs: 3_600_000 },
      { name: 'window-3', startMs: 3_600_000, endMs: 5_400_000 },
      { name: 'window-4', startMs: 5_400_000, endMs: 7_200_000 },
    ]);
  });

  it('plans capacity as a warm-up from 0, then held steps joined by ramps, each step a phase', () => {
    const plan = planScenario('capacity', {
      WARM_UP: '2s',
      RATE: '5',
      STEP_RATE: '5',
      PEAK_RATE: '15',
      HOLD: '3s',
      RAMP_UP: '1s',
    });
    assert.ok(plan.executor.executor === 'ramping-arrival-rate');
    assert.equal(plan.executor.startRate, 0);
    assert.deepEqual(plan.executor.stages, [
      { target: 5, duration: '2s' },
      { target: 5, duration: '3s' },
      { target: 10, duration: '1s' },
      { target: 10, duration: '3s' },
      { target: 15, duration: '1s' },
      { target: 15, duration: '3s' },
    ]);
    assert.deepEqual(plan.phases, [
      { name: 'step-1', startMs: 2000, endMs: 5000, rate: 5 },
      { name: 'step-2', startMs: 6000, endMs: 9000, rate: 10 },
      { name: 'step-3', startMs: 10_000, endMs: 13_000, rate: 15 },
    ]);
    assert.equal(plan.totalMs, 13_000);
    assert.equal(plan.defaultThresholds, 'release-gate');
  });

  it('starts capacity right at RATE with WARM_UP=0s', () => {
    const plan = planScenario('capacity', { WARM_UP: '0s', RATE: '5', PEAK_RATE: '5' });
    assert.ok(plan.executor.executor === 'ramping-arrival-rate');
    assert.equal(plan.executor.startRate, 5);
    assert.deepEqual(plan.executor.stages, [{ target: 5, duration: '30s' }]);
    assert.deepEqual(plan.phases, [{ name: 'step-1', startMs: 0, endMs: 30_000, rate: 5 }]);
    assert.throws(
      () => planScenario('capacity', { WARM_UP: 'none' }),
      /Invalid -e WARM_UP; reason: expected a k6 duration such as "30s", or "0s" for none, got "none"/,
    );
  });

  it('plans the storms with every VU starting at once, one-second buckets and think time', () => {
    const plan = planScenario('refresh-storm', { VUS: '40', DURATION: '3s', PAUSE_SECONDS: '0.2' });
    assert.deepEqual(plan.executor, { executor: 'constant-vus', vus: 40, duration: '3s' });
    assert.equal(plan.pauseSeconds, 0.2);
    assert.deepEqual(
      plan.phases.map((p) => p.name),
      ['t0', 't1', 't2'],
    );
    assert.equal(plan.sessionLossAtMs, null);
    assert.equal(planScenario('login-storm', { SESSION_LOSS_AT: '30s' }).sessionLossAtMs, 30_000);
  });

  it('rejects a rate that is not a whole number, naming the knob', () => {
    assert.throws(
      () => planScenario('load', { RATE: '2.5' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e RATE; reason: expected a whole number of iterations per second from 1 to 1000000, got "2.5"',
      ),
    );
  });

  it('rejects a duration k6 would not take', () => {
    assert.throws(
      () => planScenario('soak', { DURATION: '2 hours' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e DURATION; reason: expected a k6 duration such as "30s", "5m" or "1h30m", longer than 0, got "2 hours"',
      ),
    );
    assert.throws(() => planScenario('load', { DURATION: '0s' }), /Invalid -e DURATION/);
  });

  it('rejects fewer MAX_VUS than PRE_ALLOCATED_VUS', () => {
    assert.throws(
      () => planScenario('load', { PRE_ALLOCATED_VUS: '30', MAX_VUS: '10' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e MAX_VUS; reason: expected at least PRE_ALLOCATED_VUS (30), got "10"',
      ),
    );
  });

  it('rejects a peak below the start, a spike below the baseline and a max below the start', () => {
    assert.throws(
      () => planScenario('stress', { RATE: '50', PEAK_RATE: '10' }),
      /Invalid -e PEAK_RATE; reason: expected at least RATE \(50\), got "10"/,
    );
    assert.throws(
      () => planScenario('spike', { RATE: '50', PEAK_RATE: '10' }),
      /Invalid -e PEAK_RATE; reason: expected at least RATE \(50\), got "10"/,
    );
    assert.throws(
      () => planScenario('capacity', { RATE: '50', PEAK_RATE: '10' }),
      /Invalid -e PEAK_RATE; reason: expected at least RATE \(50\), got "10"/,
    );
  });

  it('rejects a soak with one window, since the first and last must differ', () => {
    assert.throws(
      () => planScenario('soak', { WINDOWS: '1' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e WINDOWS; reason: expected a whole number from 2 to 12, got "1"',
      ),
    );
  });

  it('rejects a session loss planned at or after the end of the run', () => {
    assert.throws(
      () => planScenario('login-storm', { DURATION: '10s', SESSION_LOSS_AT: '10s' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e SESSION_LOSS_AT; reason: expected less than DURATION (10s), got "10s"',
      ),
    );
  });

  it('rejects negative or wordy think time', () => {
    assert.throws(
      () => planScenario('refresh-storm', { PAUSE_SECONDS: '-1' }),
      /Invalid -e PAUSE_SECONDS; reason: expected a number of seconds >= 0, got "-1"/,
    );
  });
});

describe('peakVus', () => {
  it('is the VU count of a VU-based scenario', () => {
    assert.equal(peakVus(planScenario('login-storm', { VUS: '30' }).executor), 30);
  });
  it('is maxVUs of an arrival-rate scenario, since k6 may start that many', () => {
    assert.equal(peakVus(planScenario('load', { MAX_VUS: '70' }).executor), 70);
    assert.equal(peakVus(planScenario('capacity', { MAX_VUS: '90' }).executor), 90);
  });
});

describe('capacity steps', () => {
  it('ends on PEAK_RATE even when the steps do not land on it', () => {
    const { phases } = capacitySteps(
      { RATE: 10, STEP_RATE: 20, PEAK_RATE: 45, HOLD: 1000, RAMP_UP: 0 },
      {},
    );
    assert.deepEqual(
      phases.map((p) => p.rate),
      [10, 30, 45],
    );
  });

  it('is a single step when RATE equals PEAK_RATE', () => {
    const { phases } = capacitySteps(
      { RATE: 30, STEP_RATE: 5, PEAK_RATE: 30, HOLD: 1000, RAMP_UP: 500 },
      {},
    );
    assert.deepEqual(phases, [{ name: 'step-1', startMs: 0, endMs: 1000, rate: 30 }]);
  });

  it('refuses more than 50 steps', () => {
    assert.throws(
      () => planScenario('capacity', { RATE: '1', STEP_RATE: '1', PEAK_RATE: '60' }),
      configError(
        'SCENARIO_SETTING_INVALID',
        'Invalid -e STEP_RATE; reason: expected at most 50 steps from RATE to PEAK_RATE (60 now), got "1"',
      ),
    );
  });
});

describe('storm buckets', () => {
  it('cuts a short storm into one-second buckets, the last one cut at the end', () => {
    assert.deepEqual(stormBuckets(2500), [
      { name: 't0', startMs: 0, endMs: 1000 },
      { name: 't1', startMs: 1000, endMs: 2000 },
      { name: 't2', startMs: 2000, endMs: 2500 },
    ]);
  });

  it('widens the buckets of a long storm to keep their number bounded', () => {
    const buckets = stormBuckets(2 * 3_600_000);
    assert.ok(buckets.length <= MAX_STORM_BUCKETS, `${buckets.length} buckets`);
    assert.equal(buckets[1]?.name, 't12');
    assert.equal(buckets[1]?.endMs, 24_000);
  });
});

describe('one naming scheme across the catalogue', () => {
  it('gives each knob name one kind of value in every scenario that has it', () => {
    const kinds = new Map<string, Set<string>>();
    for (const knobs of Object.values(SCENARIO_KNOBS)) {
      for (const knob of knobs)
        kinds.set(knob.env, (kinds.get(knob.env) ?? new Set()).add(knob.kind));
    }
    const mixed = [...kinds].filter(([, set]) => set.size > 1).map(([name]) => name);
    assert.deepEqual(mixed, []);
  });

  it('lets a spike start without a warm-up, as capacity can', () => {
    const plan = planScenario('spike', { WARM_UP: '0s' });
    assert.equal(plan.executor.executor, 'ramping-arrival-rate');
    if (plan.executor.executor !== 'ramping-arrival-rate') return;
    assert.deepEqual(plan.executor.stages[0], { target: 200, duration: '10s' });
    assert.equal(plan.totalMs, 10_000 + 60_000 + 10_000 + 60_000);
  });
});

describe('planThresholds', () => {
  it('calls for no limits of its own without a session loss', () => {
    assert.deepEqual(planThresholds(planScenario('login-storm', {}), 'dual'), {});
  });

  it('tolerates one rejection per VU, and in dual mode the refused refreshes, after a session loss', () => {
    const plan = planScenario('login-storm', { VUS: '30', SESSION_LOSS_AT: '3s' });
    assert.deepEqual(planThresholds(plan, 'dual'), {
      auth_expired_rejections: 'count<=30',
      auth_errors: 'rate<0.34',
    });
    assert.deepEqual(planThresholds(plan, 'session'), { auth_expired_rejections: 'count<=30' });
  });

  it('keeps limits the user set with -e', () => {
    const plan = planScenario('login-storm', { SESSION_LOSS_AT: '3s' });
    const env = {
      THRESHOLDS_OVERRIDE: JSON.stringify({
        auth_expired_rejections: ['count<=5'],
        auth_errors: ['rate<0.1'],
      }),
    };
    const map = resolveThresholds(env, {
      defaultProfile: 'load',
      planned: planThresholds(plan, 'dual'),
    });
    assert.deepEqual(map.auth_expired_rejections, ['count<=5']);
    assert.deepEqual(map.auth_errors, ['rate<0.1']);
  });
});

describe('session-churn', () => {
  it('starts RATE user sessions per second, each SESSION_REQUESTS requests then a logout', () => {
    const plan = planScenario('session-churn', {
      RATE: '4',
      DURATION: '20s',
      SESSION_REQUESTS: '3',
      PAUSE_SECONDS: '0.25',
    });
    assert.deepEqual(plan.executor, {
      executor: 'constant-arrival-rate',
      rate: 4,
      timeUnit: '1s',
      duration: '20s',
      preAllocatedVUs: 20,
      maxVUs: 200,
    });
    assert.equal(plan.sessionRequests, 3);
    assert.equal(plan.pauseSeconds, 0.25);
    assert.equal(plan.defaultThresholds, 'churn');
  });

  it('keeps every other scenario logged in for the whole run', () => {
    for (const name of PLANNED_SCENARIOS.filter((n) => n !== 'session-churn')) {
      assert.equal(planScenario(name, {}).sessionRequests, 0, name);
    }
  });

  it('refuses a session of no request', () => {
    assert.throws(
      () => planScenario('session-churn', { SESSION_REQUESTS: '0' }),
      /Invalid -e SESSION_REQUESTS; reason: expected a whole number from 1 to 1000, got "0"/,
    );
  });
});
