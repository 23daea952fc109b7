/**
 * Compares two runs (their digests, run-digest.ts) metric by metric and gives each difference a
 * verdict: better, same (within noise or below the minimum practical effect) or worse.
 *
 * The method, per metric:
 * - Latency percentiles and throughput, when both runs have at least `minWindows` windows of the
 *   endpoint: the two-sided Mann–Whitney U test on the per-window values, and the Hodges–Lehmann
 *   shift as the size of the change. Without windows: the whole-run values against the tolerance
 *   only (no noise estimate exists for a single number; said in the row's method).
 * - Error rates and `auth_errors`: a two-proportion z test on the whole-run failures and totals.
 * - Auth counters (logins, refreshes, relogins, expired rejections): a Poisson test on the
 *   whole-run rates (events per second of run time).
 * - The capacity figure: the held rate against the tolerance (steps are discrete; noise shows as a
 *   step either way, which the relative tolerance absorbs).
 * - Soak drift: a soak that was flat and now drifts is worse (soak-windows.ts's own verdict).
 *
 * A difference is better or worse only when the test says p < alpha *and* the change exceeds the
 * metric's relative and absolute tolerances; everything else is same.
 */
import { hodgesLehmannShift, mannWhitneyU, poissonRateP, twoProportionP } from './compare-stats.ts';
import { type MetricKind, type Tolerances, toleranceFor } from './compare-tolerances.ts';
import type { DigestIdentity, RunDigest, WindowFigures } from './run-digest.ts';

export type Verdict = 'better' | 'same' | 'worse' | 'n/a';

export interface ComparisonRow {
  /** An endpoint name, `auth`, `capacity` or `soak`. */
  group: string;
  kind: MetricKind | 'drift';
  /** For people: "p95", "throughput"… */
  label: string;
  unit: 'ms' | '/s' | 'rate' | '';
  baseline: number | null;
  current: number | null;
  /** current − baseline, in the unit; null when either is missing. */
  change: number | null;
  /** change / baseline; null when the baseline is 0 or missing. */
  relativeChange: number | null;
  /** The size of change the verdict judged (the Hodges–Lehmann shift when windows were used). */
  effect: number | null;
  pValue: number | null;
  /** How the row was judged, for the report. */
  method: string;
  verdict: Verdict;
}

export interface Comparison {
  scenario: string;
  /** Empty when the runs are comparable; otherwise each reason, in words. */
  incomparable: string[];
  /** Differences that do not block comparison (knobs, missing run.json…). */
  notes: string[];
  rows: ComparisonRow[];
  worse: ComparisonRow[];
  better: ComparisonRow[];
  verdict: 'worse' | 'same' | 'better' | 'incomparable';
  tolerances: Tolerances;
}

type Direction = 'lower-is-better' | 'higher-is-better';

const DIRECTION: Record<MetricKind, Direction> = {
  throughput: 'higher-is-better',
  p50: 'lower-is-better',
  p95: 'lower-is-better',
  p99: 'lower-is-better',
  errorRate: 'lower-is-better',
  logins: 'lower-is-better',
  refreshes: 'lower-is-better',
  relogins: 'lower-is-better',
  expiredRejections: 'lower-is-better',
  authErrors: 'lower-is-better',
  capacity: 'higher-is-better',
};

/** Why two runs cannot be compared: different scenario, auth mode, target profile or endpoint. */
export function findIncomparabilities(baseline: DigestIdentity, current: DigestIdentity): string[] {
  const reasons: string[] = [];
  const check = (what: string, a: string | null, b: string | null) => {
    if (a !== null && b !== null && a !== b) {
      reasons.push(
        `different ${what}: baseline ${JSON.stringify(a)}, current ${JSON.stringify(b)}`,
      );
    }
  };
  check('scenario', baseline.scenario || null, current.scenario || null);
  check('auth mode (AUTH_MODE)', baseline.authMode, current.authMode);
  check('target profile (PROFILE)', baseline.profile, current.profile);
  check('protected endpoint path', baseline.protectedPath, current.protectedPath);
  return reasons;
}

function identityNotes(baseline: DigestIdentity, current: DigestIdentity): string[] {
  const notes: string[] = [];
  if (baseline.authMode === null || current.authMode === null) {
    const which = baseline.authMode === null ? 'baseline' : 'current';
    notes.push(
      `the ${which} has no run.json: its auth mode and target profile could not be checked`,
    );
  }
  const knobs = new Set([...Object.keys(baseline.knobs), ...Object.keys(current.knobs)]);
  for (const knob of [...knobs].sort()) {
    const a = baseline.knobs[knob];
    const b = current.knobs[knob];
    if (a !== undefined && b !== undefined && a !== b) notes.push(`${knob} differs: ${a} → ${b}`);
  }
  if (
    baseline.thresholdsProfile !== null &&
    current.thresholdsProfile !== null &&
    baseline.thresholdsProfile !== current.thresholdsProfile
  ) {
    notes.push(
      `thresholds profile differs: ${baseline.thresholdsProfile} → ${current.thresholdsProfile}`,
    );
  }
  return notes;
}

