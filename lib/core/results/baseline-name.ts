/**
 * Baseline names: a folder under baselines/, so only safe characters, never a path.
 */
import { ERROR_CODES, ToolkitError } from '../errors.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True for a usable baseline name: "v1.4.0", "nightly_2025-11-30", "main". */
export function isBaselineName(name: string): boolean {
  return NAME.test(name) && !name.includes('..');
}

/** Throws `BASELINE_NAME_INVALID` unless `name` is usable. */
export function assertBaselineName(name: string): string {
  if (!isBaselineName(name)) {
    throw new ToolkitError(
      ERROR_CODES.BASELINE_NAME_INVALID,
      `Invalid baseline name ${JSON.stringify(name)}; reason: expected 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit and without "..", got ${JSON.stringify(name)}`,
    );
  }
  return name;
}
