/**
 * The scenario catalogue's load shapes: for each scenario, its `-e` knobs (one table, with
 * defaults), their validation, and the k6 executor they make. Pure data: lib/k6/scenario.ts turns
 * a plan into k6 `options`. A bad knob is a `ConfigError` at init, before any load is sent.
 *
 * Arrival-rate scenarios count iterations per second; one iteration is one protected request
 * (plus the login or refresh it needs), so a rate reads as protected requests per second.
 */
import { parseDecimal, parseDurationMs, parseWholeNumber, readEnvValue } from '../env-values.ts';
import { ConfigError, ERROR_CODES } from '../errors.ts';

/** The scenario catalogue: each one is planned from its `-e` knobs below. */
export const PLANNED_SCENARIOS = [
  'smoke',
  'load',
  'stress',
  'spike',
  'soak',
  'capacity',
  'refresh-storm',
  'login-storm',
  'session-churn',
] as const;

export type ScenarioName = (typeof PLANNED_SCENARIOS)[number];

export type KnobKind =
  | 'rate'
  | 'duration'
  | 'warmUp'
  | 'vus'
  | 'seconds'
  | 'windows'
  | 'parallel'
  | 'parallelVia'
  | 'requests';

/** How smoke sends its parallel requests: `http.batch` or `http.asyncRequest`. */
const PARALLEL_VIA = ['batch', 'async'] as const;

export type ParallelVia = (typeof PARALLEL_VIA)[number];

/**
 * Every knob name of the catalogue with its one meaning: a name means the same in every scenario
 * that has it, so a user who learnt `RATE` on load knows it on stress and capacity.
 */
export const KNOB_MEANINGS = {
  VUS: 'virtual users, all started at once',
  DURATION: 'how long the run lasts',
  RATE: 'the base rate in iterations/s: the steady rate, where a stress starts, the baseline of a spike, the first capacity step',
  PEAK_RATE: "the top rate in iterations/s: a stress's or a spike's peak, the last capacity step",
  STEP_RATE: 'iterations/s added at each capacity step',
  WARM_UP:
    'the lead-in before what is judged: a spike holds RATE, capacity climbs from 0 to RATE (0s for none)',
  RAMP_UP: 'each climb to a higher rate',
  HOLD: 'how long a rate is held: the peak, or each capacity step',
  RAMP_DOWN: 'the drop after the peak: to 0 (stress) or back to RATE (spike)',
  RECOVERY: 'time at RATE after a spike',
  PRE_ALLOCATED_VUS: 'VUs started before the test (more are added up to MAX_VUS when needed)',
  MAX_VUS: 'most VUs k6 may use to keep the arrival rate',
  PAUSE_SECONDS: 'think time after each iteration (session-churn: after each request of a session)',
  PARALLEL: 'protected requests a VU sends at once per iteration',
  PARALLEL_VIA: 'how parallel requests are sent: http.batch or http.asyncRequest',
  WINDOWS: 'equal time windows compared in the soak report (2 to 12)',
  SESSION_REQUESTS: 'protected requests per session, between its login and its logout',
  SESSION_LOSS_AT:
    'reference server only: at this time into the run, make it forget every session and token (a mass session loss)',
} as const;

export type KnobName = keyof typeof KNOB_MEANINGS;

/** One `-e` knob of one scenario: its meaning is the name's (`KNOB_MEANINGS`). */
export interface KnobSpec {
  env: KnobName;
  kind: KnobKind;
  /** As a user would type it; null: unset unless given. */
  default: string | null;
}

const knob = (env: KnobName, kind: KnobKind, value: string | null): KnobSpec => ({
  env,
  kind,
  default: value,
});
const PRE_ALLOCATED = (n: string): KnobSpec => knob('PRE_ALLOCATED_VUS', 'vus', n);
const MAX_VUS = (n: string): KnobSpec => knob('MAX_VUS', 'vus', n);

/**
 * Every scenario's knobs with their defaults, sized so a default run means something against a
 * real API; tests shorten them with `-e`. Documented in docs/scenarios.md from this table.
 */
