#!/usr/bin/env node
/**
 * `k6-auth <command> [arguments…]`: the toolkit's one command line. Each command lives in its own
 * module, loaded only when it runs; this file parses no more than the command name and `--help`.
 *
 * Exit codes: each command's own (docs/cli.md); 2 for a command line this file cannot run (no
 * command, an unknown command or option), after one line on stderr naming what was wrong.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** One command: what `k6-auth --help` lists, what `k6-auth <name> --help` prints, how it runs. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Loads the command's module and runs it; resolves to the exit code. */
  run: (argv: string[]) => Promise<number>;
}

/** A command line this file cannot run. */
export const USAGE_EXIT_CODE = 2;

export const COMMANDS: readonly Command[] = [
  {
    name: 'init',
    summary: 'scaffold a load-test folder in this repository',
    usage:
      'k6-auth init [--dir <folder>] [--mode session|token|dual|authorization-code|client-credentials] [--base-url <url>] [--force] [--yes]\n' +
      '  writes <folder> (default load-tests/): a scenario, a target profile, an accounts template,\n' +
      '  a README, and .github/workflows/{k6-auth-soak,k6-auth-release-gate}.yml; appends .gitignore lines.\n' +
      '  Never overwrites a file without --force. Asks which mode fits when stdin is a terminal and --mode is not given.\n' +
      '  Exit codes: 0 written, 1 a file exists (nothing written), 2 a wrong command line.',
    run: async (argv) => (await import('./init.ts')).main(argv),
  },
  {
    name: 'run',
    summary:
      'run a catalogue scenario or your own script (.ts bundled, .js as is) and write results',
    usage:
      'k6-auth run <catalogue scenario | file.ts | file.js> [k6 run arguments…]\n' +
      '  e.g. k6-auth run smoke -e AUTH_MODE=dual -e BASE_URL=http://127.0.0.1:8080\n' +
      '  results: results/<scenario>-<UTC timestamp>/ in the current folder (RESULTS_DIR overrides).\n' +
      '  Secrets go in the environment (CLIENT_SECRET=… k6-auth run …), never in -e (refused, exit 2).\n' +
      "  Exit codes: k6's own (0 pass, 99 thresholds crossed, 107 script error, 108 aborted), 1 not found.",
    run: async (argv) => (await import('./run-scenario.ts')).main(argv),
  },
  {
    name: 'compare',
    summary: 'compare two runs (result folders or baseline names)',
    usage:
      'k6-auth compare <baseline folder | name> <current folder | name> [--tolerances <file.json>] [--out <folder>]\n' +
      '  Exit codes: 0 same, 1 worse, 2 not comparable, 3 a wrong command line or input.',
    run: async (argv) => (await import('./compare.ts')).main(argv),
  },
  {
    name: 'baseline',
    summary: 'save, list or show named baselines (results/baselines/)',
    usage:
      'k6-auth baseline save <result folder> <name> | list | show <name>\n' +
      '  Exit codes: 0 done, 3 a wrong command line, name or input.',
    run: async (argv) => (await import('./baseline.ts')).main(argv),
  },
  {
    name: 'distributed',
    summary: 'split one scenario over N local k6 instances and merge their results',
    usage:
      'k6-auth distributed <scenario | script.js> --instances N [--keep-samples] [k6 run arguments…]\n' +
      "  Exit codes: the instances' worst k6 code, 1 a wrong command line.",
    run: async (argv) => (await import('./distributed.ts')).main(argv),
  },
  {
    name: 'merge',
    summary: "merge the result folders of a distributed run's instances",
    usage:
      'k6-auth merge <instance folders…> [--out <folder>]\n' +
      '  Exit codes: 0 pass, 99 a merged threshold crossed, 1 a wrong command line or folder.',
    run: async (argv) => (await import('./distributed.ts')).main(['merge', ...argv]),
  },
  {
    name: 'operator',
    summary: 'write a k6 archive and a k6-operator TestRun for a cluster',
    usage:
      'k6-auth operator <scenario | script.js> --parallelism N [--separate] [--name NAME] [--out DIR] [-e NAME=value…]\n' +
      "  Exit codes: 0 written, k6 archive's code, 1 a wrong command line.",
    run: async (argv) => (await import('./operator.ts')).main(argv),
  },
  {
    name: 'server',
    summary: 'start the reference API on 127.0.0.1:$PORT (default 8080), to try the toolkit',
    usage:
      'k6-auth server   (settings from the environment: PORT, USERS, ACCESS_TTL_SECONDS…)\n' +
      '  Stops on SIGINT/SIGTERM. Exit codes: 0 stopped, 1 cannot listen, 2 a bad setting.',
    run: async (argv) => noArguments('server', argv, () => import('../server/main.ts')),
  },
  {
    name: 'idp',
    summary: 'start the reference OpenID provider on 127.0.0.1:$PORT, to try the OIDC modes',
    usage:
      'k6-auth idp   (settings from the environment: PORT, ISSUER…)\n' +
      '  Stops on SIGINT/SIGTERM. Exit codes: 0 stopped, 1 cannot listen, 2 a bad setting.',
    run: async (argv) => noArguments('idp', argv, () => import('../idp/main.ts')),
  },
  {
    name: 'demo',
    summary: 'the smoke scenario in every auth mode against the reference server, one table',
    usage:
      'k6-auth demo [k6 run arguments…]   e.g. k6-auth demo -e VUS=10\n' +
      "  Exit codes: k6's (0 every run passed, 99 a threshold crossed, another a failed run).",
    run: async (argv) => (await import('./start.ts')).main(argv),
  },
  {
    name: 'k6',
    summary: 'run the k6 the toolkit finds (K6_BIN, PATH, the Go build) with any arguments',
    usage: "k6-auth k6 <k6 arguments…>   e.g. k6-auth k6 version\n  Exit code: k6's.",
    run: async (argv) => (await import('./k6.ts')).main(argv),
  },
];

