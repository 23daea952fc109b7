/**
 * `npm run distributed` with the real k6 against the reference server: the same test (the same
 * total rate for the same time) on one instance and on four, merged into one answer. The account
 * pool is exactly the total VUs, so each account must log in exactly once, on whichever instance
 * its VU ran. Runs are a few seconds each. The merged p95 is checked against the exact p95 of
 * all four instances' raw samples (`--keep-samples`); the one-instance and four-instance runs'
 * p95s are only printed: two runs on a shared 2-core machine differ by more than any merge error.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MERGE_ACCURACY } from '../../lib/core/results/histogram.ts';
import type { SummaryData } from '../../lib/core/results/summary-data.ts';
import { parseJunit } from '../helpers/fixtures/parse-junit.ts';
import { ensureBuilt, readPoints } from '../helpers/k6.ts';
import { k6Percentile } from '../helpers/k6-percentile.ts';
import { referenceServerForSuite, type Stats } from '../helpers/reference-server.ts';
import { type Finished, runScript } from '../helpers/run-process.ts';

const VUS = 8;
const RATE = 40;
const DURATION = '6s';
/**
 * The server answers protected requests after 20 ms, as a real API would take some time: bare
 * loopback answers take about a millisecond, of which four k6 processes sharing two cores with the
 * server make scheduling noise a large share.
 */
const PROTECTED_LATENCY_MS = 20;
/** A merged percentile's error: the histogram's accuracy for merges (lib/core/results/histogram.ts). */
const HISTOGRAM_ERROR = MERGE_ACCURACY;

interface Outcome {
  run: Finished;
  dir: string;
  summary: SummaryData;
  stats: Stats;
}

function distributed(args: string[], timeoutMs = 60_000): Promise<Finished> {
  return runScript('cli/k6-auth.ts', ['distributed', ...args], { timeoutMs });
}

/** Every `http_req_duration` of a protected request in the instances' raw k6 samples. */
async function protectedDurations(dir: string, instances: number): Promise<number[]> {
  const values: number[] = [];
  for (let i = 1; i <= instances; i += 1) {
    for (const point of await readPoints(join(dir, 'instances', String(i), 'samples.json.gz'))) {
      if (point.metric === 'http_req_duration' && point.tags.endpoint === 'protected') {
        values.push(point.value);
      }
    }
  }
  return values;
}

function count(summary: SummaryData, key: string): number {
  return summary.metrics[key]?.values.count ?? Number.NaN;
}

