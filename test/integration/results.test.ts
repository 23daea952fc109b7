/**
 * The results writer with the real k6: a small fixture scenario (test/helpers/fixtures/
 * results-scenario.js, bundled here by build.mjs) sends tagged requests to a node:http server on
 * a loopback port, resolves a threshold profile and exports the toolkit's handleSummary.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleForK6 } from '../../build.mjs';
import { parseJunit } from '../helpers/fixtures/parse-junit.ts';
import { runK6Command } from '../helpers/k6.ts';
import { type LoopbackServer, listenOnLoopback } from '../helpers/loopback-http.ts';
import { type Finished, runScript } from '../helpers/run-process.ts';

const FIXTURE = fileURLToPath(new URL('../helpers/fixtures/results-scenario.js', import.meta.url));
// The secrets the fixture carries (see the fixture); none may reach a result file.
const PASSWORD = 's3cret-Fixture-pw';
const SECRETS = [
  PASSWORD,
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyMSJ9.Zml4dHVyZS1zaWduYXR1cmUtb25seQ',
  'rT9kQ2xVb7mN4pL8sW3zY6aF1dH5jK0c',
  'Q7f2Lk9xPz3Rt8Vb1Nm4',
];

/** `npm run scenario -- args…` with `env`. */
function runScenario(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return runScript('cli/k6-auth.ts', ['run', ...args], { env, timeoutMs: 60_000 });
}

