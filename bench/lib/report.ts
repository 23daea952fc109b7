/**
 * Turns the measurements into bench/RESULTS.md: machine, versions, method, one table per part,
 * medians with their spread (min–max), ratios of medians, and which goals were met. A block
 * between `<!-- notes:start -->` and `<!-- notes:end -->` in the previous file (the hand-written
 * profiling notes, fixes with before/after numbers) is carried over unchanged.
 */
import type { K6Measurement, QuietPolicy } from './k6-run.ts';
import type { GrowthResult } from './part-growth.ts';
import { MEMORY_SCRIPTS, type MemoryResult, type MemoryScript } from './part-memory.ts';
import { type OverheadResult, perThousand, VARIANTS, type VariantId } from './part-overhead.ts';
import type { ServerCase, ServerResult } from './part-server.ts';
import { WINDOW_VARIANTS, type WindowsResult, type WindowVariantId } from './part-windows.ts';
import type { MachineInfo } from './proc.ts';
import { CHEAP_SCRYPT_COST, LONG_ACCESS_TTL_SECONDS } from './sizes.ts';
import { ratioOfMedians, type Spread, spreadOf } from './stats.ts';

export const GOALS = {
  overheadCpu: 1.05,
  /** f/e: the load scenario's CPU per request over the bare script doing the same SLO work. */
  loadScenarioCpu: 1.03,
  overheadMemory: 1.1,
  memoryPerVu: 1.1,
  /** The smoke scenario's KiB per VU above the minimal script's. */
  scenarioAboveMinimalKiB: 100,
  /** The installed package's library over the in-repository build, KiB per VU (± this share). */
  installedLibraryShare: 0.05,
  serverVsBare: 0.5,
  /** Highest over lowest steady CPU per request across VU counts. */
  growthFlat: 1.1,
} as const;

export interface RunInfo {
  sizeName: string;
  startedAt: Date;
  minutes: number;
  machine: MachineInfo;
  k6Version: string;
  nodeVersion: string;
  loadBefore: number;
  loadAfter: number;
  /** Seconds spent waiting for a quiet machine before starting. */
  waitedSeconds: number;
  bundleBytes: {
    bare: number;
    toolkit: number;
    scenario: number;
    minimal: number;
    floor: number;
    scenarioNoMap: number;
    bareCode: number;
    toolkitCode: number;
    scenarioCode: number;
    /** dist/controller.js, which only VU 0 loads. */
    controller: number;
    /** dist/k6/index.js, the prebuilt library a user's script imports. */
    library: number;
  };
}

/** A part left out (`--parts`) is undefined and shows as "not run". */
export interface Results {
  overhead?: OverheadResult;
  memory?: MemoryResult;
  server?: ServerResult;
  growth?: GrowthResult;
  windows?: WindowsResult;
}

const NOTES = /<!-- notes:start -->[\s\S]*<!-- notes:end -->/;

/** Keeps the notes block of `previous` (or starts an empty one). */
export function carryNotes(previous: string | undefined): string {
  return (
    NOTES.exec(previous ?? '')?.[0] ??
    '<!-- notes:start -->\n## Notes\n\n(none yet)\n<!-- notes:end -->'
  );
}

export function renderResults(info: RunInfo, results: Results, notes: string): string {
  const goals: string[] = [];
  const sections = [
    renderHeader(info),
    results.overhead
      ? renderOverhead(results.overhead, goals)
      : notRun('1. Toolkit overhead per request'),
    results.memory ? renderMemory(results.memory, info, goals) : notRun('2. Memory per VU'),
    results.server ? renderServer(results.server, goals) : notRun('3. Reference server'),
    results.growth ? renderGrowth(results.growth, goals) : notRun('4. Growth'),
    results.windows ? renderWindows(results.windows) : notRun("5. Windows' time source"),
  ];
  return `${[...sections, `## Goals\n\n${goals.map((g) => `- ${g}`).join('\n')}`, notes].join('\n\n')}\n`;
}

function notRun(title: string): string {
  return `## ${title}\n\nNot run this time (\`--parts\`).`;
}