describe('npm run distributed: one test over several k6 instances, one answer', () => {
  const server = referenceServerForSuite({ USERS: String(VUS) });
  let root = '';
  let one: Outcome;
  let four: Outcome;

  async function loadRun(instances: number, name: string, extra: string[] = []): Promise<Outcome> {
    await server.resetStats();
    const dir = join(root, name);
    const run = await distributed([
      'load',
      '--instances',
      String(instances),
      '-e',
      `BASE_URL=${server.url}`,
      '-e',
      'AUTH_MODE=dual',
      '-e',
      `USERS=${VUS}`,
      '-e',
      `RATE=${RATE}`,
      '-e',
      `DURATION=${DURATION}`,
      '-e',
      `MAX_VUS=${VUS}`,
      '-e',
      `PRE_ALLOCATED_VUS=${VUS}`,
      '-e',
      `RESULTS_DIR=${dir}`,
      ...extra,
    ]);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as SummaryData;
    return { run, dir, summary, stats: await server.stats() };
  }

  before(async () => {
    await ensureBuilt();
    root = await mkdtemp(join(tmpdir(), 'k6-distributed-'));
    await server.setFaults({ latencyMs: { protected: PROTECTED_LATENCY_MS } });
    try {
      one = await loadRun(1, 'one');
      four = await loadRun(4, 'four', ['--keep-samples']);
    } finally {
      await server.clearFaults();
    }
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('passes on one instance and on four, and keeps each instance folder beside the merged files', async () => {
    assert.equal(one.run.code, 0, one.run.stderr);
    assert.equal(four.run.code, 0, four.run.stderr);
    assert.deepEqual(await readdir(join(four.dir, 'instances')), ['1', '2', '3', '4']);
    for (const file of ['summary.json', 'junit.xml', 'summary.md', 'instances.json']) {
      assert.ok((await readdir(four.dir)).includes(file), file);
    }
    const instance = await readdir(join(four.dir, 'instances', '3'));
    for (const file of [
      'summary.json',
      'histograms.json',
      'run.json',
      'merge-context.json',
      'k6.log',
    ]) {
      assert.ok(instance.includes(file), file);
    }
    // Raw samples are reduced, then removed, unless --keep-samples keeps them (the four's run).
    const single = await readdir(join(one.dir, 'instances', '1'));
    assert.equal(single.includes('samples.json.gz'), false, 'raw samples removed');
    assert.equal(instance.includes('samples.json.gz'), true, 'raw samples kept');
  });

  it('gives exact totals: the protected requests of one instance within 2 %, and as many as the server counted', () => {
    const single = count(one.summary, 'http_reqs{endpoint:protected}');
    const merged = count(four.summary, 'http_reqs{endpoint:protected}');
    console.log(`protected requests: one instance ${single}, four merged ${merged}`);
    assert.ok(Math.abs(merged - single) <= single * 0.02, `${merged} vs ${single}`);
    assert.equal(merged, four.stats.requests.protected);
    assert.equal(count(four.summary, 'iterations'), merged);
    assert.equal(
      four.summary.metrics.vus_max?.values.value,
      VUS,
      'k6 split the VUs over the segments',
    );
  });

  it('logs in once per VU of the whole test, every account exactly once, on one instance and on four', () => {
    const everyAccountOnce = Object.fromEntries(
      Array.from({ length: VUS }, (_, i) => [`user${i + 1}`, 1]),
    );
    for (const outcome of [one, four]) {
      assert.equal(count(outcome.summary, 'auth_logins'), VUS);
      assert.equal(outcome.stats.logins, VUS);
      assert.deepEqual(outcome.stats.loginsByAccount, everyAccountOnce);
      assert.equal(outcome.stats.loginFailures, 0);
    }
  });

  it("merges percentiles from the instances' histograms: one instance's is k6's own p95, four's the p95 of all their samples", async () => {
    const key = 'http_req_duration{endpoint:protected}';
    const own = JSON.parse(
      await readFile(join(one.dir, 'instances', '1', 'summary.json'), 'utf8'),
    ) as SummaryData;
    const ownP95 = own.metrics[key]?.values['p(95)'] ?? Number.NaN;
    const singleP95 = one.summary.metrics[key]?.values['p(95)'] ?? Number.NaN;
    assert.ok(
      Math.abs(singleP95 - ownP95) <= ownP95 * HISTOGRAM_ERROR,
      `${singleP95} vs k6's ${ownP95}`,
    );
    const samples = await protectedDurations(four.dir, 4);
    assert.equal(four.summary.metrics[key]?.values.count, samples.length);
    const exactP95 = k6Percentile(samples, 0.95);
    const mergedP95 = four.summary.metrics[key]?.values['p(95)'] ?? Number.NaN;
    assert.ok(
      Math.abs(mergedP95 - exactP95) <= exactP95 * HISTOGRAM_ERROR,
      `merged ${mergedP95} vs the p95 of the ${samples.length} samples ${exactP95}`,
    );
    console.log(
      `p95 protected: one instance ${singleP95.toFixed(3)} ms, four merged ${mergedP95.toFixed(3)} ms (their samples' own: ${exactP95.toFixed(3)} ms)`,
    );
    assert.equal(
      four.summary.metrics[key]?.values.count,
      count(four.summary, 'http_reqs{endpoint:protected}'),
    );
  });

  it('runs setup() on every instance, harmlessly: one preflight each, no login, no account taken', async () => {
    const { instances } = JSON.parse(await readFile(join(four.dir, 'instances.json'), 'utf8')) as {
      instances: Array<{ setupRequests: number; segment: string; exitCode: number }>;
    };
    assert.deepEqual(
      instances.map((i) => [i.segment, i.setupRequests, i.exitCode]),
      [
        ['0:1/4', 1, 0],
        ['1/4:2/4', 1, 0],
        ['2/4:3/4', 1, 0],
        ['3/4:1', 1, 0],
      ],
    );
  });

  it('lists each threshold once in junit.xml, judged on the merged data', async () => {
    const junit = parseJunit(await readFile(join(four.dir, 'junit.xml'), 'utf8'));
    const names = junit.testcases.map((t) => `${t.classname} ${t.name}`);
    assert.ok(names.length > 0);
    assert.equal(new Set(names).size, names.length);
    const instanceJunit = parseJunit(
      await readFile(join(four.dir, 'instances', '1', 'junit.xml'), 'utf8'),
    );
    assert.equal(names.length, instanceJunit.testcases.length);
    assert.ok(junit.testcases.every((t) => t.failure === undefined));
  });

  it('merges instance folders written elsewhere (npm run distributed -- merge) into the same answer', async () => {
    const out = join(root, 'merged-again');
    const folders = ['1', '2', '3', '4'].map((i) => join(four.dir, 'instances', i));
    const run = await distributed(['merge', ...folders, '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    const again = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as SummaryData;
    const key = 'http_req_duration{endpoint:protected}';
    assert.equal(
      count(again, 'http_reqs{endpoint:protected}'),
      count(four.summary, 'http_reqs{endpoint:protected}'),
    );
    assert.equal(again.metrics[key]?.values['p(95)'], four.summary.metrics[key]?.values['p(95)']);
  });

  it('exits 99 for the whole test when the merged data crosses a threshold, every instance having run to its end', async () => {
    await server.resetStats();
    const dir = join(root, 'crossed');
    const run = await distributed([
      'load',
      '--instances',
      '2',
      ...[
        '-e',
        `BASE_URL=${server.url}`,
        '-e',
        `USERS=${VUS}`,
        '-e',
        'RATE=20',
        '-e',
        'DURATION=2s',
      ],
      ...['-e', `MAX_VUS=${VUS}`, '-e', `PRE_ALLOCATED_VUS=${VUS}`],
      ...['-e', 'THRESHOLDS_OVERRIDE={"http_req_duration{endpoint:protected}":["p(95)<0.01"]}'],
      ...['-e', `RESULTS_DIR=${dir}`],
    ]);
    assert.equal(run.code, 99, run.stderr);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as SummaryData;
    assert.ok(summary.state.testRunDurationMs >= 2000, 'no instance stopped early');
    assert.deepEqual(
      summary.metrics['http_req_duration{endpoint:protected}']?.thresholds?.['p(95)<0.01'],
      {
        ok: false,
      },
    );
    const junit = parseJunit(await readFile(join(dir, 'junit.xml'), 'utf8'));
    assert.equal(junit.testcases.filter((t) => t.failure !== undefined).length, 1);
  });

  it('stops every instance at init when the one pool is smaller than the whole test needs', async () => {
    await server.resetStats();
    const dir = join(root, 'too-few');
    const run = await distributed([
      'load',
      '--instances',
      '2',
      ...['-e', `BASE_URL=${server.url}`, '-e', `USERS=${VUS}`, '-e', `MAX_VUS=${VUS + 1}`],
      ...['-e', `PRE_ALLOCATED_VUS=${VUS + 1}`, '-e', 'DURATION=2s', '-e', `RESULTS_DIR=${dir}`],
    ]);
    assert.equal(run.code, 107, run.stderr);
    for (const instance of ['1', '2']) {
      const log = await readFile(join(dir, 'instances', instance, 'k6.log'), 'utf8');
      assert.match(
        log,
        /Not enough accounts for VU 9; reason: expected at most 8 VUs for 8 accounts/,
        `instance ${instance}`,
      );
    }
    const stats = await server.stats();
    assert.equal(stats.requests.login + stats.requests.protected, 0, 'no load was sent');
  });
});

describe('npm run distributed: the capacity figure of a split test', () => {
  const server = referenceServerForSuite({});
  let root = '';

  before(async () => {
    await ensureBuilt();
    root = await mkdtemp(join(tmpdir(), 'k6-distributed-capacity-'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds on two instances the same capacity as on one, against a server that refuses above 12 requests/s', async () => {
    await server.setFaults({
      rateLimit: [{ endpoint: 'protected', perSecond: 12, retryAfterSeconds: 1 }],
    });
    try {
      const figures: Array<{ heldRate: number; brokeAtRate: number }> = [];
      for (const instances of [1, 2]) {
        const dir = join(root, String(instances));
        const run = await distributed(
          [
            'capacity',
            '--instances',
            String(instances),
            ...['-e', `BASE_URL=${server.url}`, '-e', 'WARM_UP=0s', '-e', 'RATE=5'],
            ...['-e', 'STEP_RATE=5', '-e', 'PEAK_RATE=20', '-e', 'HOLD=3s', '-e', 'RAMP_UP=1s'],
            ...['-e', 'PRE_ALLOCATED_VUS=4', '-e', 'MAX_VUS=20', '-e', `RESULTS_DIR=${dir}`],
          ],
          90_000,
        );
        assert.equal(run.code, 99, run.stderr);
        figures.push(JSON.parse(await readFile(join(dir, 'capacity.json'), 'utf8')));
      }
      console.log(
        `capacity: ${figures.map((f) => `${f.heldRate}/s held, broke at ${f.brokeAtRate}/s`).join('; ')}`,
      );
      assert.equal(figures[0]?.heldRate, 10);
      assert.equal(figures[0]?.brokeAtRate, 15);
      assert.equal(figures[1]?.heldRate, figures[0]?.heldRate);
      assert.equal(figures[1]?.brokeAtRate, figures[0]?.brokeAtRate);
    } finally {
      await server.clearFaults();
    }
  });
});