interface Judgement {
  effect: number | null;
  pValue: number | null;
  method: string;
}

/** Applies direction, significance and the practical threshold. */
function decide(
  kind: MetricKind,
  reference: number,
  judgement: Judgement,
  tolerances: Tolerances,
  endpoint: string | undefined,
): Verdict {
  const { effect, pValue } = judgement;
  if (effect === null) return 'n/a';
  if (pValue !== null && pValue >= tolerances.alpha) return 'same';
  const tolerance = toleranceFor(tolerances, kind, endpoint);
  const size = Math.abs(effect);
  if (size <= tolerance.absolute) return 'same';
  if (reference !== 0 && size / Math.abs(reference) <= tolerance.relative) return 'same';
  if (effect === 0) return 'same';
  const up = effect > 0;
  return (DIRECTION[kind] === 'higher-is-better') === up ? 'better' : 'worse';
}

function row(
  group: string,
  kind: MetricKind,
  label: string,
  unit: ComparisonRow['unit'],
  baseline: number | null,
  current: number | null,
  judgement: Judgement,
  tolerances: Tolerances,
  endpoint?: string,
): ComparisonRow {
  const change = baseline === null || current === null ? null : current - baseline;
  const relativeChange =
    change === null || baseline === null || baseline === 0 ? null : change / baseline;
  const verdict =
    baseline === null || current === null
      ? 'n/a'
      : decide(kind, baseline, judgement, tolerances, endpoint);
  return {
    group,
    kind,
    label,
    unit,
    baseline,
    current,
    change,
    relativeChange,
    effect: judgement.effect,
    pValue: judgement.pValue,
    method: judgement.method,
    verdict,
  };
}

function present(values: ReadonlyArray<number | null>): number[] {
  return values.filter((value): value is number => value !== null && Number.isFinite(value));
}

/** The share of requests above each percentile: p95 leaves 5 % of them above it. */
const TAIL_SHARE = { p50: 0.5, p95: 0.05, p99: 0.01 } as const;
/** A whole-run percentile is judged only with at least this many requests beyond it a side. */
const MIN_TAIL_REQUESTS = 5;

/**
 * The per-window test when both sides have enough windows, else the whole-run values alone.
 */
function windowJudgement(
  baselineWindows: readonly WindowFigures[] | undefined,
  currentWindows: readonly WindowFigures[] | undefined,
  pick: (window: WindowFigures) => number | null,
  baseline: number | null,
  current: number | null,
  tolerances: Tolerances,
): Judgement {
  const a = present((baselineWindows ?? []).map(pick));
  const b = present((currentWindows ?? []).map(pick));
  if (a.length >= tolerances.minWindows && b.length >= tolerances.minWindows) {
    const test = mannWhitneyU(a, b);
    return {
      effect: hodgesLehmannShift(a, b),
      pValue: test.pValue,
      method: `Mann–Whitney U on ${a.length}+${b.length} windows (${test.method}), Hodges–Lehmann shift`,
    };
  }
  if (baselineWindows !== undefined && currentWindows !== undefined) {
    // Both runs have windows, and this endpoint's requests fell in only a few of them: a burst
    // (the logins at the start), whose one number per run says nothing about noise.
    return {
      effect: null,
      pValue: null,
      method: `not judged: requests in too few windows (${a.length}+${b.length}, need ${tolerances.minWindows} a side)`,
    };
  }
  return {
    effect: baseline === null || current === null ? null : current - baseline,
    pValue: null,
    method: 'whole-run values against the tolerance (no windows)',
  };
}

