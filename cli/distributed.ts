/**
 * `npm run distributed -- <scenario | script.js> --instances N [--keep-samples] [k6 run arguments…]`:
 * one test split over N k6 processes on this machine, as the k6-operator splits it over runners,
 * with one answer.
 *
 * - Each instance runs `--execution-segment <i-1>/N:<i>/N` with the one shared
 *   `--execution-segment-sequence 0,1/N,…,1`, so k6 itself splits the VUs and arrival rates and
 *   `exec.vu.idInTest` stays unique across instances (one account per VU in the whole test).
 * - Start barrier: every instance starts `--paused` with its REST API on its own loopback port
 *   (`--address 127.0.0.1:<port>`); once all of them have finished init and answer paused, each is
 *   resumed (`PATCH /v1/status {paused: false}`). k6 runs `setup()` after the resume, on every
 *   instance: the toolkit's setup only reads (a preflight GET, OIDC discovery), so N of them are harmless.
 * - Each instance gets `-e DISTRIBUTED=true` (its thresholds never abort: lib/core/scenario/thresholds.ts)
 *   and writes its result files and `--out json=samples.json.gz` to `instances/<i>/`; the samples
 *   are reduced to histograms.json afterwards (`--keep-samples` keeps the raw file).
 * - Then lib/core/results/merge.ts merges them: summary.json, junit.xml, summary.md and the
 *   scenario's own report (capacity.json…) are written once for the whole test, beside instances/.
 * - Exit code: an instance's own failure (104, 107, 108…) first, else 99 when the merged thresholds
 *   were crossed, else 0. An instance's 99 alone does not count: it judged only its share.
 *
 * `npm run distributed -- merge <instance folders…> [--out <folder>]` merges folders written
 * elsewhere (k6-operator runners, docs/distributed.md); the exit code is 0 or 99.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { ToolkitError } from '../lib/core/errors.ts';
import {
  MergeError,
  mergeContexts,
  mergedExitCode,
  mergeSummaries,
} from '../lib/core/results/merge.ts';
import { defaultResultsDir, renderSummaryOutputs } from '../lib/core/results/result-files.ts';
import { isSecretKey } from '../lib/core/results/sanitize.ts';
import { renderPhaseReport } from '../lib/core/results/scenario-report.ts';
import type { SummaryData } from '../lib/core/results/summary-data.ts';
import { ensureCatalogue } from './catalogue.ts';
import { type InstanceFolder, readInstanceFolder, SAMPLES_FILE } from './instance-results.ts';
import { k6RunArgs, webDashboardEnv } from './k6-command.ts';
import { type K6Process, startK6 } from './k6-process.ts';
import { catalogueBundle } from './package-root.ts';
import { K6NotFoundError, provisionK6 } from './provision-k6.ts';
import { extractResultsDir, planRun, publishResults, UsageError } from './run-scenario.ts';

const USAGE =
  'usage: npm run distributed -- <scenario | script.js> --instances N [--keep-samples] [k6 run arguments…] | merge <instance folders…> [--out <folder>]';
/** More instances than this on one machine only measures the machine. */
export const MAX_INSTANCES = 64;
/** Init of a large account pool takes a while; a paused instance that never answers is stuck. */
const READY_TIMEOUT_MS = 120_000;

export type DistributedCommand =
  | { kind: 'run'; instances: number; keepSamples: boolean; argv: string[] }
  | { kind: 'merge'; folders: string[]; out: string | undefined };

/** Parses what follows `npm run distributed --`. */
export function parseDistributedArgs(argv: readonly string[]): DistributedCommand {
  if (argv[0] === 'merge') {
    const folders: string[] = [];
    let out: string | undefined;
    for (let index = 1; index < argv.length; index += 1) {
      const arg = argv[index] ?? '';
      if (arg === '--out') {
        out = argv[index + 1];
        index += 1;
      } else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
      else folders.push(arg);
    }
    if (folders.length === 0 || out === '') throw new UsageError(USAGE);
    return { kind: 'merge', folders, out };
  }
  const rest: string[] = [];
  let instances: number | undefined;
  let keepSamples = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    let value: string | undefined;
    if (arg === '--instances') {
      value = argv[index + 1] ?? '';
      index += 1;
    } else if (arg.startsWith('--instances=')) value = arg.slice('--instances='.length);
    else if (arg === '--keep-samples') keepSamples = true;
    else rest.push(arg);
    if (value !== undefined) {
      instances = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(instances >= 1 && instances <= MAX_INSTANCES)) {
        throw new UsageError(
          `--instances is not usable; reason: expected a whole number from 1 to ${MAX_INSTANCES}, got ${JSON.stringify(value)}`,
        );
      }
    }
  }
  if (instances === undefined) throw new UsageError(USAGE);
  return { kind: 'run', instances, keepSamples, argv: rest };
}

