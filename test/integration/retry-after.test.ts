/**
 * `Retry-After` is never cut short, measured at the server with the real k6: the reference app in
 * this process answers 429 with `Retry-After: 2` while the VUs run with `retry.retryAfterMaxSeconds` 1, so
 * every wait is "too long": the attempt fails at once, and the VU must still send no login or
 * refresh (the hold-off is the VU's, whichever endpoint refused) before the 2 s have passed. Each VU binds its own loopback address
 * (`--local-ips`), so the server tells the VUs apart by the connection's source address alone.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { createApp } from '../../server/app.ts';
import { startServer } from '../../server/listen.ts';
import {
  counterCount,
  ensureBuilt,
  findLeaks,
  rateSamples,
  runK6,
  SHORT_LEEWAY,
  THRESHOLDS_FOR_FAULTS,
  waitFor,
} from '../helpers/k6.ts';
import { writeProfileFile } from '../helpers/profiles.ts';

const RETRY_AFTER_SECONDS = 2;
const VUS = 4;
/** VU n binds 127.0.0.(n + 1): k6 hands the range's addresses out one per VU, in order. */
const LOCAL_IPS = `127.0.0.2-127.0.0.${VUS + 1}`;

interface Arrival {
  /** When the request reached the server (its clock), epoch ms. */
  atMs: number;
  from: string;
  path: string;
  status?: number;
}

/** The reference app on a free loopback port, with every request's arrival recorded. */
async function startRecordingServer(options: { accessTtlSeconds?: number } = {}) {
  const app = createApp({ scryptCost: 16, logLevel: 'silent', ...options });
  const arrivals: Arrival[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const arrival: Arrival = {
      atMs: Date.now(),
      from: req.socket.remoteAddress ?? '?',
      path: (req.url ?? '').split('?')[0] ?? '',
    };
    arrivals.push(arrival);
    res.once('finish', () => {
      arrival.status = res.statusCode;
    });
    app.handler(req, res);
  };
  const server = await startServer({ app: { ...app, handler } });
  return { url: server.url, app, arrivals, stop: () => server.close() };
}

/** The requests a hold-off must hold back: every login and refresh, whichever was refused. */
const RENEWALS = ['/login', '/refresh'];

/** Per source address (per VU), the time from each 429 to that VU's next login or refresh. */
function gapsAfter429(arrivals: readonly Arrival[]): Map<string, number[]> {
  const bySource = new Map<string, Arrival[]>();
  for (const arrival of arrivals) {
    if (!RENEWALS.includes(arrival.path)) continue;
    bySource.set(arrival.from, [...(bySource.get(arrival.from) ?? []), arrival]);
  }
  const gaps = new Map<string, number[]>();
  for (const [from, list] of bySource) {
    const own: number[] = [];
    list.forEach((arrival, i) => {
      const next = list[i + 1];
      if (arrival.status === 429 && next !== undefined) own.push(next.atMs - arrival.atMs);
    });
    gaps.set(from, own);
  }
  return gaps;
}

const fmt = (values: readonly number[]) =>
  values.length === 0 ? '–' : `${Math.min(...values)}–${Math.max(...values)} ms`;

