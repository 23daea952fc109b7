/**
 * Faults injected at run time through `/_admin/faults`: latency, a failure window, a rate limit
 * (429 with Retry-After, RFC 6585 §4) per endpoint, and a clock offset. Windows use the real
 * clock; the offset shifts only the clock that issues and checks credentials.
 */
import { ToolkitError } from '../lib/core/errors.ts';
import { SERVER_ERROR_CODES } from './errors.ts';
import type { CountedEndpoint } from './stats.ts';

const FAULT_ENDPOINTS: readonly CountedEndpoint[] = ['login', 'refresh', 'protected', 'logout'];

/** The JSON body of `POST /_admin/faults`, as validated. Every field is optional; fields merge. */
export interface FaultPatch {
  /** Added latency per endpoint, ms; 0 removes it. */
  latencyMs?: Partial<Record<CountedEndpoint, number>>;
  /** Answer `status` on `endpoint` for the next `seconds` (0 ends a window). */
  failure?: FailureSpec[];
  /** Above `perSecond` requests in a wall-clock second, answer 429 with Retry-After. */
  rateLimit?: RateLimitSpec[];
  /** Shift the server's notion of now, for issuing and verifying tokens and sessions. */
  clockOffsetSeconds?: number;
  /** Action, not state: drop every session and refresh family now, as a restart would. */
  forgetAll?: boolean;
  /**
   * Action, not state: revoke every refresh family of these usernames now (their access tokens
   * too), as an administrator revoking a user's grants would (RFC 7009 §2.1).
   */
  revokeAccounts?: string[];
}

/** 500 and 503: an outage; 401: a refusal, as of an account locked or a password changed mid-run. */
export type FailureStatus = 401 | 500 | 503;

export interface FailureSpec {
  endpoint: CountedEndpoint;
  status: FailureStatus;
  seconds: number;
}

export interface RateLimitSpec {
  endpoint: CountedEndpoint;
  /** 0 refuses every request. */
  perSecond: number;
  retryAfterSeconds: number;
}

/** What the fault layer decided for one request. */
export type FaultDecision =
  | { kind: 'pass'; latencyMs: number }
  | { kind: 'fail'; status: FailureStatus; latencyMs: number }
  | { kind: 'rate_limited'; retryAfterSeconds: number };

/** The JSON of `GET /_admin/faults`. */
export interface FaultView {
  latencyMs: Partial<Record<CountedEndpoint, number>>;
  failure: Array<{ endpoint: CountedEndpoint; status: FailureStatus; remainingSeconds: number }>;
  rateLimit: RateLimitSpec[];
  clockOffsetSeconds: number;
}

const MAX_LATENCY_MS = 60_000;
const MAX_WINDOW_SECONDS = 86_400;
const MAX_OFFSET_SECONDS = 10 * 365 * 86_400;

interface RateWindow extends RateLimitSpec {
  second: number;
  count: number;
}

/** The active faults. `wallClock` is the real clock (never offset). */
export class Faults {
  private latencyMs: Partial<Record<CountedEndpoint, number>> = {};
  private failures = new Map<CountedEndpoint, { status: FailureStatus; untilMs: number }>();
  private rateLimits = new Map<CountedEndpoint, RateWindow>();
  clockOffsetSeconds = 0;
  private readonly wallClock: () => number;

  constructor(wallClock: () => number) {
    this.wallClock = wallClock;
  }

  /** Merges a validated patch (its `forgetAll` is the caller's to act on). */
  apply(patch: FaultPatch): void {
    for (const endpoint of FAULT_ENDPOINTS) {
      const latency = patch.latencyMs?.[endpoint];
      if (latency === 0) delete this.latencyMs[endpoint];
      else if (latency !== undefined) this.latencyMs[endpoint] = latency;
    }
    for (const failure of patch.failure ?? []) {
      if (failure.seconds === 0) this.failures.delete(failure.endpoint);
      else {
        const untilMs = this.wallClock() + failure.seconds * 1000;
        this.failures.set(failure.endpoint, { status: failure.status, untilMs });
      }
    }
    for (const limit of patch.rateLimit ?? []) {
      this.rateLimits.set(limit.endpoint, { ...limit, second: 0, count: 0 });
    }
    if (patch.clockOffsetSeconds !== undefined) this.clockOffsetSeconds = patch.clockOffsetSeconds;
  }

  clear(): void {
    this.latencyMs = {};
    this.failures.clear();
    this.rateLimits.clear();
    this.clockOffsetSeconds = 0;
  }

  /** Decides one request's fate; counts it against the endpoint's rate limit. */
  decide(endpoint: CountedEndpoint): FaultDecision {
    const nowMs = this.wallClock();
    const limit = this.rateLimits.get(endpoint);
    if (limit !== undefined) {
      const second = Math.floor(nowMs / 1000);
      if (limit.second !== second) {
        limit.second = second;
        limit.count = 0;
      }
      limit.count += 1;
      if (limit.count > limit.perSecond) {
        return { kind: 'rate_limited', retryAfterSeconds: limit.retryAfterSeconds };
      }
    }
    const latencyMs = this.latencyMs[endpoint] ?? 0;
    const failure = this.failures.get(endpoint);
    if (failure !== undefined) {
      if (nowMs < failure.untilMs) return { kind: 'fail', status: failure.status, latencyMs };
      this.failures.delete(endpoint);
    }
    return { kind: 'pass', latencyMs };
  }

