/**
 * The fault catalogue of `npm run chaos` (issue 11, item 9): each case starts its own reference
 * server(s) on loopback, runs the real k6 with a catalogue scenario, injects its fault at a set
 * moment through `/_admin/faults` (or stops and restarts the server process, or points k6 at a
 * port nothing listens on), measures, and judges with chaos-verdicts.ts.
 *
 * "Survived" (the words): errors stop within the fault's end plus one back-off cap, at
 * most one relogin per affected VU, nothing sent before Retry-After, no secret printed.
 */
import { join } from 'node:path';
import { SHORT_LEEWAY, THRESHOLDS_FOR_FAULTS, waitFor } from '../helpers/k6.ts';
import {
  type ReferenceServer,
  type Stats,
  startReferenceServer,
} from '../helpers/reference-server.ts';
import {
  accountDelta,
  BACKOFF_CAP_MS,
  type ChaosK6Result,
  closedLoopbackPort,
  runChaosK6,
  SCHEDULING_SLACK_MS,
  scanForSecrets,
} from './chaos-harness.ts';
import {
  type AllowedSpan,
  collectRequests,
  countPerVu,
  errorsOutside,
  errorTimes,
  followRetryAfter,
  largestCount,
  percentile,
  vusServedAfter,
} from './chaos-points.ts';
import {
  atLeast,
  atMost,
  type ChaosCaseResult,
  type Criterion,
  equalTo,
  errorsStop,
  formatSeconds,
  judgeCase,
  lessThan,
  noSecretPrinted,
} from './chaos-verdicts.ts';

export interface CaseContext {
  /** CI's version: shorter windows and runs, every fault still. */
  short: boolean;
  /** The suite folder (absolute). */
  suiteDir: string;
  /** Progress lines for the terminal. */
  say: (line: string) => void;
}

export interface ChaosCase {
  id: string;
  /**
   * Cases with the same group run at the same time (each has its own server and k6): the
   * misconfigurations, which load two cores lightly and are judged by counts, not timing.
   */
  group?: string;
  run(context: CaseContext): Promise<ChaosCaseResult>;
}

const ALLOWANCE_MS = BACKOFF_CAP_MS + SCHEDULING_SLACK_MS;
const ALLOWANCE = `${formatSeconds(BACKOFF_CAP_MS)} back-off cap + ${formatSeconds(SCHEDULING_SLACK_MS)} slack`;
/** k6's default `gracefulStop`: the scenarios set none. */
const GRACEFUL_STOP_MS = 30_000;
/** k6 gets this long beyond its planned run before it is stopped. */
const K6_GRACE_MS = 60_000;

/** The servers of one case: the current one, and every one's output for the secret scan. */
class Servers {
  current: ReferenceServer;
  private readonly stopped: string[] = [];
  private readonly env: Record<string, string>;

  private constructor(server: ReferenceServer, env: Record<string, string>) {
    this.current = server;
    this.env = env;
  }

  static async start(env: Record<string, string>): Promise<Servers> {
    return new Servers(await startReferenceServer(env), env);
  }

  /** A real restart: stop the process, wait `downMs`, start a new one on the same port. */
  async restart(downMs: number): Promise<{ downAtMs: number; upAtMs: number }> {
    const port = new URL(this.current.url).port;
    await this.current.stop();
    const downAtMs = Date.now();
    this.stopped.push(this.current.output());
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.current = await startReferenceServer({ ...this.env, PORT: port });
    return { downAtMs, upAtMs: Date.now() };
  }

  outputs(): string[] {
    return [...this.stopped, this.current.output()];
  }

  stop(): Promise<void> {
    return this.current.stop();
  }
}

/** What a smoke-based case injects, once k6 runs; returns when its fault ends. */
interface Injection {
  /** The spans during which errors are expected (each: the fault, start to end). */
  spans: Array<{ startMs: number; endMs: number }>;
  /** Login counts per account when the fault began (relogins are counted from there). */
  loginsBefore: Record<string, number>;
  /** Stats of the server the fault was injected into, at its end (a restart: the new one). */
  notes?: Record<string, number | string>;
}

