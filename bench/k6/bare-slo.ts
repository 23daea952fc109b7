/**
 * The baseline of the `load` scenario: a hand-written script doing the same SLO work. The load
 * scenario's executor (constant-arrival-rate, `BENCH_RATE`/s on `BENCH_VUS` VUs, k6's default
 * graceful stop), the same thresholds (thresholds/load.json, plus the always-true `http_reqs`
 * counts per endpoint the toolkit adds for its report) and trend statistics, requests tagged
 * `endpoint`, `auth` and a stable `name`, and one tagged check per request. One login in
 * `setup()` whose bearer token every VU sends (the server's ACCESS_TTL must outlast the run).
 */
import { check } from 'k6';
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import loadProfile from '../../thresholds/load.json' with { type: 'json' };

const baseUrl = __ENV.BASE_URL ?? '';
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(baseUrl)) {
  throw new Error(
    `Invalid -e BASE_URL; reason: expected http://127.0.0.1:<port> (load goes to loopback only), got ${JSON.stringify(baseUrl)}`,
  );
}
const protectedUrl = `${baseUrl}/protected`;
const vus = Number(__ENV.BENCH_VUS ?? '20');

// The profile's thresholds name these metrics, so they must exist (the toolkit's do).
new Counter('auth_expired_rejections');
new Rate('auth_errors');

export const options: Options = {
  scenarios: {
    load: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.BENCH_RATE ?? '100'),
      timeUnit: '1s',
      duration: __ENV.BENCH_DURATION ?? '10s',
      preAllocatedVUs: vus,
      maxVUs: vus,
    },
  },
  thresholds: {
    ...loadProfile.thresholds,
    'http_reqs{endpoint:login}': ['count>=0'],
    'http_reqs{endpoint:refresh}': ['count>=0'],
    'http_reqs{endpoint:protected}': ['count>=0'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
};

export function setup(): { token: string } {
  const res = http.post(
    `${baseUrl}/login`,
    JSON.stringify({ username: 'user1', password: 'pass1' }),
    {
      headers: { 'Content-Type': 'application/json' },
      tags: { endpoint: 'login', auth: 'token', name: `${baseUrl}/login` },
    },
  );
  const token = res.status === 200 ? res.json('accessToken') : undefined;
  if (typeof token !== 'string') {
    throw new Error(
      `bench login failed; reason: expected 200 with an accessToken, got ${res.status}`,
    );
  }
  return { token };
}

const checks = {
  'protected request answered 2xx': (r: { status: number }) => r.status >= 200 && r.status < 300,
};
const checkTags = { auth: 'dual' };

export default function (data: { token: string }): void {
  const res = http.get(protectedUrl, {
    headers: { Authorization: `Bearer ${data.token}` },
    tags: { endpoint: 'protected', auth: 'dual', name: protectedUrl },
  });
  check(res, checks, checkTags);
}
