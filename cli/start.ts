/**
 * `npm start`: the one-command demo. Builds the scenarios, makes sure k6 is there, serves the
 * reference API and the identity provider (idp/) on free loopback ports in this process, runs the
 * smoke scenario once per auth mode (session, token and dual against the reference API; the
 * authorization code flow and client credentials against the provider's protected API), prints
 * one table comparing them, and writes every run's results under
 * `results/start-<UTC timestamp>/<mode>/` with a comparison.md beside them.
 *
 * The exit code is k6's: 0 when every run passed, 99 when a threshold was crossed, another code
 * when a run failed. Extra arguments go to every `k6 run` (`npm start -- -e VUS=10`).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  SERVICE_CLIENT_ID,
  SERVICE_CLIENT_SECRET,
} from '../idp/clients.ts';
import { createIdp, type Idp } from '../idp/provider.ts';
import type { AuthMode } from '../lib/core/auth/profile.ts';
import {
  compareModes,
  formatModeLinks,
  formatModeMarkdown,
  formatModeTable,
  formatNotPassedLine,
  formatResultsLine,
  type ModeFiles,
  type ModeRun,
  overallExitCode,
} from '../lib/core/results/mode-comparison.ts';
import { formatUtcTimestamp } from '../lib/core/results/result-files.ts';
import type { SummaryData } from '../lib/core/results/summary-data.ts';
import { createApp } from '../server/app.ts';
import { type ListeningServer, startServer } from '../server/listen.ts';
import { ensureCatalogue } from './catalogue.ts';
import { k6EnvArgs, k6RunFlags } from './k6-command.ts';
import { startK6 } from './k6-process.ts';
import { PACKAGE_ROOT } from './package-root.ts';
import { K6NotFoundError, provisionK6 } from './provision-k6.ts';
import { planRun, publishResults, runWithResultPage } from './run-scenario.ts';
import { invokedAs, refuseSecretEnvArgs, SecretArgumentError } from './secret-args.ts';

const MODES: readonly AuthMode[] = [
  'session',
  'token',
  'dual',
  'authorization-code',
  'client-credentials',
];
/** Short enough that dual mode refreshes a few times per VU during a run (and token mode logs in again). */
const DEMO_ACCESS_TTL_SECONDS = 5;
const DEMO_VUS = 5;
const DEMO_DURATION_SECONDS = 10;
const DEMO_DURATION = `${DEMO_DURATION_SECONDS}s`;
/** A run that takes this much longer than planned is stopped (SIGTERM: k6 still writes results). */
const RUN_GRACE_MS = 60_000;
const HEARTBEAT_MS = 5000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (sinceMs: number) => `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;

/** The reference API in this process on a free loopback port, served as `npm run server` does. */
function startReferenceServer(): Promise<ListeningServer> {
  const app = createApp({ accessTtlSeconds: DEMO_ACCESS_TTL_SECONDS, logLevel: 'warn' });
  return startServer({ app });
}

/** The identity provider in this process on a free loopback port, its tokens as short. */
async function startIdentityProvider(): Promise<Idp> {
  const idp = createIdp({ accessTokenTtlSeconds: DEMO_ACCESS_TTL_SECONDS });
  await idp.listen(0);
  return idp;
}

/**
 * The service client's profile: the shipped client-credentials one asking for the provider's API
 * as its resource (RFC 8707). That is the API's shape, so it goes in a profile file, not in `-e`.
 */
async function writeServiceProfile(idp: Idp, folder: string): Promise<string> {
  const shipped = join(PACKAGE_ROOT, 'profiles', 'oauth2-client-credentials.json');
  const profile = {
    ...JSON.parse(await readFile(shipped, 'utf8')),
    oauth: { resource: idp.apiResource },
  };
  const path = join(folder, 'oauth2-client-credentials.json');
  await writeFile(path, JSON.stringify(profile));
  return path;
}

/** Each mode's target: the reference API, or the provider's protected API with its clients. */
function targetOf(
  mode: AuthMode,
  server: ListeningServer,
  idp: Idp,
  serviceProfile: string,
): Record<string, string> {
  if (mode === 'authorization-code' || mode === 'client-credentials') {
    const code = mode === 'authorization-code';
    return {
      PROFILE: code ? 'profiles/oidc-authorization-code.json' : serviceProfile,
      OIDC_ISSUER: idp.issuer,
      CLIENT_ID: code ? CONFIDENTIAL_CLIENT_ID : SERVICE_CLIENT_ID,
      CLIENT_SECRET: code ? CONFIDENTIAL_CLIENT_SECRET : SERVICE_CLIENT_SECRET,
      ...(code ? { REDIRECT_URI: idp.redirectUri } : { SCOPE: 'api:read' }),
      BASE_URL: idp.issuer,
      PROTECTED_PATH: new URL(idp.protectedUrl).pathname,
    };
  }
  return { BASE_URL: server.url, AUTH_MODE: mode };
}

/** The VUs and duration each mode's run really gets, as k6 would read them. */
export interface DemoLoad {
  vus: string;
  /** A k6 duration as given ("10s", "3s", "1m"). */
  duration: string;
}

/**
 * What the extra arguments make of the demo's load: the last `-e VUS=`/`-e DURATION=` wins (k6
 * keeps the last of repeated `-e`), and k6's own `--vus`/`-u` and `--duration`/`-d` beat both
 * (since k6 v2.1 they override the scenarios a script defines).
 */
export function demoLoad(extraK6Args: readonly string[]): DemoLoad {
  const env: Record<string, string> = {};
  const flags: Record<string, string> = {};
  for (let index = 0; index < extraK6Args.length; index += 1) {
    const arg = extraK6Args[index] ?? '';
    const next = extraK6Args[index + 1];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = inline ?? next;
    if (value === undefined) continue;
    if (inline === undefined && ['-e', '--env', '-u', '--vus', '-d', '--duration'].includes(flag)) {
      index += 1;
    }
    if (flag === '-e' || flag === '--env') {
      const at = value.indexOf('=');
      if (at > 0) env[value.slice(0, at)] = value.slice(at + 1);
    } else if (flag === '-u' || flag === '--vus') {
      flags.vus = value;
    } else if (flag === '-d' || flag === '--duration') {
      flags.duration = value;
    }
  }
  return {
    vus: flags.vus ?? (env.VUS?.trim() || String(DEMO_VUS)),
    duration: flags.duration ?? (env.DURATION?.trim() || DEMO_DURATION),
  };
}

interface K6Exit {
  code: number;
  stderr: string;
}

/** Runs k6 quietly, with a heartbeat so a 10-second run does not look stuck. */
async function runK6(
  k6: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  label: string,
  limitMs: number,
): Promise<K6Exit> {
  const startedMs = Date.now();
  let stderr = '';
  const { exited } = startK6({
    k6,
    args,
    env,
    stdout: 'ignore',
    // The tail only: the last lines say why a run failed.
    stderr: (text) => {
      stderr = (stderr + text).slice(-4000);
    },
    timeoutMs: limitMs,
  });
  const heartbeat = setInterval(() => say(`      ${label}: ${seconds(startedMs)}`), HEARTBEAT_MS);
  try {
    return { code: (await exited).exitCode, stderr };
  } finally {
    clearInterval(heartbeat);
  }
}

async function readSummary(dir: string): Promise<SummaryData | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as SummaryData;
  } catch {
    return undefined;
  }
}

/** The files a mode's run left in its folder; none when k6 wrote nothing. */
async function listFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

function comparisonMarkdown(
  table: string,
  startedAtMs: number,
  exitCode: number,
  load: DemoLoad,
  modes: readonly ModeFiles[],
): string {
  return [
    '# npm start: the smoke scenario in every auth mode',
    '',
    `- Generated: ${new Date(startedAtMs).toISOString()}`,
    `- Target: the reference server (session, token, dual) and an OpenID provider (authorization-code, client-credentials) on loopback, access tokens living ${DEMO_ACCESS_TTL_SECONDS} s`,
    `- Load: ${load.vus} VUs for ${load.duration} per mode, thresholds profile \`smoke\``,
    `- Exit code: ${exitCode}`,
    '',
    table,
    '',
    formatModeLinks(modes),
    '',
  ].join('\n');
}

