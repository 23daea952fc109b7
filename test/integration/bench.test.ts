/**
 * Proves `npm run bench` works, at tiny size and once: it builds the bench scripts, runs bare k6,
 * the toolkit and the load and smoke scenarios against the reference server, autocannon against
 * both servers, and writes the Markdown report. Benchmarks are never timed tests: nothing here asserts a speed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseTimeOutput } from '../../bench/lib/k6-run.ts';
import { carryNotes, formatSpread } from '../../bench/lib/report.ts';
import { SIZES } from '../../bench/lib/sizes.ts';
import { spreadOf } from '../../bench/lib/stats.ts';
import { REPO_ROOT } from '../helpers/k6.ts';

const RUN_TIMEOUT_MS = 180_000;

describe('bench harness at tiny size', () => {
  let dir: string;
  let outFile: string;
  let run: { code: number | null; stdout: string; stderr: string };
  let report: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-test-'));
    outFile = join(dir, 'RESULTS.md');
    // A previous report with hand-written notes: the new one must keep them.
    await writeFile(
      outFile,
      '# old numbers\n\n<!-- notes:start -->\n## Notes\n\nProfiled b: kept.\n<!-- notes:end -->\n',
    );
    run = await runBench(['--size', 'tiny', '--out', outFile]);
    report = await readFile(outFile, 'utf8').catch(() => '');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the run exits 0 and says where it wrote the report', () => {
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    assert.match(run.stdout, new RegExp(`bench: wrote ${escapeRegExp(outFile)}`));
  });

  test('the report has the machine, the versions and all five parts with their tables', () => {
    assert.match(report, /^# Benchmarks\n/);
    assert.match(report, /\| k6 \| v2\.2\.0 \|/);
    assert.match(report, new RegExp(`\\| Node\\.js \\| ${escapeRegExp(process.version)} \\|`));
    for (const title of [
      '## 1. Toolkit overhead per request',
      '## 2. Memory per VU',
      '## 3. Reference server',
      '## 4. Growth',
      "## 5. Windows' time source",
      '## Goals',
    ]) {
      assert.ok(report.includes(title), `missing section ${title}`);
    }
    for (const row of [
      '| a: bare k6, static bearer token |',
      '| b: toolkit dual, long access TTL |',
      '| c: toolkit dual, short access TTL |',
      '| d: toolkit session mode |',
      '| b/a |',
      '| c/a |',
      '| d/a |',
      '| e: bare k6 with the load SLOs (thresholds/load.json, tagged check) |',
      '| f: toolkit `load` scenario, dual (scenarios/load.ts) |',
      '| f/e |',
      '| bare k6 script |',
      '| minimal k6 script (bench/k6/minimal.ts: one request, then idle) |',
      "| the contract's k6 work by hand (bench/k6/floor.ts: metrics, pool, modules, jar, login) |",
      '| toolkit client (dual, bench/k6/toolkit.ts) |',
      '| toolkit smoke scenario (dual, scenarios/smoke.ts) |',
      '| toolkit smoke scenario, built without the inline source map |',
      "| a user's script importing this repository's dist/k6/index.js |",
      "| the same script importing the installed package's dist/k6/index.js (npm pack, npm install) |",
      '| smoke scenario, with the inline source map (as built) |',
      '| smoke scenario, without the inline source map |',
      "| the contract's k6 work by hand (bench/k6/floor.ts), no toolkit code |",
      '| bare node:http, answers 200 |',
      '| reference `GET /protected`, bearer JWT |',
      '| reference `GET /protected`, session cookie |',
      '| reference `POST /login` (JSON), default scrypt cost 16384 |',
      '| reference `POST /login` (JSON), cheap scrypt cost 16 |',
      '| p: phase sub-metrics (plain `k6 run` today) |',
      '| ps: phase sub-metrics + CSV stream (`npm run scenario` today) |',
      '| s: CSV stream only, windows from timestamps |',
      '| s/ps |',
      '| s/p |',
    ]) {
      assert.ok(report.includes(row), `missing row ${row}`);
    }
    assert.equal(report.match(/^- .*\*\*(met|missed)\*\*/gm)?.length, 11);
    for (const goal of [
      '- Overhead of the `load` scenario over bare k6 with the same SLOs, f/e CPU per request ≤ 1.03: **',
      '- Memory per VU, smoke scenario above the minimal script ≤ 100 KiB: **',
      '- Memory per VU, smoke scenario without the inline source map above the minimal script ≤ 100 KiB: **',
      "- Memory per VU, installed package's library / in-repository build within 5 %: **",
    ]) {
      assert.ok(report.includes(goal), `missing goal ${goal}`);
    }
  });

  test('every measured cell holds a number, not NaN', () => {
    assert.doesNotMatch(report, /NaN|undefined|Infinity/);
  });

  test('in every overhead run each protected request passed its check', () => {
    const rows = report.match(/^\| [a-f]: .*$/gm) ?? [];
    assert.equal(rows.length, 6);
    for (const row of rows) {
      const cells = row.split('|').map((cell) => cell.trim());
      // Cells: '', variant, CPU whole, CPU steady, RSS, requests, logins + refreshes, failed checks.
      assert.ok(Number(cells[5]) > 0, row);
      assert.equal(cells[7], '0', row);
    }
  });

  test('the bare script never logs in per VU nor refreshes, and the toolkit runs do', () => {
    const loginsAndRefreshes = (variant: string) => {
      const row = report.split('\n').find((line) => line.startsWith(`| ${variant}: `)) ?? '';
      return Number(row.split('|').map((cell) => cell.trim())[6]);
    };
    const { vus, repetitions } = SIZES.tiny.overhead;
    assert.equal(loginsAndRefreshes('a'), 0);
    assert.equal(loginsAndRefreshes('b'), vus * repetitions);
    assert.ok(loginsAndRefreshes('c') > vus * repetitions, 'short access TTL: refreshes expected');
    assert.equal(loginsAndRefreshes('d'), vus * repetitions);
    assert.equal(loginsAndRefreshes('e'), 0);
    assert.equal(loginsAndRefreshes('f'), vus * repetitions);
  });

  test('every toolkit VU of the memory and growth runs logged in exactly once', () => {
    const { memory, growth } = SIZES.tiny;
    assert.ok(
      report.includes(
        `Logins at ${memory.vus} VUs: floor ${memory.vus}, client ${memory.vus}, scenario ${memory.vus}, scenario without source map ${memory.vus}, library from the repository ${memory.vus}, installed library ${memory.vus} (one per VU)`,
      ),
    );
    const growthSection = report.slice(report.indexOf('## 4. Growth'), report.indexOf('## Goals'));
    const growthRows = growthSection.match(/^\| \d+ \| .*$/gm) ?? [];
    assert.deepEqual(
      growthRows.map((row) => {
        const cells = row.split('|').map((cell) => cell.trim());
        return [cells[1], cells[5]];
      }),
      growth.vuCounts.map((vus) => [String(vus), String(vus)]),
    );
  });

  test('the hand-written notes of the previous report are carried over', () => {
    assert.ok(
      report.endsWith('<!-- notes:start -->\n## Notes\n\nProfiled b: kept.\n<!-- notes:end -->\n'),
    );
    assert.doesNotMatch(report, /# old numbers/);
  });

  test('neither the output nor the report shows a token, a cookie or a password', () => {
    for (const [where, text] of Object.entries({
      stdout: run.stdout,
      stderr: run.stderr,
      report,
    })) {
      assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{5,}\./, `${where}: a JWT`);
      assert.doesNotMatch(text, /\bsid=[A-Za-z0-9_-]{8,}/, `${where}: a session cookie`);
      assert.doesNotMatch(text, /\bpass\d+\b/, `${where}: a demo password`);
    }
  });
});

