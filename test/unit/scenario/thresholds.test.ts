import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../lib/core/errors.ts';
import {
  ALWAYS_TRUE_EXPRESSIONS,
  isReportingExpression,
  PROTECTED_SUCCESS_METRIC,
  parseThresholdProfile,
  resolveThresholds,
  THRESHOLD_PROFILES,
  thresholdOptions,
  thresholdsProfileName,
  withProtectedSuccessGuard,
} from '../../../lib/core/scenario/thresholds.ts';

const thresholdsDir = new URL('../../../thresholds/', import.meta.url);

/** Asserts that `run` throws a ConfigError with exactly this code and message. */
function assertConfigError(run: () => unknown, code: string, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    return true;
  });
}

describe('threshold profiles', () => {
  it('ships smoke, load, soak, churn and release-gate, and every JSON file in thresholds/ is registered', async () => {
    const files = (await readdir(thresholdsDir)).filter((name) => name.endsWith('.json'));
    const names = files.map((name) => name.replace(/\.json$/, '')).sort();
    assert.deepEqual(names, ['churn', 'load', 'release-gate', 'smoke', 'soak']);
    assert.deepEqual(Object.keys(THRESHOLD_PROFILES).sort(), names);
    for (const file of files) {
      const onDisk: unknown = JSON.parse(await readFile(new URL(file, thresholdsDir), 'utf8'));
      assert.deepEqual(THRESHOLD_PROFILES[file.replace(/\.json$/, '')], onDisk);
    }
  });

  for (const name of ['smoke', 'load', 'soak', 'release-gate']) {
    it(`the ${name} profile sets per-endpoint percentiles, error rates, auth_errors and auth_expired_rejections`, () => {
      const { thresholds } = parseThresholdProfile(THRESHOLD_PROFILES[name], name);
      const expressionsOf = (metric: string) =>
        (thresholds[metric] ?? []).map((item) =>
          typeof item === 'string' ? item : item.threshold,
        );
      for (const endpoint of ['protected', 'refresh', 'login']) {
        assert.match(
          expressionsOf(`http_req_duration{endpoint:${endpoint}}`).join(' '),
          /^p\(95\)</,
        );
        assert.match(expressionsOf(`http_req_failed{endpoint:${endpoint}}`).join(' '), /^rate</);
      }
      for (const endpoint of ['protected', 'refresh']) {
        assert.match(
          expressionsOf(`http_req_duration{endpoint:${endpoint}}`).join(' '),
          /p\(99\)</,
        );
      }
      assert.match(expressionsOf('auth_errors').join(' '), /^rate</);
      assert.match(expressionsOf('auth_expired_rejections').join(' '), /^count</);
    });
  }

  it('makes every release-gate threshold abort the run after a 10 s grace period', () => {
    const { thresholds } = parseThresholdProfile(THRESHOLD_PROFILES['release-gate'], 'gate');
    const all = Object.values(thresholds).flat();
    assert.ok(all.length > 0);
    for (const item of all) {
      assert.equal(typeof item, 'object');
      if (typeof item === 'object') {
        assert.equal(item.abortOnFail, true);
        assert.equal(item.delayAbortEval, '10s');
      }
    }
  });

  it('rejects a profile that is not an object, lacks a description, or has a bad threshold', () => {
    assertConfigError(
      () => parseThresholdProfile([], 'x.json'),
      'THRESHOLDS_INVALID',
      'x.json: profile is not an object; reason: expected { "description", "thresholds" }, got []',
    );
    assertConfigError(
      () => parseThresholdProfile({ thresholds: {} }, 'x.json'),
      'THRESHOLDS_INVALID',
      'x.json: description is missing; reason: expected a string, got undefined',
    );
    assertConfigError(
      () =>
        parseThresholdProfile(
          { description: 'd', thresholds: { http_reqs: ['p95 < 300'] } },
          'x.json',
        ),
      'THRESHOLDS_INVALID',
      'x.json: bad threshold on http_reqs; reason: expected e.g. "p(95)<300" or "rate<0.01", got "p95 < 300"',
    );
    assertConfigError(
      () =>
        parseThresholdProfile(
          { description: 'd', thresholds: { http_reqs: [{ threshold: 'count<5', abort: true }] } },
          'x.json',
        ),
      'THRESHOLDS_INVALID',
      'x.json: bad threshold on http_reqs; reason: expected only threshold, abortOnFail, delayAbortEval, got ["abort"]',
    );
    assertConfigError(
      () =>
        parseThresholdProfile(
          {
            description: 'd',
            thresholds: { http_reqs: [{ threshold: 'count<5', delayAbortEval: 'soon' }] },
          },
          'x.json',
        ),
      'THRESHOLDS_INVALID',
      'x.json: bad delayAbortEval on http_reqs; reason: expected a duration like "10s", got "soon"',
    );
    assertConfigError(
      () => parseThresholdProfile({ description: 'd', thresholds: { 'bad metric': [] } }, 'x.json'),
      'THRESHOLDS_INVALID',
      'x.json: bad metric name; reason: expected e.g. "http_req_duration{endpoint:protected}", got "bad metric"',
    );
  });
});

