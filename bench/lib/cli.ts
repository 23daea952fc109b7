/**
 * `npm run bench -- <flags>`: the flags read as plain data, so `--help` and a wrong flag are
 * answered before anything is built, provisioned or waited for.
 */
import { parseArgs } from 'node:util';
import { type BenchSize, readSize } from './sizes.ts';

export const BENCH_USAGE = `usage: npm run bench -- [--size default|tiny] [--parts 1,2,3,4] [--out <file.md>] [--no-wait]

  --size <name>    default: about 17-20 min, writes bench/RESULTS.md; tiny: seconds, only
                   proves the harness works, writes results/bench-tiny.md (or BENCH_SIZE)
  --parts <list>   the parts to run, comma-separated (default 1,2,3,4,5): 1 toolkit overhead per
                   request, 2 memory per VU, 3 reference server, 4 growth, 5 windows' time source
  --out <file>     where the report goes (or BENCH_OUT)
  --no-wait        start at once: a default-size run otherwise waits for a quiet machine
  -h, --help       print this and exit

Method and flags: bench/README.md.
`;

const PARTS = ['1', '2', '3', '4', '5'] as const;

/** A wrong command line: printed with the usage, without a stack trace. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export type BenchCommand =
  | { kind: 'help' }
  | {
      kind: 'run';
      size: BenchSize;
      parts: Set<string>;
      /** From `--out` or BENCH_OUT; undefined: the size's own default. */
      outFile: string | undefined;
      noWait: boolean;
    };

/** Reads `argv` (what follows `npm run bench --`) and BENCH_SIZE / BENCH_OUT from `env`. */
export function parseBenchArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): BenchCommand {
  let values: ReturnType<typeof parseFlags>;
  try {
    values = parseFlags(argv);
  } catch (error) {
    // node:util's own message ("Unknown option '--x'. …") already says what was wrong.
    throw new BenchUsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  const parts = new Set(values.parts.split(',').map((part) => part.trim()));
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part)) {
      throw new BenchUsageError(
        `Invalid --parts; reason: expected numbers from 1 to 5, got "${part.slice(0, 20)}"`,
      );
    }
  }
  let size: BenchSize;
  try {
    size = readSize(values.size ?? env.BENCH_SIZE);
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  return {
    kind: 'run',
    size,
    parts,
    outFile: values.out ?? env.BENCH_OUT,
    noWait: values['no-wait'],
  };
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      size: { type: 'string' },
      out: { type: 'string' },
      parts: { type: 'string', default: PARTS.join(',') },
      'no-wait': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}
