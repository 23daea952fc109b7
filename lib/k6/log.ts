/**
 * Warnings from the toolkit's VU code, always redacted. k6 prints `console.warn` on stderr with
 * the VU's other output; a warning is a diagnosis for a human, never a metric (the metrics count).
 */
import exec from 'k6/execution';
import { redact } from '../core/redact.ts';

/** Enough to diagnose a run; a VU stuck in a failure loop must not flood the output. */
const MAX_WARNINGS_PER_VU = 20;
let warnings = 0;

/** Prints `message` with every known secret and anything secret-shaped masked. */
export function warn(message: string, secrets: readonly (string | undefined)[]): void {
  warnings += 1;
  if (warnings > MAX_WARNINGS_PER_VU) return;
  const suffix =
    warnings === MAX_WARNINGS_PER_VU ? ' (further warnings of this VU suppressed)' : '';
  console.warn(`k6-auth-toolkit: VU ${exec.vu.idInTest}: ${redact(message, secrets)}${suffix}`);
}