describe('resolveThresholds', () => {
  const profiles = {
    tiny: {
      description: 'test profile',
      thresholds: {
        'http_req_duration{endpoint:protected}': ['p(95)<300', 'p(99)<800'],
        'http_req_duration{endpoint:refresh}': [
          { threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '10s' },
        ],
        'http_req_failed{endpoint:protected}': ['rate<0.01'],
        auth_errors: ['rate<0.01'],
        auth_expired_rejections: ['count<1'],
      },
    },
    other: { description: 'other', thresholds: { auth_errors: ['rate<0.5'] } },
  };

  it('uses the default profile when THRESHOLDS is not set, and the named one when it is', () => {
    assert.deepEqual(resolveThresholds({}, { profiles, defaultProfile: 'tiny' }).auth_errors, [
      'rate<0.01',
    ]);
    assert.deepEqual(
      resolveThresholds({ THRESHOLDS: 'other' }, { profiles, defaultProfile: 'tiny' }).auth_errors,
      ['rate<0.5'],
    );
  });

  it('fails at init with the known names when THRESHOLDS names no profile', () => {
    assertConfigError(
      () => resolveThresholds({ THRESHOLDS: 'fast' }),
      'THRESHOLDS_UNKNOWN',
      '-e THRESHOLDS names no profile; reason: expected one of churn, load, release-gate, smoke, soak, or a .json file, got "fast"',
    );
    assertConfigError(
      () => resolveThresholds({ THRESHOLDS: 'toString' }),
      'THRESHOLDS_UNKNOWN',
      '-e THRESHOLDS names no profile; reason: expected one of churn, load, release-gate, smoke, soak, or a .json file, got "toString"',
    );
  });

  it('adds an always-true threshold for each reported endpoint sub-metric the profile does not name', () => {
    const map = resolveThresholds({}, { profiles, defaultProfile: 'tiny' });
    assert.deepEqual(map['http_req_duration{endpoint:protected}'], ['p(95)<300', 'p(99)<800']);
    assert.deepEqual(map['http_req_duration{endpoint:login}'], ['max>=0']);
    assert.deepEqual(map['http_reqs{endpoint:protected}'], ['count>=0']);
    assert.deepEqual(map['http_reqs{endpoint:refresh}'], ['count>=0']);
    assert.deepEqual(map['http_req_failed{endpoint:login}'], ['rate>=0']);
    assert.equal(map['http_reqs{endpoint:csrf}'], undefined);
  });

  it("puts a planned percentile in place of the profile's and keeps its abort options", () => {
    const map = resolveThresholds(
      {},
      {
        profiles,
        defaultProfile: 'tiny',
        planned: { 'http_req_duration{endpoint:refresh}': 'p(95)<400' },
      },
    );
    assert.deepEqual(map['http_req_duration{endpoint:refresh}'], [
      { threshold: 'p(95)<400', abortOnFail: true, delayAbortEval: '10s' },
    ]);
  });

  it('replaces only the matching percentile and adds one the profile does not have', () => {
    const map = resolveThresholds(
      {},
      {
        profiles,
        defaultProfile: 'tiny',
        planned: {
          'http_req_duration{endpoint:protected}': 'p(95)<250.5',
          'http_req_duration{endpoint:login}': 'p(50)<100',
        },
      },
    );
    assert.deepEqual(map['http_req_duration{endpoint:protected}'], ['p(95)<250.5', 'p(99)<800']);
    // The profile has no login latency: the plan adds one, so no reporting threshold is added.
    assert.deepEqual(map['http_req_duration{endpoint:login}'], ['p(50)<100']);
  });

  it('applies ERROR_RATE_MAX to every endpoint', () => {
    const map = resolveThresholds({ ERROR_RATE_MAX: '0.02' }, { profiles, defaultProfile: 'tiny' });
    assert.deepEqual(map['http_req_failed{endpoint:protected}'], ['rate<0.02']);
    assert.deepEqual(map['http_req_failed{endpoint:refresh}'], ['rate<0.02']);
    assert.deepEqual(map['http_req_failed{endpoint:login}'], ['rate<0.02']);
  });

  it('sets planned limits on auth_errors and auth_expired_rejections', () => {
    const map = resolveThresholds(
      {},
      {
        profiles,
        defaultProfile: 'tiny',
        planned: { auth_errors: 'rate<0', auth_expired_rejections: 'count<=3' },
      },
    );
    assert.deepEqual(map.auth_errors, ['rate<0']);
    assert.deepEqual(map.auth_expired_rejections, ['count<=3']);
  });

  it('replaces or removes whole metrics with THRESHOLDS_OVERRIDE before ERROR_RATE_MAX', () => {
    const map = resolveThresholds(
      {
        THRESHOLDS_OVERRIDE: JSON.stringify({
          'http_req_failed{endpoint:protected}': ['count<100'],
          auth_expired_rejections: [],
          checks: ['rate>0.99'],
        }),
        ERROR_RATE_MAX: '0.5',
      },
      {
        profiles,
        defaultProfile: 'tiny',
        planned: { auth_expired_rejections: 'count<=3' },
      },
    );
    assert.deepEqual(map['http_req_failed{endpoint:protected}'], ['count<100', 'rate<0.5']);
    assert.equal(map.auth_expired_rejections, undefined);
    assert.deepEqual(map.checks, ['rate>0.99']);
  });

  it('rejects an ERROR_RATE_MAX that is not a rate, naming the variable', () => {
    const cases: [Record<string, string>, string][] = [
      [
        { ERROR_RATE_MAX: '1.5' },
        '-e ERROR_RATE_MAX is not usable; reason: expected a rate from 0 to 1, got "1.5"',
      ],
      [
        { ERROR_RATE_MAX: '5%' },
        '-e ERROR_RATE_MAX is not usable; reason: expected a rate from 0 to 1, got "5%"',
      ],
      [
        { ERROR_RATE_MAX: '-0.1' },
        '-e ERROR_RATE_MAX is not usable; reason: expected a rate from 0 to 1, got "-0.1"',
      ],
    ];
    for (const [env, message] of cases) {
      assertConfigError(
        () => resolveThresholds(env, { profiles, defaultProfile: 'tiny' }),
        'SLO_OVERRIDE_INVALID',
        message,
      );
    }
  });

  it('reads a thresholds file of your own from -e THRESHOLDS=<file.json>', () => {
    const fileJson = JSON.stringify({
      description: 'mine',
      thresholds: { 'http_req_duration{endpoint:protected}': ['p(95)<120'] },
    });
    const map = resolveThresholds({ THRESHOLDS: 'slo/mine.json' }, { fileJson });
    assert.deepEqual(map['http_req_duration{endpoint:protected}'], ['p(95)<120']);
    assertConfigError(
      () => resolveThresholds({ THRESHOLDS: 'slo/mine.json' }, { fileJson: '{"thresholds":' }),
      'THRESHOLDS_INVALID',
      'Cannot read thresholds slo/mine.json; reason: expected valid JSON like thresholds/load.json, got a syntax error',
    );
    assertConfigError(
      () => resolveThresholds({ THRESHOLDS: 'slo/mine.json' }, { fileJson: '{"thresholds":{}}' }),
      'THRESHOLDS_INVALID',
      'slo/mine.json: description is missing; reason: expected a string, got undefined',
    );
  });

  it('rejects a THRESHOLDS_OVERRIDE that is not JSON or holds a bad threshold', () => {
    assertConfigError(
      () =>
        resolveThresholds(
          { THRESHOLDS_OVERRIDE: '{p95: 3}' },
          { profiles, defaultProfile: 'tiny' },
        ),
      'SLO_OVERRIDE_INVALID',
      '-e THRESHOLDS_OVERRIDE is not JSON; reason: expected an object of metric → list of thresholds, got "{p95: 3}"',
    );
    assertConfigError(
      () =>
        resolveThresholds(
          { THRESHOLDS_OVERRIDE: '{"auth_errors":["rate is low"]}' },
          { profiles, defaultProfile: 'tiny' },
        ),
      'THRESHOLDS_INVALID',
      '-e THRESHOLDS_OVERRIDE: bad threshold on auth_errors; reason: expected e.g. "p(95)<300" or "rate<0.01", got "rate is low"',
    );
  });

  it('leaves the shipped profiles untouched when overriding', () => {
    const before = JSON.stringify(THRESHOLD_PROFILES);
    resolveThresholds({
      THRESHOLDS: 'release-gate',
      ERROR_RATE_MAX: '0.5',
      THRESHOLDS_OVERRIDE: '{"auth_errors":[]}',
    });
    assert.equal(JSON.stringify(THRESHOLD_PROFILES), before);
  });
});

