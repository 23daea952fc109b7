/**
 * Part 1, toolkit overhead per request: the same protected endpoint at the same arrival rate for
 * the same time, through (a) a bare k6 script with a static bearer token, (b) the toolkit in dual
 * mode with a long access TTL, (c) dual with a short TTL (a refresh every second or so per VU),
 * (d) session mode; and, at the load scenario's own rate (`sloRate`), (e) a bare script doing the
 * load scenario's SLO work (thresholds/load.json on `endpoint` tags, one check per request, the
 * same executor) against (f) the `load` scenario itself (scenarios/load.ts, dual mode). Run
 * interleaved (a b c d e f a b …) so drifting machine load hits all alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './context.ts';
import { type K6Measurement, measureK6Quietly } from './k6-run.ts';
import { startReferenceServer } from './servers.ts';
import { type BenchSize, CHEAP_SCRYPT_COST, LONG_ACCESS_TTL_SECONDS } from './sizes.ts';

export type VariantId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

export interface Variant {
  id: VariantId;
  label: string;
  script: 'bare' | 'toolkit' | 'bareSlo' | 'load';
  ttl: 'long' | 'short';
  authMode?: 'dual' | 'session';
  /** e and f run at `sloRate`, the others at `rate`. */
  slo?: true;
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
  {
    id: 'e',
    label: 'bare k6 with the load SLOs (thresholds/load.json, tagged check)',
    script: 'bareSlo',
    ttl: 'long',
    slo: true,
  },
  {
    id: 'f',
    label: 'toolkit `load` scenario, dual (scenarios/load.ts)',
    script: 'load',
    ttl: 'long',
    authMode: 'dual',
    slo: true,
  },
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
  // The load scenario writes its result files; they are not wanted here.
  const resultsDir = await mkdtemp(join(tmpdir(), 'bench-overhead-results-'));
  try {
    return await measureAll(context, size, common, resultsDir);
  } finally {
    await rm(resultsDir, { recursive: true, force: true });
  }
}

async function measureAll(
  context: BenchContext,
  size: BenchSize['overhead'],
  common: Record<string, string>,
  resultsDir: string,
): Promise<OverheadResult> {
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
      const runs: Record<VariantId, K6Measurement[]> = {
        a: [],
        b: [],
        c: [],
        d: [],
        e: [],
        f: [],
      };
      for (let repetition = 1; repetition <= size.repetitions; repetition += 1) {
        for (const variant of VARIANTS) {
          const rate = String(variant.slo ? size.sloRate : size.rate);
          const duration = `${size.durationSeconds}s`;
          const env: Record<string, string> =
            variant.script === 'load'
              ? {
                  RATE: rate,
                  PRE_ALLOCATED_VUS: String(size.vus),
                  MAX_VUS: String(size.vus),
                  DURATION: duration,
                  RESULTS_DIR: resultsDir,
                }
              : {
                  BENCH_SHAPE: 'rate',
                  BENCH_RATE: rate,
                  BENCH_VUS: String(size.vus),
                  BENCH_DURATION: duration,
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