function renderHeader(info: RunInfo): string {
  const { machine } = info;
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts, size \`${info.sizeName}\`) on ${info.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC; the run took ${info.minutes.toFixed(1)} minutes. Everything runs on loopback: k6 or autocannon, and each server in its own process.

| | |
|---|---|
| CPU | ${machine.cpuModel}, ${machine.cores} cores |
| Memory | ${machine.memoryGiB.toFixed(1)} GiB |
| Kernel | Linux ${machine.kernel} |
| k6 | v${info.k6Version} |
| Node.js | ${info.nodeVersion} |
| Load average (1 min) | ${info.loadBefore.toFixed(2)} at the start (after waiting ${Math.round(info.waitedSeconds)} s for a quiet machine), ${info.loadAfter.toFixed(2)} at the end |

**Method.** k6's CPU is user + system seconds and its peak RSS is \`%M\`, both from GNU time (\`/usr/bin/time -f "%U %S %M %e"\`, the \`wait4\` rusage of the k6 process: every thread, the whole run, start-up included). Protected requests are k6's own count (\`http_reqs\` with the protected URL as \`name\`, from \`--summary-export\`). "Steady" numbers leave start-up out: k6's CPU from /proc/<pid>/stat and the protected requests the server counted, read at two instants once the load runs. Servers' CPU comes from /proc/<pid>/stat. Each cell is the median of the runs with the spread (min–max) after it; ratios are ratios of medians.`;
}

function renderOverhead(result: OverheadResult, goals: string[]): string {
  const { size } = result;
  const cpu = mapVariants(result, (m) => perThousand(m.cpuSeconds, m.protectedRequests));
  const steady = mapVariants(result, (m) =>
    m.steady === undefined
      ? Number.NaN
      : perThousand(m.steady.k6CpuSeconds, m.steady.protectedRequests),
  );
  const rss = mapVariants(result, (m) => m.peakRssKiB / 1024);
  const rows = VARIANTS.map((variant) => {
    const runs = result.runs[variant.id];
    const load = loadCell(runs);
    return [
      `${variant.id}: ${variant.label}`,
      formatSpread(cpu[variant.id], 3),
      formatSpread(steady[variant.id], 3),
      formatSpread(rss[variant.id], 1),
      formatSpread(spreadOf(runs.map((m) => m.protectedRequests)), 0),
      String(sum(runs, (m) => m.refreshes + m.logins)),
      String(sum(runs, (m) => m.checksFailed)),
      String(sum(runs, (m) => m.droppedIterations)),
      load,
    ];
  });
  const ratioRows = (['b', 'c', 'd'] as const).map((id) => {
    const cpuRatio = ratioOfMedians(cpu[id], cpu.a);
    const steadyRatio = ratioOfMedians(steady[id], steady.a);
    const rssRatio = ratioOfMedians(rss[id], rss.a);
    if (id === 'b') {
      goals.push(
        `Overhead b/a CPU ≤ ${GOALS.overheadCpu}: ${verdict(cpuRatio <= GOALS.overheadCpu)} (${cpuRatio.toFixed(3)} whole run, ${steadyRatio.toFixed(3)} steady).`,
        `Overhead b/a peak RSS ≤ ${GOALS.overheadMemory}: ${verdict(rssRatio <= GOALS.overheadMemory)} (${rssRatio.toFixed(3)}).`,
      );
    }
    return [`${id}/a`, cpuRatio.toFixed(3), steadyRatio.toFixed(3), rssRatio.toFixed(3)];
  });
  const loadCpu = ratioOfMedians(cpu.f, cpu.e);
  const loadSteady = ratioOfMedians(steady.f, steady.e);
  ratioRows.push([
    'f/e',
    loadCpu.toFixed(3),
    loadSteady.toFixed(3),
    ratioOfMedians(rss.f, rss.e).toFixed(3),
  ]);
  goals.push(
    `Overhead of the \`load\` scenario over bare k6 with the same SLOs, f/e CPU per request ≤ ${GOALS.loadScenarioCpu}: ${verdict(loadSteady <= GOALS.loadScenarioCpu)} (${loadSteady.toFixed(3)} steady, medians ${steady.f.median.toFixed(3)} / ${steady.e.median.toFixed(3)} s per 1k requests; ${loadCpu.toFixed(3)} whole run, which includes the scenario's result files).`,
  );
  return `## 1. Toolkit overhead per request

\`GET /protected\` at ${size.rate} requests/s (a–d) or ${size.sloRate} requests/s (e, f) (constant-arrival-rate, ${size.vus} VUs, all used) for ${size.durationSeconds} s, ${size.repetitions} rounds of a b c d e f interleaved. The reference server runs with cheap scrypt (cost ${CHEAP_SCRYPT_COST}) and an access TTL of ${LONG_ACCESS_TTL_SECONDS} s (a, b, d) or ${size.shortAccessTtlSeconds} s (c: the default refresh leeway and jitter are capped at half the lifetime, so each VU refreshes every ${(size.shortAccessTtlSeconds / 2).toFixed(2)}–${((size.shortAccessTtlSeconds * 5) / 8).toFixed(2)} s). The steady window starts ${size.warmupMs / 1000} s after the first protected request and lasts ${size.windowMs / 1000} s. The bare scripts (a, e) log in once in \`setup()\` and send that token from every VU; every script checks each response. e does the \`load\` scenario's SLO work by hand (bench/k6/bare-slo.ts): the executor of f, thresholds/load.json's thresholds on \`endpoint\` tags with the same always-true per-endpoint counts and trend statistics, tagged requests and one tagged check per request; f is scenarios/load.ts in dual mode (\`-e RATE=${size.sloRate} -e PRE_ALLOCATED_VUS=${size.vus} -e MAX_VUS=${size.vus}\`), writing its result files at the end (whole run only). f/e steady is the goal's figure. ${repeatedRuns(Object.values(result.runs).flat(), size.quiet)}

${table(
  [
    'variant',
    'k6 CPU s / 1k req (whole run)',
    'k6 CPU s / 1k req (steady)',
    'k6 peak RSS MiB',
    'protected requests',
    'logins + refreshes (all runs)',
    'failed checks (all runs)',
    'dropped iterations (all runs)',
    'k6 / server / other processes, CPU % of one core (steady)',
  ],
  rows,
)}

${table(['ratio of medians', 'CPU (whole run)', 'CPU (steady)', 'peak RSS'], ratioRows)}`;
}