describe('thresholdOptions', () => {
  it('returns the resolved thresholds and the trend stats the endpoint table needs', () => {
    const options = thresholdOptions({ THRESHOLDS: 'load' }, 'smoke');
    assert.deepEqual(options.thresholds['http_req_duration{endpoint:protected}'], [
      'p(95)<300',
      'p(99)<800',
    ]);
    for (const stat of ['med', 'p(90)', 'p(95)', 'p(99)'])
      assert.ok(options.summaryTrendStats.includes(stat));
  });

  it('recognises only the reporting expressions as always-true', () => {
    assert.equal(isReportingExpression('count>=0'), true);
    assert.equal(isReportingExpression('rate >= 0'), true);
    assert.equal(isReportingExpression('max>=0'), true);
    assert.equal(isReportingExpression('count>=1'), false);
    assert.equal(isReportingExpression('p(95)<300'), false);
  });

  it('recognises the always-true expression of every metric type, the gauge one too', () => {
    assert.deepEqual(ALWAYS_TRUE_EXPRESSIONS, {
      trend: 'max>=0',
      rate: 'rate>=0',
      counter: 'count>=0',
      gauge: 'value>=0',
    });
    for (const expression of Object.values(ALWAYS_TRUE_EXPRESSIONS)) {
      assert.equal(isReportingExpression(expression), true, expression);
    }
    assert.equal(isReportingExpression('value >= 0'), true);
    assert.equal(isReportingExpression('value>=1'), false);
  });
});