/** A k6 duration ("10s", "1m30s", "500ms") in milliseconds; 0 when it does not parse. */
function durationMs(duration: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== duration) return 0;
  return parts.reduce((sum, part) => sum + Number(part[1]) * (units[part[2] ?? 's'] ?? 0), 0);
}

/** The whole demo; resolves to the exit code. */
export async function runDemo(extraK6Args: readonly string[] = []): Promise<number> {
  // Its own secrets (the demo clients') go to k6 directly; a user's on npm's command line do not.
  refuseSecretEnvArgs(extraK6Args, invokedAs('start', 'demo'));
  const startedAtMs = Date.now();
  const steps = 4 + MODES.length;
  say(
    'k6-auth-toolkit: the smoke scenario in every auth mode against the reference server and an identity provider',
  );

  let stepStart = Date.now();
  // In a source checkout the scenarios are rebuilt each time; installed, they ship prebuilt.
  const bundles = await ensureCatalogue(['smoke'], true);
  // The controller is written beside the scenarios: count only these.
  const scenarios = bundles.filter(
    ({ file }) => !file.endsWith('controller.js') && !file.endsWith('identity-provider.js'),
  );
  say(`[1/${steps}] build: ${scenarios.length} scenarios into dist/ (${seconds(stepStart)})`);

  stepStart = Date.now();
  const k6 = await provisionK6();
  say(`[2/${steps}] k6: ${k6.path} (${k6.source}, ${seconds(stepStart)})`);

  const server = await startReferenceServer();
  say(
    `[3/${steps}] reference server: ${server.url} (access tokens live ${DEMO_ACCESS_TTL_SECONDS} s)`,
  );
  const idp = await startIdentityProvider();
  say(`[4/${steps}] identity provider: ${idp.issuer} (oidc-provider, idp/)`);
  const profileFolder = await mkdtemp(join(tmpdir(), 'k6-auth-start-'));
  const serviceProfile = await writeServiceProfile(idp, profileFolder);

  const root =
    process.env.RESULTS_DIR?.trim() || join('results', `start-${formatUtcTimestamp(startedAtMs)}`);
  const runs: ModeRun[] = [];
  const modeFiles: ModeFiles[] = [];
  const load = demoLoad(extraK6Args);
  // Bounded by the planned duration when it parses, so a longer -e DURATION is not cut short.
  const limitMs = Math.max(DEMO_DURATION_SECONDS * 1000, durationMs(load.duration)) + RUN_GRACE_MS;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    for (const [index, mode] of MODES.entries()) {
      if (interrupted) break;
      stepStart = Date.now();
      const target = targetOf(mode, server, idp, serviceProfile);
      const path = target.PROTECTED_PATH ?? '/protected';
      say(`[${5 + index}/${steps}] ${mode}: ${load.vus} VUs for ${load.duration} against ${path}…`);
      const plan = planRun(
        [
          'smoke',
          // __ENV gets only what is passed here: a USERNAME in the shell must not change the run.
          ...k6RunFlags({ noUsageReport: true, quiet: true, isolateEnv: true }),
          ...k6EnvArgs({
            ...target,
            VUS: String(DEMO_VUS),
            DURATION: DEMO_DURATION,
            THRESHOLDS: 'smoke',
            RESULTS_DIR: join(root, mode),
          }),
          ...extraK6Args,
        ],
        process.env,
        startedAtMs,
      );
      // series.json, index.html and charts/ too, as npm run scenario writes them.
      const exit = await runWithResultPage(
        plan,
        (k6Args) => runK6(k6.path, k6Args, plan.env, mode, limitMs),
        (message) => say(`      ${mode}: ${message}`),
      );
      await publishResults(plan.stagingDir, plan.resultsDir);
      const data = await readSummary(plan.resultsDir);
      runs.push({ mode, exitCode: exit.code, data });
      modeFiles.push({ mode, files: await listFiles(plan.resultsDir) });
      const outcome =
        exit.code === 0 ? 'passed' : exit.code === 99 ? 'thresholds crossed' : 'failed';
      say(`      ${mode}: ${outcome} (k6 exit code ${exit.code}, ${seconds(stepStart)})`);
      if (exit.code !== 0 && exit.code !== 99) {
        for (const line of exit.stderr.trim().split('\n').slice(-5)) say(`      | ${line}`);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    await Promise.all([
      server.close(),
      idp.close(),
      rm(profileFolder, { recursive: true, force: true }),
    ]);
  }

  const rows = compareModes(runs);
  const exitCode = interrupted ? 130 : overallExitCode(runs);
  say('');
  say(formatModeTable(rows));
  say('');
  // Every mode may have failed before k6 wrote anything: comparison.md still needs its folder.
  await mkdir(root, { recursive: true });
  await writeFile(
    join(root, 'comparison.md'),
    comparisonMarkdown(formatModeMarkdown(rows), startedAtMs, exitCode, load, modeFiles),
  );
  say(formatResultsLine(relative(process.cwd(), resolve(root)) || '.', modeFiles));
  const crossed = rows.filter((row) => row.verdict !== 'passed').map((row) => row.mode);
  say(
    crossed.length === 0
      ? `All thresholds held in every mode (${seconds(startedAtMs)} in all).`
      : formatNotPassedLine(crossed, modeFiles, exitCode),
  );
  return exitCode;
}

/** The command's entry (cli/k6-auth.ts): its exit code; a known error is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await runDemo(argv);
  } catch (error) {
    if (!(error instanceof K6NotFoundError) && !(error instanceof SecretArgumentError)) throw error;
    process.stderr.write(`k6-auth-toolkit: ${error.message}\n`);
    return error instanceof SecretArgumentError ? error.exitCode : 1;
  }
}