describe('a Retry-After longer than retry.retryAfterMaxSeconds', () => {
  it('fails the login attempt at once, and no VU logs in again before the server allows it', async () => {
    await ensureBuilt();
    const server = await startRecordingServer();
    try {
      server.app.faults.apply({
        rateLimit: [{ endpoint: 'login', perSecond: 0, retryAfterSeconds: RETRY_AFTER_SECONDS }],
      });
      const running = runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'dual',
          VUS: String(VUS),
          DURATION: '9s',
          PROFILE: writeProfileFile({ retry: { retryAfterMaxSeconds: 1 } }),
          ...THRESHOLDS_FOR_FAULTS,
        },
        args: ['--local-ips', LOCAL_IPS],
        timeoutMs: 60_000,
      });
      // Refused for a while (at least two 429s per VU), then the limit lifts and every VU logs in.
      await waitFor(
        'two refused logins per VU',
        () => server.app.stats().faultsInjected.rateLimited >= 2 * VUS,
        30_000,
      );
      server.app.faults.clear();
      const run = await running;
      const stats = server.app.stats();
      assert.equal(run.code, 0, run.stderr.slice(-2000));
      assert.ok(run.summary);

      const gaps = gapsAfter429(server.arrivals);
      assert.equal(gaps.size, VUS, `one source address per VU: ${[...gaps.keys()]}`);
      const all = [...gaps.values()].flat();
      assert.ok(all.length >= 2 * VUS, `measured gaps after a 429: ${all.length}`);
      for (const [from, own] of gaps) {
        for (const gapMs of own) {
          assert.ok(
            gapMs >= RETRY_AFTER_SECONDS * 1000,
            `${from} sent a login or refresh ${gapMs} ms after a 429 asking for ${RETRY_AFTER_SECONDS} s`,
          );
        }
      }
      // Each too-long wait failed its attempt at once: one counted error per 429, each VU in.
      const limited = stats.faultsInjected.rateLimited;
      assert.equal(rateSamples(run.summary, 'auth_errors').trues, limited);
      assert.equal(counterCount(run.summary, 'auth_logins'), VUS);
      assert.equal(stats.logins, VUS);
      assert.match(
        run.stderr,
        /Retry-After too long; reason: expected at most 1 s, got 2 s; no attempt before then/,
      );
      console.log(
        `login 429 Retry-After ${RETRY_AFTER_SECONDS} s, retryAfterMaxSeconds 1 s, ${VUS} VUs: ${limited} answers 429, ` +
          `next login or refresh from the same VU after ${fmt(all)} (server clock)`,
      );
      assert.deepEqual(findLeaks(run), []);
    } finally {
      await server.stop();
    }
  });

  it('fails the refresh attempt at once, and no VU refreshes again before the server allows it', async () => {
    await ensureBuilt();
    // 3 s tokens renewed about 0.3 s early: the first refreshes come about 2.7 s in.
    const server = await startRecordingServer({ accessTtlSeconds: 3 });
    try {
      server.app.faults.apply({
        rateLimit: [{ endpoint: 'refresh', perSecond: 0, retryAfterSeconds: RETRY_AFTER_SECONDS }],
      });
      const run = await runK6({
        script: 'dist/smoke.js',
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'dual',
          VUS: String(VUS),
          DURATION: '9s',
          PROFILE: writeProfileFile({ retry: { retryAfterMaxSeconds: 1 } }),
          ...SHORT_LEEWAY,
          ...THRESHOLDS_FOR_FAULTS,
        },
        args: ['--local-ips', LOCAL_IPS],
        timeoutMs: 60_000,
      });
      // Once tokens expire while refreshes are held off, iterations fail: checks may cross (99).
      assert.ok(
        run.code === 0 || run.code === 99,
        `exit code ${run.code}: ${run.stderr.slice(-2000)}`,
      );
      assert.ok(run.summary);
      const gaps = gapsAfter429(server.arrivals);
      const all = [...gaps.values()].flat();
      assert.ok(all.length >= VUS, `measured gaps after a 429: ${all.length}`);
      for (const [from, own] of gaps) {
        for (const gapMs of own) {
          assert.ok(
            gapMs >= RETRY_AFTER_SECONDS * 1000,
            `${from} sent a refresh or login ${gapMs} ms after a 429 asking for ${RETRY_AFTER_SECONDS} s`,
          );
        }
      }
      const stats = server.app.stats();
      assert.equal(rateSamples(run.summary, 'auth_errors').trues, stats.faultsInjected.rateLimited);
      console.log(
        `refresh 429 Retry-After ${RETRY_AFTER_SECONDS} s, retryAfterMaxSeconds 1 s, ${VUS} VUs: ` +
          `${stats.faultsInjected.rateLimited} answers 429, next refresh or login from the same VU after ${fmt(all)} (server clock)`,
      );
      assert.deepEqual(findLeaks(run), []);
    } finally {
      await server.stop();
    }
  });
});
