/**
 * The soak's "flat over time" comparison: the run cut into equal windows (the `phase` tag), each
 * measured on its own samples, and the last window set against the first. A soak passes its
 * thresholds on whole-run aggregates, which a slow drift (a leak, a growing table, refresh
 * families piling up) can hide for hours; the windows show it.
 */

import type { Phase } from '../scenario/shapes.ts';
import { type Breach, phaseBreaches, phaseMetric, type Slo } from './phases.ts';
import type { SummaryData } from './summary-data.ts';

export interface WindowRow {
  name: string;
  startMs: number;
  endMs: number;
  /** Protected requests per second over the window. */
  protectedPerSecond: number | null;
  protectedP95Ms: number | null;
  refreshP95Ms: number | null;
  /** Successful refreshes per minute over the window. */
  refreshesPerMinute: number | null;
  /** Successful refreshes in the window (for telling drift from counting noise). */
  refreshes: number | null;
  /** How much of the window the run covered, in seconds. */
  coveredSeconds: number;
  relogins: number | null;
  /** `http_req_failed` rate, 0..1. */
  errorRate: number | null;
  breaches: Breach[];
}

export interface Drift {
  /** Last window's p95 over the first's (1 = flat); null when either is missing. */
  protectedP95Ratio: number | null;
  refreshP95Ratio: number | null;
  /**
   * Last window's refreshes per minute over the baseline window's: the second window when there
   * are three or more, since the first holds the logins and no refresh until the first tokens near
   * their expiry.
   */
  refreshRateRatio: number | null;
  /** The window the refresh rate is compared with. */
  refreshBaseline: string | null;
}

export interface SoakComparison {
  windows: WindowRow[];
  drift: Drift;
  /** Every window met every SLO. */
  sloHeldInEveryWindow: boolean;
  /**
   * No ratio beyond `DRIFT_LIMIT`; latency only counts when it grew by more than `DRIFT_FLOOR_MS`,
   * the refresh rate only when the change is beyond counting noise.
   */
  flat: boolean;
  sentence: string;
}

/** A ratio beyond this (either way for the refresh rate, up for latency) counts as drift. */
const DRIFT_LIMIT = 1.5;
/** Latency changes smaller than this are noise, whatever the ratio (1 ms → 2 ms is not drift). */
const DRIFT_FLOOR_MS = 10;

/**
 * True when two windows' refresh rates differ by more than counting noise allows: three standard
 * deviations of the difference of two Poisson counts. 4 refreshes against 7 in short windows is
 * noise; 400 against 700 over hours is not.
 */
export function refreshRatesDiffer(a: WindowRow, b: WindowRow): boolean {
  if (a.refreshes === null || b.refreshes === null) return false;
  const ta = a.coveredSeconds;
  const tb = b.coveredSeconds;
  if (ta <= 0 || tb <= 0) return false;
  const difference = Math.abs(a.refreshes / ta - b.refreshes / tb);
  return difference > 3 * Math.sqrt(a.refreshes / (ta * ta) + b.refreshes / (tb * tb));
}

function ratio(last: number | null, first: number | null): number | null {
  if (last === null || first === null || first <= 0) return null;
  return last / first;
}

/**
 * Measures each window and compares the last with the first. A window the run never reached (an
 * aborted soak) is left out, as is a last window cut short by more than half.
 */
export function compareWindows(
  windows: readonly Phase[],
  slos: readonly Slo[],
  data: SummaryData,
): SoakComparison {
  const ranMs = data.state.testRunDurationMs;
  const rows: WindowRow[] = [];
  for (const window of windows) {
    const coveredMs = Math.min(window.endMs, ranMs) - window.startMs;
    if (coveredMs < (window.endMs - window.startMs) / 2) continue;
    const seconds = coveredMs / 1000;
    const value = (metric: string, stat: string): number | null =>
      phaseMetric(data, metric, window.name)?.values[stat] ?? null;
    const sent = (metric: string): boolean => (value(metric, 'count') ?? 1) > 0;
    const requests = value('http_reqs{endpoint:protected}', 'count');
    const refreshes = value('auth_refreshes', 'count');
    rows.push({
      name: window.name,
      startMs: window.startMs,
      endMs: window.endMs,
      protectedPerSecond: requests === null ? null : requests / seconds,
      protectedP95Ms: sent('http_req_duration{endpoint:protected}')
        ? value('http_req_duration{endpoint:protected}', 'p(95)')
        : null,
      refreshP95Ms: sent('http_req_duration{endpoint:refresh}')
        ? value('http_req_duration{endpoint:refresh}', 'p(95)')
        : null,
      refreshesPerMinute: refreshes === null ? null : (refreshes / seconds) * 60,
      refreshes,
      coveredSeconds: seconds,
      relogins: value('auth_relogins', 'count'),
      errorRate: value('http_req_failed', 'rate'),
      breaches: phaseBreaches(data, window.name, slos),
    });
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  const refreshBaseline = rows.length >= 3 ? rows[1] : first;
  const drift: Drift = {
    protectedP95Ratio: ratio(last?.protectedP95Ms ?? null, first?.protectedP95Ms ?? null),
    refreshP95Ratio: ratio(last?.refreshP95Ms ?? null, first?.refreshP95Ms ?? null),
    refreshRateRatio: ratio(
      last?.refreshesPerMinute ?? null,
      refreshBaseline?.refreshesPerMinute ?? null,
    ),
    refreshBaseline: refreshBaseline?.name ?? null,
  };
  const grew = (
    lastMs: number | null | undefined,
    firstMs: number | null | undefined,
    r: number | null,
  ) => r !== null && r > DRIFT_LIMIT && (lastMs ?? 0) - (firstMs ?? 0) > DRIFT_FLOOR_MS;
  const latencyDrift =
    grew(last?.protectedP95Ms, first?.protectedP95Ms, drift.protectedP95Ratio) ||
    grew(last?.refreshP95Ms, first?.refreshP95Ms, drift.refreshP95Ratio);
  const rate = drift.refreshRateRatio;
  const refreshDrift =
    rate !== null &&
    (rate > DRIFT_LIMIT || rate < 1 / DRIFT_LIMIT) &&
    last !== undefined &&
    refreshBaseline !== undefined &&
    refreshRatesDiffer(last, refreshBaseline);
  const flat = rows.length >= 2 && !latencyDrift && !refreshDrift;
  const sloHeldInEveryWindow = rows.every((row) => row.breaches.length === 0);
  return {
    windows: rows,
    drift,
    sloHeldInEveryWindow,
    flat,
    sentence: describe(rows.length, flat, sloHeldInEveryWindow, drift),
  };
}

function percentChange(r: number | null): string {
  if (r === null) return 'n/a';
  const change = Math.round((r - 1) * 100);
  return `${change >= 0 ? '+' : ''}${change}%`;
}

function describe(count: number, flat: boolean, held: boolean, drift: Drift): string {
  if (count < 2) return 'too short to compare windows: fewer than two windows ran';
  const against = drift.refreshBaseline === 'window-1' ? '' : ` (vs ${drift.refreshBaseline})`;
  const changes = `last vs first window: protected p95 ${percentChange(drift.protectedP95Ratio)}, refresh p95 ${percentChange(drift.refreshP95Ratio)}, refreshes/min ${percentChange(drift.refreshRateRatio)}${against}`;
  const verdict = flat ? 'flat over time' : 'drifted over time';
  return `${verdict} (${changes}); SLO ${held ? 'held in every window' : 'broken in some window'}`;
}
