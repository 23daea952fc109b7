/**
 * The spawn every k6 start goes through, with Node standing in as the program: what is tested is
 * the process handling (output, time bound, exit code, a wrapper program), not k6; the real k6
 * runs through it in every integration test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startK6 } from '../../../scripts/k6-process.ts';

const node = process.execPath;

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
});
