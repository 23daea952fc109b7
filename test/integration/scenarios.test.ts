/**
 * Every catalogue scenario, built and run by the real k6 against the reference server, shortened
 * with `-e` to a few seconds and a few VUs. Each must exit 0 (or 99 where a breach is the point),
 * and its own report section must say what happened: the capacity figure, the soak windows, the
 * storm peaks. The server's /_admin/stats is the independent witness.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checkTotals,
  counterCount,
  ensureBuilt,
  findLeaks,
  type K6Run,
  rateSamples,
  runK6,
} from '../helpers/k6.ts';
import { referenceServerForSuite, startReferenceServer } from '../helpers/reference-server.ts';

const TIMEOUT_MS = 60_000;

let resultsRoot: string;
let runCount = 0;

/** Runs a scenario with its results in a fresh temporary folder; returns the run and that folder. */
async function runScenario(
  scenario: string,
  env: Record<string, string>,
): Promise<{ run: K6Run; dir: string }> {
  runCount += 1;
  const dir = await mkdtemp(join(resultsRoot, `${scenario}-${runCount}-`));
  const run = await runK6({
    script: `dist/${scenario}.js`,
    env: { ...env, RESULTS_DIR: dir },
    timeoutMs: TIMEOUT_MS,
  });
  return { run, dir };
}

function assertExit(run: K6Run, code: number): void {
  assert.equal(run.timedOut, false, 'k6 finished in time');
  assert.equal(run.code, code, `k6 exit code; stderr tail: ${run.stderr.slice(-600)}`);
  assert.ok(run.summary, 'k6 exported its summary');
}

function assertCleanRun(run: K6Run): void {
  assertExit(run, 0);
  assert.ok(run.summary);
  assert.equal(checkTotals(run.summary).fails, 0, 'every check passed');
  assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0, 'no failed request');
  assert.deepEqual(findLeaks(run), []);
}

/** The tagged request count of one endpoint. */
function requestsTo(run: K6Run, endpoint: string): number {
  return run.summary?.metrics[`http_reqs{endpoint:${endpoint}}`]?.count ?? 0;
}

before(async () => {
  await ensureBuilt();
  resultsRoot = await mkdtemp(join(tmpdir(), 'scenarios-'));
});

after(async () => {
  await rm(resultsRoot, { recursive: true, force: true });
});

