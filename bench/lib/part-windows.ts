/**
 * Part 5, the time source of a run's windows: the `soak` scenario at one arrival rate, three ways,
 * interleaved (p ps s p ps s …):
 * - (p) as a plain `k6 run` gives it today: each window judged on phase-tagged sub-metrics that
 *   always-true thresholds keep alive (k6 keeps a sink per window and metric);
 * - (ps) as `npm run scenario` runs it today: those sub-metrics, and the CSV stream of every sample
 *   that series.json is made from;
 * - (s) the stream alone (bench/k6/soak-stream.ts): no per-window sub-metric, windows cut from
 *   the samples' timestamps.
 * k6's CPU per 1,000 protected requests (whole run) and its peak RSS decide which source the run
 * model keeps (bench/RESULTS.md, notes).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './context.ts';
import { type K6Measurement, measureK6 } from './k6-run.ts';
import { perThousand } from './part-overhead.ts';
import { startReferenceServer } from './servers.ts';
import { type BenchSize, CHEAP_SCRYPT_COST, LONG_ACCESS_TTL_SECONDS } from './sizes.ts';

export type WindowVariantId = 'p' | 'ps' | 's';

export interface WindowVariant {
  id: WindowVariantId;
  label: string;
  script: 'soak' | 'soakStream';
  stream: boolean;
}

export const WINDOW_VARIANTS: readonly WindowVariant[] = [
  { id: 'p', label: 'phase sub-metrics (plain `k6 run` today)', script: 'soak', stream: false },
  {
    id: 'ps',
    label: 'phase sub-metrics + CSV stream (`npm run scenario` today)',
    script: 'soak',
    stream: true,
  },
  {
    id: 's',
    label: 'CSV stream only, windows from timestamps',
    script: 'soakStream',
    stream: true,
  },
];

/** One run: k6's measurement, with the protected requests the server answered during it. */
export interface WindowRun {
  measurement: K6Measurement;
  protectedRequests: number;
}

export interface WindowsResult {
  size: BenchSize['windows'];
  runs: Record<WindowVariantId, WindowRun[]>;
}

export async function runWindows(
  context: BenchContext,
  size: BenchSize['windows'],
): Promise<WindowsResult> {
  const server = await startReferenceServer({
    SCRYPT_COST: String(CHEAP_SCRYPT_COST),
    ACCESS_TTL: String(LONG_ACCESS_TTL_SECONDS),
  });
  // The scenario writes its result files and the stream its CSV: neither is wanted afterwards.
  const dir = await mkdtemp(join(tmpdir(), 'bench-windows-'));
  try {
    const runs: Record<WindowVariantId, WindowRun[]> = { p: [], ps: [], s: [] };
    for (let repetition = 1; repetition <= size.repetitions; repetition += 1) {
      for (const variant of WINDOW_VARIANTS) {
        const csv = join(dir, `${variant.id}-${repetition}.csv`);
        const before = await server.protectedRequests();
        const measurement = await measureK6({
          k6: context.k6,
          script: context.bundles[variant.script],
          env: {
            AUTH_MODE: 'dual',
            RATE: String(size.rate),
            DURATION: `${size.durationSeconds}s`,
            WINDOWS: String(size.windows),
            PRE_ALLOCATED_VUS: String(size.vus),
            MAX_VUS: String(size.vus),
            RESULTS_DIR: join(dir, 'results'),
          },
          ...(variant.stream ? { outputs: [`csv=fileName=${csv},timeFormat=unix_milli`] } : {}),
          server,
          timeoutMs: (size.durationSeconds + 60) * 1000,
          thresholdsMayFail: true,
        });
        const protectedRequests = (await server.protectedRequests()) - before;
        await rm(csv, { force: true });
        runs[variant.id].push({ measurement, protectedRequests });
        context.log(
          `windows ${repetition}/${size.repetitions} ${variant.id}: ` +
            `${perThousand(measurement.cpuSeconds, protectedRequests).toFixed(3)} CPU s/1k req, ` +
            `${(measurement.peakRssKiB / 1024).toFixed(1)} MiB peak`,
        );
      }
    }
    return { size, runs };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
