import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs } from '../../../bench/lib/cli.ts';
import { SIZES } from '../../../bench/lib/sizes.ts';

describe('parseBenchArgs', () => {
  it('asks for the usage with --help or -h, whatever else is given', () => {
    assert.deepEqual(parseBenchArgs(['--help'], {}), { kind: 'help' });
    assert.deepEqual(parseBenchArgs(['-h'], {}), { kind: 'help' });
    assert.deepEqual(parseBenchArgs(['--size', 'tiny', '--help'], {}), { kind: 'help' });
  });

  it('runs every part at the default size without flags', () => {
    assert.deepEqual(parseBenchArgs([], {}), {
      kind: 'run',
      size: SIZES.default,
      parts: new Set(['1', '2', '3', '4', '5']),
      outFile: undefined,
      noWait: false,
    });
  });

  it('takes the flags over BENCH_SIZE and BENCH_OUT', () => {
    const command = parseBenchArgs(
      ['--size', 'tiny', '--parts', '1, 4', '--out', '/tmp/x.md', '--no-wait'],
      { BENCH_SIZE: 'default', BENCH_OUT: '/tmp/y.md' },
    );
    assert.deepEqual(command, {
      kind: 'run',
      size: SIZES.tiny,
      parts: new Set(['1', '4']),
      outFile: '/tmp/x.md',
      noWait: true,
    });
    assert.deepEqual(parseBenchArgs([], { BENCH_SIZE: 'tiny', BENCH_OUT: '/tmp/y.md' }), {
      kind: 'run',
      size: SIZES.tiny,
      parts: new Set(['1', '2', '3', '4', '5']),
      outFile: '/tmp/y.md',
      noWait: false,
    });
  });

  it('refuses an unknown flag, a part that does not exist and an unknown size, with the reason', () => {
    assert.throws(
      () => parseBenchArgs(['--bogus'], {}),
      (error: unknown) =>
        error instanceof BenchUsageError && error.message.startsWith("Unknown option '--bogus'"),
    );
    assert.throws(() => parseBenchArgs(['--parts', '1,6'], {}), {
      name: 'BenchUsageError',
      message: 'Invalid --parts; reason: expected numbers from 1 to 5, got "6"',
    });
    assert.throws(() => parseBenchArgs([], { BENCH_SIZE: 'huge' }), {
      name: 'BenchUsageError',
      message: 'Invalid BENCH_SIZE; reason: expected default or tiny, got "huge"',
    });
  });

  it('documents every flag it reads in the usage', () => {
    for (const flag of [
      '--size',
      '--parts',
      '--out',
      '--no-wait',
      '--help',
      'BENCH_SIZE',
      'BENCH_OUT',
    ]) {
      assert.ok(BENCH_USAGE.includes(flag), flag);
    }
  });
});