/** k6's segments for N equal instances: `0:1/N`, `1/N:2/N`, … and the sequence they share. */
export function executionSegments(instances: number): { sequence: string; segments: string[] } {
  const point = (i: number) => (i === 0 ? '0' : i === instances ? '1' : `${i}/${instances}`);
  const points = Array.from({ length: instances + 1 }, (_, i) => point(i));
  const segments = points.slice(1).map((end, i) => `${points[i]}:${end}`);
  return { sequence: points.join(','), segments };
}

export interface InstancePlan {
  /** 1-based. */
  index: number;
  dir: string;
  segment: string;
  address: string;
  k6Args: string[];
  env: NodeJS.ProcessEnv;
}

export interface DistributedPlan {
  scenario: string;
  script: string;
  resultsDir: string;
  stagingDir: string;
  sequence: string;
  instances: InstancePlan[];
  /** `-e` values whose names say secret: masked in the merged files like an instance masks them. */
  knownSecrets: string[];
}

function secretsInArgs(args: readonly string[]): string[] {
  const secrets: string[] = [];
  args.forEach((arg, index) => {
    const pair =
      arg === '-e' || arg === '--env'
        ? args[index + 1]
        : arg.startsWith('--env=')
          ? arg.slice(6)
          : undefined;
    if (pair === undefined) return;
    const equals = pair.indexOf('=');
    if (equals > 0 && isSecretKey(pair.slice(0, equals)) && pair.slice(equals + 1) !== '') {
      secrets.push(pair.slice(equals + 1));
    }
  });
  return secrets;
}

/**
 * Works out the N k6 command lines, without touching anything. `argv` is the scenario and its
 * k6 arguments; `ports` one free loopback port per instance.
 */
export function planDistributedRun(
  argv: readonly string[],
  instances: number,
  ports: readonly number[],
  env: NodeJS.ProcessEnv,
  nowMs: number,
): DistributedPlan {
  const base = planRun(argv, env, nowMs);
  const userArgs = extractResultsDir(argv.slice(1)).rest;
  const { sequence, segments } = executionSegments(instances);
  const plans = segments.map((segment, i): InstancePlan => {
    const dir = join(base.stagingDir, 'instances', String(i + 1));
    const address = `127.0.0.1:${ports[i]}`;
    return {
      index: i + 1,
      dir,
      segment,
      address,
      k6Args: k6RunArgs({
        quiet: true,
        args: [
          '--paused',
          '--address',
          address,
          '--execution-segment',
          segment,
          '--execution-segment-sequence',
          sequence,
          '--out',
          `json=${join(dir, SAMPLES_FILE)}`,
          ...userArgs,
        ],
        env: { RESULTS_DIR: dir, DISTRIBUTED: 'true' },
        script: base.script,
      }),
      env: {
        ...env,
        RESULTS_DIR: dir,
        ...webDashboardEnv(join(dir, 'report.html'), env.K6_WEB_DASHBOARD_PERIOD),
      },
    };
  });
  return {
    scenario: base.scenario,
    script: base.script,
    resultsDir: base.resultsDir,
    stagingDir: base.stagingDir,
    sequence,
    instances: plans,
    knownSecrets: secretsInArgs(userArgs),
  };
}

/**
 * The merged result files of the whole test, by file name, and the merged data: what one k6 run
 * would have written (summary.json, junit.xml, summary.md, the scenario's own files) plus
 * instances.json, and the text summary under `stdout`.
 */