interface SmokeCase {
  id: string;
  fault: (short: boolean) => string;
  survived: string;
  vus: number;
  durationSeconds: (short: boolean) => number;
  serverEnv: Record<string, string>;
  k6Env?: Record<string, string>;
  /** Set before k6 starts (e.g. a rate limit from the first request). */
  before?: (servers: Servers) => Promise<void>;
  inject: (servers: Servers, short: boolean) => Promise<Injection>;
  /** VUs whose credentials the fault hits (default: all). */
  affectedAccounts?: (vus: number) => string[];
  /** More criteria from the case's own measurements. */
  extra?: (measured: SmokeMeasured) => Criterion[];
  /** k6's expected verdict, when not 0: the code and the thresholds that must be the crossed ones. */
  expectedExit?: { code: number; crossed: string[] };
}

interface SmokeMeasured {
  result: ChaosK6Result;
  stats: Stats;
  injection: Injection;
  vus: number;
}

const baseDualEnv = (serverUrl: string, vus: number, durationSeconds: number) => ({
  BASE_URL: serverUrl,
  AUTH_MODE: 'dual',
  VUS: String(vus),
  DURATION: `${durationSeconds}s`,
  ...THRESHOLDS_FOR_FAULTS,
});

async function waitForRefreshes(server: ReferenceServer, count: number): Promise<void> {
  await waitFor(
    'a first round of refreshes',
    async () => (await server.stats()).refreshes >= count,
    30_000,
  );
}

function smokeCase(spec: SmokeCase): ChaosCase {
  return {
    id: spec.id,
    async run(context) {
      const folder = spec.id;
      const duration = spec.durationSeconds(context.short);
      const servers = await Servers.start(spec.serverEnv);
      let result: ChaosK6Result;
      let injection: Injection;
      let stats: Stats;
      try {
        await spec.before?.(servers);
        const running = runChaosK6({
          script: 'dist/smoke.js',
          env: { ...baseDualEnv(servers.current.url, spec.vus, duration), ...spec.k6Env },
          folder: join(context.suiteDir, folder),
          timeoutMs: duration * 1000 + K6_GRACE_MS,
        });
        // A failed injection must not leave k6 running unobserved: wait for it either way.
        const injected = spec.inject(servers, context.short);
        const [finished, done] = await Promise.allSettled([running, injected]);
        if (finished.status === 'rejected') throw finished.reason;
        if (done.status === 'rejected') throw done.reason;
        result = finished.value;
        injection = done.value;
        stats = await servers.current.stats();
      } finally {
        await servers.stop();
      }
      const measured: SmokeMeasured = { result, stats, injection, vus: spec.vus };
      const criteria = recoveryCriteria(measured, spec, servers.outputs());
      return judgeCase({
        id: spec.id,
        fault: spec.fault(context.short),
        survived: spec.survived,
        criteria: [...criteria, ...(spec.extra?.(measured) ?? [])],
        numbers: numbersOf(measured),
        folder,
      });
    },
  };
}

