/** Types of build.mjs, for the TypeScript tests that import it. */
export interface BuiltBundle {
  /** Absolute path of `<outDir>/<name>.js` (or `<outDir>/controller.js`). */
  file: string;
  bytes: number;
}

export function buildScenarios(options?: {
  scenariosDir?: string;
  outDir?: string;
  /** false: no inline source map (the bench's comparison; default true). */
  sourcemap?: boolean;
}): Promise<BuiltBundle[]>;

export function bundleForK6(
  entryPoints: string[],
  outDir: string,
  /** banner: a comment put first in each bundle. */
  options?: { sourcemap?: boolean; banner?: string },
): Promise<BuiltBundle[]>;

/** The prebuilt k6 library (default dist/k6/): index.js, controller.js, identity-provider.js, index.d.ts. */
export function buildLibrary(options?: { outDir?: string }): Promise<BuiltBundle[]>;

/** The text of lib/core/scenario/threshold-profiles.ts, generated from thresholds/*.json. */
export function thresholdProfilesSource(): Promise<string>;
