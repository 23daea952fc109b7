/**
 * `npm run operator -- <scenario | script.js> --parallelism N [--separate] [--name NAME] [--out DIR]
 * [-e NAME=value…] [k6 run arguments…]`: the files a k6-operator needs to run a scenario on N
 * runners, in `--out` (default `results/operator-<scenario>-<UTC timestamp>/`):
 *
 * - archive.tar: `k6 archive --exclude-env-vars` of the bundle, so no `-e` value is inside it;
 * - testrun.yaml: the `TestRun` (cli/testrun-manifest.ts). `-e` settings become runner
 *   environment variables; those whose names say secret (CLIENT_SECRET, AUTH_PASSWORD…) become
 *   `secretKeyRef`s into the Secret `<name>-secrets`, so their values are written nowhere;
 * - the kubectl commands to create the ConfigMap, the Secret (from your shell's variables) and the
 *   results volume, to apply the TestRun, and to merge what the runners wrote (docs/distributed.md).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { formatUtcTimestamp } from '../lib/core/results/result-files.ts';
import { isSecretKey } from '../lib/core/results/sanitize.ts';
import { ensureCatalogue } from './catalogue.ts';
import { MAX_INSTANCES } from './distributed.ts';
import { startK6 } from './k6-process.ts';
import { catalogueBundle } from './package-root.ts';
import { K6_VERSION, K6NotFoundError, provisionK6 } from './provision-k6.ts';
import { UsageError } from './run-scenario.ts';
import {
  ARCHIVE_FILE,
  archiveConfigMapName,
  buildTestRun,
  RESULTS_MOUNT,
  resultsClaimName,
  secretName,
} from './testrun-manifest.ts';

/** `k6 archive` bundles the script and its files; far longer than that, something hangs. */
const ARCHIVE_TIMEOUT_MS = 120_000;
const USAGE =
  'usage: npm run operator -- <scenario | script.js> --parallelism N [--separate] [--name NAME] [--out DIR] [-e NAME=value…]';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/;

export interface OperatorPlan {
  scenario: string;
  script: string;
  name: string;
  parallelism: number;
  separate: boolean;
  outDir: string;
  env: Array<[string, string]>;
  /** Names only: the values stay in the caller's shell. */
  secretNames: string[];
  extraArgs: string[];
  /** `-e` pairs for `k6 archive` (init needs the knobs; `--exclude-env-vars` keeps them out). */
  archiveEnv: Array<[string, string]>;
}

function need(argv: readonly string[], index: number, flag: string): string {
  const value = argv[index + 1];
  if (value === undefined || value.startsWith('-')) {
    throw new UsageError(`${flag} needs a value; reason: expected ${flag} <value>, got none`);
  }
  return value;
}

/** Parses what follows `npm run operator --`, without touching anything. */
export function planOperator(argv: readonly string[], nowMs: number): OperatorPlan {
  const [target, ...rest] = argv;
  if (!target || target.startsWith('-')) throw new UsageError(USAGE);
  const scenario = basename(target, '.js');
  const script = target.endsWith('.js') ? target : catalogueBundle(target);
  let parallelism: number | undefined;
  let separate = false;
  let name = `k6-${scenario}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  let outDir: string | undefined;
  const env: Array<[string, string]> = [];
  const secretNames: string[] = [];
  const extraArgs: string[] = [];
  const archiveEnv: Array<[string, string]> = [];
  for (let index = 0; index < rest.length; index += 1) {
    const arg = rest[index] ?? '';
    if (arg === '--parallelism') {
      const value = need(rest, index, arg);
      parallelism = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(parallelism >= 1 && parallelism <= MAX_INSTANCES * 16)) {
        throw new UsageError(
          `--parallelism is not usable; reason: expected a whole number from 1 to ${MAX_INSTANCES * 16}, got ${JSON.stringify(value)}`,
        );
      }
      index += 1;
    } else if (arg === '--separate') separate = true;
    else if (arg === '--name') {
      name = need(rest, index, arg);
      index += 1;
    } else if (arg === '--out') {
      outDir = need(rest, index, arg);
      index += 1;
    } else if (arg === '-e' || arg === '--env') {
      const pair = need(rest, index, arg);
      index += 1;
      // A secret is named, never given (`-e CLIENT_SECRET`): its value reaches the runners from
      // the Kubernetes Secret, and a value here would be echoed by npm.
      if (!pair.includes('=') && isSecretKey(pair)) {
        secretNames.push(pair);
        continue;
      }
      const equals = pair.indexOf('=');
      const key = equals > 0 ? pair.slice(0, equals) : '';
      if (key === '')
        throw new UsageError(`${arg} ${pair} is not usable; reason: expected NAME=value`);
      const value = pair.slice(equals + 1);
      if (key === 'RESULTS_DIR' || key === 'DISTRIBUTED') continue; // the manifest sets them
      if (key === 'CREDENTIALS') {
        throw new UsageError(
          '-e CREDENTIALS is not usable with the operator; reason: expected the accounts outside the archive (k6 archive bundles a credentials file, passwords included), got a file: use the demo accounts, or AUTH_PASSWORD_SECRET with a k6 secret source',
        );
      }
      archiveEnv.push([key, value]);
      if (isSecretKey(key)) secretNames.push(key);
      else env.push([key, value]);
    } else {
      if (/\s/.test(arg)) {
        throw new UsageError(
          `${JSON.stringify(arg)} is not usable; reason: expected k6 arguments without spaces (the operator splits spec.arguments on spaces)`,
        );
      }
      extraArgs.push(arg);
    }
  }
  if (parallelism === undefined) throw new UsageError(USAGE);
  if (!DNS_LABEL.test(name)) {
    throw new UsageError(
      `--name is not usable; reason: expected a DNS label of at most 42 characters (a-z, 0-9, -), got ${JSON.stringify(name)}`,
    );
  }
  return {
    scenario,
    script,
    name,
    parallelism,
    separate,
    outDir: outDir ?? join('results', `operator-${scenario}-${formatUtcTimestamp(nowMs)}`),
    env,
    secretNames,
    extraArgs,
    archiveEnv,
  };
}

/** The TestRun manifest text. */
export function renderManifest(plan: OperatorPlan): string {
  const testRun = buildTestRun({
    name: plan.name,
    parallelism: plan.parallelism,
    separate: plan.separate,
    image: `grafana/k6:${K6_VERSION}`,
    env: plan.env,
    secretNames: plan.secretNames,
    extraArgs: plan.extraArgs,
  });
  return `# npm run operator: ${plan.scenario} on ${plan.parallelism} runners (docs/distributed.md)\n${stringify(testRun, { aliasDuplicateObjects: false })}`;
}

