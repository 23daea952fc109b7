/** What every part of the bench gets from bench/run.ts. */

export interface Bundles {
  /** bench/k6/bare.ts built: the hand-written baseline. */
  bare: string;
  /** bench/k6/toolkit.ts built: the same load through lib/k6. */
  toolkit: string;
  /** scenarios/smoke.ts built: a catalogue scenario, as users run it (memory per VU). */
  scenario: string;
}

export interface BenchContext {
  k6: string;
  bundles: Bundles;
  /** Progress for the terminal: never a secret. */
  log: (line: string) => void;
}
