/** What every part of the bench gets from bench/run.ts. */

export interface Bundles {
  /** bench/k6/bare.ts built: the hand-written baseline. */
  bare: string;
  /** bench/k6/toolkit.ts built: the same load through lib/k6. */
  toolkit: string;
  /** bench/k6/bare-slo.ts built: the load scenario's SLO work by hand (part 1's e). */
  bareSlo: string;
  /** bench/k6/minimal.ts built: one request, then idle (part 2's floor). */
  minimal: string;
  /** bench/k6/floor.ts built: the contract's k6 work by hand (part 2's floor of the toolkit). */
  floor: string;
  /** scenarios/smoke.ts built: a catalogue scenario, as users run it (memory per VU). */
  scenario: string;
  /** scenarios/smoke.ts built without the inline source map. */
  scenarioNoMap: string;
  /**
   * A user's script (one protected call, then a pause) importing this repository's dist/k6/index.js
   * by path: the in-repository library (memory per VU).
   */
  libraryRepo: string;
  /** The same script importing dist/k6/index.js of the packed package installed from a tarball. */
  libraryInstalled: string;
  /** scenarios/load.ts built: part 1's f. */
  load: string;
  /** scenarios/soak.ts built: part 5's p and c. */
  soak: string;
  /** bench/k6/soak-stream.ts built: part 5's s (the soak without phase sub-metrics). */
  soakStream: string;
}

export interface BenchContext {
  k6: string;
  bundles: Bundles;
  /** Progress for the terminal: never a secret. */
  log: (line: string) => void;
}
