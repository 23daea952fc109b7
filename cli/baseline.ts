/**
 * `npm run baseline -- save <result folder> <name>`, `list`, `show <name>`: keeps what
 * `npm run compare` needs of a run under baselines/<name>/baseline.json, meant to be committed.
 * A baseline is a run digest (lib/core/results/run-digest.ts): whole-run numbers, per-window values
 * capped in count, the capacity steps and soak windows, and the run's identity (scenario, auth
 * mode, profile file name, knobs). Never a credential, a token or a URL; its size does not grow
 * with the run's length. Exit codes: 0 done, 3 a wrong command line, name or input.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ERROR_CODES, ToolkitError } from '../lib/core/errors.ts';
import { assertBaselineName } from '../lib/core/results/baseline-name.ts';
import { formatValue } from '../lib/core/results/compare.ts';
import {
  type BaselineFile,
  baselinesDir,
  digestFolder,
  listBaselineNames,
  loadBaselineFile,
} from './result-inputs.ts';

const USAGE =
  'usage: npm run baseline -- save <result folder> <name> | list | show <name> (names: letters, digits, ".", "_", "-")';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function describe(baseline: BaselineFile): string {
  const d = baseline.digest;
  const id = d.identity;
  const protectedEndpoint = d.endpoints.protected;
  const parts = [
    `${baseline.name}: ${id.scenario}, auth ${id.authMode ?? '?'}, profile ${id.profile ?? '?'}, saved ${baseline.savedAt} from ${baseline.source}`,
    `  run ${(d.durationMs / 1000).toFixed(1)} s, ${d.windows.source === 'none' ? 'no windows' : `${Object.values(d.windows.endpoints)[0]?.length ?? 0} windows of ${d.windows.windowMs / 1000} s (${d.windows.source})`}`,
  ];
  if (protectedEndpoint !== undefined) {
    parts.push(
      `  protected: ${formatValue(protectedEndpoint.perSecond, '/s')}, p95 ${formatValue(protectedEndpoint.p95Ms, 'ms')}, errors ${formatValue(protectedEndpoint.total === 0 ? null : protectedEndpoint.failed / protectedEndpoint.total, 'rate')}`,
    );
  }
  parts.push(
    `  auth: ${d.auth.logins} logins, ${d.auth.refreshes} refreshes, ${d.auth.relogins} relogins, ${d.auth.expiredRejections} expired rejections`,
  );
  if (d.capacity !== null) parts.push(`  capacity: ${d.capacity.sentence}`);
  if (d.soak !== null) parts.push(`  soak: ${d.soak.sentence}`);
  return parts.join('\n');
}

export async function runBaseline(
  argv: readonly string[],
  now: () => number = Date.now,
): Promise<string> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'save': {
      const [folder, name, ...extra] = rest;
      if (folder === undefined || name === undefined || extra.length > 0)
        throw new UsageError(USAGE);
      assertBaselineName(name);
      const source = resolve(folder);
      if (!existsSync(join(source, 'summary.json'))) {
        throw new ToolkitError(
          ERROR_CODES.COMPARE_INPUT_INVALID,
          `Cannot save baseline ${name}; reason: expected a result folder with summary.json, got ${JSON.stringify(folder)}`,
        );
      }
      const baseline: BaselineFile = {
        version: 1,
        name,
        savedAt: new Date(now()).toISOString(),
        source: basename(source),
        digest: await digestFolder(source),
      };
      const dir = join(baselinesDir(), name);
      await mkdir(dir, { recursive: true });
      // Written beside, then renamed: a reader never sees half a baseline.
      const file = join(dir, 'baseline.json');
      await writeFile(`${file}.tmp`, `${JSON.stringify(baseline, null, 2)}\n`);
      await rename(`${file}.tmp`, file);
      return `saved baseline ${name}: ${file}\n${describe(baseline)}\n`;
    }
    case 'list': {
      if (rest.length > 0) throw new UsageError(USAGE);
      const names = await listBaselineNames();
      if (names.length === 0)
        return `no baselines in ${baselinesDir()} (npm run baseline -- save <result folder> <name>)\n`;
      const lines: string[] = [];
      for (const name of names) {
        const b = await loadBaselineFile(join(baselinesDir(), name, 'baseline.json'));
        lines.push(
          `${name}\t${b.digest.identity.scenario}\t${b.digest.identity.authMode ?? '?'}\t${b.savedAt}`,
        );
      }
      return `${lines.join('\n')}\n`;
    }
    case 'show': {
      const [name, ...extra] = rest;
      if (name === undefined || extra.length > 0) throw new UsageError(USAGE);
      assertBaselineName(name);
      const file = join(baselinesDir(), name, 'baseline.json');
      if (!existsSync(file)) {
        throw new ToolkitError(
          ERROR_CODES.COMPARE_INPUT_INVALID,
          `No baseline ${name}; reason: expected ${file}, got none (npm run baseline -- list)`,
        );
      }
      return `${describe(await loadBaselineFile(file))}\n`;
    }
    default:
      throw new UsageError(USAGE);
  }
}

/** The command's entry (cli/k6-auth.ts): its exit code; a known error is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    process.stdout.write(await runBaseline(argv));
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof ToolkitError)) throw error;
    process.stderr.write(`k6-auth-toolkit baseline: ${error.message}\n`);
    return 3;
  }
}
