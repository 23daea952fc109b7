/**
 * The one reading of k6 `-e NAME=value` settings: what counts as unset, a number, a whole number,
 * a rate and a k6 duration. Each parser gives NaN for text it does not take, so every caller keeps
 * its own error code and message while the rules themselves live here once.
 */

import { ConfigError } from './errors.ts';

/** Variables as k6 passes them in `__ENV` (or `process.env`). */
export type EnvValues = Readonly<Record<string, string | undefined>>;

/**
 * The value of `-e NAME` without surrounding spaces, or undefined when it is unset or blank, so an
 * `-e NAME=` left in a wrapper script changes nothing.
 */
export function readEnvValue(env: EnvValues, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A number >= 0 written with digits and an optional fraction ("0", "0.25", "300"); else NaN. */
export function parseDecimal(text: string): number {
  // Digits only: no sign, exponent, hex or leading dot, so "1e3" or ".5" is a typo, not a number.
  return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

/** A whole number written with digits only, from `min` to `max`; else NaN. */
export function parseWholeNumber(text: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return value >= min && value <= max ? value : Number.NaN;
}

/**
 * A server's setting as written, or undefined when unset or empty. Not trimmed, unlike
 * readEnvValue: a server's environment is written by a script, where a stray space is a typo to
 * report.
 */
export function serverSetting(env: EnvValues, name: string): string | undefined {
  const raw = env[name];
  return raw === '' ? undefined : raw;
}

/**
 * A server's whole-number setting (`PORT`, `USERS`, a TTL): `fallback` when unset, else from
 * `min` to `max`, or a ConfigError with `code` naming it. The value is echoed: callers use it
 * only for settings that are never secret.
 */
export function wholeNumberSetting<Code extends string>(
  env: EnvValues,
  name: string,
  range: { fallback: number; min: number; max: number },
  code: Code,
): number {
  const raw = serverSetting(env, name);
  if (raw === undefined) return range.fallback;
  const value = parseWholeNumber(raw, range.min, range.max);
  if (Number.isSafeInteger(value)) return value;
  throw new ConfigError(
    code,
    `${name} is invalid; reason: expected a whole number from ${range.min} to ${range.max}, got "${raw.slice(0, 40)}"`,
  );
}

/** A rate from 0 to 1 ("0.01"); else NaN. */
export function parseRate(text: string): number {
  const value = parseDecimal(text);
  return value <= 1 ? value : Number.NaN;
}

/** A k6 duration ("1m30s", "500ms", "2h") in milliseconds; NaN when it is not one. */
export function parseDurationMs(text: string): number {
  // The k6 duration units the toolkit takes; k6 itself also knows "us" and "ns", never useful here.
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(text)) return Number.NaN;
  const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  // exec() in a loop, not String.prototype.matchAll: k6's runtime is not guaranteed to have it.
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  for (let match = part.exec(text); match !== null; match = part.exec(text)) {
    total += Number(match[1]) * (unitMs[match[2] ?? ''] ?? Number.NaN);
  }
  return total;
}