/** A server command takes its settings from the environment; it runs until a signal stops it. */
async function noArguments(
  name: string,
  argv: readonly string[],
  start: () => Promise<unknown>,
): Promise<number> {
  if (argv.length > 0) {
    return usageError(
      `k6-auth ${name}: unknown argument ${argv[0]}; reason: expected none (settings come from the environment), got ${JSON.stringify(argv.join(' '))}`,
    );
  }
  await start();
  return 0;
}

/** `k6-auth --help`: every command with its one line. */
export function formatHelp(): string {
  const width = Math.max(...COMMANDS.map(({ name }) => name.length));
  const lines = COMMANDS.map(({ name, summary }) => `  ${name.padEnd(width)}  ${summary}`);
  return (
    'usage: k6-auth <command> [arguments…]\n\ncommands:\n' +
    `${lines.join('\n')}\n\n` +
    "k6-auth <command> --help says more. Exit codes: each command's own; 2 a wrong command line.\n"
  );
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n`);
  return USAGE_EXIT_CODE;
}

const HELP = new Set(['--help', '-h', 'help']);

/** Runs the command `argv` names; resolves to the process's exit code. */
export async function dispatch(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    return usageError(
      `k6-auth: no command; reason: expected one of ${COMMANDS.map((c) => c.name).join(', ')}, got none (k6-auth --help lists them)`,
    );
  }
  if (HELP.has(name)) {
    process.stdout.write(formatHelp());
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    const what = name.startsWith('-') ? 'option' : 'command';
    return usageError(
      `k6-auth: unknown ${what} ${name}; reason: expected one of ${COMMANDS.map((c) => c.name).join(', ')}, got ${JSON.stringify(name)} (k6-auth --help lists them)`,
    );
  }
  if (rest[0] === '--help' || rest[0] === '-h') {
    process.stdout.write(`usage: ${command.usage}\n`);
    return 0;
  }
  return command.run(rest);
}

// realpath: Node loads the main module by its real path, and npm's bin is a symlink.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await dispatch(process.argv.slice(2));
}
