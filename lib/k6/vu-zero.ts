/**
 * Where the toolkit's one-off work runs. k6 runs a script's init code in every VU, and every VU
 * keeps its own copy of each function and object that code defines (bench/RESULTS.md's notes
 * measure what that costs per VU). Most of the toolkit is needed once per test, not once per VU:
 * resolving and validating the settings, reading the credentials pool, planning the options and
 * thresholds, and rendering the results. k6 does all of that in VU 0, the VU in which it reads
 * `options`, runs `setup()` and calls `handleSummary` (`__VU` is 0 there).
 *
 * So that code is bundled apart, into dist/controller.js beside the scenario bundles
 * (lib/k6/controller.ts, built by build.mjs), and only VU 0 loads it, with k6's `require`. The
 * other VUs receive what it computed through a `SharedArray`, which k6 fills once, in the first
 * VU that creates it: VU 0.
 */
import { SharedArray } from 'k6/data';
import type * as ControllerModule from './controller.ts';
import { atInit } from './init-errors.ts';

type Controller = typeof ControllerModule;

/**
 * dist/controller.js in VU 0, undefined in the VUs that run iterations. Loaded at init, the only
 * time k6's `require` works. build.mjs keeps this `require` out of the bundle and points it at
 * `./controller.js` beside it; when k6 runs this file as source (`k6 run scenarios/smoke.ts`), it
 * loads the TypeScript beside it.
 */
export const controller: Controller | undefined =
  __VU === 0 ? loadApart<Controller>('controller.js', () => require('./controller.ts')) : undefined;

/**
 * Runs `load`, a `require` of a file built apart (`file`), and says what to do when k6 cannot
 * find the file. A script that bundles the prebuilt library into a file of its own must have that
 * file beside it (docs/k6-library.md): k6 resolves a `require` against the module that calls it,
 * which is then the script's bundle.
 */
export function loadApart<T>(file: string, load: () => unknown): T {
  try {
    return load() as T;
  } catch (error) {
    // Only k6's own "could not load" error names the specifier; any other is the module's own.
    if (!String(error).includes(`"./${file}"`)) throw error;
    throw new Error(
      `Cannot load the toolkit's ${file}; reason: expected it beside the module that loads it (a script that bundles the toolkit needs dist/k6/${file} copied beside it), got: ${String(error)}`,
    );
  }
}

/** The controller, for code that k6 runs in VU 0 only (a `SharedArray`'s `make`). */
export function vuZero(): Controller {
  if (controller === undefined) {
    throw new Error(
      `Cannot run VU 0's code here; reason: expected VU 0, where k6 fills each SharedArray first, got VU ${__VU}`,
    );
  }
  return controller;
}

/**
 * The value `make()` returns, computed once (by VU 0) and given to every VU as a read-only copy.
 * `name` must be unique per value. A toolkit error `make` throws ends init without stack frames
 * (lib/k6/init-errors.ts).
 */
export function sharedFromVuZero<T>(name: string, make: () => T): T {
  return new SharedArray(name, () => [atInit(make)])[0] as T;
}