export const SCENARIO_KNOBS: Readonly<Record<ScenarioName, readonly KnobSpec[]>> = {
  smoke: [
    knob('VUS', 'vus', '1'),
    knob('DURATION', 'duration', '30s'),
    knob('PARALLEL', 'parallel', '1'),
    knob('PARALLEL_VIA', 'parallelVia', 'batch'),
    knob('PAUSE_SECONDS', 'seconds', '0.1'),
  ],
  load: [
    knob('RATE', 'rate', '50'),
    knob('DURATION', 'duration', '5m'),
    PRE_ALLOCATED('20'),
    MAX_VUS('200'),
  ],
  stress: [
    knob('RATE', 'rate', '10'),
    knob('PEAK_RATE', 'rate', '150'),
    knob('RAMP_UP', 'duration', '5m'),
    knob('HOLD', 'duration', '2m'),
    knob('RAMP_DOWN', 'duration', '1m'),
    PRE_ALLOCATED('20'),
    MAX_VUS('500'),
  ],
  spike: [
    knob('RATE', 'rate', '10'),
    knob('PEAK_RATE', 'rate', '200'),
    knob('WARM_UP', 'warmUp', '1m'),
    knob('RAMP_UP', 'duration', '10s'),
    knob('HOLD', 'duration', '1m'),
    knob('RAMP_DOWN', 'duration', '10s'),
    knob('RECOVERY', 'duration', '1m'),
    PRE_ALLOCATED('20'),
    MAX_VUS('500'),
  ],
  soak: [
    knob('RATE', 'rate', '20'),
    knob('DURATION', 'duration', '2h'),
    knob('WINDOWS', 'windows', '4'),
    PRE_ALLOCATED('10'),
    MAX_VUS('100'),
  ],
  capacity: [
    knob('WARM_UP', 'warmUp', '30s'),
    knob('RATE', 'rate', '20'),
    knob('STEP_RATE', 'rate', '20'),
    knob('PEAK_RATE', 'rate', '400'),
    knob('HOLD', 'duration', '30s'),
    knob('RAMP_UP', 'duration', '10s'),
    PRE_ALLOCATED('50'),
    MAX_VUS('1000'),
  ],
  'refresh-storm': [
    knob('VUS', 'vus', '100'),
    knob('DURATION', 'duration', '5m'),
    knob('PAUSE_SECONDS', 'seconds', '1'),
  ],
  'login-storm': [
    knob('VUS', 'vus', '200'),
    knob('DURATION', 'duration', '1m'),
    knob('PAUSE_SECONDS', 'seconds', '1'),
    knob('SESSION_LOSS_AT', 'duration', null),
  ],
  'session-churn': [
    knob('RATE', 'rate', '10'),
    knob('DURATION', 'duration', '5m'),
    knob('SESSION_REQUESTS', 'requests', '5'),
    knob('PAUSE_SECONDS', 'seconds', '0.5'),
    PRE_ALLOCATED('20'),
    MAX_VUS('200'),
  ],
};

/** The threshold profile each scenario uses unless `-e THRESHOLDS` names another. */
const DEFAULT_THRESHOLDS: Readonly<Record<ScenarioName, string>> = {
  smoke: 'smoke',
  load: 'load',
  // Degraded latency is the expected finding of a stress or a spike; errors are not.
  stress: 'smoke',
  spike: 'smoke',
  soak: 'soak',
  capacity: 'release-gate',
  'refresh-storm': 'load',
  'login-storm': 'load',
  'session-churn': 'churn',
};

/** A k6 ramping stage. */
export interface Stage {
  target: number;
  duration: string;
}

/** A k6 scenario (executor settings), as plain data. */
export type ExecutorConfig =
  | {
      executor: 'constant-arrival-rate';
      rate: number;
      timeUnit: '1s';
      duration: string;
      preAllocatedVUs: number;
      maxVUs: number;
    }
  | {
      executor: 'ramping-arrival-rate';
      startRate: number;
      timeUnit: '1s';
      stages: Stage[];
      preAllocatedVUs: number;
      maxVUs: number;
    }
  | { executor: 'constant-vus'; vus: number; duration: string };

/** The most VUs an executor can run at once: each needs an account of its own. */
export function peakVus(executor: ExecutorConfig): number {
  return executor.executor === 'constant-vus' ? executor.vus : executor.maxVUs;
}

/**
 * A named stretch of the run, as offsets from the scenario's start. Requests are tagged with the
 * phase they start in, so the summary can judge each phase on its own samples.
 */
export interface Phase {
  name: string;
  startMs: number;
  endMs: number;
  /** The target arrival rate held during the phase (capacity steps). */
  rate?: number;
}

/** What the summary adds for the phases. */
export type PhaseReport = 'capacity' | 'soak' | 'refresh-storm' | 'login-storm';