/** What to run next, with shell variables in place of secret values. */
export function nextSteps(plan: OperatorPlan): string {
  const secret =
    plan.secretNames.length === 0
      ? []
      : [
          `kubectl create secret generic ${secretName(plan.name)} ${plan.secretNames
            .map((key) => `--from-literal=${key}="$${key}"`)
            .join(' ')}`,
        ];
  return [
    `kubectl create configmap ${archiveConfigMapName(plan.name)} --from-file=${ARCHIVE_FILE}=${join(plan.outDir, ARCHIVE_FILE)}`,
    ...secret,
    `# a ReadWriteMany PersistentVolumeClaim named ${resultsClaimName(plan.name)} (docs/distributed.md)`,
    `kubectl apply -f ${join(plan.outDir, 'testrun.yaml')}`,
    `# when the TestRun is finished: copy ${RESULTS_MOUNT}/ from the volume to results/${plan.name}/, then`,
    `npm run distributed -- merge results/${plan.name}/*/`,
  ].join('\n');
}

/** `k6 archive --exclude-env-vars -O <file> -e … <script>`. */
export function archiveArgs(plan: OperatorPlan, file: string): string[] {
  return [
    'archive',
    '--exclude-env-vars',
    '-O',
    file,
    ...[...plan.archiveEnv, ['DISTRIBUTED', 'true'] as [string, string]].flatMap(([k, v]) => [
      '-e',
      `${k}=${v}`,
    ]),
    plan.script,
  ];
}

async function runOperator(argv: string[]): Promise<number> {
  const plan = planOperator(argv, Date.now());
  if (plan.script === catalogueBundle(plan.scenario)) await ensureCatalogue([plan.scenario]);
  if (!existsSync(plan.script)) {
    throw new UsageError(
      `${plan.script} not found; reason: expected a built scenario (run npm run build) or a script path, got none`,
    );
  }
  const { path: k6 } = await provisionK6();
  await mkdir(plan.outDir, { recursive: true });
  let stderr = '';
  const archive = startK6({
    k6,
    args: archiveArgs(plan, join(plan.outDir, ARCHIVE_FILE)),
    stdout: 'ignore',
    stderr: (text) => {
      stderr += text;
    },
    timeoutMs: ARCHIVE_TIMEOUT_MS,
  });
  const { exitCode } = await archive.exited;
  if (exitCode !== 0) {
    process.stderr.write(`k6-auth-toolkit: k6 archive failed:\n${stderr}\n`);
    return exitCode;
  }
  await writeFile(join(plan.outDir, 'testrun.yaml'), renderManifest(plan));
  process.stderr.write(
    `k6-auth-toolkit: ${resolve(plan.outDir)}: ${ARCHIVE_FILE} (no -e value inside), testrun.yaml (${plan.parallelism} runners${plan.separate ? ', one per node' : ''})\n\nnext:\n${nextSteps(plan)}\n`,
  );
  return 0;
}

/** The command's entry (cli/k6-auth.ts): its exit code; a known error is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await runOperator(argv);
  } catch (error) {
    if (!(error instanceof K6NotFoundError) && !(error instanceof UsageError)) throw error;
    process.stderr.write(`k6-auth-toolkit: ${error.message}\n`);
    return 1;
  }
}
