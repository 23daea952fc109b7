/**
 * series.json and index.html from real runs: `npm run scenario -- smoke …` and a capacity run
 * against the reference server (whose /_admin/stats is the independent witness of the request
 * counts), then index.html opened in real headless Chromium: no page error, every chart drawn with
 * data on its axes, a screenshot saved under results/test-artifacts/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Series } from '../../lib/core/results/series.ts';
import { provisionChromium, visitPage } from '../helpers/chromium.ts';
import { ensureBuilt } from '../helpers/k6.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';
import { type Finished, REPO_ROOT, runScript } from '../helpers/run-process.ts';

const ARTIFACTS = join(REPO_ROOT, 'results', 'test-artifacts', 'result-page');

let workDir = '';
let chromium: { path: string } | { skip: string };

before(async () => {
  await ensureBuilt();
  workDir = await mkdtemp(join(tmpdir(), 'result-page-'));
  await mkdir(ARTIFACTS, { recursive: true });
  chromium = await provisionChromium();
});

after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function runScenario(args: string[], resultsDir: string): Promise<Finished> {
  return runScript('cli/k6-auth.ts', ['run', ...args, '--quiet', '--no-usage-report'], {
    env: { ...process.env, RESULTS_DIR: resultsDir },
    timeoutMs: 90_000,
  });
}

/** Each chart in the DOM: its id, the points of its data paths, its dots and tick labels. */
function chartsIn(dom: string) {
  return [...dom.matchAll(/<svg [^>]*id="chart-([a-z0-9-]+)"[^>]*>([\s\S]*?)<\/svg>/g)].map(
    ([, id = '', body = '']) => ({
      id,
      points: [...body.matchAll(/<path class="data" d="([^"]*)"/g)].map(
        ([, d = '']) => d.match(/[ML]-?[\d.]+,-?[\d.]+/g)?.length ?? 0,
      ),
      dots: body.match(/<circle /g)?.length ?? 0,
      xTicks: [
        ...(/<g class="x-axis">([\s\S]*?)<\/g>/.exec(body)?.[1] ?? '').matchAll(
          /class="tick"[^>]*>([^<]+)</g,
        ),
      ].map((m) => m[1]),
      yTicks: [
        ...(/<g class="y-axis">([\s\S]*?)<\/g>/.exec(body)?.[1] ?? '').matchAll(
          /class="tick"[^>]*>([^<]+)</g,
        ),
      ].map((m) => m[1]),
    }),
  );
}

/** Opens the page in Chromium and checks every chart; returns the chart ids. */
async function assertPageDrawn(t: TestContext, dir: string, name: string): Promise<string[]> {
  if ('skip' in chromium) {
    t.skip(`headless Chromium unavailable: ${chromium.skip}`);
    return [];
  }
  const screenshot = join(ARTIFACTS, `${name}.png`);
  const visit = await visitPage(chromium.path, resolve(dir, 'index.html'), screenshot);
  assert.deepEqual(visit.pageErrors, [], 'no console error or failed load');
  const charts = chartsIn(visit.dom);
  const files = (await readdir(join(dir, 'charts'))).sort();
  assert.deepEqual(
    charts.map((chart) => `${chart.id}.svg`).sort(),
    files,
    'every chart is on the page and in charts/',
  );
  for (const chart of charts) {
    const drawn = Math.max(0, ...chart.points) >= 2 || chart.dots > 0;
    assert.ok(drawn, `${chart.id}: a data path with points (${chart.points.join(', ')}) or dots`);
    assert.ok(
      chart.xTicks.length >= 2 && chart.yTicks.length >= 2,
      `${chart.id}: both axes labelled`,
    );
  }
  assert.ok((await stat(screenshot)).size > 10_000, 'a screenshot was written');
  t.diagnostic(`screenshot: ${screenshot}`);
  return charts.map((chart) => chart.id);
}

