/**
 * Keeps secrets off the command lines npm prints. `npm run <script> -- <args>` echoes
 * `> node … <args>` before the script starts, so `-e CLIENT_SECRET=…` lands in the terminal, in CI
 * logs and in cron mail before this code can do anything. The wrappers (npm run scenario, npm run
 * k6, npm start) refuse such a command instead of running it: a warning scrolls past in a passing
 * run and the command goes on being pasted into CI jobs and crontabs, each run printing the secret
 * again; a refusal gets the command fixed the first time. `k6 run` reads the environment into
 * `__ENV` (`--include-system-env-vars` is on by default for `run`), so the environment is the way
 * to pass a secret through a wrapper, or a k6 secret source for the password.
 */
import { ERROR_CODES, ToolkitError } from '../lib/core/errors.ts';
import { allSettings } from '../lib/core/settings/registry.ts';

/** The `-e` names the settings registry marks secret (CLIENT_SECRET, AUTH_PASSWORD…). */
export function secretSettingNames(): string[] {
  return allSettings()
    .filter((row) => row.secret === true)
    .map((row) => row.name);
}

/** The `NAME=value` of one `-e`, in each spelling k6 (pflag) accepts, or undefined. */
function envAssignment(
  arg: string,
  next: string | undefined,
): { assignment: string; consumesNext: boolean } | undefined {
  if (arg === '-e' || arg === '--env') {
    return next === undefined ? undefined : { assignment: next, consumesNext: true };
  }
  if (arg.startsWith('--env='))
    return { assignment: arg.slice('--env='.length), consumesNext: false };
  if (arg.startsWith('-e=')) return { assignment: arg.slice('-e='.length), consumesNext: false };
  if (arg.startsWith('-e') && !arg.startsWith('--')) {
    return { assignment: arg.slice('-e'.length), consumesNext: false };
  }
  return undefined;
}

/**
 * The secret names given a non-empty value with `-e` in `args`, in order, each once. Values are
 * never returned. An empty value (`-e CLIENT_SECRET=`, a public client hiding the shell's) holds
 * nothing to leak and passes. Everything after a bare `--` is the script's, not k6's, and so is
 * skipped as k6 itself would.
 */
export function findSecretEnvArgs(
  args: readonly string[],
  names: readonly string[] = secretSettingNames(),
): string[] {
  const found: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--') break;
    const parsed = envAssignment(arg, args[index + 1]);
    if (parsed === undefined) continue;
    if (parsed.consumesNext) index += 1;
    const at = parsed.assignment.indexOf('=');
    if (at <= 0) continue;
    const name = parsed.assignment.slice(0, at);
    const value = parsed.assignment.slice(at + 1);
    if (value !== '' && names.includes(name) && !found.includes(name)) found.push(name);
  }
  return found;
}

/** A secret given on a wrapper's command line: printed without a stack trace, exit code 2. */
export class SecretArgumentError extends ToolkitError {
  override readonly name = 'SecretArgumentError';
  /** 2, a command-line misuse: apart from k6's own codes and the wrappers' 1 (k6 not found). */
  readonly exitCode = 2;
  readonly secretNames: readonly string[];

  constructor(secretNames: readonly string[], command: string) {
    super(ERROR_CODES.SECRET_ON_COMMAND_LINE, secretArgumentMessage(secretNames, command));
    this.secretNames = secretNames;
  }
}

/**
 * The refusal, naming the settings but never their values: why (npm has already printed the
 * line), what to do about the value (rotate it if it was real), and the command to use instead.
 */
export function secretArgumentMessage(secretNames: readonly string[], command: string): string {
  const list = secretNames.map((name) => `-e ${name}=…`).join(', ');
  const prefix = secretNames.map((name) => `${name}="$${name}"`).join(' ');
  const values = secretNames.length === 1 ? 'a value' : 'values';
  const underNpm = command.startsWith('npm ');
  const lines = underNpm
    ? [
        `Refusing ${list} on the command line (SECRET_ON_COMMAND_LINE); reason: expected secrets from the environment or a k6 secret source, got ${values} in npm's arguments.`,
        `npm has already printed this command line with the value in it (the "> node …" line above), and so may your terminal log, CI log or shell history: if the value is real, rotate it.`,
        `Pass it in the environment instead (k6 run reads the environment into __ENV): ${prefix} ${command} -- …`,
      ]
    : [
        `Refusing ${list} on the command line (SECRET_ON_COMMAND_LINE); reason: expected secrets from the environment or a k6 secret source, got ${values} in the command's arguments.`,
        'Your terminal log, CI log or shell history may hold this command line with the value in it: if the value is real, rotate it.',
        `Pass it in the environment instead (k6 run reads the environment into __ENV): ${prefix} ${command} …`,
      ];
  if (secretNames.includes('AUTH_PASSWORD')) {
    lines.push(
      'or, for the password, a k6 secret source (redacted by k6): -e AUTH_PASSWORD_SECRET=<name> --secret-source=file=secrets.txt (a line <name>=<password>; keep the file out of git)',
    );
  }
  return lines.join('\n');
}

/**
 * How the user started `cliCommand`: `npm run <npmScript>` (`npm start`) when npm runs that script
 * (npm sets `npm_lifecycle_event`), else `k6-auth <cliCommand>`; the refusal quotes it back.
 */
export function invokedAs(npmScript: string, cliCommand: string, env = process.env): string {
  if (env.npm_lifecycle_event !== npmScript) return `k6-auth ${cliCommand}`;
  return npmScript === 'start' ? 'npm start' : `npm run ${npmScript}`;
}

/** Throws `SecretArgumentError` when `args` give a secret setting a value with `-e`. */
export function refuseSecretEnvArgs(args: readonly string[], command: string): void {
  const found = findSecretEnvArgs(args);
  if (found.length > 0) throw new SecretArgumentError(found, command);
}