/** The criteria every smoke-based case shares. */
function recoveryCriteria(m: SmokeMeasured, spec: SmokeCase, serverOutputs: string[]): Criterion[] {
  const { result, injection, stats } = m;
  const requests = collectRequests(result.points);
  const spans: AllowedSpan[] = injection.spans.map((span) => ({
    fromMs: span.startMs,
    toMs: span.endMs + ALLOWANCE_MS,
  }));
  const times = errorTimes(result.points);
  const late = errorsOutside(times, spans);
  const lastEndMs = Math.max(...injection.spans.map((span) => span.endMs), 0);
  const lastError = times.at(-1);
  const lastAfterEndMs =
    lastError === undefined ? null : lastEndMs > 0 ? lastError - lastEndMs : lastError;
  const recoveredAfterMs = lastEndMs > 0 ? lastEndMs + ALLOWANCE_MS : 0;
  const served = vusServedAfter(requests, 'protected', recoveredAfterMs).size;
  const relogins = largestCount(countPerVu(result.points, 'auth_relogins'));
  const affected = spec.affectedAccounts?.(m.vus);
  const loginsSince = accountDelta(injection.loginsBefore, stats.loginsByAccount);
  const serverRelogins =
    affected === undefined
      ? largestCount(loginsSince)
      : Math.max(0, ...affected.map((account) => loginsSince.get(account) ?? 0));
  const unaffectedLogins =
    affected === undefined
      ? 0
      : [...loginsSince].filter(([account]) => !affected.includes(account)).length;
  const expected = spec.expectedExit;
  const criteria: Criterion[] = [
    equalTo('k6 exit code', result.run.code ?? 'none', expected?.code ?? 0),
    ...(expected === undefined
      ? []
      : [
          equalTo(
            'thresholds crossed',
            crossedThresholds(result).join(', ') || 'none',
            expected.crossed.join(', '),
          ),
        ]),
    injection.spans.length === 0
      ? atMost('errors', times.length, 0)
      : errorsStop(late.length, lastAfterEndMs, ALLOWANCE_MS),
    equalTo('VUs served after the allowance', served, m.vus),
    atMost('relogins per VU (k6)', relogins, 1),
    atMost('logins per affected account since the fault began (server)', serverRelogins, 1),
  ];
  if (affected !== undefined) {
    criteria.push(atMost('accounts logging in again though unaffected', unaffectedLogins, 0));
  }
  criteria.push(noSecretPrinted(scanForSecrets(result.run, serverOutputs)));
  return criteria;
}

function numbersOf(m: SmokeMeasured): Record<string, number | string | boolean | null> {
  const { result, stats } = m;
  const requests = collectRequests(result.points);
  return {
    vus: m.vus,
    k6ExitCode: result.run.code,
    k6TimedOut: result.run.timedOut,
    k6Seconds: Math.round(result.run.elapsedMs / 100) / 10,
    requests: requests.length,
    failedRequests: requests.filter((r) => r.failed).length,
    errors: errorTimes(result.points).length,
    relogins: [...countPerVu(result.points, 'auth_relogins').values()].reduce((a, b) => a + b, 0),
    serverLogins: stats.logins,
    serverRefreshes: stats.refreshes,
    serverRefreshFailures: stats.refreshFailures,
    serverInjectedFailures: stats.faultsInjected.failures,
    serverRateLimited: stats.faultsInjected.rateLimited,
    ...m.injection.notes,
  };
}

const at = (startMs: number, endMs = startMs) => ({ startMs, endMs });

function restartCase(): ChaosCase {
  return smokeCase({
    id: 'restart',
    fault: (short) =>
      `target restart mid-test (process stopped, ${short ? 3 : 5} s down, new process on the same port)`,
    survived: `errors stop within the restart + ${ALLOWANCE}; every VU served again; at most one relogin per VU; no secret printed`,
    vus: 4,
    durationSeconds: (short) => (short ? 14 : 25),
    serverEnv: { ACCESS_TTL: '2' },
    k6Env: SHORT_LEEWAY,
    async inject(servers, short) {
      await waitForRefreshes(servers.current, 4);
      const loginsBefore: Record<string, number> = {};
      const { downAtMs, upAtMs } = await servers.restart(short ? 3000 : 5000);
      return {
        spans: [at(downAtMs, upAtMs)],
        loginsBefore,
        notes: { downSeconds: Math.round((upAtMs - downAtMs) / 100) / 10 },
      };
    },
  });
}

function refreshOutageCase(): ChaosCase {
  return smokeCase({
    id: 'refresh-outage',
    fault: (short) => `/refresh answers 500 for ${short ? 6 : 30} s`,
    survived: `errors stop within the outage's end + ${ALLOWANCE}; every VU served again; at most one relogin per VU; no secret printed`,
    vus: 5,
    durationSeconds: (short) => (short ? 18 : 45),
    serverEnv: { ACCESS_TTL: '2' },
    k6Env: SHORT_LEEWAY,
    async inject(servers, short) {
      const seconds = short ? 6 : 30;
      await waitForRefreshes(servers.current, 5);
      const loginsBefore = (await servers.current.stats()).loginsByAccount;
      await servers.current.setFaults({ failure: { endpoint: 'refresh', status: 500, seconds } });
      const startMs = Date.now();
      await sleep(seconds * 1000);
      return { spans: [at(startMs, startMs + seconds * 1000)], loginsBefore };
    },
  });
}

