/**
 * Finds or builds Dex (github.com/dexidp/dex), the second OpenID provider the integration tests
 * run the OIDC profiles against: the pinned build under Go's bin folder, beside k6's → a build of
 * the Go module `github.com/dexidp/dex@<pinned>` → a clear error.
 *
 * Dex cannot be built with `go install module@version` nor as a plain dependency:
 * - Its release tags (v2.x) are not valid versions of the module path `github.com/dexidp/dex`
 *   (its go.mod has no `/v2` suffix), so only pseudo-versions of commits resolve; the Go module
 *   proxy lists one of those, which is the pin below.
 * - Its go.mod replaces `github.com/dexidp/dex/api/v2` with `./api/v2`, a nested module that is
 *   neither in the module zip nor on the proxy at that commit, and replace directives do not
 *   apply to dependencies. The build therefore copies the module out of Go's module cache, drops
 *   that replace (so the newest api/v2 on the proxy is used) and swaps the one package that needs
 *   the newer api/v2, `server/apiserver` (the gRPC admin API, never enabled here), for a stub
 *   (test/helpers/dex-build/apiserver.go). Everything the tests exercise is Dex's own code.
 * Beside Dex it builds `bcrypt-hash` (test/helpers/dex-build/bcrypt-hash.go) from the bcrypt package
 * Dex uses, so test helpers can write `staticPasswords` without an npm dependency.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { systemDeps } from '../../cli/provision-k6.ts';
import { ToolkitError } from '../../lib/core/errors.ts';

/**
 * The one Dex the toolkit is tested against: a commit of Dex's main branch from 2026-08-06, the
 * only post-v2.13 version of `github.com/dexidp/dex` the Go module proxy serves (see the header).
 */
export const DEX_VERSION = 'v0.0.0-20260806151424-ab64ed778070';
const DEX_MODULE = 'github.com/dexidp/dex';
/** Bumped whenever the build recipe (the stub, the helper, the flags) changes: a new cache folder. */
const BUILD_RECIPE = 1;

const execFileAsync = promisify(execFile);
const BUILD_FILES = fileURLToPath(new URL('./dex-build/', import.meta.url));

/** This test tool's codes: Dex is no part of the toolkit, so they are not in lib/core/errors.ts. */
export const DEX_ERROR_CODES = {
  /** Dex, the tests' second OpenID provider, could not be found or built. */
  DEX_NOT_FOUND: 'DEX_NOT_FOUND',
} as const;

export class DexNotFoundError extends ToolkitError<typeof DEX_ERROR_CODES.DEX_NOT_FOUND> {
  override readonly name = 'DexNotFoundError';

  constructor(message: string) {
    super(DEX_ERROR_CODES.DEX_NOT_FOUND, message);
  }
}

export interface DexBinaries {
  /** The `dex` executable (`dex serve <config>`). */
  dex: string;
  /** Reads passwords one per stdin line, prints a bcrypt hash (cost 10) per stdout line. */
  bcryptHash: string;
  source: 'go-bin' | 'go-build';
}

/** Go's bin folder for the pinned build, beside k6's (`<GOPATH>/bin/k6-auth-toolkit/v<k6>`). */
export function pinnedDexDir(goPath: string, version = DEX_VERSION): string {
  return join(goPath, 'bin', 'k6-auth-toolkit', `dex-${version}-r${BUILD_RECIPE}`);
}

/** Whether `dex version` at `path` names `version` (its output: "Dex Version: <version>"). */
async function dexRuns(path: string, version: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(path, ['version'], { timeout: 30_000 });
    return stdout.includes(`Dex Version: ${version}`);
  } catch {
    return false;
  }
}

function binariesIn(dir: string, source: DexBinaries['source']): DexBinaries {
  return { dex: join(dir, 'dex'), bcryptHash: join(dir, 'bcrypt-hash'), source };
}

