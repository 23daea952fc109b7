/**
 * `npm run bench`: the toolkit's cost against bare k6, and the reference server's speed, side by
 * side in one run on loopback; writes bench/RESULTS.md (see bench/README.md).
 *
 *   npm run bench                          # default size, ~17–20 min, writes bench/RESULTS.md
 *   BENCH_SIZE=tiny npm run bench          # seconds; proves the harness works; results/bench-tiny.md
 *   npm run bench -- --parts 1,4 --out /tmp/x.md --no-wait
 *   npm run bench -- --help                # the flags
 *
 * Before a default-size run it waits (up to 20 min, polling every 30 s) for the 1-minute load
 * average to drop below 0.8, since other work on the machine skews every number.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { buildLibrary, buildScenarios } from '../build.mjs';
import { parseK6Version, provisionK6 } from '../cli/provision-k6.ts';
import { BENCH_USAGE, type BenchCommand, BenchUsageError, parseBenchArgs } from './lib/cli.ts';
import type { BenchContext, Bundles } from './lib/context.ts';
import { installPackedPackage } from './lib/installed-package.ts';
import { runGrowth } from './lib/part-growth.ts';
import { runMemory } from './lib/part-memory.ts';
import { runOverhead } from './lib/part-overhead.ts';
import { runServer } from './lib/part-server.ts';
import { runWindows } from './lib/part-windows.ts';
import { describeMachine, readLoadAverage } from './lib/proc.ts';
import { carryNotes, type Results, renderResults } from './lib/report.ts';
import { REPO_ROOT } from './lib/servers.ts';

const QUIET_LOAD = 0.8;
const QUIET_POLL_MS = 30_000;
const QUIET_MAX_WAIT_MS = 20 * 60_000;

const command = await readCommand(process.argv.slice(2));
const { size, parts } = command;
const outFile = resolve(
  command.outFile ??
    join(REPO_ROOT, size.name === 'tiny' ? 'results/bench-tiny.md' : 'bench/RESULTS.md'),
);
const log = (line: string) => process.stdout.write(`bench: ${line}\n`);

const waitedSeconds = size.name === 'tiny' || command.noWait ? 0 : await waitForQuietMachine(log);
const startedAt = new Date();
const loadBefore = readLoadAverage();
const { path: k6 } = await provisionK6();
const k6Version = parseK6Version(execFileSync(k6, ['version'], { encoding: 'utf8' })) ?? 'unknown';
const buildDir = await mkdtemp(join(tmpdir(), 'bench-k6-'));
try {
  const bundles = await buildBundles(buildDir);
  const context: BenchContext = { k6, bundles, log };
  log(`size ${size.name}, k6 v${k6Version}, load ${loadBefore.toFixed(2)}, writing ${outFile}`);
  const results: Results = {};
  if (parts.has('1')) results.overhead = await runOverhead(context, size.overhead);
  if (parts.has('2')) results.memory = await runMemory(context, size.memory);
  if (parts.has('3')) results.server = await runServer(context, size.server);
  if (parts.has('4')) results.growth = await runGrowth(context, size.growth);
  if (parts.has('5')) results.windows = await runWindows(context, size.windows);
  const previous = await readFile(outFile, 'utf8').catch(() => undefined);
  const markdown = renderResults(
    {
      sizeName: size.name,
      startedAt,
      minutes: (Date.now() - startedAt.getTime()) / 60_000,
      machine: describeMachine(),
      k6Version,
      nodeVersion: process.version,
      loadBefore,
      loadAfter: readLoadAverage(),
      waitedSeconds,
      bundleBytes: await bundleBytes(bundles),
    },
    results,
    carryNotes(previous),
  );
  await writeFile(outFile, markdown);
  log(`wrote ${outFile}`);
} finally {
  await rm(buildDir, { recursive: true, force: true });
}

/**
 * The command line, or the end of the process: `--help` prints the usage and exits 0, a wrong
 * flag prints what was wrong with the usage and exits 2 (before anything is built or waited for).
 */
async function readCommand(argv: string[]): Promise<Extract<BenchCommand, { kind: 'run' }>> {
  let command: BenchCommand;
  try {
    command = parseBenchArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    await write(process.stderr, `bench: ${error.message}\n\n${BENCH_USAGE}`);
    process.exit(2);
  }
  if (command.kind === 'help') {
    await write(process.stdout, BENCH_USAGE);
    process.exit(0);
  }
  return command;
}

/** Resolves once `text` is flushed, so an exit right after it loses nothing (pipes may be async). */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolveWrite) => stream.write(text, () => resolveWrite()));
}