function endpointRows(base: RunDigest, cur: RunDigest, tolerances: Tolerances): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const names = [...new Set([...Object.keys(base.endpoints), ...Object.keys(cur.endpoints)])];
  // Fixed order for the endpoints everyone has, then the rest (login-flow steps) by name.
  const order = ['protected', 'refresh', 'login', 'logout', 'csrf'];
  names.sort((x, y) => {
    const ix = order.indexOf(x) === -1 ? order.length : order.indexOf(x);
    const iy = order.indexOf(y) === -1 ? order.length : order.indexOf(y);
    return ix - iy || x.localeCompare(y);
  });
  // A ramping capacity run's throughput says where it stopped, not how fast the API is.
  const judgeThroughput = base.identity.scenario !== 'capacity';
  for (const endpoint of names) {
    const a = base.endpoints[endpoint];
    const b = cur.endpoints[endpoint];
    if ((a?.requests ?? 0) === 0 && (b?.requests ?? 0) === 0) continue;
    const wa = base.windows.endpoints[endpoint];
    const wb = cur.windows.endpoints[endpoint];
    if (judgeThroughput) {
      rows.push(
        row(
          endpoint,
          'throughput',
          'throughput',
          '/s',
          a?.perSecond ?? null,
          b?.perSecond ?? null,
          windowJudgement(
            wa,
            wb,
            (w) => w.perSecond,
            a?.perSecond ?? null,
            b?.perSecond ?? null,
            tolerances,
          ),
          tolerances,
          endpoint,
        ),
      );
    }
    for (const [kind, field] of [
      ['p50', 'p50Ms'],
      ['p95', 'p95Ms'],
      ['p99', 'p99Ms'],
    ] as const) {
      const va = a?.[field] ?? null;
      const vb = b?.[field] ?? null;
      let judgement = windowJudgement(wa, wb, (w) => w[field], va, vb, tolerances);
      const fewest = Math.min(a?.requests ?? 0, b?.requests ?? 0);
      const needed = Math.ceil(MIN_TAIL_REQUESTS / TAIL_SHARE[kind]);
      if (judgement.pValue === null && fewest < needed) {
        // The 95th percentile of 20 logins is their second-slowest: one slow request decides it.
        judgement = {
          effect: null,
          pValue: null,
          method: `not judged: ${fewest} requests, a whole-run ${kind} needs ${needed} a side`,
        };
      }
      rows.push(row(endpoint, kind, kind, 'ms', va, vb, judgement, tolerances, endpoint));
    }
    const ea = a === undefined || a.total === 0 ? null : a.failed / a.total;
    const eb = b === undefined || b.total === 0 ? null : b.failed / b.total;
    rows.push(
      row(
        endpoint,
        'errorRate',
        'error rate',
        'rate',
        ea,
        eb,
        {
          effect: ea === null || eb === null ? null : eb - ea,
          pValue: twoProportionP(a?.failed ?? 0, a?.total ?? 0, b?.failed ?? 0, b?.total ?? 0),
          method: 'two-proportion z test on whole-run failures',
        },
        tolerances,
        endpoint,
      ),
    );
  }
  return rows;
}

function authRows(base: RunDigest, cur: RunDigest, tolerances: Tolerances): ComparisonRow[] {
  const sa = base.durationMs / 1000;
  const sb = cur.durationMs / 1000;
  const counters = [
    ['logins', 'logins', base.auth.logins, cur.auth.logins],
    ['refreshes', 'refreshes', base.auth.refreshes, cur.auth.refreshes],
    ['relogins', 'relogins', base.auth.relogins, cur.auth.relogins],
    [
      'expiredRejections',
      'expired rejections',
      base.auth.expiredRejections,
      cur.auth.expiredRejections,
    ],
  ] as const;
  const rows = counters.map(([kind, label, ca, cb]) => {
    const ra = sa > 0 ? ca / sa : null;
    const rb = sb > 0 ? cb / sb : null;
    return row(
      'auth',
      kind,
      label,
      '/s',
      ra,
      rb,
      {
        effect: ra === null || rb === null ? null : rb - ra,
        pValue: poissonRateP(ca, sa, cb, sb),
        method: `Poisson rate test on whole-run counts (${ca} vs ${cb})`,
      },
      tolerances,
    );
  });
  const { authErrorsFailed: fa, authErrorsTotal: ta } = base.auth;
  const { authErrorsFailed: fb, authErrorsTotal: tb } = cur.auth;
  const ea = ta === 0 ? null : fa / ta;
  const eb = tb === 0 ? null : fb / tb;
  rows.push(
    row(
      'auth',
      'authErrors',
      'auth errors',
      'rate',
      ea,
      eb,
      {
        effect: ea === null || eb === null ? null : eb - ea,
        pValue: twoProportionP(fa, ta, fb, tb),
        method: 'two-proportion z test on whole-run auth steps',
      },
      tolerances,
    ),
  );
  return rows;
}

