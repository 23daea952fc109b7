/**
 * The shape knobs of the demo scenarios (`-e VUS=20 -e DURATION=30s …`), parsed and validated at
 * init so a typo stops the run before any load is sent.
 */
import { ConfigError } from './errors.ts';

export interface RunSettings {
  /** `-e VUS`: virtual users (default 1). */
  vus: number;
  /** `-e DURATION`: a k6 duration such as "30s", "1m30s" (default "30s"). */
  duration: string;
  /** `-e PARALLEL`: protected requests a VU sends at once per iteration (default 1). */
  parallel: number;
  /** `-e PARALLEL_VIA`: how parallel requests are sent, `http.batch` or `http.asyncRequest`. */
  parallelVia: 'batch' | 'async';
  /** `-e PAUSE_SECONDS`: think time after each iteration (default 0.1). */
  pauseSeconds: number;
}

const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

/** Reads the knobs from `__ENV`; an empty value counts as unset. */
export function parseRunSettings(env: Record<string, string | undefined>): RunSettings {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const duration = read('DURATION') ?? '30s';
  if (!DURATION.test(duration)) {
    throw bad('DURATION', 'a k6 duration such as "30s" or "1m30s"', duration);
  }
  const parallelVia = read('PARALLEL_VIA') ?? 'batch';
  if (parallelVia !== 'batch' && parallelVia !== 'async') {
    throw bad('PARALLEL_VIA', '"batch" or "async"', parallelVia);
  }
  return {
    vus: readInteger(read, 'VUS', 1, 1, 100_000),
    duration,
    parallel: readInteger(read, 'PARALLEL', 1, 1, 100),
    parallelVia,
    pauseSeconds: readSeconds(read, 'PAUSE_SECONDS', 0.1),
  };
}

function readInteger(
  read: (name: string) => string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw bad(name, `a whole number from ${min} to ${max}`, raw);
  }
  return value;
}

function readSeconds(
  read: (name: string) => string | undefined,
  name: string,
  fallback: number,
): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw bad(name, 'a number of seconds >= 0', raw);
  return Number(raw);
}

function bad(name: string, expected: string, got: string): ConfigError {
  return new ConfigError(
    'RUN_SETTING_INVALID',
    `Invalid -e ${name}; reason: expected ${expected}, got ${JSON.stringify(got.slice(0, 40))}`,
  );
}
