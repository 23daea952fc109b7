/**
 * The spawn every k6 start goes through, with Node standing in as the program: what is tested is
 * the process handling (output, time bound, exit code, a wrapper program), not k6; the real k6
 * runs through it in every integration test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { type K6Signal, startK6, withWorkingDir } from '../../../cli/k6-process.ts';

const node = process.execPath;
const K6_PROCESS_URL = new URL('../../../cli/k6-process.ts', import.meta.url).href;

/**
 * Stands in for k6: says which signals reach it; exits 7 on SIGTERM, and 3 by itself after 10 s,
 * so a wrapper that fails to pass a signal on fails the test instead of leaving it behind.
 */
const STAND_IN = [
  "process.on('SIGINT', () => console.log('k6 got SIGINT'));",
  "process.on('SIGTERM', () => { console.log('k6 got SIGTERM'); process.exit(7); });",
  "console.log('ready');",
  'setTimeout(() => process.exit(3), 10_000);',
].join(' ');

/**
 * A wrapper process (as npm run scenario is one) that starts the stand-in with `signals` and
 * prints its exit code; `output()` is everything both printed so far.
 */
function startWrapper(signals: Partial<Record<K6Signal, 'pass' | 'hold'>>) {
  const wrapper = spawn(
    node,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { startK6 } = await import(${JSON.stringify(K6_PROCESS_URL)});
       const k6 = startK6({ k6: process.execPath, args: ['-e', ${JSON.stringify(STAND_IN)}], signals: ${JSON.stringify(signals)} });
       console.log('wrapper exit ' + (await k6.exited).exitCode);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  wrapper.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  const closed = new Promise<number | null>((resolve) => wrapper.once('close', resolve));
  return { wrapper, output: () => output, closed };
}

async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('startK6', () => {
  it('hands each output stream to its function and resolves with the exit code', async () => {
    let stdout = '';
    let stderr = '';
    const started = startK6({
      k6: node,
      args: ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(99)'],
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    const exit = await started.exited;
    assert.deepEqual([exit.exitCode, exit.signal, exit.timedOut], [99, null, false]);
    assert.deepEqual([stdout, stderr], ['out', 'err']);
  });

  it('stops the program with SIGTERM at timeoutMs and says so, exit code 1', async () => {
    const started = startK6({
      k6: node,
      args: ['-e', 'setTimeout(() => {}, 60_000)'],
      stdout: 'ignore',
      timeoutMs: 200,
    });
    const exit = await started.exited;
    assert.deepEqual([exit.exitCode, exit.signal, exit.timedOut], [1, 'SIGTERM', true]);
    assert.ok(exit.elapsedMs < 10_000, `${exit.elapsedMs} ms`);
  });

  it('runs k6 as the argument of a wrapper program, after the wrapper’s own arguments', async () => {
    let stdout = '';
    const started = startK6({
      k6: '/path/to/k6',
      args: ['run', 'dist/smoke.js'],
      via: [node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '--'],
      stdout: (text) => {
        stdout += text;
      },
    });
    assert.equal((await started.exited).exitCode, 0);
    assert.deepEqual(JSON.parse(stdout), ['/path/to/k6', 'run', 'dist/smoke.js']);
  });

  it('rejects when the program cannot be started', async () => {
    const started = startK6({ k6: '/nonexistent/k6', args: ['version'] });
    await assert.rejects(started.exited, { code: 'ENOENT' });
  });

  it('holds a SIGINT (the terminal sent it to k6 too) and passes a SIGTERM on to k6', async () => {
    const { wrapper, output, closed } = startWrapper({ SIGINT: 'hold', SIGTERM: 'pass' });
    await until('the stand-in to start', () => output().includes('ready'));
    wrapper.kill('SIGINT');
    wrapper.kill('SIGTERM');
    assert.equal(await closed, 0, output());
    assert.deepEqual(output().trim().split('\n'), ['ready', 'k6 got SIGTERM', 'wrapper exit 7']);
  });

  it('passes a SIGINT on when asked to, and the wrapper lives on until k6 has exited', async () => {
    const { wrapper, output, closed } = startWrapper({ SIGINT: 'pass', SIGTERM: 'pass' });
    await until('the stand-in to start', () => output().includes('ready'));
    wrapper.kill('SIGINT');
    await until('the SIGINT to reach the stand-in', () => output().includes('k6 got SIGINT'));
    wrapper.kill('SIGTERM');
    assert.equal(await closed, 0, output());
    assert.deepEqual(output().trim().split('\n'), [
      'ready',
      'k6 got SIGINT',
      'k6 got SIGTERM',
      'wrapper exit 7',
    ]);
  });
});

describe('withWorkingDir', () => {
  it('sets PWD to the folder k6 runs in, so -e paths resolve from it, and adds none to an environment without PWD', () => {
    assert.deepEqual(withWorkingDir({ PWD: '/stale', HOME: '/h' }, '/work/user'), {
      PWD: '/work/user',
      HOME: '/h',
    });
    assert.equal(withWorkingDir({ PWD: '/stale' }, undefined).PWD, process.cwd());
    assert.deepEqual(withWorkingDir({ HOME: '/h' }, '/work/user'), { HOME: '/h' });
  });
});