export interface ScenarioPlan {
  name: ScenarioName;
  executor: ExecutorConfig;
  /** Planned length of the executor, without k6's graceful stop. */
  totalMs: number;
  defaultThresholds: string;
  phases: Phase[];
  phaseReport: PhaseReport | null;
  /** Think time after each iteration (VU-based scenarios); 0 for arrival rates. */
  pauseSeconds: number;
  /** Protected requests sent at once per iteration (smoke's `-e PARALLEL`; 1 elsewhere). */
  parallel: number;
  /** How they are sent when `parallel` is more than 1. */
  parallelVia: ParallelVia;
  /** login-storm: when the reference server forgets every session; null when not asked for. */
  sessionLossAtMs: number | null;
  /**
   * session-churn: protected requests per user session, each iteration being one session (login,
   * these requests, logout); 0 elsewhere, where a VU keeps its login for the whole run.
   */
  sessionRequests: number;
  /** The knob values used, as given or defaulted (for the report). */
  knobs: Record<string, string>;
}

/** Storm timelines are cut into at most this many buckets, to bound metric cardinality. */
export const MAX_STORM_BUCKETS = 600;
/** More steps than this makes a capacity run unreadable (and many sub-metrics). */
const MAX_CAPACITY_STEPS = 50;

/** Milliseconds as a k6 duration: 90000 → "90s", 1500 → "1500ms". */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}

function invalid(env: string, expected: string, got: string): ConfigError {
  return new ConfigError(
    ERROR_CODES.SCENARIO_SETTING_INVALID,
    `Invalid -e ${env}; reason: expected ${expected}, got ${JSON.stringify(got.slice(0, 40))}`,
  );
}

export const KNOB_VALUES: Record<KnobKind, string> = {
  rate: 'a whole number of iterations per second from 1 to 1000000',
  duration: 'a k6 duration such as "30s", "5m" or "1h30m", longer than 0',
  warmUp: 'a k6 duration such as "30s", or "0s" for none',
  vus: 'a whole number of VUs from 1 to 100000',
  seconds: 'a number of seconds >= 0',
  windows: 'a whole number from 2 to 12',
  parallel: 'a whole number from 1 to 100',
  parallelVia: '"batch" or "async"',
  requests: 'a whole number from 1 to 1000',
};

/** The knob's value as a number (PARALLEL_VIA: its index in PARALLEL_VIA); a ConfigError if bad. */
function parseKnob(spec: KnobSpec, raw: string): number {
  let value: number;
  switch (spec.kind) {
    case 'rate':
      value = parseWholeNumber(raw, 1, 1_000_000);
      break;
    case 'vus':
      value = parseWholeNumber(raw, 1, 100_000);
      break;
    case 'windows':
      value = parseWholeNumber(raw, 2, 12);
      break;
    case 'parallel':
      value = parseWholeNumber(raw, 1, 100);
      break;
    case 'requests':
      value = parseWholeNumber(raw, 1, 1000);
      break;
    case 'parallelVia': {
      const index = PARALLEL_VIA.indexOf(raw as ParallelVia);
      value = index === -1 ? Number.NaN : index;
      break;
    }
    case 'seconds':
      value = parseDecimal(raw);
      break;
    case 'duration': {
      const ms = parseDurationMs(raw);
      value = ms > 0 ? ms : Number.NaN;
      break;
    }
    case 'warmUp':
      value = parseDurationMs(raw);
      break;
  }
  if (Number.isNaN(value)) throw invalid(spec.env, KNOB_VALUES[spec.kind], raw);
  return value;
}

/** The scenario's knobs from `env` (an empty value counts as unset), validated one by one. */
export function readKnobs(
  name: ScenarioName,
  env: Readonly<Record<string, string | undefined>>,
): { values: Record<string, number>; given: Record<string, string> } {
  const values: Record<string, number> = {};
  const given: Record<string, string> = {};
  for (const spec of SCENARIO_KNOBS[name]) {
    const raw = readEnvValue(env, spec.env) ?? spec.default;
    if (raw === null) continue;
    values[spec.env] = parseKnob(spec, raw);
    given[spec.env] = raw;
  }
  return { values, given };
}

function need(values: Record<string, number>, env: string): number {
  const value = values[env];
  if (value === undefined) throw new Error(`knob ${env} has no value`);
  return value;
}

function requireAtLeast(
  values: Record<string, number>,
  given: Record<string, string>,
  env: string,
  floorEnv: string,
): void {
  if (need(values, env) < need(values, floorEnv)) {
    throw invalid(env, `at least ${floorEnv} (${given[floorEnv]})`, given[env] ?? '');
  }
}

function arrivalVus(values: Record<string, number>, given: Record<string, string>) {
  requireAtLeast(values, given, 'MAX_VUS', 'PRE_ALLOCATED_VUS');
  return { preAllocatedVUs: need(values, 'PRE_ALLOCATED_VUS'), maxVUs: need(values, 'MAX_VUS') };
}

