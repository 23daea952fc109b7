/**
 * This repository as a user installs it: `npm pack` (of what dist/ holds now), then a fresh
 * project in `dir` with `npm install <tarball>`, its dependencies from the registry. Used by the
 * memory part (the installed dist/k6 against the in-repository one) and by
 * test/integration/package.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './servers.ts';

const NPM_TIMEOUT_MS = 180_000;

export interface InstalledPackage {
  /** The user's project folder. */
  project: string;
  /** node_modules/k6-auth-toolkit inside it. */
  installed: string;
  /** The packed files, as `npm pack --json` lists them. */
  packedFiles: string[];
}

/**
 * This process's environment without npm's own `npm_*` variables: under `npm test` they name this
 * repository (`npm_config_local_prefix`…), and an `npm install` run with them would install here.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.toLowerCase().startsWith('npm_')) env[name] = value;
  }
  return { ...env, ...extra };
}

async function npm(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('npm', args, {
      cwd,
      env: userEnv(),
      timeout: NPM_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stderr = '' } = error as { stderr?: string };
    throw new Error(
      `npm ${args[0]} failed; reason: expected exit code 0, got ${String(error)} ${stderr.slice(-1500)}`,
    );
  }
}

/** Packs this repository into `dir` and installs the tarball into `dir`/user-project. */
export async function installPackedPackage(dir: string): Promise<InstalledPackage> {
  const packs = JSON.parse(await npm(REPO_ROOT, ['pack', '--json', '--pack-destination', dir])) as {
    filename: string;
    files: { path: string }[];
  }[];
  const packed = packs[0];
  if (packed === undefined) throw new Error('npm pack listed no tarball');
  const project = join(dir, 'user-project');
  await mkdir(project);
  await npm(project, ['init', '-y']);
  await npm(project, ['install', '--no-audit', '--no-fund', join(dir, packed.filename)]);
  return {
    project,
    installed: join(project, 'node_modules', 'k6-auth-toolkit'),
    packedFiles: packed.files.map((file) => file.path),
  };
}