function clockSkewCase(): ChaosCase {
  return smokeCase({
    id: 'clock-skew',
    fault: (short) => `server clock jumps +120 s, then −120 s (${short ? 4 : 10} s apart)`,
    survived: `errors stop within each jump + ${ALLOWANCE}; every VU served again; at most one relogin per VU; no secret printed`,
    vus: 5,
    durationSeconds: (short) => (short ? 14 : 30),
    serverEnv: { ACCESS_TTL: '2' },
    k6Env: SHORT_LEEWAY,
    async inject(servers, short) {
      await waitForRefreshes(servers.current, 5);
      const loginsBefore = (await servers.current.stats()).loginsByAccount;
      await servers.current.setFaults({ clockOffsetSeconds: 120 });
      const firstMs = Date.now();
      await sleep(short ? 4000 : 10_000);
      await servers.current.setFaults({ clockOffsetSeconds: -120 });
      const secondMs = Date.now();
      return { spans: [at(firstMs), at(secondMs)], loginsBefore };
    },
  });
}

function shortTokensCase(): ChaosCase {
  return smokeCase({
    id: 'short-tokens',
    fault: (short) => `1 s access tokens for the whole run (${short ? 8 : 20} s)`,
    survived: 'no error at all; every VU served; at most one relogin per VU; no secret printed',
    vus: 5,
    durationSeconds: (short) => (short ? 8 : 20),
    serverEnv: { ACCESS_TTL: '1' },
    async inject() {
      return { spans: [], loginsBefore: {} };
    },
    extra: ({ result }) => [
      atLeast('refreshes (k6)', countPerVuTotal(result, 'auth_refreshes'), 5),
    ],
  });
}

function massExpiryCase(): ChaosCase {
  return smokeCase({
    id: 'mass-expiry',
    fault: () =>
      'every access and refresh token expires at once (server clock +15 s, refresh tokens live 10 s)',
    survived: `errors stop within the expiry + ${ALLOWANCE}; every VU served again; exactly one relogin per VU; no secret printed`,
    vus: 5,
    durationSeconds: (short) => (short ? 10 : 20),
    serverEnv: { ACCESS_TTL: '2', REFRESH_TTL: '10' },
    k6Env: SHORT_LEEWAY,
    async inject(servers) {
      await waitForRefreshes(servers.current, 5);
      const loginsBefore = (await servers.current.stats()).loginsByAccount;
      await servers.current.setFaults({ clockOffsetSeconds: 15 });
      return { spans: [at(Date.now())], loginsBefore };
    },
    extra: ({ result, vus }) => [
      equalTo('relogins (k6)', countPerVuTotal(result, 'auth_relogins'), vus),
    ],
  });
}

const RETRY_AFTER_SECONDS = 2;

function rateLimitCase(): ChaosCase {
  return smokeCase({
    id: 'rate-limit',
    fault: (short) =>
      `/login answers 429 with Retry-After: ${RETRY_AFTER_SECONDS} above 2 logins/s, for the first ${short ? 5 : 10} s (10 VUs log in at once)`,
    survived: `nothing sent before Retry-After (k6 per VU and server per connection); errors stop within the limit's end + ${ALLOWANCE}; every VU served; no secret printed`,
    vus: 10,
    durationSeconds: (short) => (short ? 12 : 20),
    serverEnv: {},
    async before(servers) {
      await servers.current.setFaults({
        rateLimit: { endpoint: 'login', perSecond: 2, retryAfterSeconds: RETRY_AFTER_SECONDS },
      });
    },
    async inject(servers, short) {
      const startMs = Date.now();
      await sleep(short ? 5000 : 10_000);
      await servers.current.clearFaults();
      return { spans: [at(startMs, Date.now())], loginsBefore: {} };
    },
    extra: ({ result, stats }) => {
      const k6Side = followRetryAfter(collectRequests(result.points), RETRY_AFTER_SECONDS * 1000);
      const margin = (ms: number | null) => (ms === null ? 'none' : `${Math.round(ms)} ms`);
      return [
        atLeast('429 answers (the fault bit)', stats.faultsInjected.rateLimited, 1),
        {
          ...atMost('requests before Retry-After (k6, per VU)', k6Side.early, 0),
          measured: `${k6Side.early} of ${k6Side.followed}, smallest margin ${margin(k6Side.smallestMarginMs)}`,
        },
        {
          ...atMost(
            'requests before Retry-After (server, per connection)',
            stats.retryAfter.early,
            0,
          ),
          measured: `${stats.retryAfter.early} of ${stats.retryAfter.followed}, smallest margin ${margin(stats.retryAfter.smallestMarginMs)}`,
        },
      ];
    },
  });
}

