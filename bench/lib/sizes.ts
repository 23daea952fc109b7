import type { QuietPolicy } from './k6-run.ts';

/**
 * How big each part runs. `default` is sized so `npm run bench` takes about 17–20 minutes on two
 * cores; `tiny` (`BENCH_SIZE=tiny`) takes seconds and only proves the harness works (CI): its
 * numbers mean nothing.
 */

export interface RateRun {
  /** Repeat a run when other processes used more than this share of a core in its window. */
  quiet: QuietPolicy;
  /** Protected requests per second (constant-arrival-rate). */
  rate: number;
  vus: number;
  durationSeconds: number;
  /** The steady window: from this long after the first protected request… */
  warmupMs: number;
  /** …for this long. */
  windowMs: number;
}

export interface BenchSize {
  name: 'default' | 'tiny';
  /** Part 1: a b c d interleaved, this many times. */
  overhead: RateRun & {
    repetitions: number;
    shortAccessTtlSeconds: number;
    /** e (bare with the load SLOs) and f (the load scenario): requests per second. */
    sloRate: number;
  };
  /** Part 2: mostly idle VUs against a 1-VU run of the same script. */
  memory: { vus: number; durationSeconds: number; repetitions: number };
  /** Part 3: autocannon against each server. */
  server: {
    connections: number;
    durationSeconds: number;
    loginDurationSeconds: number;
    repetitions: number;
  };
  /** Part 4: the toolkit at each VU count, at the same total rate. */
  growth: Omit<RateRun, 'vus'> & { vuCounts: number[]; repetitions: number };
  /** Part 5: the soak scenario with phase sub-metrics (p), with them and a stream (ps), with the stream only (s). */
  windows: {
    rate: number;
    vus: number;
    durationSeconds: number;
    windows: number;
    repetitions: number;
  };
}

/** A long access TTL: no renewal during any run (the leeway is 15 s). */
export const LONG_ACCESS_TTL_SECONDS = 3600;
/** scrypt cost for the servers of parts 1, 2 and 4: logins must not make the server the bottleneck. */
export const CHEAP_SCRYPT_COST = 16;
/** The reference server's default (server/config.ts). */
export const DEFAULT_SCRYPT_COST = 16384;

const DEFAULT_QUIET: QuietPolicy = { maxOthersShare: 0.1, attempts: 1 };
/** The tiny size only proves the harness works: a busy CI machine must not make it slower. */
const NEVER_REPEAT: QuietPolicy = { maxOthersShare: Number.POSITIVE_INFINITY, attempts: 1 };

export const SIZES: Record<BenchSize['name'], BenchSize> = {
  default: {
    name: 'default',
    overhead: {
      quiet: DEFAULT_QUIET,
      rate: 1000,
      vus: 20,
      durationSeconds: 10,
      warmupMs: 2000,
      windowMs: 6000,
      repetitions: 4,
      shortAccessTtlSeconds: 2,
      sloRate: 500,
    },
    memory: { vus: 600, durationSeconds: 5, repetitions: 3 },
    server: { connections: 10, durationSeconds: 5, loginDurationSeconds: 5, repetitions: 2 },
    growth: {
      quiet: DEFAULT_QUIET,
      rate: 1000,
      vuCounts: [10, 100, 1000],
      durationSeconds: 15,
      warmupMs: 3000,
      windowMs: 9000,
      repetitions: 2,
    },
    windows: { rate: 500, vus: 20, durationSeconds: 30, windows: 12, repetitions: 3 },
  },
  tiny: {
    name: 'tiny',
    overhead: {
      quiet: NEVER_REPEAT,
      rate: 50,
      vus: 10,
      durationSeconds: 3,
      warmupMs: 500,
      windowMs: 1000,
      repetitions: 1,
      shortAccessTtlSeconds: 2,
      sloRate: 50,
    },
    memory: { vus: 10, durationSeconds: 2, repetitions: 1 },
    server: { connections: 2, durationSeconds: 1, loginDurationSeconds: 1, repetitions: 1 },
    growth: {
      quiet: NEVER_REPEAT,
      rate: 50,
      vuCounts: [2, 5, 10],
      durationSeconds: 3,
      warmupMs: 500,
      windowMs: 1000,
      repetitions: 1,
    },
    windows: { rate: 50, vus: 5, durationSeconds: 3, windows: 2, repetitions: 1 },
  },
};

/** `BENCH_SIZE` (`default` or `tiny`); throws on anything else. */
export function readSize(value: string | undefined): BenchSize {
  const name = value === undefined || value === '' ? 'default' : value;
  if (name !== 'default' && name !== 'tiny') {
    throw new Error(
      `Invalid BENCH_SIZE; reason: expected default or tiny, got "${name.slice(0, 20)}"`,
    );
  }
  return SIZES[name];
}