function renderMemory(result: MemoryResult, info: RunInfo, goals: string[]): string {
  const { size } = result;
  const labels: Record<MemoryScript, string> = {
    bare: 'bare k6 script',
    minimal: 'minimal k6 script (bench/k6/minimal.ts: one request, then idle)',
    floor: "the contract's k6 work by hand (bench/k6/floor.ts: metrics, pool, modules, jar, login)",
    toolkit: 'toolkit client (dual, bench/k6/toolkit.ts)',
    scenario: 'toolkit smoke scenario (dual, scenarios/smoke.ts)',
    scenarioNoMap: 'toolkit smoke scenario, built without the inline source map',
    libraryRepo: "a user's script importing this repository's dist/k6/index.js",
    libraryInstalled:
      "the same script importing the installed package's dist/k6/index.js (npm pack, npm install)",
  };
  const bytes = info.bundleBytes;
  const sizes: Record<MemoryScript, string> = {
    bare: `${kib(bytes.bare)} (${kib(bytes.bareCode)} without the inline source map)`,
    minimal: kib(bytes.minimal),
    floor: kib(bytes.floor),
    toolkit: `${kib(bytes.toolkit)} (${kib(bytes.toolkitCode)} without the inline source map)`,
    scenario: `${kib(bytes.scenario)} (${kib(bytes.scenarioCode)} without the inline source map), and controller.js ${kib(bytes.controller)} in VU 0 only`,
    scenarioNoMap: kib(bytes.scenarioNoMap),
    libraryRepo: `index.js ${kib(bytes.library)}, and controller.js in VU 0 only`,
    libraryInstalled: `index.js ${kib(bytes.library)}, and controller.js in VU 0 only`,
  };
  const row = (name: MemoryScript) => {
    const runs = result[name];
    return [
      labels[name],
      sizes[name],
      formatSpread(spreadOf(runs.map((r) => r.one.peakRssKiB / 1024)), 1),
      formatSpread(spreadOf(runs.map((r) => r.many.peakRssKiB / 1024)), 1),
      formatSpread(spreadOf(runs.map((r) => r.perVuKiB)), 0),
      formatSpread(spreadOf(runs.map((r) => r.many.cpuSeconds)), 2),
    ];
  };
  const perVu = (name: MemoryScript) => spreadOf(result[name].map((r) => r.perVuKiB));
  const clientRatio = ratioOfMedians(perVu('toolkit'), perVu('bare'));
  const scenarioRatio = ratioOfMedians(perVu('scenario'), perVu('bare'));
  // Above the floor: the difference of medians, and the spread of the per-round differences.
  const aboveMinimal = (name: MemoryScript) => ({
    median: perVu(name).median - perVu('minimal').median,
    rounds: spreadOf(result[name].map((r, i) => r.perVuKiB - (result.minimal[i]?.perVuKiB ?? 0))),
  });
  const withMap = aboveMinimal('scenario');
  const withoutMap = aboveMinimal('scenarioNoMap');
  const floor = aboveMinimal('floor');
  const budget = GOALS.scenarioAboveMinimalKiB;
  const installedRatio = ratioOfMedians(perVu('libraryInstalled'), perVu('libraryRepo'));
  const installedShare = GOALS.installedLibraryShare;
  goals.push(
    `Memory per VU, toolkit client/bare ≤ ${GOALS.memoryPerVu}: ${verdict(clientRatio <= GOALS.memoryPerVu)} (${clientRatio.toFixed(3)}).`,
    `Memory per VU, toolkit scenario/bare ≤ ${GOALS.memoryPerVu}: ${verdict(scenarioRatio <= GOALS.memoryPerVu)} (${scenarioRatio.toFixed(3)}).`,
    `Memory per VU, smoke scenario above the minimal script ≤ ${budget} KiB: ${verdict(withMap.median <= budget)} (${withMap.median.toFixed(0)} KiB: ${perVu('scenario').median.toFixed(0)} − ${perVu('minimal').median.toFixed(0)}).`,
    `Memory per VU, smoke scenario without the inline source map above the minimal script ≤ ${budget} KiB: ${verdict(withoutMap.median <= budget)} (${withoutMap.median.toFixed(0)} KiB: ${perVu('scenarioNoMap').median.toFixed(0)} − ${perVu('minimal').median.toFixed(0)}); the contract's k6 work alone (bench/k6/floor.ts) takes ${floor.median.toFixed(0)} KiB of those ${budget}.`,
    `Memory per VU, installed package's library / in-repository build within ${installedShare * 100} %: ${verdict(Math.abs(installedRatio - 1) <= installedShare)} (${installedRatio.toFixed(3)}: ${perVu('libraryInstalled').median.toFixed(0)} / ${perVu('libraryRepo').median.toFixed(0)} KiB).`,
  );
  const logins = (name: MemoryScript) => result[name].map((r) => r.many.logins).join(', ');
  return `## 2. Memory per VU

${size.vus} VUs each send one request (a toolkit VU logs in first; the minimal script asks \`GET /health\`) and then sleep until the test ends after ${size.durationSeconds} s (the bench scripts' \`gracefulStop: 0s\` interrupts them; the pause of the smoke scenario and of the library user's script, \`-e PAUSE_SECONDS=${size.durationSeconds}\`, ends with the test). Per VU = (peak RSS at ${size.vus} VUs − peak RSS of the same script at 1 VU) / ${size.vus - 1}. ${size.repetitions} rounds, the ${MEMORY_SCRIPTS.length} scripts interleaved. Logins at ${size.vus} VUs: floor ${logins('floor')}, client ${logins('toolkit')}, scenario ${logins('scenario')}, scenario without source map ${logins('scenarioNoMap')}, library from the repository ${logins('libraryRepo')}, installed library ${logins('libraryInstalled')} (one per VU). Bundles as built with build.mjs's settings, and the smoke scenario once more with \`sourcemap: false\` (the notes say what the memory per VU is made of). The library user's script (one \`protectedCall()\`, then the pause) imports dist/k6/index.js by path, once from this repository and once from the package packed with \`npm pack\` and installed with \`npm install <tarball>\` into a project in the temporary folder.

${table(
  [
    'script',
    'bundle size',
    'peak RSS MiB, 1 VU',
    `peak RSS MiB, ${size.vus} VUs`,
    'KiB per VU',
    `k6 CPU s, ${size.vus}-VU run`,
  ],
  MEMORY_SCRIPTS.map(row),
)}

KiB per VU, ratio of medians to bare: client **${clientRatio.toFixed(3)}**, scenario **${scenarioRatio.toFixed(3)}**; the installed package's library to the in-repository build **${installedRatio.toFixed(3)}**.

| above the minimal script | KiB per VU (difference of medians) | per-round differences |
| --- | --- | --- |
| smoke scenario, with the inline source map (as built) | **${withMap.median.toFixed(0)}** | ${formatSpread(withMap.rounds, 0)} |
| smoke scenario, without the inline source map | **${withoutMap.median.toFixed(0)}** | ${formatSpread(withoutMap.rounds, 0)} |
| the contract's k6 work by hand (bench/k6/floor.ts), no toolkit code | **${floor.median.toFixed(0)}** | ${formatSpread(floor.rounds, 0)} |`;
}