describe('thresholdsProfileName', () => {
  it('names the THRESHOLDS profile when one is given, else the default, else smoke', () => {
    assert.equal(thresholdsProfileName({ THRESHOLDS: 'soak' }, 'load'), 'soak');
    assert.equal(thresholdsProfileName({ THRESHOLDS: ' ' }, 'load'), 'load');
    assert.equal(thresholdsProfileName({}, 'release-gate'), 'release-gate');
    assert.equal(thresholdsProfileName({}), 'smoke');
  });
});

describe('one instance of a split test (-e DISTRIBUTED=true)', () => {
  it('keeps every release-gate expression but drops abortOnFail: the merged data decides', () => {
    const alone = resolveThresholds({ THRESHOLDS: 'release-gate' });
    const split = resolveThresholds({ THRESHOLDS: 'release-gate', DISTRIBUTED: 'true' });
    assert.deepEqual(Object.keys(split), Object.keys(alone));
    for (const [metric, list] of Object.entries(alone)) {
      assert.deepEqual(
        split[metric],
        list.map((item) => (typeof item === 'string' ? item : item.threshold)),
        metric,
      );
    }
    assert.ok(
      Object.values(split)
        .flat()
        .every((item) => typeof item === 'string'),
    );
  });
});

describe('withProtectedSuccessGuard', () => {
  it('makes every run need one protected request answered as expected', () => {
    assert.equal(PROTECTED_SUCCESS_METRIC, 'http_reqs{endpoint:protected,expected_response:true}');
    assert.deepEqual(withProtectedSuccessGuard({ auth_errors: ['rate<0.01'] }), {
      auth_errors: ['rate<0.01'],
      [PROTECTED_SUCCESS_METRIC]: ['count>0'],
    });
  });

  it('cannot be overridden away: THRESHOLDS_OVERRIDE removing or replacing it still ends with it', () => {
    const removed = thresholdOptions({
      THRESHOLDS_OVERRIDE: JSON.stringify({ [PROTECTED_SUCCESS_METRIC]: [] }),
    });
    assert.deepEqual(removed.thresholds[PROTECTED_SUCCESS_METRIC], ['count>0']);
    const replaced = thresholdOptions({
      THRESHOLDS_OVERRIDE: JSON.stringify({ [PROTECTED_SUCCESS_METRIC]: ['count>=0'] }),
    });
    assert.deepEqual(replaced.thresholds[PROTECTED_SUCCESS_METRIC], ['count>=0', 'count>0']);
  });

  it('adds nothing twice, and leaves the map it was given as it was', () => {
    const map = { [PROTECTED_SUCCESS_METRIC]: ['count > 0'] };
    assert.deepEqual(withProtectedSuccessGuard(map), map);
    const plain = { auth_errors: ['rate<0.01'] };
    withProtectedSuccessGuard(plain);
    assert.deepEqual(plain, { auth_errors: ['rate<0.01'] });
  });
});
