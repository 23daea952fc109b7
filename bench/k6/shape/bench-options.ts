/**
 * The load shape every bench script shares, so the bare and toolkit scripts differ only in how
 * they authenticate. Read from `-e BENCH_*` (bench/run.ts sets them):
 * - `BENCH_SHAPE=rate`: `BENCH_RATE` iterations per second for `BENCH_DURATION` on a fixed pool of
 *   `BENCH_VUS` VUs (constant-arrival-rate: the same arrival rate whatever the script costs);
 * - `BENCH_SHAPE=idle`: `BENCH_VUS` VUs each send one request, then sleep `BENCH_IDLE_SECONDS`
 *   (memory per VU); the run ends after `BENCH_DURATION`, interrupting the sleepers.
 * `BASE_URL` is the reference server. The protected requests are counted by the `name` tag both
 * scripts share (the URL), through a threshold that always passes: k6's summary export only
 * lists a sub-metric that some threshold names.
 */
import type { Options } from 'k6/options';

export interface BenchShape {
  kind: 'rate' | 'idle';
  vus: number;
  rate: number;
  duration: string;
  idleSeconds: number;
  protectedUrl: string;
}

/** Reads the shape; a missing or bad value throws at init, before any load. */
export function readBenchShape(env: Record<string, string | undefined>): BenchShape {
  const baseUrl = env.BASE_URL;
  if (baseUrl === undefined || !/^http:\/\/127\.0\.0\.1:\d+$/.test(baseUrl)) {
    throw new Error(
      `Invalid -e BASE_URL; reason: expected http://127.0.0.1:<port> (load goes to loopback only), got ${JSON.stringify(baseUrl)}`,
    );
  }
  const kind = env.BENCH_SHAPE ?? 'rate';
  if (kind !== 'rate' && kind !== 'idle') {
    throw new Error(
      `Invalid -e BENCH_SHAPE; reason: expected rate or idle, got ${JSON.stringify(kind)}`,
    );
  }
  const duration = env.BENCH_DURATION ?? '10s';
  if (!/^\d+s$/.test(duration)) {
    throw new Error(
      `Invalid -e BENCH_DURATION; reason: expected seconds such as "10s", got ${JSON.stringify(duration)}`,
    );
  }
  return {
    kind,
    vus: readPositive(env, 'BENCH_VUS', 10),
    rate: readPositive(env, 'BENCH_RATE', 100),
    duration,
    idleSeconds: readPositive(env, 'BENCH_IDLE_SECONDS', 3600),
    protectedUrl: `${baseUrl}/protected`,
  };
}

/** k6 options for the shape: one scenario, and the always-passing counting threshold. */
export function benchOptions(shape: BenchShape): Options {
  const thresholds = { [`http_reqs{name:${shape.protectedUrl}}`]: ['count>=0'] };
  if (shape.kind === 'idle') {
    return {
      scenarios: {
        idle: {
          executor: 'constant-vus',
          vus: shape.vus,
          duration: shape.duration,
          gracefulStop: '0s',
        },
      },
      thresholds,
    };
  }
  return {
    scenarios: {
      load: {
        executor: 'constant-arrival-rate',
        rate: shape.rate,
        timeUnit: '1s',
        duration: shape.duration,
        preAllocatedVUs: shape.vus,
        maxVUs: shape.vus,
        gracefulStop: '5s',
      },
    },
    thresholds,
  };
}

function readPositive(env: Record<string, string | undefined>, name: string, fallback: number) {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `Invalid -e ${name}; reason: expected a whole number >= 1, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}
