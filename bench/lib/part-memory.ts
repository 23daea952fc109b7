/**
 * Part 2, memory per VU: many VUs that each send one protected request (the toolkit VU logs in
 * first) and then sleep, against a 1-VU run of the same script. Per VU = (peak RSS of the N-VU run
 * − peak RSS of the 1-VU run) / (N − 1): what each added VU costs, k6's own fixed memory left out.
 * Six scripts: the bare one (part 1's baseline), a minimal one (bench/k6/minimal.ts: one request,
 * then idle, the floor of any script), the contract's k6 work by hand (bench/k6/floor.ts: the
 * floor of any toolkit that keeps the contract), the toolkit's client alone (bench/k6/toolkit.ts),
 * a catalogue scenario as users run it (scenarios/smoke.ts: constant VUs, with its thresholds
 * and results), built as usual and built without its inline source map, and a user's script that
 * imports the prebuilt library (dist/k6/index.js) from this repository and from the npm package
 * packed and installed into a project outside it (bench/run.ts writes both).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './context.ts';
import { type K6Measurement, measureK6 } from './k6-run.ts';
import { startReferenceServer } from './servers.ts';
import { type BenchSize, CHEAP_SCRYPT_COST, LONG_ACCESS_TTL_SECONDS } from './sizes.ts';

export interface MemoryRuns {
  one: K6Measurement;
  many: K6Measurement;
  /** KiB per added VU. */
  perVuKiB: number;
}

export const MEMORY_SCRIPTS = [
  'bare',
  'minimal',
  'floor',
  'toolkit',
  'scenario',
  'scenarioNoMap',
  'libraryRepo',
  'libraryInstalled',
] as const;

export type MemoryScript = (typeof MEMORY_SCRIPTS)[number];

/** The scripts shaped by scenarioEnv (-e VUS, DURATION, PAUSE_SECONDS) rather than BENCH_*. */
const PAUSING_SCRIPTS: ReadonlySet<MemoryScript> = new Set([
  'scenario',
  'scenarioNoMap',
  'libraryRepo',
  'libraryInstalled',
]);

export interface MemoryResult extends Record<MemoryScript, MemoryRuns[]> {
  size: BenchSize['memory'];
}

/**
 * The smoke scenario's knobs for the same shape: each VU's one iteration pauses as long as the
 * test lasts, so it ends just after the test does and no VU starts a second one.
 */
function scenarioEnv(vus: number, durationSeconds: number): Record<string, string> {
  return {
    VUS: String(vus),
    DURATION: `${durationSeconds}s`,
    PAUSE_SECONDS: String(durationSeconds),
  };
}

export async function runMemory(
  context: BenchContext,
  size: BenchSize['memory'],
): Promise<MemoryResult> {
  const server = await startReferenceServer({
    SCRYPT_COST: String(CHEAP_SCRYPT_COST),
    ACCESS_TTL: String(LONG_ACCESS_TTL_SECONDS),
    // The toolkit's VUs take demo accounts user1..userN (one each).
    USERS: String(Math.max(size.vus, 1000)),
  });
  // The scenario writes its result files; they are not wanted here.
  const resultsDir = await mkdtemp(join(tmpdir(), 'bench-memory-results-'));
  try {
    const result: MemoryResult = {
      size,
      bare: [],
      minimal: [],
      floor: [],
      toolkit: [],
      scenario: [],
      scenarioNoMap: [],
      libraryRepo: [],
      libraryInstalled: [],
    };
    const measure = (script: MemoryScript, vus: number) =>
      measureK6({
        k6: context.k6,
        script: context.bundles[script],
        env: {
          ...(PAUSING_SCRIPTS.has(script)
            ? scenarioEnv(vus, size.durationSeconds)
            : {
                BENCH_SHAPE: 'idle',
                BENCH_VUS: String(vus),
                BENCH_DURATION: `${size.durationSeconds}s`,
              }),
          AUTH_MODE: 'dual',
          USERS: String(Math.max(size.vus, 1000)),
          RESULTS_DIR: resultsDir,
        },
        server,
        timeoutMs: (size.durationSeconds + 120) * 1000,
        thresholdsMayFail: true,
      });
    for (let repetition = 1; repetition <= size.repetitions; repetition += 1) {
      for (const script of MEMORY_SCRIPTS) {
        const one = await measure(script, 1);
        const many = await measure(script, size.vus);
        const perVuKiB = (many.peakRssKiB - one.peakRssKiB) / (size.vus - 1);
        result[script].push({ one, many, perVuKiB });
        context.log(
          `memory ${repetition}/${size.repetitions} ${script}: ${perVuKiB.toFixed(0)} KiB per VU ` +
            `(${(one.peakRssKiB / 1024).toFixed(1)} MiB at 1 VU, ${(many.peakRssKiB / 1024).toFixed(1)} MiB at ${size.vus})`,
        );
      }
    }
    return result;
  } finally {
    await server.stop();
    await rm(resultsDir, { recursive: true, force: true });
  }
}
