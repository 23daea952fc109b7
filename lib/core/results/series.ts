/**
 * The time series of a run (series.json): k6's samples reduced, as they stream, into windows of
 * equal width, per `endpoint` tag (requests, errors, p50/p95/p99) and for the auth counters. The
 * reduction is bounded whatever the run's length: at most `maxWindows` windows (a window width
 * grows along `WINDOW_LADDER_MS`, merging neighbours, when the run outlasts it), one mergeable
 * histogram per window and endpoint (histogram.ts), and no sample kept.
 */

import { type EncodedHistogram, LogHistogram } from './histogram.ts';
import type { K6Sample } from './k6-samples.ts';

/** The series.json format version; fields may be added within a version, never renamed or dropped. */
export const SERIES_VERSION = 1;
/** About one point per horizontal pixel of a chart, and a few MB for any run. */
export const MAX_WINDOWS = 720;
/**
 * Window widths, each a whole multiple of the one before, so growing merges whole windows: a
 * 12-minute run gets 1 s windows, a 2-hour soak 10 s, a day 2 min. Past the last, widths double.
 */
export const WINDOW_LADDER_MS = [
  1000, 2000, 10_000, 20_000, 60_000, 120_000, 600_000, 1_200_000, 3_600_000,
] as const;

/** One window of one endpoint. Percentiles in ms; null when the window had no request. */
export interface EndpointWindow {
  /** Window start, ms since the run's start. */
  t: number;
  requests: number;
  /** Requests with `http_req_failed` true. */
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface AuthWindow {
  t: number;
  logins: number;
  refreshes: number;
  relogins: number;
  /** `auth_errors` samples that were true (a login or refresh attempt that failed). */
  authErrors: number;
  /** `auth_expired_rejections`: protected requests refused because credentials had expired. */
  expiredRejections: number;
}

export interface Series {
  version: typeof SERIES_VERSION;
  scenario: string;
  /** ISO time of the first sample: `t` is counted from here. */
  startedAt: string;
  windowMs: number;
  endpoints: Record<string, EndpointWindow[]>;
  auth: AuthWindow[];
  /** Each endpoint's whole run in one histogram (see histogram.ts for the encoding). */
  histograms: Record<string, EncodedHistogram>;
}

/**
 * The metrics `addSample` reads; a reader can skip every other line before parsing it. A request
 * without an `endpoint` tag counts under `UNTAGGED` (a user's own script).
 */
export const SERIES_METRICS = [
  'http_req_duration',
  'http_req_failed',
  'auth_logins',
  'auth_refreshes',
  'auth_relogins',
  'auth_errors',
  'auth_expired_rejections',
] as const;

/** The key of requests that carry no `endpoint` tag. */
export const UNTAGGED = '(none)';

interface EndpointSlot {
  requests: number;
  errors: number;
  histogram: LogHistogram;
}

type AuthCounts = Omit<AuthWindow, 't'>;

const AUTH_FIELDS: Record<string, keyof AuthCounts> = {
  auth_logins: 'logins',
  auth_refreshes: 'refreshes',
  auth_relogins: 'relogins',
  auth_expired_rejections: 'expiredRejections',
};

function emptyAuth(): AuthCounts {
  return { logins: 0, refreshes: 0, relogins: 0, authErrors: 0, expiredRejections: 0 };
}

/** The next width after `widthMs`: the ladder's next step, or double past its end. */
export function nextWindowMs(widthMs: number): number {
  const next = WINDOW_LADDER_MS.find((width) => width > widthMs);
  return next ?? widthMs * 2;
}

export interface SeriesReducerOptions {
  maxWindows?: number;
  /** The first window width; grows along the ladder from here. */
  windowMs?: number;
  /** The run's start, epoch ms; the first sample's time when absent. */
  startMs?: number;
}

/**
 * Reduces samples into windows. Memory is bounded by `maxWindows` × endpoints × the histograms'
 * bucket span (a few hundred numbers), not by the number of samples.
 */
export class SeriesReducer {
  private readonly maxWindows: number;
  private width: number;
  private start: number | undefined;
  private last = -1;
  private readonly endpoints = new Map<string, (EndpointSlot | undefined)[]>();
  private auth: (AuthCounts | undefined)[] = [];
  private readonly whole = new Map<string, LogHistogram>();

  constructor(options: SeriesReducerOptions = {}) {
    this.maxWindows = options.maxWindows ?? MAX_WINDOWS;
    this.width = options.windowMs ?? WINDOW_LADDER_MS[0];
    this.start = options.startMs;
    if (!(this.maxWindows >= 2))
      throw new RangeError(`maxWindows; expected ≥ 2, got ${this.maxWindows}`);
  }

  get windowMs(): number {
    return this.width;
  }

  /** Windows so far (the last one with a sample, plus those before it). */
  get windowCount(): number {
    return this.last + 1;
  }