const SERVER_LABELS: Record<ServerCase, string> = {
  bare: 'bare node:http, answers 200',
  jwt: 'reference `GET /protected`, bearer JWT',
  session: 'reference `GET /protected`, session cookie',
  loginDefault: 'reference `POST /login` (JSON), default scrypt cost 16384',
  loginCheap: 'reference `POST /login` (JSON), cheap scrypt cost 16',
};

function renderServer(result: ServerResult, goals: string[]): string {
  const { size } = result;
  const rate = (name: ServerCase) => spreadOf(result.runs[name].map((m) => m.okPerSecond));
  const cpu = (name: ServerCase) => spreadOf(result.runs[name].map((m) => m.serverCpuMicrosPerOk));
  const rows = (Object.keys(SERVER_LABELS) as ServerCase[]).map((name) => {
    const runs = result.runs[name];
    const isProtected = name === 'jwt' || name === 'session';
    return [
      SERVER_LABELS[name],
      formatSpread(rate(name), 0),
      formatSpread(cpu(name), 1),
      `${spreadOf(runs.map((m) => m.latencyMeanMs)).median.toFixed(2)} / ${spreadOf(runs.map((m) => m.latencyP99Ms)).median}`,
      isProtected ? ratioOfMedians(rate(name), rate('bare')).toFixed(3) : '',
      isProtected ? ratioOfMedians(cpu('bare'), cpu(name)).toFixed(3) : '',
    ];
  });
  for (const name of ['jwt', 'session'] as const) {
    const byRate = ratioOfMedians(rate(name), rate('bare'));
    const byCpu = ratioOfMedians(cpu('bare'), cpu(name));
    goals.push(
      `Reference server ${name === 'jwt' ? 'bearer JWT' : 'session cookie'} ≥ ${GOALS.serverVsBare} of bare: ${verdict(byRate >= GOALS.serverVsBare)} by req/s (${byRate.toFixed(3)}), ${verdict(byCpu >= GOALS.serverVsBare)} by CPU per request (${byCpu.toFixed(3)}).`,
    );
  }
  return `## 3. Reference server

autocannon 9.0.0 (npm, in the bench process, one thread) with ${size.connections} keep-alive connections, ${size.durationSeconds} s per \`GET\` run and ${size.loginDurationSeconds} s per login run, ${size.repetitions} rounds interleaved; every answer was 2xx. A generator in Node.js may cap the fastest server before the server does, so CPU per request (server process, /proc) is the fairer comparison; both are shown. "vs bare" is the reference server's share of the bare server's speed (req/s ratio; bare CPU per request over the reference's).

${table(
  [
    'server and request',
    'req/s',
    'server CPU µs / req',
    'latency mean / p99 ms (autocannon: 1 ms resolution)',
    'vs bare, req/s',
    'vs bare, CPU / req',
  ],
  rows,
)}`;
}