function rampingPlan(
  startRate: number,
  stages: { target: number; ms: number }[],
  values: Record<string, number>,
  given: Record<string, string>,
) {
  return {
    executor: {
      executor: 'ramping-arrival-rate' as const,
      startRate,
      timeUnit: '1s' as const,
      // A 0s WARM_UP is no stage at all.
      stages: stages
        .filter((s) => s.ms > 0)
        .map((s) => ({ target: s.target, duration: formatDuration(s.ms) })),
      ...arrivalVus(values, given),
    },
    totalMs: stages.reduce((sum, s) => sum + s.ms, 0),
  };
}

/** Equal windows over `totalMs`, named window-1…window-N. */
function windowsOf(totalMs: number, count: number): Phase[] {
  const size = totalMs / count;
  return Array.from({ length: count }, (_, i) => ({
    name: `window-${i + 1}`,
    startMs: Math.round(i * size),
    endMs: Math.round((i + 1) * size),
  }));
}

/**
 * Time buckets over a storm: one per second, or wider so there are at most MAX_STORM_BUCKETS.
 * Named by their start second (t0, t1, …): a bounded set of tag values.
 */
export function stormBuckets(totalMs: number): Phase[] {
  const sizeMs = Math.max(1000, Math.ceil(totalMs / MAX_STORM_BUCKETS / 1000) * 1000);
  const count = Math.ceil(totalMs / sizeMs);
  return Array.from({ length: count }, (_, i) => ({
    name: `t${(i * sizeMs) / 1000}`,
    startMs: i * sizeMs,
    endMs: Math.min(totalMs, (i + 1) * sizeMs),
  }));
}

/**
 * The capacity steps: warm up from 0 to RATE (a cold start would make every VU log in at once, a
 * login storm rather than a capacity step), hold RATE, then ramp by STEP_RATE and hold, up to
 * PEAK_RATE (the last step is PEAK_RATE even when the steps do not land on it). Each step's phase
 * is its hold.
 */
export function capacitySteps(values: Record<string, number>, given: Record<string, string>) {
  requireAtLeast(values, given, 'PEAK_RATE', 'RATE');
  const start = need(values, 'RATE');
  const step = need(values, 'STEP_RATE');
  const max = need(values, 'PEAK_RATE');
  const holdMs = need(values, 'HOLD');
  const rampMs = need(values, 'RAMP_UP');
  const warmUpMs = values.WARM_UP ?? 0;
  const rates: number[] = [];
  for (let rate = start; rate < max; rate += step) rates.push(rate);
  rates.push(max);
  if (rates.length > MAX_CAPACITY_STEPS) {
    throw invalid(
      'STEP_RATE',
      `at most ${MAX_CAPACITY_STEPS} steps from RATE to PEAK_RATE (${rates.length} now)`,
      given.STEP_RATE ?? '',
    );
  }
  const stages: { target: number; ms: number }[] = [];
  const phases: Phase[] = [];
  if (warmUpMs > 0) stages.push({ target: start, ms: warmUpMs });
  let atMs = warmUpMs;
  rates.forEach((rate, index) => {
    if (index > 0) {
      stages.push({ target: rate, ms: rampMs });
      atMs += rampMs;
    }
    stages.push({ target: rate, ms: holdMs });
    phases.push({ name: `step-${index + 1}`, startMs: atMs, endMs: atMs + holdMs, rate });
    atMs += holdMs;
  });
  return { startRate: warmUpMs > 0 ? 0 : start, stages, phases };
}

/**
 * Reads and validates the scenario's knobs from `env` and plans its executor and phases.
 * @throws ConfigError SCENARIO_SETTING_INVALID naming the knob, e.g.
 *   `Invalid -e RATE; reason: expected a whole number of iterations per second from 1 to 1000000, got "fast"`.
 */
