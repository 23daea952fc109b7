/**
 * Counters behind `GET /_admin/stats`: what the server saw, so a test can check what k6 reported.
 * Timelines are keyed by wall-clock epoch second (the real clock, not the clock-offset fault), so
 * they line up with k6's timestamps.
 */

/** The endpoints counted in `requests` (the `endpoint` tag values the server serves). */
export type CountedEndpoint = 'login' | 'refresh' | 'protected' | 'logout';

/** The JSON of `GET /_admin/stats`. */
export interface StatsSnapshot {
  /** Successful logins, form and JSON. */
  logins: number;
  /** Logins refused for wrong credentials (401). Bad input (400/415/413) is not counted. */
  loginFailures: number;
  /** Successful logins per username (`(other)` past the first 10,000 names). */
  loginsByAccount: Record<string, number>;
  /** Logins refused for wrong credentials per username given (`(other)` past 10,000 names). */
  loginFailuresByAccount: Record<string, number>;
  /** Successful refreshes, grace-window repeats included. */
  refreshes: number;
  /** Refreshes refused (400 or 401), by any reason. */
  refreshFailures: number;
  /** Old refresh tokens presented: each revoked a whole family (RFC 9700 §4.14.2). */
  refreshReuseDetections: number;
  /**
   * Protected requests refused because the credential had expired or been revoked (reasons
   * `expired`, `revoked`, `session_expired`, `unknown_session`): the server side of k6's
   * `auth_expired_rejections`.
   */
  expiredCredentialRejections: number;
  /** 401s of `GET /protected`, by reason. */
  unauthorizedByReason: Record<string, number>;
  /** Refused refreshes, by reason (`missing`, `expired`, `reused`, `revoked`, `wrong_type`…). */
  refreshFailuresByReason: Record<string, number>;
  /** Sessions alive now. */
  activeSessions: number;
  /** Refresh families alive now (one per JSON login still refreshable). */
  activeRefreshFamilies: number;
  /** Requests received per endpoint, faulted ones included. */
  requests: Record<CountedEndpoint, number>;
  /** Answers per HTTP status, all endpoints but `/_admin`. */
  responsesByStatus: Record<string, number>;
  /** Requests answered by an injected failure (500/503) or rate limit (429). */
  faultsInjected: { failures: number; rateLimited: number };
  /**
   * How clients followed an injected 429's Retry-After, per connection (a client that opens a new
   * connection is not followed): `followed` next requests seen, `early` of them sent before the
   * wait was over, `smallestMarginMs` = min(waited − asked), negative when early; null: none seen.
   */
  retryAfter: {
    answered: number;
    followed: number;
    early: number;
    smallestMarginMs: number | null;
  };
  /** Successful logins and refreshes per epoch second, over the last 10 minutes. */
  timeline: { logins: Record<string, number>; refreshes: Record<string, number> };
  peakLoginsPerSecond: number;
  peakRefreshesPerSecond: number;
  /** When counting started (start or last reset), epoch ms. */
  sinceMs: number;
}

const TIMELINE_SECONDS = 600;
/** Per-account counters keep at most this many names, so odd usernames cannot grow memory. */
const MAX_ACCOUNT_KEYS = 10_000;
const OTHER_ACCOUNTS = '(other)';

/** Per-second counts over a sliding 10-minute window. */
class Timeline {
  private readonly counts = new Map<number, number>();

  add(epochSecond: number): void {
    this.counts.set(epochSecond, (this.counts.get(epochSecond) ?? 0) + 1);
    // Map iteration order is insertion order, so the oldest seconds come first.
    for (const second of this.counts.keys()) {
      if (second > epochSecond - TIMELINE_SECONDS) break;
      this.counts.delete(second);
    }
  }

  snapshot(nowSecond: number): { perSecond: Record<string, number>; peak: number } {
    const perSecond: Record<string, number> = {};
    let peak = 0;
    for (const [second, count] of this.counts) {
      if (second <= nowSecond - TIMELINE_SECONDS) continue;
      perSecond[String(second)] = count;
      peak = Math.max(peak, count);
    }
    return { perSecond, peak };
  }
}

/** The live counters; `snapshot` adds the gauges only the app knows (sessions, families). */
export class Stats {
  logins = 0;
  loginFailures = 0;
  refreshes = 0;
  refreshFailures = 0;
  refreshReuseDetections = 0;
  expiredCredentialRejections = 0;
  unauthorizedByReason: Record<string, number> = {};
  refreshFailuresByReason: Record<string, number> = {};
  requests: Record<CountedEndpoint, number> = { login: 0, refresh: 0, protected: 0, logout: 0 };
  responsesByStatus: Record<string, number> = {};
  faultsInjected = { failures: 0, rateLimited: 0 };
  // Maps: usernames come from requests, and `__proto__` must stay a name, not a prototype.
  private loginsByAccount = new Map<string, number>();
  private loginFailuresByAccount = new Map<string, number>();
  retryAfter: StatsSnapshot['retryAfter'] = emptyRetryAfter();
  sinceMs: number;
  private loginTimeline = new Timeline();
  private refreshTimeline = new Timeline();
  private readonly wallClock: () => number;