export async function resolveDex(
  env: NodeJS.ProcessEnv = process.env,
  log: (message: string) => void = (message) =>
    process.stderr.write(`k6-auth-toolkit: ${message}\n`),
): Promise<DexBinaries> {
  const deps = systemDeps(env);
  const go = deps.findGo();
  if (!go) {
    throw new DexNotFoundError(
      `Dex ${DEX_VERSION} not found; reason: expected Go on PATH or at /usr/local/go/bin/go to build it, got none. ` +
        'Install Go (https://go.dev/dl); k6 is built with it too.',
    );
  }
  const dir = pinnedDexDir(await deps.goPath(go));
  const cached = binariesIn(dir, 'go-bin');
  if (existsSync(cached.bcryptHash) && (await dexRuns(cached.dex, DEX_VERSION))) return cached;

  log(
    `Building Dex ${DEX_VERSION} from the Go module ${DEX_MODULE} into ${dir} ` +
      '(first time only; two to three minutes on two cores)…',
  );
  try {
    await buildDex(go, dir, env);
  } catch (error) {
    throw new DexNotFoundError(
      `building Dex ${DEX_VERSION} with Go failed; reason: ${(error as Error).message.trim()}`,
    );
  }
  const built = binariesIn(dir, 'go-build');
  if (!(await dexRuns(built.dex, DEX_VERSION))) {
    throw new DexNotFoundError(
      `Dex built with Go does not run; reason: expected "Dex Version: ${DEX_VERSION}" from ${built.dex} version, got nothing usable`,
    );
  }
  return built;
}

/** Builds both binaries into a sibling folder first, then renames it into place. */
async function buildDex(go: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const goEnv: NodeJS.ProcessEnv = {
    ...env,
    // No C toolchain needed; the sqlite3 storage (cgo) is the only part left out, and the tests use memory.
    CGO_ENABLED: '0',
    GOFLAGS: '-mod=mod',
    GOWORK: 'off',
  };
  const work = await mkdtemp(join(tmpdir(), 'dex-build-'));
  const staging = `${dir}.partial-${process.pid}`;
  try {
    const download = await runGo(
      go,
      ['mod', 'download', '-json', `${DEX_MODULE}@${DEX_VERSION}`],
      work,
      goEnv,
    );
    // With -json, go reports a failed download in the JSON on stdout, not on stderr.
    const downloaded = parseDownload(download.stdout);
    if (download.code !== 0 || !downloaded.Dir) {
      throw new Error(`go mod download: ${downloaded.Error ?? lastLines(download.stderr)}`);
    }

    const src = join(work, 'dex');
    await cp(downloaded.Dir, src, { recursive: true });
    await makeWritable(src);

    const goMod = join(src, 'go.mod');
    const withoutReplace = (await readFile(goMod, 'utf8')).replace(
      /^replace github\.com\/dexidp\/dex\/api\/v2 => \.\/api\/v2\n/m,
      '',
    );
    await writeFile(goMod, withoutReplace);
    const apiserver = join(src, 'server', 'apiserver');
    await rm(apiserver, { recursive: true, force: true });
    await mkdir(apiserver);
    await copyFile(join(BUILD_FILES, 'apiserver.go'), join(apiserver, 'api.go'));
    const helper = join(src, 'cmd', 'bcrypt-hash');
    await mkdir(helper);
    await copyFile(join(BUILD_FILES, 'bcrypt-hash.go'), join(helper, 'main.go'));

    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const build = await runGo(
      go,
      [
        'build',
        '-trimpath',
        '-ldflags',
        `-s -w -X main.version=${DEX_VERSION}`,
        '-o',
        `${staging}/`,
        './cmd/dex',
        './cmd/bcrypt-hash',
      ],
      src,
      goEnv,
    );
    if (build.code !== 0)
      throw new Error(`go build exited with ${build.code}: ${lastLines(build.stderr)}`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

/** Module cache files and folders are read-only; the copy must be edited and later removed. */
async function makeWritable(root: string): Promise<void> {
  await chmod(root, 0o755);
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    await chmod(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
}

function parseDownload(stdout: string): { Dir?: string; Error?: string } {
  try {
    return JSON.parse(stdout) as { Dir?: string; Error?: string };
  } catch {
    return {};
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' ');
}

interface GoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runGo(go: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<GoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      // Download progress lines are noise; compiler errors are what a reader needs.
      const shown = text
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('go: downloading'));
      if (shown.length > 0) process.stderr.write(`${shown.join('\n')}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Resolves Dex with the real system, once per process. */
let cached: Promise<DexBinaries> | undefined;
export function provisionDex(): Promise<DexBinaries> {
  cached ??= resolveDex();
  return cached;
}
