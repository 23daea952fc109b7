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
  options?: { sourcemap?: boolean },
): Promise<BuiltBundle[]>;