describe('the result page of a real run', () => {
  const server = referenceServerForSuite({ ACCESS_TTL: '2' });

  it('npm run scenario -- smoke writes series.json whose counts match the server, and index.html with its charts', async (t) => {
    await server.resetStats();
    const dir = join(workDir, 'smoke');
    const result = await runScenario(
      [
        'smoke',
        '-e',
        `BASE_URL=${server.url}`,
        '-e',
        'AUTH_MODE=dual',
        '-e',
        'VUS=2',
        '-e',
        'DURATION=4s',
      ],
      dir,
    );
    assert.equal(result.code, 0, result.stderr.slice(-1500));
    const files = (await readdir(dir)).sort();
    for (const file of ['charts', 'index.html', 'series.json', 'summary.json', 'summary.md']) {
      assert.ok(files.includes(file), `${file} in ${files.join(', ')}`);
    }

    const series = JSON.parse(await readFile(join(dir, 'series.json'), 'utf8')) as Series;
    assert.equal(series.version, 1);
    assert.equal(series.scenario, 'smoke');
    assert.equal(series.windowMs, 1000);
    assert.ok(series.auth.length >= 4 && series.auth.length <= 7, `${series.auth.length} windows`);
    for (const endpoint of ['login', 'protected', 'refresh']) {
      assert.equal(
        series.endpoints[endpoint]?.length,
        series.auth.length,
        `${endpoint}: every window`,
      );
    }
    const stats = await server.stats();
    const sum = (endpoint: string) =>
      (series.endpoints[endpoint] ?? []).reduce((total, window) => total + window.requests, 0);
    assert.equal(sum('protected'), stats.requests.protected);
    assert.equal(sum('login'), stats.requests.login);
    assert.equal(sum('refresh'), stats.requests.refresh);
    assert.equal(series.histograms.protected?.count, stats.requests.protected);
    const logins = series.auth.reduce((total, window) => total + window.logins, 0);
    assert.equal(logins, 2, 'each VU logged in once');
    assert.ok(series.auth.reduce((total, window) => total + window.refreshes, 0) > 0);

    const html = await readFile(join(dir, 'index.html'), 'utf8');
    assert.match(html, /passed: all \d+ thresholds held/);
    assert.match(html, /<a href="summary\.md">/);
    const ids = await assertPageDrawn(t, dir, 'smoke');
    if (ids.length > 0) {
      assert.deepEqual(ids, [
        'latency-login',
        'latency-refresh',
        'latency-protected',
        'requests',
        'auth',
      ]);
    }
  });

  it('a capacity run against a server refusing above 12 requests/s charts its steps, the capacity figure and the breaking step', async (t) => {
    await server.setFaults({ rateLimit: { endpoint: 'protected', perSecond: 12 } });
    const dir = join(workDir, 'capacity');
    let result: Finished;
    try {
      result = await runScenario(
        [
          'capacity',
          ...Object.entries({
            BASE_URL: server.url,
            AUTH_MODE: 'dual',
            WARM_UP: '0s',
            RATE: '5',
            STEP_RATE: '5',
            PEAK_RATE: '25',
            HOLD: '3s',
            RAMP_UP: '1s',
            PRE_ALLOCATED_VUS: '3',
          }).flatMap(([name, value]) => ['-e', `${name}=${value}`]),
        ],
        dir,
      );
    } finally {
      await server.clearFaults();
    }
    assert.equal(result.code, 99, result.stderr.slice(-1500));
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    assert.match(
      html,
      /<p class="sentence">highest rate that held the SLO: 10\/s; step 3 \(15\/s\) broke /,
    );
    const rateChart = await readFile(join(dir, 'charts', 'capacity-rate.svg'), 'utf8');
    assert.match(rateChart, />capacity 10\/s</);
    assert.match(rateChart, />breaks: step 3 \(15\/s\)</);
    const p95Chart = await readFile(join(dir, 'charts', 'capacity-p95.svg'), 'utf8');
    assert.match(p95Chart, /step 3 \(15\/s\) is the breaking step/);
    const ids = await assertPageDrawn(t, dir, 'capacity');
    if (ids.length > 0) assert.deepEqual(ids.slice(0, 2), ['capacity-rate', 'capacity-p95']);
  });
});
