/**
 * Finds or builds the k6 binary the toolkit runs: `K6_BIN` → `k6` on PATH if its version fits →
 * the pinned build under Go's bin folder → a build of the Go module `go.k6.io/k6/v2@<pinned>` → a clear error.
 *
 * The build is `go build` inside a throwaway module that requires k6, not `go install module@version`:
 * the latter also asks the proxy for the module's version list (for deprecation notices), which some
 * proxies and mirrors do not serve, and it fails there although the pinned version itself is available.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { ERROR_CODES, ToolkitError } from '../lib/core/errors.ts';

/** The one k6 version the toolkit is built and tested against; `@types/k6` is pinned to match. */
export const K6_VERSION = '2.2.0';
const K6_MODULE = 'go.k6.io/k6/v2';

const execFileAsync = promisify(execFile);

export class K6NotFoundError extends ToolkitError {
  override readonly name = 'K6NotFoundError';

  constructor(message: string) {
    super(ERROR_CODES.K6_NOT_FOUND, message);
  }
}

export interface Resolution {
  path: string;
  source: 'K6_BIN' | 'PATH' | 'go-bin' | 'go-build';
}

/** What the resolver may look at or do; injected so the order can be tested without a real k6. */
export interface ResolverDeps {
  env: Record<string, string | undefined>;
  /** Version printed by `<path> version` (e.g. "2.2.0"), or undefined when it does not run. */
  versionOf(path: string): Promise<string | undefined>;
  /** Absolute path of an executable found on PATH, or undefined. */
  findOnPath(name: string): string | undefined;
  /** Path of a `go` binary, or undefined. */
  findGo(): string | undefined;
  /** Builds `K6_MODULE` at `version` into `<gobin>/k6`; throws on failure. */
  goBuild(go: string, gobin: string, version: string): Promise<void>;
  /** `go env GOPATH`. */
  goPath(go: string): Promise<string>;
  log(message: string): void;
}

/** Parses the version out of `k6 version` output ("k6 v2.2.0 (commit/…)"). */
export function parseK6Version(output: string): string | undefined {
  return /\bk6 v(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** Go's bin folder for the pinned build: kept apart so another k6 the user has is never replaced. */
export function pinnedGoBin(goPath: string, version = K6_VERSION): string {
  return join(goPath, 'bin', 'k6-auth-toolkit', `v${version}`);
}

/**
 * How to get k6, the official ways first (k6 is AGPL-3.0: users install it; the Go build is the
 * fallback only).
 */
export const INSTALL_K6 =
  `Install k6 v${K6_VERSION} one of the official ways, then put it on PATH or set K6_BIN: ` +
  "Grafana's packages (apt, dnf, brew, winget, choco; https://grafana.com/docs/k6/latest/set-up/install-k6/), " +
  'a release binary (https://github.com/grafana/k6/releases), ' +
  `Docker (docker run --rm -i grafana/k6:${K6_VERSION} …, then K6_BIN to a wrapper script), ` +
  'or in GitHub Actions grafana/setup-k6-action. ' +
  'The fallback: install Go (https://go.dev/dl) and the toolkit builds the pinned k6 from its Go module.';

export async function resolveK6(deps: ResolverDeps): Promise<Resolution> {
  const fromEnv = deps.env.K6_BIN;
  if (fromEnv) {
    if ((await deps.versionOf(fromEnv)) === undefined) {
      throw new K6NotFoundError(
        `K6_BIN does not run; reason: expected an executable k6 binary, got ${JSON.stringify(fromEnv)}`,
      );
    }
    return { path: fromEnv, source: 'K6_BIN' };
  }

  const onPath = deps.findOnPath('k6');
  if (onPath) {
    const version = await deps.versionOf(onPath);
    if (version === K6_VERSION) return { path: onPath, source: 'PATH' };
    deps.log(`k6 on PATH is ${version ?? 'unusable'}; the toolkit is pinned to v${K6_VERSION}.`);
  }

  const go = deps.findGo();
  if (!go) {
    throw new K6NotFoundError(
      `k6 v${K6_VERSION} not found; reason: expected K6_BIN, k6 v${K6_VERSION} on PATH, or Go to build it, got none. ` +
        INSTALL_K6,
    );
  }
  const gobin = pinnedGoBin(await deps.goPath(go));
  const built = join(gobin, 'k6');
  if ((await deps.versionOf(built)) === K6_VERSION) return { path: built, source: 'go-bin' };

  deps.log(
    `Building k6 v${K6_VERSION} from the Go module ${K6_MODULE} into ${gobin} ` +
      '(first time only; a few minutes on two cores)…',
  );
  try {
    await deps.goBuild(go, gobin, K6_VERSION);
  } catch (error) {
    throw new K6NotFoundError(
      `building k6 v${K6_VERSION} with Go failed; reason: ${(error as Error).message.trim()}. ` +
        `Set K6_BIN to a k6 binary. ${INSTALL_K6}`,
    );
  }
  if ((await deps.versionOf(built)) !== K6_VERSION) {
    throw new K6NotFoundError(
      `k6 built with Go does not run; reason: expected v${K6_VERSION} at ${built}, got nothing usable`,
    );
  }
  return { path: built, source: 'go-build' };
}

function findExecutable(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The real dependencies: processes and the file system. */
export function systemDeps(env: NodeJS.ProcessEnv = process.env): ResolverDeps {
  return {
    env,
    async versionOf(path) {
      try {
        const { stdout } = await execFileAsync(path, ['version'], { timeout: 30_000 });
        return parseK6Version(stdout);
      } catch {
        return undefined;
      }
    },
    findOnPath: (name) => findExecutable(name, env.PATH),
    findGo: () =>
      findExecutable('go', env.PATH) ??
      (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined),
    async goPath(go) {
      const { stdout } = await execFileAsync(go, ['env', 'GOPATH']);
      return stdout.trim();
    },
    async goBuild(go, gobin, version) {
      const moduleDir = await mkdtemp(join(tmpdir(), 'k6-build-'));
      await writeFile(
        join(moduleDir, 'go.mod'),
        `module k6build\n\ngo 1.22\n\nrequire ${K6_MODULE} v${version}\n`,
      );
      await mkdir(gobin, { recursive: true });
      try {
        await runGo(go, ['build', '-mod=mod', '-trimpath', '-o', join(gobin, 'k6'), K6_MODULE], {
          cwd: moduleDir,
          env,
        });
      } finally {
        await rm(moduleDir, { recursive: true, force: true });
      }
    },
    log: (message) => process.stderr.write(`k6-auth-toolkit: ${message}\n`),
  };
}

function runGo(go: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(go, args, { ...options, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(stderr.split('\n').slice(-5).join(' '))),
    );
  });
}

/** Resolves k6 with the real system, once per process. */
let cached: Promise<Resolution> | undefined;
export function provisionK6(): Promise<Resolution> {
  cached ??= resolveK6(systemDeps());
  return cached;
}
