import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  k6EnvArgs,
  k6RunArgs,
  minimalK6ProcessEnv,
  UNATTENDED_RUN,
  webDashboardEnv,
} from '../../../cli/k6-command.ts';

describe('k6RunArgs', () => {
  it('puts run, the flags, the caller arguments, the -e values and the script in that order', () => {
    assert.deepEqual(
      k6RunArgs({
        script: 'dist/smoke.js',
        args: ['--vus', '2'],
        env: { BASE_URL: 'http://127.0.0.1:1', AUTH_MODE: 'dual' },
        noUsageReport: true,
        quiet: true,
        noColor: true,
        isolateEnv: true,
        summaryExport: '/tmp/s.json',
        summaryMode: 'full',
        outputs: ['json=/tmp/p.json'],
      }),
      [
        'run',
        '--no-usage-report',
        '--quiet',
        '--no-color',
        '--include-system-env-vars=false',
        '--summary-export',
        '/tmp/s.json',
        '--summary-mode=full',
        '--out',
        'json=/tmp/p.json',
        '--vus',
        '2',
        '-e',
        'BASE_URL=http://127.0.0.1:1',
        '-e',
        'AUTH_MODE=dual',
        'dist/smoke.js',
      ],
    );
  });

  it('is run and the script alone when nothing else is asked for', () => {
    assert.deepEqual(k6RunArgs({ script: 'x.js' }), ['run', 'x.js']);
  });

  it('skips the summary with --summary-mode=disabled, since k6 v2 has no --no-summary', () => {
    const args = k6RunArgs({ script: 'x.js', summaryMode: 'disabled' });
    assert.deepEqual(args, ['run', '--summary-mode=disabled', 'x.js']);
    assert.ok(!args.includes('--no-summary'));
  });
});

describe('k6EnvArgs', () => {
  it('turns each value into -e NAME=value, keeping an = inside the value', () => {
    assert.deepEqual(k6EnvArgs({ A: '1', PROFILE_JSON: '{"a":"b=c"}' }), [
      '-e',
      'A=1',
      '-e',
      'PROFILE_JSON={"a":"b=c"}',
    ]);
  });
});

describe('webDashboardEnv', () => {
  it('exports the dashboard without a server, every second unless the caller set a period', () => {
    assert.deepEqual(webDashboardEnv('/r/report.html'), {
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_PORT: '-1',
      K6_WEB_DASHBOARD_EXPORT: '/r/report.html',
      K6_WEB_DASHBOARD_PERIOD: '1s',
    });
    assert.equal(webDashboardEnv('/r/report.html', '5s').K6_WEB_DASHBOARD_PERIOD, '5s');
    assert.equal(webDashboardEnv('/r/report.html', '').K6_WEB_DASHBOARD_PERIOD, '1s');
  });
});

describe('minimalK6ProcessEnv', () => {
  it('passes PATH and HOME only, with a fallback home', () => {
    assert.deepEqual(minimalK6ProcessEnv({ PATH: '/bin', HOME: '/h', USERNAME: 'x' }, '/tmp'), {
      PATH: '/bin',
      HOME: '/h',
    });
    assert.deepEqual(minimalK6ProcessEnv({}, '/tmp'), { PATH: '', HOME: '/tmp' });
  });
});

describe('UNATTENDED_RUN', () => {
  it('asks for no usage report, no progress bar, no colours and no system environment', () => {
    assert.deepEqual(k6RunArgs({ ...UNATTENDED_RUN, script: 'x.js' }), [
      'run',
      '--no-usage-report',
      '--quiet',
      '--no-color',
      '--include-system-env-vars=false',
      'x.js',
    ]);
  });
});
