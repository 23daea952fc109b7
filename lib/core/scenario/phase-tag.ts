/**
 * What a VU needs of the phases at run time: which phase it is in, and the tag that says so. Apart
 * from shapes.ts on purpose: every VU loads this file, and importing shapes.ts would give every VU
 * its own copy of the knob tables, which only VU 0 reads (bench/RESULTS.md's notes).
 */
import type { Phase } from './shapes.ts';

/** The tag every request and metric sample carries during a phase. */
export const PHASE_TAG = 'phase';
/** The tag value outside every phase (between capacity steps, after the planned end). */
export const NO_PHASE = 'none';

/** The phase that `elapsedMs` (since the scenario's start) falls in, or null between phases. */
export function phaseAt(phases: readonly Phase[], elapsedMs: number): Phase | null {
  for (const phase of phases) {
    if (elapsedMs >= phase.startMs && elapsedMs < phase.endMs) return phase;
  }
  return null;
}