export function planScenario(
  name: ScenarioName,
  env: Readonly<Record<string, string | undefined>>,
): ScenarioPlan {
  const { values, given } = readKnobs(name, env);
  const base = {
    name,
    defaultThresholds: DEFAULT_THRESHOLDS[name],
    pauseSeconds: 0,
    parallel: 1,
    parallelVia: 'batch' as const,
    sessionLossAtMs: null,
    sessionRequests: 0,
    knobs: given,
  };
  switch (name) {
    case 'smoke': {
      const totalMs = need(values, 'DURATION');
      return {
        ...base,
        executor: {
          executor: 'constant-vus',
          vus: need(values, 'VUS'),
          duration: formatDuration(totalMs),
        },
        totalMs,
        phases: [],
        phaseReport: null,
        pauseSeconds: need(values, 'PAUSE_SECONDS'),
        parallel: need(values, 'PARALLEL'),
        parallelVia: PARALLEL_VIA[need(values, 'PARALLEL_VIA')] ?? 'batch',
      };
    }
    case 'load':
    case 'soak': {
      const totalMs = need(values, 'DURATION');
      const executor: ExecutorConfig = {
        executor: 'constant-arrival-rate',
        rate: need(values, 'RATE'),
        timeUnit: '1s',
        duration: formatDuration(totalMs),
        ...arrivalVus(values, given),
      };
      if (name === 'load') return { ...base, executor, totalMs, phases: [], phaseReport: null };
      const phases = windowsOf(totalMs, need(values, 'WINDOWS'));
      return { ...base, executor, totalMs, phases, phaseReport: 'soak' };
    }
    case 'session-churn': {
      const totalMs = need(values, 'DURATION');
      return {
        ...base,
        executor: {
          executor: 'constant-arrival-rate',
          rate: need(values, 'RATE'),
          timeUnit: '1s',
          duration: formatDuration(totalMs),
          ...arrivalVus(values, given),
        },
        totalMs,
        phases: [],
        phaseReport: null,
        pauseSeconds: need(values, 'PAUSE_SECONDS'),
        sessionRequests: need(values, 'SESSION_REQUESTS'),
      };
    }
    case 'stress': {
      requireAtLeast(values, given, 'PEAK_RATE', 'RATE');
      const peak = need(values, 'PEAK_RATE');
      const plan = rampingPlan(
        need(values, 'RATE'),
        [
          { target: peak, ms: need(values, 'RAMP_UP') },
          { target: peak, ms: need(values, 'HOLD') },
          { target: 0, ms: need(values, 'RAMP_DOWN') },
        ],
        values,
        given,
      );
      return { ...base, ...plan, phases: [], phaseReport: null };
    }
    case 'spike': {
      requireAtLeast(values, given, 'PEAK_RATE', 'RATE');
      const rate = need(values, 'RATE');
      const spike = need(values, 'PEAK_RATE');
      const plan = rampingPlan(
        rate,
        [
          { target: rate, ms: need(values, 'WARM_UP') },
          { target: spike, ms: need(values, 'RAMP_UP') },
          { target: spike, ms: need(values, 'HOLD') },
          { target: rate, ms: need(values, 'RAMP_DOWN') },
          { target: rate, ms: need(values, 'RECOVERY') },
        ],
        values,
        given,
      );
      return { ...base, ...plan, phases: [], phaseReport: null };
    }
    case 'capacity': {
      const { startRate, stages, phases } = capacitySteps(values, given);
      const plan = rampingPlan(startRate, stages, values, given);
      return { ...base, ...plan, phases, phaseReport: 'capacity' };
    }
    case 'refresh-storm':
    case 'login-storm': {
      const totalMs = need(values, 'DURATION');
      const lossAtMs = values.SESSION_LOSS_AT ?? null;
      if (lossAtMs !== null && lossAtMs >= totalMs) {
        throw invalid(
          'SESSION_LOSS_AT',
          `less than DURATION (${given.DURATION})`,
          given.SESSION_LOSS_AT ?? '',
        );
      }
      return {
        ...base,
        executor: {
          executor: 'constant-vus',
          vus: need(values, 'VUS'),
          duration: formatDuration(totalMs),
        },
        totalMs,
        phases: stormBuckets(totalMs),
        phaseReport: name,
        pauseSeconds: need(values, 'PAUSE_SECONDS'),
        sessionLossAtMs: lossAtMs,
      };
    }
  }
}

/**
 * Limits the plan itself calls for, put in place of the profile's before the `-e` overrides
 * apply. A login-storm with `SESSION_LOSS_AT` makes every VU meet one expired-credential rejection
 * and, in dual mode, one refused refresh (counted in `auth_errors`: at most one in three attempts,
 * with the login before and the login after): the profile's limits on those two are relaxed to
 * exactly that, unless `-e THRESHOLDS_OVERRIDE` sets them.
 */
export function planThresholds(plan: ScenarioPlan, mode: string): Record<string, string> {
  if (plan.sessionLossAtMs === null || plan.executor.executor !== 'constant-vus') return {};
  const relaxed: Record<string, string> = {
    auth_expired_rejections: `count<=${plan.executor.vus}`,
  };
  if (mode === 'dual') relaxed.auth_errors = 'rate<0.34';
  return relaxed;
}