describe('arrival-rate scenarios against the reference server (access tokens of 3 s)', () => {
  const server = referenceServerForSuite({ ACCESS_TTL: '3' });

  it('load holds a constant arrival rate in dual mode and writes every result file', async () => {
    await server.resetStats();
    const { run, dir } = await runScenario('load', {
      BASE_URL: server.url,
      AUTH_MODE: 'dual',
      RATE: '10',
      DURATION: '4s',
      PRE_ALLOCATED_VUS: '2',
      MAX_VUS: '5',
    });
    assertCleanRun(run);
    const protectedRequests = requestsTo(run, 'protected');
    assert.ok(
      protectedRequests >= 38 && protectedRequests <= 42,
      `10/s for 4 s: ${protectedRequests}`,
    );
    const stats = await server.stats();
    assert.equal(stats.requests.protected, protectedRequests);
    assert.ok(run.summary);
    assert.ok(counterCount(run.summary, 'auth_refreshes') > 0, 'tokens were refreshed');
    assert.match(run.stdout, /█ ENDPOINTS/);
    const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
    assert.match(markdown, /^# load: k6 results/);
    assert.match(markdown, /Thresholds profile: scenario default/);
    // The default profile by name: without -e THRESHOLDS, load is judged by thresholds/load.json.
    assert.match(markdown, /- Thresholds profile: scenario default \(load\)\n/);
    assert.match(markdown, /`http_req_duration\{endpoint:protected\}` \| `p\(95\)<300`/);
  });

  it('stress climbs to its peak rate and back down in token mode', async () => {
    const { run } = await runScenario('stress', {
      BASE_URL: server.url,
      AUTH_MODE: 'token',
      RATE: '2',
      PEAK_RATE: '12',
      RAMP_UP: '2s',
      HOLD: '1s',
      RAMP_DOWN: '1s',
      PRE_ALLOCATED_VUS: '2',
    });
    assertCleanRun(run);
    // ∫ rate dt: (2+12)/2·2 + 12·1 + 12/2·1 = 32 iterations.
    const sent = requestsTo(run, 'protected');
    assert.ok(sent >= 28 && sent <= 36, `about 32 protected requests, got ${sent}`);
  });

  it('spike jumps from its baseline to the spike rate and back in session mode', async () => {
    const { run } = await runScenario('spike', {
      BASE_URL: server.url,
      AUTH_MODE: 'session',
      RATE: '2',
      PEAK_RATE: '20',
      WARM_UP: '1s',
      RAMP_UP: '1s',
      HOLD: '1s',
      RAMP_DOWN: '1s',
      RECOVERY: '1s',
      PRE_ALLOCATED_VUS: '2',
    });
    assertCleanRun(run);
    // 2 + 11 + 20 + 11 + 2 = 46 iterations.
    const sent = requestsTo(run, 'protected');
    assert.ok(sent >= 40 && sent <= 50, `about 46 protected requests, got ${sent}`);
  });

  it('soak compares its time windows and finds them flat, with refreshes in every window', async () => {
    const { run, dir } = await runScenario('soak', {
      BASE_URL: server.url,
      AUTH_MODE: 'dual',
      RATE: '10',
      DURATION: '9s',
      WINDOWS: '3',
      PRE_ALLOCATED_VUS: '2',
      MAX_VUS: '5',
      REFRESH_LEEWAY: '0.5',
      REFRESH_JITTER: '0.5',
    });
    assertCleanRun(run);
    assert.match(run.stdout, /█ SOAK WINDOWS/);
    assert.match(run.stdout, /flat over time \(last vs first window: protected p95 [+-]\d+%/);
    const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
    const rows = markdown.split('\n').filter((line) => /^\| window-\d /.test(line));
    assert.equal(rows.length, 3, markdown);
    for (const row of rows) {
      const cells = row.split('|').map((cell) => cell.trim());
      // | window | from | to | protected/s | p95 protected | p95 refresh | refreshes/min | …
      assert.ok(Number(cells[4]) > 0, `protected requests/s in ${row}`);
      assert.ok(Number(cells[7]) > 0, `refreshes in ${row}`);
      assert.equal(cells[10], 'held');
    }
  });

  it('capacity reports that every step held when nothing breaks, in the terminal, summary.md and capacity.json', async () => {
    const { run, dir } = await runScenario('capacity', {
      BASE_URL: server.url,
      AUTH_MODE: 'dual',
      WARM_UP: '1s',
      RATE: '5',
      STEP_RATE: '5',
      PEAK_RATE: '15',
      HOLD: '2s',
      RAMP_UP: '1s',
      PRE_ALLOCATED_VUS: '3',
    });
    assertCleanRun(run);
    const sentence =
      'held at least 15/s: every step up to PEAK_RATE met the SLO (raise -e PEAK_RATE to find the limit)';
    assert.ok(run.stdout.includes(sentence), run.stdout.slice(-1500));
    assert.ok(
      // Markdown-escaped: MAX\_RATE.
      (await readFile(join(dir, 'summary.md'), 'utf8')).includes(
        `## Capacity\n\n${sentence.replace(/_/g, '\\_')}`,
      ),
    );
    const figure = JSON.parse(await readFile(join(dir, 'capacity.json'), 'utf8'));
    assert.equal(figure.heldRate, 15);
    assert.equal(figure.heldAll, true);
    assert.deepEqual(
      figure.steps.map((step: { targetRate: number; held: boolean }) => [
        step.targetRate,
        step.held,
      ]),
      [
        [5, true],
        [10, true],
        [15, true],
      ],
    );
  });

  it('capacity finds the highest rate that held when the API starts refusing above 12 requests/s, and aborts with 99', async () => {
    // A real limit: above 12 protected requests in a wall-clock second the server answers 429.
    await server.setFaults({ rateLimit: { endpoint: 'protected', perSecond: 12 } });
    try {
      const { run, dir } = await runScenario('capacity', {
        BASE_URL: server.url,
        AUTH_MODE: 'dual',
        WARM_UP: '0s',
        RATE: '5',
        STEP_RATE: '5',
        PEAK_RATE: '25',
        HOLD: '3s',
        RAMP_UP: '1s',
        PRE_ALLOCATED_VUS: '3',
      });
      assertExit(run, 99);
      assert.match(run.stderr, /stopping test prematurely/, 'release-gate aborted the run');
      const figure = JSON.parse(await readFile(join(dir, 'capacity.json'), 'utf8'));
      assert.equal(figure.heldRate, 10);
      assert.equal(figure.brokeAtRate, 15);
      assert.equal(figure.heldAll, false);
      assert.match(
        figure.sentence,
        /^highest rate that held the SLO: 10\/s; step 3 \(15\/s\) broke http_req_failed\{endpoint:protected\} rate<0\.01 with rate=0\.\d+$/,
      );
      assert.ok(run.stdout.includes(figure.sentence));
      assert.equal(figure.steps[4].started, false, 'the abort came before the last step');
      assert.deepEqual(findLeaks(run), []);
    } finally {
      await server.clearFaults();
    }
  });
});

describe('storm scenarios against the reference server (access tokens of 10 s)', () => {
  const server = referenceServerForSuite({ ACCESS_TTL: '10' });

  /** Renews 1 s + U(0, jitter) before expiry: with jitter 0, all VUs in the same second. */
  async function refreshStorm(jitterSeconds: number) {
    await server.resetStats();
    const vus = 60;
    const { run } = await runScenario('refresh-storm', {
      BASE_URL: server.url,
      AUTH_MODE: 'dual',
      VUS: String(vus),
      DURATION: '11s',
      PAUSE_SECONDS: '0.5',
      REFRESH_LEEWAY: '1',
      REFRESH_JITTER: String(jitterSeconds),
    });
    const stats = await server.stats();
    assertCleanRun(run);
    assert.ok(run.summary);
    assert.equal(stats.logins, vus, 'one login per VU');
    assert.equal(counterCount(run.summary, 'auth_refreshes'), stats.refreshes);
    const reported = /peak (\d+(?:\.\d+)?) refreshes\/s at \d+ s, \d+% of the 60 VUs/.exec(
      run.stdout,
    );
    assert.ok(reported, run.stdout.slice(-800));
    return { vus, serverPeak: stats.peakRefreshesPerSecond, k6Peak: Number(reported[1]), stats };
  }

  it('refresh-storm without jitter refreshes every VU in the same second, and jitter spreads them well under the VU count', async () => {
    const storm = await refreshStorm(0);
    const spread = await refreshStorm(4);
    console.log(
      `refresh-storm, 60 VUs: peak refreshes/s without jitter ${storm.serverPeak} (k6 ${storm.k6Peak}), with 4 s jitter ${spread.serverPeak} (k6 ${spread.k6Peak})`,
    );
    // Every VU logged in within a few ms, so without jitter their tokens expire together.
    assert.ok(storm.serverPeak >= storm.vus / 2, `storm peak ${storm.serverPeak}`);
    assert.ok(storm.k6Peak >= storm.vus / 2, `k6 storm peak ${storm.k6Peak}`);
    assert.ok(spread.serverPeak <= spread.vus / 2, `spread peak ${spread.serverPeak}`);
    assert.ok(spread.k6Peak <= spread.vus / 2, `k6 spread peak ${spread.k6Peak}`);
    assert.ok(spread.serverPeak < storm.serverPeak);
    assert.ok(spread.stats.refreshes >= spread.vus, 'every VU refreshed at least once');
  });

  it('login-storm logs every VU in at once, and again after the server forgets every session', async () => {
    await server.resetStats();
    const vus = 30;
    const { run, dir } = await runScenario('login-storm', {
      BASE_URL: server.url,
      AUTH_MODE: 'session',
      VUS: String(vus),
      DURATION: '5s',
      PAUSE_SECONDS: '0.2',
      SESSION_LOSS_AT: '2500ms',
    });
    const stats = await server.stats();
    assertCleanRun(run);
    assert.ok(run.summary);
    assert.equal(stats.logins, vus * 2);
    assert.equal(counterCount(run.summary, 'auth_logins'), vus * 2);
    assert.equal(counterCount(run.summary, 'auth_relogins'), vus);
    assert.equal(counterCount(run.summary, 'auth_expired_rejections'), vus);
    assert.equal(stats.expiredCredentialRejections, vus);
    assert.match(
      run.stdout,
      new RegExp(
        `peak \\d+ logins/s at 0 s, \\d+% of the ${vus} VUs; ${vus * 2} logins in all; all ${vus} VUs logged in within 1 s`,
      ),
    );
    const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
    assert.match(markdown, /## Login storm/);
  });

  it('login-storm never calls the admin endpoint unless asked to', async () => {
    await server.resetStats();
    const { run } = await runScenario('login-storm', {
      BASE_URL: server.url,
      AUTH_MODE: 'token',
      VUS: '10',
      DURATION: '2s',
    });
    assertCleanRun(run);
    assert.equal(requestsTo(run, 'admin'), 0);
    assert.equal((await server.stats()).logins, 10);
  });
});

describe('session-churn against the reference server', () => {
  const server = referenceServerForSuite();

  for (const mode of ['session', 'dual'] as const) {
    it(`logs in, works and logs out once per iteration in ${mode} mode, the logout measured`, async () => {
      await server.resetStats();
      const { run, dir } = await runScenario('session-churn', {
        BASE_URL: server.url,
        AUTH_MODE: mode,
        RATE: '5',
        DURATION: '4s',
        SESSION_REQUESTS: '2',
        PAUSE_SECONDS: '0.1',
        PRE_ALLOCATED_VUS: '4',
        MAX_VUS: '10',
      });
      const stats = await server.stats();
      assertCleanRun(run);
      assert.ok(run.summary);
      const sessions = run.summary.metrics.iterations?.count ?? 0;
      assert.ok(sessions >= 15 && sessions <= 21, `sessions ${sessions}`);
      assert.equal(stats.logins, sessions);
      assert.equal(stats.requests.logout, sessions);
      assert.equal(stats.requests.protected, sessions * 2);
      assert.equal(stats.activeSessions, 0);
      assert.equal(stats.activeRefreshFamilies, 0);
      assert.equal(counterCount(run.summary, 'auth_logins'), sessions);
      assert.equal(counterCount(run.summary, 'auth_relogins'), 0);
      // k6 keeps the logout sub-metric because the churn profile holds it to an SLO.
      assert.ok(
        run.summary.metrics['http_req_duration{endpoint:logout}'],
        'logout latency measured',
      );
      const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
      assert.match(markdown, /\| logout \|/);
      assert.match(markdown, /http_req_duration\{endpoint:logout\}/);
    });
  }
});

describe('a bad knob', () => {
  it('stops k6 at init with the knob named, before any request', async () => {
    const server = await startReferenceServer();
    try {
      const { run } = await runScenario('capacity', { BASE_URL: server.url, STEP_RATE: 'fast' });
      assert.equal(run.code, 107);
      assert.match(
        run.stderr,
        /Invalid -e STEP_RATE; reason: expected a whole number of iterations per second from 1 to 1000000, got \\"fast\\"/,
      );
      assert.deepEqual((await server.stats()).requests, {
        login: 0,
        refresh: 0,
        protected: 0,
        logout: 0,
      });
    } finally {
      await server.stop();
    }
  });
});