export function renderMergedResults(
  folders: readonly InstanceFolder[],
  resultsDir: string,
  nowMs: number,
  knownSecrets: readonly string[] = [],
  instanceInfo: readonly Record<string, unknown>[] = [],
): { outputs: Record<string, string>; merged: SummaryData } {
  const run = mergeContexts(
    folders.map((folder) => folder.run),
    folders.map((folder) => folder.name),
  );
  const merged = mergeSummaries(folders);
  const mergePlan = folders[0]?.plan;
  const report =
    mergePlan === undefined ? null : renderPhaseReport(mergePlan.plan, mergePlan.slos, merged);
  const outputs = renderSummaryOutputs(
    merged,
    {
      scenario: run.scenario,
      resultsDir,
      generatedAtMs: nowMs,
      thresholdsProfile: run.thresholdsProfile,
      ...(run.defaultThresholdsProfile === undefined
        ? {}
        : { defaultThresholdsProfile: run.defaultThresholdsProfile }),
      knownSecrets,
    },
    report === null ? {} : { sections: [report], files: report.files },
  );
  const instances = folders.map((folder, index) => ({
    folder: folder.name,
    setupRequests: folder.histograms.setupRequests,
    ...instanceInfo[index],
  }));
  outputs[join(resultsDir, 'instances.json')] = `${JSON.stringify({ instances }, null, 2)}\n`;
  return { outputs, merged };
}

async function writeOutputs(outputs: Record<string, string>): Promise<string | undefined> {
  for (const [path, content] of Object.entries(outputs)) {
    if (path !== 'stdout') await writeFile(path, content);
  }
  return outputs.stdout;
}

/** `count` free loopback ports, held open together so no two are the same. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((resolvePromise, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolvePromise(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((r) => server.close(r))));
  return ports;
}

interface Running {
  plan: InstancePlan;
  k6: K6Process;
  exit: Promise<number>;
  exitCode: number | undefined;
}

function startInstance(k6: string, plan: InstancePlan): Running {
  const log = createWriteStream(join(plan.dir, 'k6.log'));
  const k6Process = startK6({
    k6,
    args: plan.k6Args,
    env: plan.env,
    stdout: (text) => log.write(text),
    stderr: (text) => {
      log.write(text);
      for (const line of text.split('\n')) {
        if (/level=(error|warning)/.test(line))
          process.stderr.write(`[instance ${plan.index}] ${line}\n`);
      }
    },
  });
  const running: Running = { plan, k6: k6Process, exitCode: undefined, exit: Promise.resolve(0) };
  running.exit = k6Process.exited
    .then(
      ({ exitCode }) => exitCode,
      // k6 could not be started: the reason goes to the instance's log, like k6's own errors.
      (error: Error) => {
        log.write(`${error.message}\n`);
        return 1;
      },
    )
    .then((exitCode) => {
      running.exitCode = exitCode;
      log.end();
      return exitCode;
    });
  return running;
}

async function status(address: string, body?: object): Promise<{ paused?: boolean } | undefined> {
  try {
    const res = await fetch(`http://${address}/v1/status`, {
      method: body === undefined ? 'GET' : 'PATCH',
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) return undefined;
    const json = (await res.json()) as { data?: { attributes?: { paused?: boolean } } };
    return json.data?.attributes ?? {};
  } catch {
    return undefined;
  }
}

/** Resolves true once the instance answers paused on its REST API, false when it exited first. */
async function waitUntilPaused(running: Running): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (running.exitCode !== undefined) return false;
    const attributes = await status(running.plan.address);
    if (attributes?.paused === true) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const RESUME = { data: { type: 'status', id: 'default', attributes: { paused: false } } };

async function runInstances(k6: string, plan: DistributedPlan): Promise<number[]> {
  for (const instance of plan.instances) await mkdir(instance.dir, { recursive: true });
  const running = plan.instances.map((instance) => startInstance(k6, instance));
  const stopAll = () => {
    for (const r of running) if (r.exitCode === undefined) r.k6.stop('SIGTERM');
  };
  // Ctrl-C reaches every k6 already (same process group); SIGTERM to this process is passed on.
  const stay = () => {};
  process.on('SIGINT', stay);
  process.on('SIGTERM', stopAll);
  try {
    const ready = await Promise.all(running.map((r) => waitUntilPaused(r)));
    if (ready.every(Boolean)) {
      const resumed = await Promise.all(running.map((r) => status(r.plan.address, RESUME)));
      if (resumed.some((attributes) => attributes?.paused !== false)) stopAll();
    } else {
      // One failed at init (a bad setting, too few accounts): none may start alone.
      stopAll();
    }
    return await Promise.all(running.map((r) => r.exit));
  } finally {
    process.off('SIGINT', stay);
    process.off('SIGTERM', stopAll);
  }
}

