/**
 * A run's digest: everything `npm run compare` reads, drawn from a result folder's files
 * (summary.json, run.json, capacity.json and, when present, series.json) and small enough to be
 * committed as a baseline (`npm run baseline -- save`). Its size is bounded by the plan, not by
 * the run's length: per-window values are capped at `MAX_DIGEST_WINDOWS` per endpoint.
 *
 * Per-window values are the samples the noise-aware comparison needs. They come from series.json
 * (version 1: one entry per window per endpoint) when the folder has one, else from the soak's
 * windows (the `phase` sub-metrics in summary.json); a folder with neither is compared on its
 * whole-run numbers alone.
 */
import type { Phase, PhaseReport } from '../scenario/shapes.ts';
import { phaseMetric } from './phases.ts';
import type { RunIdentity } from './run-identity.ts';
import { compareWindows } from './soak-windows.ts';
import type { MetricSummary, SummaryData } from './summary-data.ts';

/** Windows kept per endpoint; a longer series keeps an evenly spaced subset. */
export const MAX_DIGEST_WINDOWS = 120;

export interface EndpointFigures {
  requests: number;
  perSecond: number;
  /** `http_req_duration{endpoint:…}` percentiles, ms; null without a sample. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** `http_req_failed{endpoint:…}`: failed requests and all requests. */
  failed: number;
  total: number;
}

/** One window of one endpoint. */
export interface WindowFigures {
  /** Start, ms since the run's start. */
  t: number;
  perSecond: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Failed requests' share, 0..1; null without a request. */
  errorRate: number | null;
}

export interface AuthFigures {
  logins: number;
  refreshes: number;
  relogins: number;
  expiredRejections: number;
  /** `auth_errors` rate: failed auth steps and all auth steps. */
  authErrorsFailed: number;
  authErrorsTotal: number;
}

export interface CapacityStepFigures {
  step: number;
  targetRate: number;
  achievedRate: number | null;
  held: boolean;
  protectedP95Ms: number | null;
}

export interface CapacityFigures {
  heldRate: number | null;
  brokeAtRate: number | null;
  maxRate: number;
  heldAll: boolean;
  sentence: string;
  steps: CapacityStepFigures[];
}

export interface SoakWindowFigures {
  name: string;
  startMs: number;
  endMs: number;
  protectedPerSecond: number | null;
  protectedP95Ms: number | null;
  refreshP95Ms: number | null;
  refreshesPerMinute: number | null;
  errorRate: number | null;
}

export interface SoakFigures {
  flat: boolean;
  sentence: string;
  windows: SoakWindowFigures[];
}

export interface DigestIdentity {
  scenario: string;
  /** Null when the folder has no run.json (results from before it existed). */
  authMode: string | null;
  profile: string | null;
  protectedPath: string | null;
  thresholdsProfile: string | null;
  knobs: Record<string, string>;
}

export interface RunDigest {
  /** Format version of this object (and of baseline.json). */
  version: 1;
  identity: DigestIdentity;
  /** When the run started (ISO), if known. */
  startedAt: string | null;
  durationMs: number;
  endpoints: Record<string, EndpointFigures>;
  auth: AuthFigures;
  windows: {
    /** Where the per-window values came from. */
    source: 'series' | 'soak-windows' | 'none';
    windowMs: number;
    /** True when a long series was thinned to `MAX_DIGEST_WINDOWS`. */
    thinned: boolean;
    endpoints: Record<string, WindowFigures[]>;
  };
  capacity: CapacityFigures | null;
  soak: SoakFigures | null;
}

/** series.json, version 1, as far as compare reads it. */
export interface SeriesFile {
  version: 1;
  scenario?: string;
  startedAt?: string;
  windowMs: number;
  endpoints: Record<
    string,
    Array<{
      t: number;
      requests: number;
      errors: number;
      p50?: number | null;
      p95?: number | null;
      p99?: number | null;
    }>
  >;
}

/** capacity.json as the capacity scenario writes it (lib/core/results/scenario-report.ts). */
export interface CapacityFile {
  heldRate: number | null;
  brokeAtRate: number | null;
  maxRate: number;
  heldAll: boolean;
  sentence: string;
  steps: Array<{
    step: number;
    name: string;
    targetRate: number;
    achievedRate: number | null;
    held: boolean;
  }>;
}