function renderGrowth(result: GrowthResult, goals: string[]): string {
  const { size } = result;
  const steady = result.runs.map((runs) =>
    spreadOf(
      runs.map((m) =>
        m.steady === undefined
          ? Number.NaN
          : perThousand(m.steady.k6CpuSeconds, m.steady.protectedRequests),
      ),
    ),
  );
  const rows = size.vuCounts.map((vus, index) => {
    const runs = result.runs[index] ?? [];
    const load = loadCell(runs);
    return [
      String(vus),
      formatSpread(steady[index] as Spread, 3),
      formatSpread(spreadOf(runs.map((m) => perThousand(m.cpuSeconds, m.protectedRequests))), 3),
      formatSpread(spreadOf(runs.map((m) => m.peakRssKiB / 1024)), 1),
      runs.map((m) => m.logins).join(', '),
      load,
    ];
  });
  const medians = steady.map((s) => s.median);
  const spreadRatio = Math.max(...medians) / Math.min(...medians);
  goals.push(
    `Growth, steady CPU per request flat across ${size.vuCounts.join(' / ')} VUs (highest/lowest median ≤ ${GOALS.growthFlat}): ${verdict(spreadRatio <= GOALS.growthFlat)} (${spreadRatio.toFixed(3)}).`,
  );
  return `## 4. Growth

The toolkit (dual, access TTL ${LONG_ACCESS_TTL_SECONDS} s) at ${size.rate} requests/s in total for ${size.durationSeconds} s, with ${size.vuCounts.join(', ')} VUs (all used: logins per run below), ${size.repetitions} rounds interleaved. The steady window (${size.warmupMs / 1000} s after the first protected request, ${size.windowMs / 1000} s long) leaves out the start-up of the VUs, which the whole-run column includes. ${repeatedRuns(result.runs.flat(), size.quiet)}

${table(
  [
    'VUs',
    'k6 CPU s / 1k req (steady)',
    'k6 CPU s / 1k req (whole run)',
    'k6 peak RSS MiB',
    'logins per run',
    'k6 / server / other processes, CPU % of one core (steady)',
  ],
  rows,
)}

Highest/lowest steady median: **${spreadRatio.toFixed(3)}**.`;
}