function capacityRows(base: RunDigest, cur: RunDigest, tolerances: Tolerances): ComparisonRow[] {
  if (base.capacity === null && cur.capacity === null) return [];
  // A run where no step held has a capacity of 0, not an unknown one.
  const held = (digest: RunDigest) =>
    digest.capacity === null ? null : (digest.capacity.heldRate ?? 0);
  const a = held(base);
  const b = held(cur);
  const bothAll = base.capacity?.heldAll === true && cur.capacity?.heldAll === true;
  const judgement: Judgement = {
    effect: a === null || b === null ? null : b - a,
    pValue: null,
    method: bothAll
      ? 'held rate against the tolerance (both held every step: the limit is above PEAK_RATE)'
      : 'held rate against the tolerance',
  };
  return [row('capacity', 'capacity', 'held rate', '/s', a, b, judgement, tolerances)];
}

function soakRows(base: RunDigest, cur: RunDigest): ComparisonRow[] {
  if (base.soak === null || cur.soak === null) return [];
  const a = base.soak.flat ? 1 : 0;
  const b = cur.soak.flat ? 1 : 0;
  const verdict: Verdict = a === b ? 'same' : b > a ? 'better' : 'worse';
  return [
    {
      group: 'soak',
      kind: 'drift',
      label: 'flat over time',
      unit: '',
      baseline: a,
      current: b,
      change: b - a,
      relativeChange: null,
      effect: b - a,
      pValue: null,
      method: 'the soak report’s drift verdict (last window against the first)',
      verdict,
    },
  ];
}

/** Compares `current` with `baseline`. */
export function compareRuns(
  baseline: RunDigest,
  current: RunDigest,
  tolerances: Tolerances,
): Comparison {
  const incomparable = findIncomparabilities(baseline.identity, current.identity);
  const notes = identityNotes(baseline.identity, current.identity);
  const scenario = current.identity.scenario || baseline.identity.scenario;
  if (incomparable.length > 0) {
    return {
      scenario,
      incomparable,
      notes,
      rows: [],
      worse: [],
      better: [],
      verdict: 'incomparable',
      tolerances,
    };
  }
  const rows = [
    ...capacityRows(baseline, current, tolerances),
    ...soakRows(baseline, current),
    ...endpointRows(baseline, current, tolerances),
    ...authRows(baseline, current, tolerances),
  ];
  const worse = rows.filter((r) => r.verdict === 'worse');
  const better = rows.filter((r) => r.verdict === 'better');
  return {
    scenario,
    incomparable,
    notes,
    rows,
    worse,
    better,
    verdict: worse.length > 0 ? 'worse' : better.length > 0 ? 'better' : 'same',
    tolerances,
  };
}

/** A row in a few words: "protected p95 +50.3 ms (+4,400%, p=0.0002)". */
export function describeRow(r: ComparisonRow): string {
  const name = `${r.group} ${r.label}`;
  if (r.kind === 'drift') {
    return `${name}: ${r.baseline === 1 ? 'flat' : 'drifted'} → ${r.current === 1 ? 'flat' : 'drifted'}`;
  }
  const change = r.change === null ? 'n/a' : formatSigned(r.change, r.unit);
  const relative = r.relativeChange === null ? '' : `, ${formatPercentChange(r.relativeChange)}`;
  const p = r.pValue === null ? '' : `, p=${formatP(r.pValue)}`;
  return `${name} ${formatValue(r.baseline, r.unit)} → ${formatValue(r.current, r.unit)} (${change}${relative}${p})`;
}

/** A value with its unit: 12.3 ms, 4.5/s, 0.25 %. */
export function formatValue(value: number | null, unit: ComparisonRow['unit']): string {
  if (value === null) return '–';
  if (unit === 'rate') return `${(value * 100).toFixed(2)}%`;
  if (unit === 'ms') return `${roundTo(value)} ms`;
  if (unit === '/s') return `${roundTo(value)}/s`;
  return `${roundTo(value)}`;
}

function formatSigned(value: number, unit: ComparisonRow['unit']): string {
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  if (unit === 'rate') return `${sign}${Math.abs(value * 100).toFixed(2)} pp`;
  return `${sign}${formatValue(Math.abs(value), unit)}`;
}

/** 0.153 → "+15%"; tiny changes keep a decimal. */
export function formatPercentChange(relative: number): string {
  const percent = relative * 100;
  const text = Math.abs(percent) < 10 ? percent.toFixed(1) : Math.round(percent).toString();
  return `${percent >= 0 ? '+' : '−'}${text.replace('-', '')}%`;
}

/** p-values to two significant digits, very small ones as "<0.0001". */
export function formatP(p: number): string {
  if (p < 0.0001) return '<0.0001';
  return `${Number(p.toPrecision(2))}`;
}

function roundTo(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))}`;
}