/**
 * bench/k6/*.ts and scenarios/*.ts with build.mjs's own settings (the same bundles a user's
 * scenarios get).
 */
async function buildBundles(outDir: string): Promise<Bundles> {
  const built = [
    ...(await buildScenarios({ scenariosDir: join(REPO_ROOT, 'bench/k6'), outDir })),
    ...(await buildScenarios({ outDir: join(outDir, 'scenarios') })),
    ...(await buildScenarios({ outDir: join(outDir, 'scenarios-no-map'), sourcemap: false })),
  ];
  const find = (path: string) => {
    const bundle = built.find((b) => b.file.endsWith(`/${path}.js`));
    if (bundle === undefined) throw new Error(`${path}.ts was not built`);
    return bundle.file;
  };
  const library = await buildLibraryUsers(join(outDir, 'library'));
  return {
    ...library,
    bare: find('bare'),
    toolkit: find('toolkit'),
    bareSlo: find('bare-slo'),
    minimal: find('minimal'),
    floor: find('floor'),
    scenario: find('scenarios/smoke'),
    scenarioNoMap: find('scenarios-no-map/smoke'),
    load: find('scenarios/load'),
    soak: find('scenarios/soak'),
    soakStream: find('soak-stream'),
  };
}

/**
 * A user's script for memory per VU, importing dist/k6/index.js from `from`: one protected call,
 * then a pause as long as the test (scenarioEnv in part-memory.ts).
 */
function libraryUserScript(from: string): string {
  return [
    "import { sleep } from 'k6';",
    `import { protectedCall } from '${from}';`,
    'export const options = { vus: Number(__ENV.VUS), duration: __ENV.DURATION };',
    'export default function () {',
    '  protectedCall();',
    '  sleep(Number(__ENV.PAUSE_SECONDS));',
    '}',
    '',
  ].join('\n');
}

/**
 * The library user's script twice: importing this repository's dist/k6 (built now), and
 * importing the same build packed and installed from the tarball into a project in `dir`.
 */
async function buildLibraryUsers(
  dir: string,
): Promise<Pick<Bundles, 'libraryRepo' | 'libraryInstalled'>> {
  await buildLibrary();
  await mkdir(dir, { recursive: true });
  const { project } = await installPackedPackage(dir);
  const libraryRepo = join(dir, 'repo-library.js');
  await writeFile(
    libraryRepo,
    libraryUserScript(pathToFileURL(join(REPO_ROOT, 'dist/k6/index.js')).href),
  );
  const libraryInstalled = join(project, 'installed-library.js');
  await writeFile(
    libraryInstalled,
    libraryUserScript('./node_modules/k6-auth-toolkit/dist/k6/index.js'),
  );
  return { libraryRepo, libraryInstalled };
}

/** Bundle sizes, and the same without the inline source map comment (the code k6 runs). */
async function bundleBytes(bundles: Bundles) {
  const codeBytes = async (file: string) => {
    const text = await readFile(file, 'utf8');
    const start = text.lastIndexOf('//# sourceMappingURL=');
    return Buffer.byteLength(start === -1 ? text : text.slice(0, start));
  };
  return {
    bare: (await stat(bundles.bare)).size,
    toolkit: (await stat(bundles.toolkit)).size,
    scenario: (await stat(bundles.scenario)).size,
    minimal: (await stat(bundles.minimal)).size,
    floor: (await stat(bundles.floor)).size,
    scenarioNoMap: (await stat(bundles.scenarioNoMap)).size,
    bareCode: await codeBytes(bundles.bare),
    toolkitCode: await codeBytes(bundles.toolkit),
    scenarioCode: await codeBytes(bundles.scenario),
    controller: (await stat(join(dirname(bundles.scenario), 'controller.js'))).size,
    library: (await stat(join(REPO_ROOT, 'dist/k6/index.js'))).size,
  };
}

/** Polls the 1-minute load average until it is below QUIET_LOAD; returns the seconds waited. */
async function waitForQuietMachine(report: (line: string) => void): Promise<number> {
  const start = Date.now();
  for (;;) {
    const load = readLoadAverage();
    if (load < QUIET_LOAD) return (Date.now() - start) / 1000;
    if (Date.now() - start >= QUIET_MAX_WAIT_MS) {
      report(
        `load still ${load.toFixed(2)} after ${QUIET_MAX_WAIT_MS / 60_000} min; running anyway`,
      );
      return (Date.now() - start) / 1000;
    }
    report(`load average ${load.toFixed(2)} ≥ ${QUIET_LOAD}; waiting for a quiet machine`);
    await sleep(QUIET_POLL_MS);
  }
}