const SLOW_LOGIN_MS = 10_000;

function slowLoginCase(): ChaosCase {
  return smokeCase({
    id: 'slow-login',
    fault: () =>
      `slow login (every /login takes ${SLOW_LOGIN_MS / 1000} s) in an 8 s run: logins still in flight at the end`,
    survived: `every VU logs in once (requestTimeoutSeconds 30 s > p99: no timeout, no retry); k6's graceful stop (30 s) lets the logins finish; the run stops by itself; no error; exit 99 for the login latency thresholds alone; no secret printed`,
    vus: 5,
    durationSeconds: () => 8,
    serverEnv: {},
    // The login really was slower than the smoke profile allows: k6 says so, and only that.
    expectedExit: { code: 99, crossed: ['http_req_duration{endpoint:login}'] },
    async before(servers) {
      await servers.current.setFaults({ latencyMs: { login: SLOW_LOGIN_MS } });
    },
    async inject() {
      return { spans: [], loginsBefore: {} };
    },
    extra: ({ result, stats, vus }) => {
      const logins = collectRequests(result.points).filter((r) => r.endpoint === 'login');
      const p99 = percentile(
        logins.map((r) => r.endMs - r.startMs),
        99,
      );
      const timeouts = logins.filter((r) => r.status === '0').length;
      return [
        atLeast('login p99 (the fault)', Math.round(p99 ?? 0), SLOW_LOGIN_MS - 500, ' ms'),
        equalTo('login requests at the server', stats.requests.login, vus),
        atMost('timed-out logins', timeouts, 0),
        equalTo('k6 stopped by itself', result.run.timedOut ? 'no' : 'yes', 'yes'),
        atMost(
          'k6 run time',
          Math.round(result.run.elapsedMs / 1000),
          8 + GRACEFUL_STOP_MS / 1000,
          ' s',
        ),
      ];
    },
  });
}

function revokedFamilyCase(): ChaosCase {
  const revoked = ['user1', 'user2'];
  return smokeCase({
    id: 'revoked-family',
    fault: () =>
      `the refresh families of ${revoked.join(' and ')} are revoked mid-run (access tokens too)`,
    survived: `errors stop within the revocation + ${ALLOWANCE}; every VU served again; the affected accounts log in once again, no other does; no secret printed`,
    vus: 5,
    durationSeconds: (short) => (short ? 10 : 20),
    serverEnv: { ACCESS_TTL: '2' },
    k6Env: SHORT_LEEWAY,
    affectedAccounts: () => revoked,
    async inject(servers) {
      await waitForRefreshes(servers.current, 5);
      const loginsBefore = (await servers.current.stats()).loginsByAccount;
      await servers.current.setFaults({ revokeAccounts: revoked });
      return { spans: [at(Date.now())], loginsBefore };
    },
    extra: ({ result, injection, stats }) => [
      equalTo('relogins (k6)', countPerVuTotal(result, 'auth_relogins'), revoked.length),
      equalTo(
        'affected accounts that logged in again (server)',
        revoked.filter(
          (a) => (accountDelta(injection.loginsBefore, stats.loginsByAccount).get(a) ?? 0) > 0,
        ).length,
        revoked.length,
      ),
    ],
  });
}

const WRONG_PASSWORD = 'wrong-password';
const MISCONFIG_LOAD = { RATE: '20', DURATION: '20s' };