  /** Adds one sample. Samples may come out of order; one before the start counts in window 0. */
  addSample(sample: K6Sample): void {
    if (this.start === undefined) this.start = sample.timeMs;
    const offset = Math.max(0, sample.timeMs - this.start);
    while (Math.floor(offset / this.width) >= this.maxWindows) this.widen();
    const index = Math.floor(offset / this.width);
    if (index > this.last) this.last = index;
    switch (sample.metric) {
      case 'http_req_duration': {
        const endpoint = sample.tags.endpoint ?? UNTAGGED;
        const slot = this.slot(endpoint, index);
        slot.requests += 1;
        slot.histogram.record(sample.value);
        this.wholeHistogram(endpoint).record(sample.value);
        return;
      }
      case 'http_req_failed':
        if (sample.value !== 0) this.slot(sample.tags.endpoint ?? UNTAGGED, index).errors += 1;
        return;
      case 'auth_errors':
        if (sample.value !== 0) this.authSlot(index).authErrors += 1;
        return;
      default: {
        const field = AUTH_FIELDS[sample.metric];
        if (field !== undefined) this.authSlot(index)[field] += sample.value;
      }
    }
  }

  private slot(endpoint: string, index: number): EndpointSlot {
    let windows = this.endpoints.get(endpoint);
    if (windows === undefined) {
      windows = [];
      this.endpoints.set(endpoint, windows);
    }
    let slot = windows[index];
    if (slot === undefined) {
      slot = { requests: 0, errors: 0, histogram: new LogHistogram() };
      windows[index] = slot;
    }
    return slot;
  }

  private authSlot(index: number): AuthCounts {
    let slot = this.auth[index];
    if (slot === undefined) {
      slot = emptyAuth();
      this.auth[index] = slot;
    }
    return slot;
  }

  private wholeHistogram(endpoint: string): LogHistogram {
    let histogram = this.whole.get(endpoint);
    if (histogram === undefined) {
      histogram = new LogHistogram();
      this.whole.set(endpoint, histogram);
    }
    return histogram;
  }

  /** Moves to the next width, merging each group of old windows into one. */
  private widen(): void {
    const next = nextWindowMs(this.width);
    const factor = next / this.width;
    for (const [endpoint, windows] of this.endpoints) {
      const merged: (EndpointSlot | undefined)[] = [];
      windows.forEach((slot, index) => {
        if (slot === undefined) return;
        const target = Math.floor(index / factor);
        const into = merged[target];
        if (into === undefined) {
          merged[target] = slot;
        } else {
          into.requests += slot.requests;
          into.errors += slot.errors;
          into.histogram.merge(slot.histogram);
        }
      });
      this.endpoints.set(endpoint, merged);
    }
    const auth: (AuthCounts | undefined)[] = [];
    this.auth.forEach((slot, index) => {
      if (slot === undefined) return;
      const target = Math.floor(index / factor);
      const into = auth[target];
      if (into === undefined) {
        auth[target] = slot;
      } else {
        for (const key of Object.keys(slot) as (keyof AuthCounts)[]) into[key] += slot[key];
      }
    });
    this.auth = auth;
    if (this.last >= 0) this.last = Math.floor(this.last / factor);
    this.width = next;
  }

  /** The series so far: every window from 0 to the last, zeros where nothing happened. */
  finish(scenario: string): Series {
    const count = this.last + 1;
    const endpoints: Record<string, EndpointWindow[]> = {};
    for (const endpoint of [...this.endpoints.keys()].sort()) {
      const windows = this.endpoints.get(endpoint) ?? [];
      endpoints[endpoint] = Array.from({ length: count }, (_, index) => {
        const slot = windows[index];
        const t = index * this.width;
        if (slot === undefined)
          return { t, requests: 0, errors: 0, p50: null, p95: null, p99: null };
        return {
          t,
          requests: slot.requests,
          errors: slot.errors,
          p50: roundMs(slot.histogram.quantile(0.5)),
          p95: roundMs(slot.histogram.quantile(0.95)),
          p99: roundMs(slot.histogram.quantile(0.99)),
        };
      });
    }
    const auth = Array.from({ length: count }, (_, index) => ({
      t: index * this.width,
      ...(this.auth[index] ?? emptyAuth()),
    }));
    const histograms: Record<string, EncodedHistogram> = {};
    for (const endpoint of [...this.whole.keys()].sort()) {
      const histogram = this.whole.get(endpoint);
      if (histogram !== undefined) histograms[endpoint] = histogram.encode();
    }
    return {
      version: SERIES_VERSION,
      scenario,
      startedAt: new Date(this.start ?? 0).toISOString(),
      windowMs: this.width,
      endpoints,
      auth,
      histograms,
    };
  }
}

/** Three decimals (µs): more would be noise under a 1 % error, and it keeps the file small. */
function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}