async function runDistributed(
  command: Extract<DistributedCommand, { kind: 'run' }>,
): Promise<number> {
  const ports = await freePorts(command.instances);
  const plan = planDistributedRun(command.argv, command.instances, ports, process.env, Date.now());
  const target = command.argv[0] ?? '';
  if (target.endsWith('.ts')) {
    throw new UsageError(
      `cannot split ${target}; reason: expected a catalogue scenario or a bundled .js script, got a .ts file (bundle it first, e.g. with esbuild and k6 external)`,
    );
  }
  if (plan.script === catalogueBundle(plan.scenario)) await ensureCatalogue([plan.scenario]);
  if (!existsSync(plan.script)) {
    throw new UsageError(
      `${plan.script} not found; reason: expected a built scenario (run npm run build) or a script path, got none`,
    );
  }
  const { path: k6 } = await provisionK6();
  process.stderr.write(
    `k6-auth-toolkit: ${plan.instances.length} k6 instances of ${plan.scenario} (segments ${plan.instances.map((i) => i.segment).join(', ')}), started together\n`,
  );
  const codes = await runInstances(k6, plan);
  const failed = codes.some((code) => code !== 0 && code !== 99);
  let merged: SummaryData | null = null;
  if (!failed) {
    const folders: InstanceFolder[] = [];
    for (const instance of plan.instances) {
      folders.push(await readInstanceFolder(instance.dir, command.keepSamples));
    }
    const rendered = renderMergedResults(
      folders,
      plan.stagingDir,
      Date.now(),
      plan.knownSecrets,
      plan.instances.map((instance, index) => ({
        folder: `instances/${instance.index}`,
        segment: instance.segment,
        segmentSequence: plan.sequence,
        exitCode: codes[index],
      })),
    );
    merged = rendered.merged;
    process.stdout.write(`${(await writeOutputs(rendered.outputs)) ?? ''}`);
  }
  await publishResults(plan.stagingDir, plan.resultsDir);
  const exitCode = mergedExitCode(codes, merged);
  process.stderr.write(
    `k6-auth-toolkit: results in ${resolve(plan.resultsDir)} (instances exited ${codes.join(', ')}; ` +
      `${merged === null ? 'nothing merged: an instance failed, see instances/<i>/k6.log' : 'merged'}; exit code ${exitCode})\n`,
  );
  return exitCode;
}

async function runMerge(command: Extract<DistributedCommand, { kind: 'merge' }>): Promise<number> {
  const folders: InstanceFolder[] = [];
  for (const dir of command.folders) folders.push(await readInstanceFolder(dir, true));
  const scenario = folders[0]?.run.scenario ?? 'merged';
  const resultsDir = command.out ?? defaultResultsDir(`${scenario}-merged`, Date.now());
  await mkdir(resultsDir, { recursive: true });
  const { outputs, merged } = renderMergedResults(folders, resultsDir, Date.now());
  process.stdout.write(`${(await writeOutputs(outputs)) ?? ''}`);
  const exitCode = mergedExitCode([], merged);
  process.stderr.write(
    `k6-auth-toolkit: merged results in ${resolve(resultsDir)} (exit code ${exitCode})\n`,
  );
  return exitCode;
}

async function runDistributedCommand(argv: string[]): Promise<number> {
  const command = parseDistributedArgs(argv);
  return command.kind === 'merge' ? runMerge(command) : runDistributed(command);
}

/** The command's entry (cli/k6-auth.ts): its exit code; a known error is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await runDistributedCommand(argv);
  } catch (error) {
    if (
      !(error instanceof K6NotFoundError) &&
      !(error instanceof UsageError) &&
      !(error instanceof MergeError) &&
      !(error instanceof ToolkitError)
    ) {
      throw error;
    }
    process.stderr.write(`k6-auth-toolkit: ${error.message}\n`);
    return 1;
  }
}