function wrongPasswordCase(): ChaosCase {
  return {
    id: 'refused-password',
    group: 'misconfiguration',
    async run(context) {
      const server = await startReferenceServer();
      let result: ChaosK6Result;
      let stats: Stats;
      try {
        result = await runChaosK6({
          script: 'dist/load.js',
          env: {
            BASE_URL: server.url,
            AUTH_MODE: 'dual',
            AUTH_USERNAME: 'user1',
            AUTH_PASSWORD: WRONG_PASSWORD,
            SHARE_ACCOUNTS: 'true',
            ...MISCONFIG_LOAD,
          },
          folder: join(context.suiteDir, 'refused-password'),
          timeoutMs: 20_000 + K6_GRACE_MS,
        });
        stats = await server.stats();
      } finally {
        await server.stop();
      }
      const seconds = Math.round(result.run.elapsedMs / 100) / 10;
      return judgeCase({
        id: 'refused-password',
        fault:
          'wrong password for one shared account (dist/load.js, AUTH_USERNAME=user1, SHARE_ACCOUNTS=true, RATE=20, 20 s)',
        survived:
          '≤ 5 refused logins at the server; the test stops in < 15 s, aborted as a misconfiguration (exit 108); no secret printed',
        criteria: [
          atMost('refused logins (server)', stats.loginFailures, 5),
          lessThan('k6 run time', seconds, 15, ' s'),
          equalTo('k6 exit code', result.run.code ?? 'none', 108),
          noSecretPrinted(scanForSecrets(result.run, [server.output()], [WRONG_PASSWORD])),
        ],
        numbers: {
          k6ExitCode: result.run.code,
          k6Seconds: seconds,
          serverLoginFailures: stats.loginFailures,
          serverLoginRequests: stats.requests.login,
          serverLogins: stats.logins,
        },
        folder: 'refused-password',
      });
    },
  };
}

function deadTargetCase(): ChaosCase {
  return {
    id: 'dead-target',
    group: 'misconfiguration',
    async run(context) {
      const port = await closedLoopbackPort();
      const result = await runChaosK6({
        script: 'dist/load.js',
        env: { BASE_URL: `http://127.0.0.1:${port}`, AUTH_MODE: 'dual', ...MISCONFIG_LOAD },
        folder: join(context.suiteDir, 'dead-target'),
        timeoutMs: 20_000 + K6_GRACE_MS,
      });
      const requests = collectRequests(result.points).length;
      const seconds = Math.round(result.run.elapsedMs / 100) / 10;
      return judgeCase({
        id: 'dead-target',
        fault: 'BASE_URL with nothing listening (dist/load.js, RATE=20, 20 s)',
        survived:
          '≤ 10 requests in the whole test; it stops in < 15 s, aborted as a misconfiguration (exit 108); no secret printed',
        criteria: [
          atMost('requests sent (k6)', requests, 10),
          lessThan('k6 run time', seconds, 15, ' s'),
          equalTo('k6 exit code', result.run.code ?? 'none', 108),
          noSecretPrinted(scanForSecrets(result.run, [])),
        ],
        numbers: { k6ExitCode: result.run.code, k6Seconds: seconds, requests, port },
        folder: 'dead-target',
      });
    },
  };
}

/** The metrics with a crossed threshold, from k6's summary export (true = crossed there). */
function crossedThresholds(result: ChaosK6Result): string[] {
  const metrics = result.run.summary?.metrics ?? {};
  return Object.entries(metrics)
    .filter(([, metric]) => Object.values(metric.thresholds ?? {}).some((crossed) => crossed))
    .map(([name]) => name)
    .sort();
}

function countPerVuTotal(result: ChaosK6Result, metric: string): number {
  return [...countPerVu(result.points, metric).values()].reduce((a, b) => a + b, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The catalogue, in the order the table shows it. */
export const CHAOS_CASES: readonly ChaosCase[] = [
  restartCase(),
  refreshOutageCase(),
  clockSkewCase(),
  shortTokensCase(),
  massExpiryCase(),
  rateLimitCase(),
  slowLoginCase(),
  revokedFamilyCase(),
  wrongPasswordCase(),
  deadTargetCase(),
];