describe('results files from a real k6 run', () => {
  let server: LoopbackServer;
  let baseUrl = '';
  let workDir = '';
  let bundle = '';
  let requests = 0;

  before(async () => {
    server = await listenOnLoopback((request, response) => {
      requests += 1;
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    baseUrl = server.url;
    workDir = await mkdtemp(join(tmpdir(), 'results-test-'));
    bundle = join(workDir, 'results-scenario.js');
    await bundleForK6([FIXTURE], workDir);
  });

  after(async () => {
    await server.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('exits 99 on an impossible threshold and still publishes every result file', async () => {
    const resultsDir = join(workDir, 'crossed');
    const before = requests;
    const result = await runScenario(
      [
        bundle,
        '--quiet',
        '-e',
        `BASE_URL=${baseUrl}`,
        '-e',
        'DURATION=2s',
        '-e',
        `FIXTURE_PASSWORD=${PASSWORD}`,
        // p95 under a microsecond cannot hold, even on loopback.
        '-e',
        'THRESHOLDS_OVERRIDE={"http_req_duration{endpoint:protected}":["p(95)<0.001"]}',
      ],
      { ...process.env, RESULTS_DIR: resultsDir },
    );
    assert.equal(result.code, 99, result.stderr);
    assert.ok(requests - before >= 30, 'the fixture sent its load to the test server');

    // All the files, in place, and no staging folder left beside them.
    assert.deepEqual((await readdir(resultsDir)).sort(), [
      'charts',
      'index.html',
      'junit.xml',
      'report.html',
      'series.json',
      'summary.json',
      'summary.md',
    ]);
    assert.deepEqual(
      (await readdir(workDir)).filter((name) => name.startsWith('.')),
      [],
    );
    assert.ok(
      result.stderr.includes(
        `results in ${resultsDir}: charts, index.html, junit.xml, report.html, series.json, summary.json, summary.md (k6 exit code 99)`,
      ),
    );

    // junit.xml: well-formed, the crossed threshold failed, the others passed.
    const junit = parseJunit(await readFile(join(resultsDir, 'junit.xml'), 'utf8'));
    const failed = junit.testcases.filter((testcase) => testcase.failure !== undefined);
    assert.deepEqual(
      failed.map((testcase) => [testcase.classname, testcase.name]),
      [['http_req_duration{endpoint:protected}', 'p(95)<0.001']],
    );
    assert.match(
      failed[0]?.failure ?? '',
      /^http_req_duration\{endpoint:protected\} crossed p\(95\)<0\.001; observed p\(95\)=[\d.]+ms$/,
    );
    assert.equal(junit.suite.failures, '1');
    assert.equal(junit.suite.tests, String(junit.testcases.length));
    assert.ok(junit.testcases.length >= 10);

    // summary.json: k6's data, no setup_data, no secret in any form.
    const summaryText = await readFile(join(resultsDir, 'summary.json'), 'utf8');
    for (const secret of SECRETS) {
      assert.equal(summaryText.includes(secret), false, 'a fixture secret reached summary.json');
    }
    const summary = JSON.parse(summaryText);
    assert.equal('setup_data' in summary, false);
    assert.equal(
      summary.metrics['http_req_duration{endpoint:protected}'].thresholds['p(95)<0.001'].ok,
      false,
    );
    assert.ok(summary.metrics['http_reqs{endpoint:protected}'].values.count >= 30);

    // summary.md and the terminal: the endpoint table with real numbers.
    const markdown = await readFile(join(resultsDir, 'summary.md'), 'utf8');
    assert.ok(markdown.includes('- Result: **failed**: 1 of'));
    assert.match(
      markdown,
      /\n\| protected \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0\.00% \|\n/,
    );
    assert.match(markdown, /\n\| login \| 2 \| /);
    assert.ok(result.stdout.includes("✗ 'p(95)<0.001' p(95)="));
    assert.match(
      result.stdout,
      /\n {2}protected +\d+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +0\.00%\n/,
    );
    for (const secret of SECRETS) {
      assert.equal(result.stdout.includes(secret), false, 'a fixture secret reached stdout');
      assert.equal(markdown.includes(secret), false, 'a fixture secret reached summary.md');
    }

    // series.json, index.html and the charts: the time series and the page, no secret in them.
    const pageFiles = [
      'series.json',
      'index.html',
      ...(await readdir(join(resultsDir, 'charts'))).map((file) => join('charts', file)),
    ];
    for (const file of pageFiles) {
      const text = await readFile(join(resultsDir, file), 'utf8');
      for (const secret of SECRETS) {
        assert.equal(text.includes(secret), false, `a fixture secret reached ${file}`);
      }
    }
    const series = JSON.parse(await readFile(join(resultsDir, 'series.json'), 'utf8'));
    assert.equal(series.version, 1);
    assert.ok(
      series.endpoints.protected.reduce(
        (n: number, w: { requests: number }) => n + w.requests,
        0,
      ) >= 30,
    );

    // report.html: k6's dashboard export.
    const report = await readFile(join(resultsDir, 'report.html'), 'utf8');
    assert.match(report.slice(0, 200).toLowerCase(), /<!doctype html>/);
  });

  it('writes into RESULTS_DIR under a plain k6 run and passes when thresholds hold', async () => {
    const resultsDir = join(workDir, 'plain');
    await mkdir(resultsDir);
    const result = await runK6Command(
      ['run', '--quiet', '-e', `BASE_URL=${baseUrl}`, '-e', `RESULTS_DIR=${resultsDir}`, bundle],
      { timeoutMs: 60_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((await readdir(resultsDir)).sort(), [
      'junit.xml',
      'summary.json',
      'summary.md',
    ]);
    const junit = parseJunit(await readFile(join(resultsDir, 'junit.xml'), 'utf8'));
    assert.equal(junit.suite.failures, '0');
    assert.ok(junit.testcases.every((testcase) => testcase.failure === undefined));
    assert.ok(result.stdout.includes('█ ENDPOINTS'));
  });

  // Issue 11 item 5 changed this case: it used to publish nothing, which left CI without a report.
  it('fails at init with the override message, without stack frames, and publishes it as junit.xml and summary.md on a bad -e value', async () => {
    const resultsDir = join(workDir, 'bad-override');
    const before = requests;
    const result = await runScenario(
      [bundle, '--quiet', '-e', `BASE_URL=${baseUrl}`, '-e', 'ERROR_RATE_MAX=fast'],
      { ...process.env, RESULTS_DIR: resultsDir },
    );
    assert.equal(result.code, 107);
    assert.ok(
      result.stderr.includes(
        'ConfigError: -e ERROR_RATE_MAX is not usable; reason: expected a rate from 0 to 1, got \\"fast\\"',
      ),
      result.stderr,
    );
    assert.ok(result.stderr.includes('k6-auth-toolkit: k6 exited 107 and wrote no results'));
    assert.ok(result.stderr.includes('SLO_OVERRIDE_INVALID ConfigError: -e ERROR_RATE_MAX'));
    assert.equal(result.stderr.includes('\\tat '), false, 'no stack frame in the terminal');
    assert.equal(requests, before, 'no load was sent');
    assert.deepEqual((await readdir(resultsDir)).sort(), ['junit.xml', 'summary.md']);
    assert.deepEqual(
      (await readdir(workDir)).filter((name) => name.includes('bad-override')),
      ['bad-override'],
      'no staging folder left',
    );
    const junit = parseJunit(await readFile(join(resultsDir, 'junit.xml'), 'utf8'));
    assert.deepEqual(junit.testcases, [
      {
        classname: 'k6-auth-toolkit',
        name: 'k6 run stopped with exit code 107: SLO_OVERRIDE_INVALID',
        failure:
          'SLO_OVERRIDE_INVALID ConfigError: -e ERROR_RATE_MAX is not usable; reason: expected a rate from 0 to 1, got "fast"',
      },
    ]);
    const markdown = await readFile(join(resultsDir, 'summary.md'), 'utf8');
    assert.ok(
      markdown.includes(
        '- Result: **failed**: k6 stopped before its end-of-test summary (exit code 107)',
      ),
    );
    assert.ok(markdown.includes('- Code: `SLO_OVERRIDE_INVALID`'));
  });
});
