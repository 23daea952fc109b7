/**
 * Part 1, toolkit overhead per request: the same protected endpoint at the same arrival rate for
 * the same time, through (a) a bare k6 script with a static bearer token, (b) the toolkit in dual
 * mode with a long access TTL, (c) dual with a short TTL (a refresh every second or so per VU),
 * (d) session mode. Run interleaved (a b c d a b c d …) so drifting machine load hits all alike.
 */
import type { BenchContext } from './context.ts';
import { type K6Measurement, measureK6Quietly } from './k6-run.ts';
import { startReferenceServer } from './servers.ts';
import { type BenchSize, CHEAP_SCRYPT_COST, LONG_ACCESS_TTL_SECONDS } from './sizes.ts';

export type VariantId = 'a' | 'b' | 'c' | 'd';

export interface Variant {
  id: VariantId;
  label: string;
  script: 'bare' | 'toolkit';
  ttl: 'long' | 'short';
  authMode?: 'dual' | 'session';
}

export const VARIANTS: readonly Variant[] = [
  { id: 'a', label: 'bare k6, static bearer token', script: 'bare', ttl: 'long' },
  {
    id: 'b',
    label: 'toolkit dual, long access TTL',
    script: 'toolkit',
    ttl: 'long',
    authMode: 'dual',
  },
  {
    id: 'c',
    label: 'toolkit dual, short access TTL',
    script: 'toolkit',
    ttl: 'short',
    authMode: 'dual',
  },
  { id: 'd', label: 'toolkit session mode', script: 'toolkit', ttl: 'long', authMode: 'session' },
];

export interface OverheadResult {
  size: BenchSize['overhead'];
  runs: Record<VariantId, K6Measurement[]>;
}

export async function runOverhead(
  context: BenchContext,
  size: BenchSize['overhead'],
): Promise<OverheadResult> {
  const common = { SCRYPT_COST: String(CHEAP_SCRYPT_COST) };
  const longTtl = await startReferenceServer({
    ...common,
    ACCESS_TTL: String(LONG_ACCESS_TTL_SECONDS),
  });
  try {
    const shortTtl = await startReferenceServer({
      ...common,
      ACCESS_TTL: String(size.shortAccessTtlSeconds),
    });
    try {
      const runs: Record<VariantId, K6Measurement[]> = { a: [], b: [], c: [], d: [] };
      for (let repetition = 1; repetition <= size.repetitions; repetition += 1) {
        for (const variant of VARIANTS) {
          const env: Record<string, string> = {
            BENCH_SHAPE: 'rate',
            BENCH_RATE: String(size.rate),
            BENCH_VUS: String(size.vus),
            BENCH_DURATION: `${size.durationSeconds}s`,
          };
          if (variant.authMode !== undefined) env.AUTH_MODE = variant.authMode;
          const measurement = await measureK6Quietly(
            {
              k6: context.k6,
              script: context.bundles[variant.script],
              env,
              server: variant.ttl === 'long' ? longTtl : shortTtl,
              steady: { warmupMs: size.warmupMs, windowMs: size.windowMs },
              timeoutMs: (size.durationSeconds + 60) * 1000,
            },
            size.quiet,
            context.log,
          );
          runs[variant.id].push(measurement);
          context.log(
            `overhead ${repetition}/${size.repetitions} ${variant.id}: ` +
              `${perThousand(measurement.cpuSeconds, measurement.protectedRequests).toFixed(3)} CPU s/1k req, ` +
              `${(measurement.peakRssKiB / 1024).toFixed(1)} MiB peak`,
          );
        }
      }
      return { size, runs };
    } finally {
      await shortTtl.stop();
    }
  } finally {
    await longTtl.stop();
  }
}

/** CPU seconds per 1,000 requests. */
export function perThousand(cpuSeconds: number, requests: number): number {
  return requests === 0 ? Number.NaN : (cpuSeconds / requests) * 1000;
}
