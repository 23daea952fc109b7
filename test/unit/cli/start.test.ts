import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoLoad } from '../../../cli/start.ts';

describe('demoLoad', () => {
  it('is the demo default of 5 VUs for 10s when no extra argument changes it', () => {
    assert.deepEqual(demoLoad([]), { vus: '5', duration: '10s' });
    assert.deepEqual(demoLoad(['-e', 'AUTH_MODE=token']), { vus: '5', duration: '10s' });
  });

  it('reports the -e VUS and -e DURATION that npm start -- passes on to k6', () => {
    assert.deepEqual(demoLoad(['-e', 'VUS=10', '-e', 'DURATION=3s']), {
      vus: '10',
      duration: '3s',
    });
    assert.deepEqual(demoLoad(['--env', 'VUS=7', '--env=DURATION=1m']), {
      vus: '7',
      duration: '1m',
    });
  });

  it('takes the last of repeated -e values, as k6 does', () => {
    assert.deepEqual(demoLoad(['-e', 'VUS=2', '-e', 'VUS=3']), { vus: '3', duration: '10s' });
  });

  it("lets k6's own --vus and --duration win over -e, as they override the script's scenarios", () => {
    assert.deepEqual(demoLoad(['-e', 'VUS=2', '--vus', '4', '-e', 'DURATION=3s', '-d', '5s']), {
      vus: '4',
      duration: '5s',
    });
    assert.deepEqual(demoLoad(['--vus=6', '--duration=2s']), { vus: '6', duration: '2s' });
  });
});
