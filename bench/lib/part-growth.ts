/**
 * Part 4, growth: the toolkit (dual, long access TTL) at several VU counts and one total arrival
 * rate. CPU per request in the steady window must stay flat: per-request work that grows with VUs
 * or run time (a pool scan, a growing array) would show as a rising column. Every VU is used
 * (k6 hands iterations to idle VUs in turn): `auth_logins` equals the VU count.
 */
import type { BenchContext } from './context.ts';
import { type K6Measurement, measureK6Quietly } from './k6-run.ts';
import { startReferenceServer } from './servers.ts';
import { type BenchSize, CHEAP_SCRYPT_COST, LONG_ACCESS_TTL_SECONDS } from './sizes.ts';

export interface GrowthResult {
  size: BenchSize['growth'];
  /** Runs per VU count, in `size.vuCounts` order. */
  runs: K6Measurement[][];
}

export async function runGrowth(
  context: BenchContext,
  size: BenchSize['growth'],
): Promise<GrowthResult> {
  const users = Math.max(1000, ...size.vuCounts);
  const server = await startReferenceServer({
    SCRYPT_COST: String(CHEAP_SCRYPT_COST),
    ACCESS_TTL: String(LONG_ACCESS_TTL_SECONDS),
    USERS: String(users),
  });
  try {
    const runs: K6Measurement[][] = size.vuCounts.map(() => []);
    for (let repetition = 1; repetition <= size.repetitions; repetition += 1) {
      for (const [index, vus] of size.vuCounts.entries()) {
        const measurement = await measureK6Quietly(
          {
            k6: context.k6,
            script: context.bundles.toolkit,
            env: {
              BENCH_SHAPE: 'rate',
              BENCH_RATE: String(size.rate),
              BENCH_VUS: String(vus),
              BENCH_DURATION: `${size.durationSeconds}s`,
              AUTH_MODE: 'dual',
              USERS: String(users),
            },
            server,
            steady: { warmupMs: size.warmupMs, windowMs: size.windowMs },
            timeoutMs: (size.durationSeconds + 120) * 1000,
          },
          size.quiet,
          context.log,
        );
        runs[index]?.push(measurement);
        const steady = measurement.steady;
        const perK =
          steady === undefined
            ? Number.NaN
            : (steady.k6CpuSeconds / steady.protectedRequests) * 1000;
        context.log(
          `growth ${repetition}/${size.repetitions} ${vus} VUs: ${perK.toFixed(3)} CPU s/1k req (steady)`,
        );
      }
    }
    return { size, runs };
  } finally {
    await server.stop();
  }
}
