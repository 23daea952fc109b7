/**
 * docs/writing-scripts.md's example, examples/orders.ts, as a user builds and runs it:
 * `node build.mjs examples <out>`, then the real k6 against the reference server, with the
 * `-e VUS`/`-e DURATION` the example promises to honour. It is the only user of
 * `authenticatedBatch` and `authenticatedRequestAsync` outside the toolkit, so this is their
 * end-to-end test too; short access tokens make the VUs refresh while they send in parallel.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checkTotals,
  counterCount,
  findLeaks,
  type K6Run,
  rateSamples,
  runK6,
  SHORT_LEEWAY,
} from '../helpers/k6.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';
import { runToEnd } from '../helpers/run-process.ts';

const TIMEOUT_MS = 60_000;

describe('examples/orders.ts built with build.mjs and run by k6 against the reference server', () => {
  const server = referenceServerForSuite({ ACCESS_TTL: '2' });
  let outDir: string;
  let build: { code: number | null; stdout: string; stderr: string };
  let run: K6Run;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'example-orders-'));
    build = await runToEnd(process.execPath, ['build.mjs', 'examples', outDir], {
      timeoutMs: 60_000,
    });
    assert.equal(build.code, 0, build.stderr);
    await server.resetStats();
    run = await runK6({
      script: join(outDir, 'orders.js'),
      env: { BASE_URL: server.url, AUTH_MODE: 'dual', VUS: '2', DURATION: '4s', ...SHORT_LEEWAY },
      timeoutMs: TIMEOUT_MS,
      collectPoints: true,
    });
  });

  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('builds orders.js beside the controller.js it loads', () => {
    assert.match(build.stdout, /orders\.js {2}[\d.]+ KiB/);
    assert.match(build.stdout, /controller\.js {2}[\d.]+ KiB/);
  });

  it('passes its thresholds with every check and no failed request', () => {
    assert.equal(run.timedOut, false);
    assert.equal(run.code, 0, `stderr tail: ${run.stderr.slice(-800)}`);
    assert.ok(run.summary);
    const checks = run.summary.root_group.checks;
    for (const name of [
      'protected request answered 2xx',
      'order 41 answered 200',
      'order 42 answered 200',
      'order search answered 200',
    ]) {
      const check = Object.values(checks).find((c) => c.name === name);
      assert.ok(check && check.passes > 0, `check ${name} ran`);
    }
    assert.equal(checkTotals(run.summary).fails, 0, 'every check passed');
    assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0, 'no failed request');
    assert.equal(rateSamples(run.summary, 'auth_errors').trues, 0, 'no auth error');
    assert.deepEqual(findLeaks(run), []);
  });

  it('runs the -e VUS it was given and pauses a second per iteration', () => {
    assert.ok(run.summary);
    assert.equal(run.summary.metrics.vus_max?.value, 2);
    const iterations = counterCount(run.summary, 'iterations');
    // 2 VUs × 4 s at about one iteration a second each; without the pause it would be hundreds.
    assert.ok(iterations >= 6 && iterations <= 10, `iterations: ${iterations}`);
  });

  it('refreshes while sending in parallel, once per token: a refresh token is never sent twice', async () => {
    assert.ok(run.summary);
    const refreshes = counterCount(run.summary, 'auth_refreshes');
    assert.ok(refreshes >= 2, `refreshes: ${refreshes}`);
    const stats = await server.stats();
    assert.equal(stats.requests.refresh, refreshes);
    assert.equal(stats.requests.login, 2, 'one login per VU');
  });

  it("tags each call with the example's stable names, every one an endpoint:protected request the server answered", async () => {
    const names = new Map<string, number>();
    for (const point of run.points) {
      if (point.metric !== 'http_reqs' || point.tags.endpoint !== 'protected') continue;
      names.set(point.tags.name ?? '', (names.get(point.tags.name ?? '') ?? 0) + 1);
      assert.equal(point.tags.status, '200', `${point.tags.name} answered ${point.tags.status}`);
    }
    assert.ok(run.summary);
    const iterations = counterCount(run.summary, 'iterations');
    assert.equal(names.get('GET /orders/:id'), 2 * iterations);
    assert.equal(names.get('GET /orders?search'), iterations);
    assert.equal(names.get(`${server.url}/protected`), iterations);
    const stats = await server.stats();
    assert.equal(stats.requests.protected, 4 * iterations);
  });

  it("writes the results under the script's name, naming the thresholds profile it defaulted to", () => {
    const markdown = run.resultFiles['summary.md'] ?? '';
    assert.match(markdown, /^# orders: k6 results/);
    assert.match(markdown, /- Thresholds profile: scenario default \(load\)\n/);
    assert.ok(run.resultFiles['summary.json'] && run.resultFiles['junit.xml']);
  });
});