  constructor(wallClock: () => number) {
    this.wallClock = wallClock;
    this.sinceMs = wallClock();
  }

  recordLogin(username: string): void {
    this.logins += 1;
    incrementAccount(this.loginsByAccount, username);
    this.loginTimeline.add(Math.floor(this.wallClock() / 1000));
  }

  recordLoginFailure(username: string): void {
    this.loginFailures += 1;
    incrementAccount(this.loginFailuresByAccount, username);
  }

  /** A request that followed a 429 on the same connection, `marginMs` after the wait asked. */
  recordRetryAfterFollowed(marginMs: number): void {
    this.retryAfter.followed += 1;
    if (marginMs < 0) this.retryAfter.early += 1;
    const smallest = this.retryAfter.smallestMarginMs;
    this.retryAfter.smallestMarginMs = smallest === null ? marginMs : Math.min(smallest, marginMs);
  }

  recordRefresh(): void {
    this.refreshes += 1;
    this.refreshTimeline.add(Math.floor(this.wallClock() / 1000));
  }

  recordRefreshFailure(reason: string): void {
    this.refreshFailures += 1;
    increment(this.refreshFailuresByReason, reason);
  }

  recordUnauthorized(reason: string): void {
    increment(this.unauthorizedByReason, reason);
    if (
      reason === 'expired' ||
      reason === 'revoked' ||
      reason === 'session_expired' ||
      reason === 'unknown_session'
    ) {
      this.expiredCredentialRejections += 1;
    }
  }

  recordStatus(status: number): void {
    increment(this.responsesByStatus, String(status));
  }

  reset(): void {
    this.logins = 0;
    this.loginFailures = 0;
    this.refreshes = 0;
    this.refreshFailures = 0;
    this.refreshReuseDetections = 0;
    this.expiredCredentialRejections = 0;
    this.unauthorizedByReason = {};
    this.refreshFailuresByReason = {};
    this.requests = { login: 0, refresh: 0, protected: 0, logout: 0 };
    this.responsesByStatus = {};
    this.faultsInjected = { failures: 0, rateLimited: 0 };
    this.loginsByAccount = new Map();
    this.loginFailuresByAccount = new Map();
    this.retryAfter = emptyRetryAfter();
    this.loginTimeline = new Timeline();
    this.refreshTimeline = new Timeline();
    this.sinceMs = this.wallClock();
  }

  snapshot(gauges: { activeSessions: number; activeRefreshFamilies: number }): StatsSnapshot {
    const nowSecond = Math.floor(this.wallClock() / 1000);
    const logins = this.loginTimeline.snapshot(nowSecond);
    const refreshes = this.refreshTimeline.snapshot(nowSecond);
    return {
      logins: this.logins,
      loginFailures: this.loginFailures,
      loginsByAccount: Object.fromEntries(this.loginsByAccount),
      loginFailuresByAccount: Object.fromEntries(this.loginFailuresByAccount),
      refreshes: this.refreshes,
      refreshFailures: this.refreshFailures,
      refreshReuseDetections: this.refreshReuseDetections,
      expiredCredentialRejections: this.expiredCredentialRejections,
      unauthorizedByReason: { ...this.unauthorizedByReason },
      refreshFailuresByReason: { ...this.refreshFailuresByReason },
      activeSessions: gauges.activeSessions,
      activeRefreshFamilies: gauges.activeRefreshFamilies,
      requests: { ...this.requests },
      responsesByStatus: { ...this.responsesByStatus },
      faultsInjected: { ...this.faultsInjected },
      retryAfter: { ...this.retryAfter },
      timeline: { logins: logins.perSecond, refreshes: refreshes.perSecond },
      peakLoginsPerSecond: logins.peak,
      peakRefreshesPerSecond: refreshes.peak,
      sinceMs: this.sinceMs,
    };
  }
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function incrementAccount(counts: Map<string, number>, username: string): void {
  const name = username.slice(0, 100);
  const key = counts.has(name) || counts.size < MAX_ACCOUNT_KEYS ? name : OTHER_ACCOUNTS;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function emptyRetryAfter(): StatsSnapshot['retryAfter'] {
  return { answered: 0, followed: 0, early: 0, smallestMarginMs: null };
}
