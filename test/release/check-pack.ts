/**
 * `npm run release:check`: builds, packs the npm tarball (the release artifact) into
 * `results/release/`, and checks its file list: everything a user's `npm install` needs is in
 * it (the built CLI, the catalogue bundles and the files they load, the k6 library's sources for
 * `k6-auth run my-test.ts`, profiles, thresholds, init's templates, README, CHANGELOG, LICENSE),
 * and nothing else (no tests, bench, TypeScript of the CLI, servers or scenarios, no secrets).
 * Exit code 0 when the list is right, 1 with one line per problem otherwise.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Files the tarball must hold. */
export const REQUIRED_FILES = [
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'build.mjs',
  'dist/cli/k6-auth.js',
  'dist/k6/index.js',
  'dist/k6/index.d.ts',
  'dist/controller.js',
  'dist/identity-provider.js',
  'dist/smoke.js',
  'dist/load.js',
  'dist/soak.js',
  'lib/k6/index.ts',
  'profiles/article.json',
  'thresholds/smoke.json',
  'cli/templates/scenario.ts',
  'cli/templates/soak.yml',
  'cli/templates/release-gate.yml',
];

/** Paths that must never be in it: the repository's own tooling, sources run through tsx, secrets. */
const FORBIDDEN = [
  /^test\//,
  /^bench\//,
  /^scenarios\//,
  /^server\//,
  /^idp\//,
  /^cli\/(?!templates\/)/,
  /^results\//,
  /^dist\/(?!k6\/|cli\/)[^/]+\//,
  /^node_modules\//,
  /^\.github\//,
  /(^|\/)(accounts|users)\.(csv|json)$/,
  /\.secrets$/,
  /(^|\/)\.env/,
];

/** The problems with a tarball's file list and manifest: one sentence each, none when right. */
export function checkPackFiles(
  files: readonly string[],
  manifest: { bin?: Record<string, string>; dependencies?: Record<string, string> },
): string[] {
  const problems: string[] = [];
  for (const file of REQUIRED_FILES) {
    if (!files.includes(file)) problems.push(`${file} missing; reason: a user's install needs it`);
  }
  for (const file of files) {
    const rule = FORBIDDEN.find((pattern) => pattern.test(file));
    if (rule !== undefined)
      problems.push(`${file} packed; reason: expected no file matching ${rule}`);
  }
  const bin = manifest.bin?.['k6-auth'];
  if (bin === undefined || !files.includes(bin)) {
    problems.push(`bin k6-auth is ${JSON.stringify(bin)}; reason: expected a packed file`);
  }
  if (manifest.dependencies?.tsx !== undefined) {
    problems.push(
      'tsx is a runtime dependency; reason: expected the CLI to ship as built JavaScript',
    );
  }
  return problems;
}

function main(): number {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const outDir = join(ROOT, 'results', 'release');
  mkdirSync(outDir, { recursive: true });
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )[0] as { filename: string; files: { path: string }[]; size: number };
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const problems = checkPackFiles(
    packed.files.map((file) => file.path),
    manifest,
  );
  const bin = readFileSync(join(ROOT, manifest.bin['k6-auth']), 'utf8');
  if (!bin.startsWith('#!/usr/bin/env node\n')) {
    problems.push(
      `${manifest.bin['k6-auth']} has no node shebang; reason: npm links it as a command`,
    );
  }
  for (const problem of problems) process.stderr.write(`release:check: ${problem}\n`);
  process.stdout.write(
    `${join(outDir, packed.filename)}: ${packed.files.length} files, ${(packed.size / 1024).toFixed(0)} KiB packed${problems.length === 0 ? ', file list right' : ''}\n`,
  );
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = main();
}
