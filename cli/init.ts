/**
 * `k6-auth init`: scaffolds a load-test folder (default `load-tests/`) in the user's repository,
 * from the templates in cli/templates/: a scenario importing the package, a target profile for
 * the chosen auth mode, an accounts template, a README of what to run next, the soak and
 * release-gate workflows, and `.gitignore` lines for the secret files (appended once). It never
 * overwrites a file without `--force`: without it, nothing is written when any file exists.
 *
 * Exit codes: 0 written, 1 a file exists (named), 2 a wrong command line.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { AUTH_MODES, type AuthMode } from '../lib/core/auth/profile.ts';
import { PACKAGE_ROOT } from './package-root.ts';

export interface InitOptions {
  /** The folder to write, relative to `cwd`. */
  dir: string;
  mode: AuthMode;
  baseUrl: string;
  force: boolean;
}

/** A wrong `k6-auth init` command line. */
export class InitUsageError extends Error {
  override readonly name = 'InitUsageError';
}

/** A file `init` would overwrite without `--force`. */
export class FileExistsError extends Error {
  override readonly name = 'FileExistsError';
}

export const DEFAULT_DIR = 'load-tests';
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/** One line per mode for the question: which fits the API. */
export const MODE_CHOICES: readonly { mode: AuthMode; fits: string }[] = [
  { mode: 'session', fits: 'a login form that sets a session cookie' },
  { mode: 'token', fits: 'a login answering one bearer token' },
  { mode: 'dual', fits: 'a login answering an access token and a refresh token' },
  {
    mode: 'authorization-code',
    fits: "users log in at an OpenID provider's page (OIDC code flow)",
  },
  {
    mode: 'client-credentials',
    fits: 'a service calling the API as itself (OAuth client credentials)',
  },
];

/** The secret files each scaffold keeps out of git. */
export function gitignoreLines(dir: string): string[] {
  return [`${dir}/accounts.csv`, '.tmp/', 'results/'];
}

/**
 * Parses `k6-auth init`'s arguments. `mode` is undefined when not given (then asked, or the
 * default `dual`).
 * @throws InitUsageError for an unknown option, a missing value or an unknown mode.
 */
export function parseInitArgs(argv: readonly string[]): Partial<InitOptions> & {
  dir: string;
  baseUrl: string;
  force: boolean;
  yes: boolean;
} {
  const parsed = { dir: DEFAULT_DIR, baseUrl: DEFAULT_BASE_URL, force: false, yes: false } as {
    dir: string;
    baseUrl: string;
    force: boolean;
    yes: boolean;
    mode?: AuthMode;
  };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg];
    const value = (): string => {
      if (inline === undefined) index += 1;
      const next = inline ?? argv[index];
      if (next === undefined || next === '') {
        throw new InitUsageError(
          `k6-auth init: ${flag} needs a value; reason: expected ${flag} <value>, got none`,
        );
      }
      return next;
    };
    if (flag === '--force') parsed.force = true;
    else if (flag === '--yes' || flag === '-y') parsed.yes = true;
    else if (flag === '--dir') parsed.dir = value().replace(/[\\/]+$/, '');
    else if (flag === '--base-url') parsed.baseUrl = value();
    else if (flag === '--mode') {
      const mode = value();
      if (!(AUTH_MODES as readonly string[]).includes(mode)) {
        throw new InitUsageError(
          `k6-auth init: unknown mode; reason: expected one of ${AUTH_MODES.join(', ')}, got ${JSON.stringify(mode)}`,
        );
      }
      parsed.mode = mode as AuthMode;
    } else {
      throw new InitUsageError(
        `k6-auth init: unknown option ${arg}; reason: expected --dir, --mode, --base-url, --force or --yes, got ${JSON.stringify(arg)}`,
      );
    }
  }
  return parsed;
}

/** The target profile for `mode`: the shipped one for the identity-provider modes, else article.json's shape in that mode. */
async function profileFor(mode: AuthMode): Promise<string> {
  const shipped =
    mode === 'authorization-code'
      ? 'oidc-authorization-code.json'
      : mode === 'client-credentials'
        ? 'oauth2-client-credentials.json'
        : 'article.json';
  const profile = JSON.parse(await readFile(join(PACKAGE_ROOT, 'profiles', shipped), 'utf8'));
  return `${JSON.stringify({ ...profile, mode }, null, 2)}\n`;
}

