/**
 * `npm run build` (second step): bundles the `k6-auth` CLI (cli/k6-auth.ts and the modules it
 * loads per command: server/, idp/, lib/core) into `dist/cli/` as JavaScript for Node, so the
 * published package runs without tsx. npm packages stay external: they are the package's runtime
 * `dependencies` (esbuild for `k6-auth run my-test.ts`, oidc-provider for `k6-auth idp` and the
 * demo, yaml for `k6-auth operator`). Each command's module is a chunk of its own, loaded only
 * when that command runs. build.mjs stays a file of its own: the CLI loads it from the package
 * folder at run time (cli/catalogue.ts), so its paths to lib/k6 are the package's.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const OUT_DIR = join(ROOT, 'dist', 'cli');

await rm(OUT_DIR, { recursive: true, force: true });
await esbuild.build({
  entryPoints: [join(ROOT, 'cli', 'k6-auth.ts')],
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
console.log(`${join('dist', 'cli', 'k6-auth.js')}  (the k6-auth command)`);