export interface ResultFiles {
  summary: SummaryData;
  identity?: RunIdentity | undefined;
  series?: SeriesFile | undefined;
  capacity?: CapacityFile | undefined;
  /** The scenario when run.json is missing: from series.json, summary.md's title or the folder name. */
  fallbackScenario?: string | undefined;
}

const ENDPOINT_KEY = /^http_reqs\{endpoint:([a-z0-9_-]+)\}$/;

function metric(data: SummaryData, key: string): MetricSummary | undefined {
  return data.metrics[key];
}

function stat(data: SummaryData, key: string, name: string): number | null {
  const value = metric(data, key)?.values[name];
  return value === undefined || !Number.isFinite(value) ? null : value;
}

function endpointFigures(data: SummaryData, endpoint: string, seconds: number): EndpointFigures {
  const requests = stat(data, `http_reqs{endpoint:${endpoint}}`, 'count') ?? 0;
  const duration = `http_req_duration{endpoint:${endpoint}}`;
  const sampled = (stat(data, duration, 'count') ?? requests) > 0;
  const percentile = (name: string): number | null => (sampled ? stat(data, duration, name) : null);
  // A k6 rate's `passes` are the true values: for http_req_failed, the failed requests.
  const failedMetric = `http_req_failed{endpoint:${endpoint}}`;
  const failed = stat(data, failedMetric, 'passes') ?? 0;
  const total = failed + (stat(data, failedMetric, 'fails') ?? 0);
  return {
    requests,
    perSecond: seconds > 0 ? requests / seconds : 0,
    p50Ms: percentile('med'),
    p95Ms: percentile('p(95)'),
    p99Ms: percentile('p(99)'),
    failed,
    total,
  };
}

/** Keeps at most `max` items, evenly spaced, first and last included. */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const kept: T[] = [];
  for (let k = 0; k < max; k += 1) {
    const item = items[Math.round((k * (items.length - 1)) / (max - 1))];
    if (item !== undefined) kept.push(item);
  }
  return kept;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value === undefined || value === null || !Number.isFinite(value) ? null : value;
}

/**
 * Windows of series.json as samples. A window the run did not cover to its end (the last one,
 * usually) has fewer requests and a different mix, so it is left out.
 */
function seriesWindows(
  series: SeriesFile,
  durationMs: number,
): { endpoints: Record<string, WindowFigures[]>; thinned: boolean } {
  const seconds = series.windowMs / 1000;
  const endpoints: Record<string, WindowFigures[]> = {};
  let thinned = false;
  for (const [endpoint, windows] of Object.entries(series.endpoints)) {
    const rows = windows
      .filter((window) => window.t + series.windowMs <= durationMs + 1)
      .map((window) => {
        const sampled = window.requests > 0;
        return {
          t: window.t,
          perSecond: seconds > 0 ? window.requests / seconds : 0,
          p50Ms: sampled ? finiteOrNull(window.p50) : null,
          p95Ms: sampled ? finiteOrNull(window.p95) : null,
          p99Ms: sampled ? finiteOrNull(window.p99) : null,
          errorRate: sampled ? window.errors / window.requests : null,
        };
      });
    if (rows.length > MAX_DIGEST_WINDOWS) thinned = true;
    endpoints[endpoint] = thin(rows, MAX_DIGEST_WINDOWS);
  }
  return { endpoints, thinned };
}

/**
 * The soak's windows: from run.json's plan, or, for a folder without one, from the `phase:window-N`
 * sub-metrics in summary.json and equal shares of the run's length.
 */