  view(): FaultView {
    const nowMs = this.wallClock();
    const failure: FaultView['failure'] = [];
    for (const [endpoint, active] of this.failures) {
      if (nowMs >= active.untilMs) continue;
      const remainingSeconds = Math.ceil((active.untilMs - nowMs) / 1000);
      failure.push({ endpoint, status: active.status, remainingSeconds });
    }
    const rateLimit = [...this.rateLimits.values()].map(
      ({ endpoint, perSecond, retryAfterSeconds }) => ({ endpoint, perSecond, retryAfterSeconds }),
    );
    return {
      latencyMs: { ...this.latencyMs },
      failure,
      rateLimit,
      clockOffsetSeconds: this.clockOffsetSeconds,
    };
  }
}

/**
 * Validates a `POST /_admin/faults` body. `failure` and `rateLimit` take one object or an array.
 * Throws a `ToolkitError` with code `FAULTS_INVALID` on the first problem (the admin route
 * answers it as 400 `invalid_faults`).
 */
export function parseFaultPatch(body: unknown): FaultPatch {
  const root = expectObject(body, 'faults');
  const patch: FaultPatch = {};
  for (const [key, value] of Object.entries(root)) {
    switch (key) {
      case 'latencyMs':
        patch.latencyMs = parseLatency(value);
        break;
      case 'failure':
        patch.failure = asList(value, 'faults.failure').map(parseFailure);
        break;
      case 'rateLimit':
        patch.rateLimit = asList(value, 'faults.rateLimit').map(parseRateLimit);
        break;
      case 'clockOffsetSeconds':
        patch.clockOffsetSeconds = expectNumber(
          value,
          'faults.clockOffsetSeconds',
          -MAX_OFFSET_SECONDS,
          MAX_OFFSET_SECONDS,
          false,
        );
        break;
      case 'forgetAll':
        if (typeof value !== 'boolean') fail('faults.forgetAll', 'true or false', value);
        patch.forgetAll = value;
        break;
      case 'revokeAccounts':
        patch.revokeAccounts = parseAccounts(value);
        break;
      default:
        fail(
          `faults.${key.slice(0, 40)}`,
          'one of latencyMs, failure, rateLimit, clockOffsetSeconds, forgetAll, revokeAccounts',
          'an unknown field',
        );
    }
  }
  return patch;
}

function parseLatency(value: unknown): Partial<Record<CountedEndpoint, number>> {
  const latency: Partial<Record<CountedEndpoint, number>> = {};
  for (const [key, ms] of Object.entries(expectObject(value, 'faults.latencyMs'))) {
    const endpoint = expectEndpoint(key, 'faults.latencyMs key');
    latency[endpoint] = expectNumber(ms, `faults.latencyMs.${endpoint}`, 0, MAX_LATENCY_MS, true);
  }
  return latency;
}

function parseFailure(value: unknown, index: number): FailureSpec {
  const where = `faults.failure[${index}]`;
  const item = expectObject(value, where);
  rejectUnknownKeys(item, where, ['endpoint', 'status', 'seconds']);
  const status = item.status;
  if (status !== 401 && status !== 500 && status !== 503) {
    fail(`${where}.status`, '401, 500 or 503', status);
  }
  return {
    endpoint: expectEndpoint(item.endpoint, `${where}.endpoint`),
    status,
    seconds: expectNumber(item.seconds, `${where}.seconds`, 0, MAX_WINDOW_SECONDS, false),
  };
}

function parseRateLimit(value: unknown, index: number): RateLimitSpec {
  const where = `faults.rateLimit[${index}]`;
  const item = expectObject(value, where);
  rejectUnknownKeys(item, where, ['endpoint', 'perSecond', 'retryAfterSeconds']);
  return {
    endpoint: expectEndpoint(item.endpoint, `${where}.endpoint`),
    perSecond: expectNumber(item.perSecond, `${where}.perSecond`, 0, 1_000_000, true),
    retryAfterSeconds:
      item.retryAfterSeconds === undefined
        ? 1
        : expectNumber(item.retryAfterSeconds, `${where}.retryAfterSeconds`, 0, 86_400, true),
  };
}

function parseAccounts(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 1000) {
    fail('faults.revokeAccounts', 'an array of at most 1000 usernames', value);
  }
  return value.map((name, index) => {
    if (typeof name !== 'string' || name === '' || name.length > 100) {
      fail(`faults.revokeAccounts[${index}]`, 'a username of 1 to 100 characters', name);
    }
    return name;
  });
}

function asList(value: unknown, where: string): unknown[] {
  if (Array.isArray(value)) return value;
  expectObject(value, where);
  return [value];
}

function expectObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(where, 'a JSON object', value);
  }
  return value as Record<string, unknown>;
}

function expectEndpoint(value: unknown, where: string): CountedEndpoint {
  const endpoint = FAULT_ENDPOINTS.find((candidate) => candidate === value);
  if (endpoint === undefined) fail(where, `one of ${FAULT_ENDPOINTS.join(', ')}`, value);
  return endpoint;
}

function expectNumber(
  value: unknown,
  where: string,
  min: number,
  max: number,
  integer: boolean,
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) fail(where, `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`, value);
  return value as number;
}

function rejectUnknownKeys(item: Record<string, unknown>, where: string, known: string[]): void {
  for (const key of Object.keys(item)) {
    if (!known.includes(key)) {
      fail(`${where}.${key.slice(0, 40)}`, `one of ${known.join(', ')}`, 'an unknown field');
    }
  }
}

function fail(where: string, expected: string, got: unknown): never {
  throw new ToolkitError(
    SERVER_ERROR_CODES.FAULTS_INVALID,
    `${where} is invalid; reason: expected ${expected}, got ${describe(got)}`,
  );
}

function describe(value: unknown): string {
  if (value === 'an unknown field') return value;
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value).slice(0, 40);
}
