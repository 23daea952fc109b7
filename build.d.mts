/** Types of build.mjs, for the TypeScript tests that import it. */
export interface BuiltBundle {
  /** Absolute path of `<outDir>/<name>.js` (or `<outDir>/controller.js`, `<outDir>/modes/<mode>.js`). */
  file: string;
  bytes: number;
}

export function buildScenarios(options?: {
  scenariosDir?: string;
  outDir?: string;
}): Promise<BuiltBundle[]>;

export function bundleForK6(entryPoints: string[], outDir: string): Promise<BuiltBundle[]>;