function soakPhases(files: ResultFiles, durationMs: number): Phase[] {
  if (files.identity?.phaseReport === 'soak') return files.identity.phases;
  const names = new Set<string>();
  for (const key of Object.keys(files.summary.metrics)) {
    const match = /[{,]phase:(window-\d+)[,}]/.exec(key);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  const count = names.size;
  const sorted = [...names].sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  return sorted.map((name, index) => ({
    name,
    startMs: (index * durationMs) / count,
    endMs: ((index + 1) * durationMs) / count,
  }));
}

function soakFigures(files: ResultFiles, durationMs: number): SoakFigures | null {
  const phases = soakPhases(files, durationMs);
  if (phases.length === 0) return null;
  const comparison = compareWindows(phases, [], files.summary);
  return {
    flat: comparison.flat,
    sentence: comparison.sentence,
    windows: thin(comparison.windows, MAX_DIGEST_WINDOWS).map((row) => ({
      name: row.name,
      startMs: row.startMs,
      endMs: row.endMs,
      protectedPerSecond: row.protectedPerSecond,
      protectedP95Ms: row.protectedP95Ms,
      refreshP95Ms: row.refreshP95Ms,
      refreshesPerMinute: row.refreshesPerMinute,
      errorRate: row.errorRate,
    })),
  };
}

function capacityFigures(files: ResultFiles): CapacityFigures | null {
  const file = files.capacity;
  if (file === undefined) return null;
  return {
    heldRate: file.heldRate,
    brokeAtRate: file.brokeAtRate,
    maxRate: file.maxRate,
    heldAll: file.heldAll,
    sentence: file.sentence,
    steps: file.steps.map((step) => ({
      step: step.step,
      targetRate: step.targetRate,
      achievedRate: step.achievedRate,
      held: step.held,
      protectedP95Ms:
        (phaseMetric(files.summary, 'http_req_duration{endpoint:protected}', step.name)?.values
          .count ?? 0) > 0
          ? finiteOrNull(
              phaseMetric(files.summary, 'http_req_duration{endpoint:protected}', step.name)
                ?.values['p(95)'],
            )
          : null,
    })),
  };
}

/** Reads a result folder's files into a digest. */
export function digestResults(files: ResultFiles): RunDigest {
  const { summary } = files;
  const durationMs = summary.state.testRunDurationMs;
  const seconds = durationMs / 1000;
  const endpoints: Record<string, EndpointFigures> = {};
  for (const key of Object.keys(summary.metrics).sort()) {
    const endpoint = ENDPOINT_KEY.exec(key)?.[1];
    if (endpoint !== undefined) endpoints[endpoint] = endpointFigures(summary, endpoint, seconds);
  }
  const authErrorsFailed = stat(summary, 'auth_errors', 'passes') ?? 0;
  const auth: AuthFigures = {
    logins: stat(summary, 'auth_logins', 'count') ?? 0,
    refreshes: stat(summary, 'auth_refreshes', 'count') ?? 0,
    relogins: stat(summary, 'auth_relogins', 'count') ?? 0,
    expiredRejections: stat(summary, 'auth_expired_rejections', 'count') ?? 0,
    authErrorsFailed,
    authErrorsTotal: authErrorsFailed + (stat(summary, 'auth_errors', 'fails') ?? 0),
  };
  const identity = files.identity;
  const scenario = identity?.scenario ?? files.series?.scenario ?? files.fallbackScenario ?? '';
  const phaseReport: PhaseReport | null =
    identity?.phaseReport ??
    (scenario === 'soak' ? 'soak' : scenario === 'capacity' ? 'capacity' : null);
  const soak = phaseReport === 'soak' ? soakFigures(files, durationMs) : null;
  let windows: RunDigest['windows'] = {
    source: 'none',
    windowMs: 0,
    thinned: false,
    endpoints: {},
  };
  if (files.series !== undefined) {
    const read = seriesWindows(files.series, durationMs);
    windows = { source: 'series', windowMs: files.series.windowMs, ...read };
  } else if (soak !== null && soak.windows.length > 0) {
    const first = soak.windows[0];
    const windowMs = first === undefined ? 0 : first.endMs - first.startMs;
    const rows = (pick: (row: SoakWindowFigures) => number | null, perSecond: boolean) =>
      soak.windows.map((row) => ({
        t: row.startMs,
        perSecond: perSecond ? (row.protectedPerSecond ?? 0) : 0,
        p50Ms: null,
        p95Ms: pick(row),
        p99Ms: null,
        // The window's http_req_failed covers every endpoint: not a protected error rate.
        errorRate: null,
      }));
    windows = {
      source: 'soak-windows',
      windowMs,
      thinned: false,
      endpoints: {
        protected: rows((row) => row.protectedP95Ms, true),
        refresh: rows((row) => row.refreshP95Ms, false),
      },
    };
  }
  return {
    version: 1,
    identity: {
      scenario,
      authMode: identity?.authMode ?? null,
      profile: identity?.profile ?? null,
      protectedPath: identity?.protectedPath ?? null,
      thresholdsProfile: identity?.thresholdsProfile ?? null,
      knobs: identity?.knobs ?? {},
    },
    startedAt: files.series?.startedAt ?? null,
    durationMs,
    endpoints,
    auth,
    windows,
    capacity: phaseReport === 'capacity' ? capacityFigures(files) : null,
    soak,
  };
}