function renderWindows(result: WindowsResult): string {
  const { size } = result;
  const cpu = (id: WindowVariantId) =>
    spreadOf(
      result.runs[id].map((run) => perThousand(run.measurement.cpuSeconds, run.protectedRequests)),
    );
  const rss = (id: WindowVariantId) =>
    spreadOf(result.runs[id].map((run) => run.measurement.peakRssKiB / 1024));
  const rows = WINDOW_VARIANTS.map(({ id, label }) => [
    `${id}: ${label}`,
    formatSpread(cpu(id), 3),
    formatSpread(rss(id), 1),
    result.runs[id].map((run) => run.protectedRequests).join(', '),
  ]);
  for (const [over, under] of [
    ['s', 'ps'],
    ['s', 'p'],
    ['ps', 'p'],
  ] as const) {
    rows.push([
      `${over}/${under}`,
      ratioOfMedians(cpu(over), cpu(under)).toFixed(3),
      ratioOfMedians(rss(over), rss(under)).toFixed(3),
      '',
    ]);
  }
  return `## 5. Windows' time source

The \`soak\` scenario (dual, access TTL ${LONG_ACCESS_TTL_SECONDS} s) at ${size.rate} requests/s for ${size.durationSeconds} s in ${size.windows} windows, ${size.vus} VUs, ${size.repetitions} rounds interleaved: (p) windows from phase-tagged sub-metrics kept by always-true thresholds, as a plain \`k6 run\` gives them; (ps) the same with the CSV stream \`npm run scenario\` reads series.json from; (s) the stream alone (bench/k6/soak-stream.ts). Whole-run k6 CPU per 1,000 protected requests (counted by the server) and peak RSS; s/ps is what the CLI's run costs with windows from the stream alone against today's, s/p the same against a plain \`k6 run\` of today.

${table(['variant', 'k6 CPU s / 1k req', 'k6 peak RSS MiB', 'protected requests per run'], rows)}`;
}

function mapVariants(
  result: OverheadResult,
  value: (m: K6Measurement) => number,
): Record<VariantId, Spread> {
  const spreads = {} as Record<VariantId, Spread>;
  for (const { id } of VARIANTS) spreads[id] = spreadOf(result.runs[id].map(value));
  return spreads;
}

/** Medians of k6's, the server's and everything else's CPU in the steady windows. */
function loadCell(runs: readonly K6Measurement[]): string {
  const fields = ['k6CpuSeconds', 'serverCpuSeconds', 'othersCpuSeconds'] as const;
  return fields
    .map((field) => spreadOf(runs.map((m) => percentOf(m.steady, field))).median.toFixed(0))
    .join(' / ');
}

/** How many runs were made again because other processes were busy. */
function repeatedRuns(runs: readonly K6Measurement[], quiet: QuietPolicy): string {
  const repeated = sum(runs, (m) => m.attempts - 1);
  if (!Number.isFinite(quiet.maxOthersShare)) return 'Runs are never repeated at this size.';
  return `A run is repeated (up to ${quiet.attempts} attempts, the least disturbed kept) when other processes used more than ${quiet.maxOthersShare * 100} % of a core during its window: ${repeated} extra run${repeated === 1 ? '' : 's'} this time.`;
}

function percentOf(
  steady: K6Measurement['steady'],
  field: 'k6CpuSeconds' | 'serverCpuSeconds' | 'othersCpuSeconds',
): number {
  return steady === undefined ? Number.NaN : (steady[field] / steady.wallSeconds) * 100;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

/** "0.252 (0.248–0.260)", or just the value for a single run. */
export function formatSpread(spread: Spread, digits: number): string {
  const median = spread.median.toFixed(digits);
  if (spread.n === 1) return median;
  return `${median} (${spread.min.toFixed(digits)}–${spread.max.toFixed(digits)})`;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function verdict(met: boolean): string {
  return met ? '**met**' : '**missed**';
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