async function template(name: string, options: InitOptions): Promise<string> {
  const text = await readFile(join(PACKAGE_ROOT, 'cli', 'templates', name), 'utf8');
  return text
    .replaceAll('{{DIR}}', options.dir)
    .replaceAll('{{MODE}}', options.mode)
    .replaceAll('{{BASE_URL}}', options.baseUrl);
}

/** Every file `init` writes, relative to `cwd`, with its text. */
export async function planFiles(options: InitOptions): Promise<Map<string, string>> {
  const { dir } = options;
  return new Map([
    [join(dir, 'scenario.ts'), await template('scenario.ts', options)],
    [join(dir, 'profile.json'), await profileFor(options.mode)],
    [join(dir, 'accounts.example.csv'), await template('accounts.example.csv', options)],
    [join(dir, 'README.md'), await template('README.md', options)],
    [join('.github', 'workflows', 'k6-auth-soak.yml'), await template('soak.yml', options)],
    [
      join('.github', 'workflows', 'k6-auth-release-gate.yml'),
      await template('release-gate.yml', options),
    ],
  ]);
}

/**
 * Writes the scaffold into `cwd` and appends the missing `.gitignore` lines. Resolves to the files
 * written (relative to `cwd`).
 * @throws FileExistsError naming the first file that exists, before writing anything, unless `force`.
 */
export async function scaffold(cwd: string, options: InitOptions): Promise<string[]> {
  const files = await planFiles(options);
  if (!options.force) {
    const existing = [...files.keys()].find((file) => existsSync(join(cwd, file)));
    if (existing !== undefined) {
      throw new FileExistsError(
        `k6-auth init: ${existing} exists; reason: expected no file there (init never overwrites), got one. Nothing was written; pass --force to overwrite`,
      );
    }
  }
  for (const [file, text] of files) {
    await mkdir(dirname(join(cwd, file)), { recursive: true });
    await writeFile(join(cwd, file), text);
  }
  const added = await appendGitignore(cwd, gitignoreLines(options.dir));
  return [...files.keys(), ...(added ? ['.gitignore'] : [])];
}

/** Appends the lines `.gitignore` lacks; true when it changed. Idempotent. */
export async function appendGitignore(cwd: string, lines: readonly string[]): Promise<boolean> {
  const path = join(cwd, '.gitignore');
  const text = existsSync(path) ? await readFile(path, 'utf8') : '';
  const present = new Set(text.split(/\r?\n/).map((line) => line.trim()));
  const missing = lines.filter((line) => !present.has(line));
  if (missing.length === 0) return false;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await appendFile(
    path,
    `${separator}# k6-auth-toolkit: secrets and results\n${missing.join('\n')}\n`,
  );
  return true;
}

/** Asks which mode fits and the API's URL, on a terminal. */
async function ask(baseUrl: string): Promise<{ mode: AuthMode; baseUrl: string }> {
  const lines = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write('How does your API authenticate?\n');
    for (const [index, { mode, fits }] of MODE_CHOICES.entries()) {
      process.stderr.write(`  ${index + 1}. ${fits} (${mode})\n`);
    }
    let mode: AuthMode | undefined;
    while (mode === undefined) {
      const answer = (await lines.question('Choose 1-5 [3]: ')).trim() || '3';
      mode = MODE_CHOICES[Number(answer) - 1]?.mode;
    }
    const url = (await lines.question(`Base URL of the API [${baseUrl}]: `)).trim() || baseUrl;
    return { mode, baseUrl: url };
  } finally {
    lines.close();
  }
}

/** The command's entry (cli/k6-auth.ts): its exit code; a known error is one line on stderr. */
export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  try {
    const parsed = parseInitArgs(argv);
    const interactive = parsed.mode === undefined && !parsed.yes && process.stdin.isTTY === true;
    const answers = interactive
      ? await ask(parsed.baseUrl)
      : { mode: parsed.mode ?? 'dual', baseUrl: parsed.baseUrl };
    const options: InitOptions = { dir: parsed.dir, force: parsed.force, ...answers };
    const written = await scaffold(cwd, options);
    process.stderr.write(
      `k6-auth init: wrote ${written.join(', ')} in ${resolve(cwd)}\nnext: read ${relative(cwd, join(cwd, options.dir, 'README.md'))}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof InitUsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof FileExistsError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