describe('bench command line', () => {
  test('--help prints the usage on stdout and exits 0 without running anything', async () => {
    const help = await runBench(['--help']);
    assert.equal(help.code, 0, help.stderr.slice(-2000));
    assert.match(help.stdout, /^usage: npm run bench -- \[--size default\|tiny\]/);
    assert.doesNotMatch(help.stdout, /bench: /);
    assert.equal(help.stderr, '');
  });

  test('an unknown flag is refused with the reason and the usage, exit code 2', async () => {
    const wrong = await runBench(['--bogus']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^bench: Unknown option '--bogus'/);
    assert.match(wrong.stderr, /usage: npm run bench -- /);
    assert.equal(wrong.stdout, '');
  });
});

describe('bench helpers', () => {
  test('the median of an even count is the mean of the middle two, with min and max', () => {
    assert.deepEqual(spreadOf([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4, n: 4 });
    assert.deepEqual(spreadOf([5, 1, 3]), { median: 3, min: 1, max: 5, n: 3 });
  });

  test('a spread of no values is refused with the reason', () => {
    assert.throws(() => spreadOf([]), {
      message: 'no values; reason: expected at least one measurement, got none',
    });
  });

  test('a spread prints as the median with min–max, or alone for one run', () => {
    assert.equal(formatSpread(spreadOf([0.25, 0.2, 0.3]), 3), '0.250 (0.200–0.300)');
    assert.equal(formatSpread(spreadOf([0.25]), 3), '0.250');
  });

  test('GNU time output is read from its last line, after a non-zero exit notice', () => {
    assert.deepEqual(parseTimeOutput('1.61 0.88 51140 10.04\n'), [1.61, 0.88, 51140, 10.04]);
    assert.deepEqual(
      parseTimeOutput('Command exited with non-zero status 99\n2.00 0.50 60000 3.00\n'),
      [2, 0.5, 60000, 3],
    );
    assert.throws(() => parseTimeOutput('garbage'), {
      message: 'unreadable GNU time output; reason: expected "%U %S %M %e", got "garbage"',
    });
  });

  test('a report without notes starts an empty notes block', () => {
    assert.equal(
      carryNotes(undefined),
      '<!-- notes:start -->\n## Notes\n\n(none yet)\n<!-- notes:end -->',
    );
  });
});

function runBench(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const killer = setTimeout(() => child.kill('SIGTERM'), RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
