/**
 * The floor of issue 9's memory goal: the k6 work the toolkit's contract asks of every VU, written
 * by hand with no toolkit code. The README's five auth metrics, a 1,000-account `SharedArray`
 * pool with this VU's own account, the k6 modules a per-VU login needs (`k6/execution` for the VU's
 * number and an abort, `k6/secrets` for a secret source, `k6/encoding` for a JWT's expiry), a
 * private cookie jar, one JSON login with the token and its expiry kept, then one protected request
 * tagged like the toolkit's, with a tagged check. Part 2 sets it beside the smoke scenario: what is
 * above this line is the toolkit's own code and state. `-e BENCH_SHAPE=idle` (bench-options.ts).
 */
import { check, sleep } from 'k6';
import { SharedArray } from 'k6/data';
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import secrets from 'k6/secrets';
import { benchOptions, readBenchShape } from './shape/bench-options.ts';

const shape = readBenchShape(__ENV);
export const options = benchOptions(shape);

const logins = new Counter('auth_logins');
new Counter('auth_refreshes');
new Counter('auth_relogins');
new Counter('auth_expired_rejections');
const errors = new Rate('auth_errors');

const pool = new SharedArray('accounts', () =>
  Array.from({ length: 1000 }, (_, i) => ({ username: `user${i + 1}`, password: `pass${i + 1}` })),
);
const loginUrl = `${__ENV.BASE_URL}/login`;
const jar = new http.CookieJar();
let token: string | undefined;
let expiresAtMs = 0;

export default function (): void {
  if (token === undefined || Date.now() >= expiresAtMs) {
    const account = pool[(exec.vu.idInTest - 1) % pool.length];
    // Like the toolkit, which imports k6/secrets in every VU and reads it only when told to.
    if (__ENV.BENCH_SECRET !== undefined) void secrets.get(__ENV.BENCH_SECRET);
    const res = http.post(loginUrl, JSON.stringify(account), {
      headers: { 'Content-Type': 'application/json' },
      jar,
      tags: { endpoint: 'login', auth: 'token', name: loginUrl },
    });
    const value = res.status === 200 ? res.json('accessToken') : undefined;
    errors.add(typeof value !== 'string');
    if (typeof value !== 'string') exec.test.abort(`login refused with ${res.status}`);
    token = value as string;
    const payload = JSON.parse(encoding.b64decode(token.split('.')[1] ?? '', 'rawurl', 's'));
    expiresAtMs = Number(payload.exp) * 1000;
    logins.add(1);
  }
  const res = http.get(shape.protectedUrl, {
    headers: { Authorization: `Bearer ${token}` },
    jar,
    tags: { endpoint: 'protected', auth: 'token', name: shape.protectedUrl },
  });
  check(
    res,
    { 'protected request answered 2xx': (r) => r.status >= 200 && r.status < 300 },
    { auth: 'token' },
  );
  if (shape.kind === 'idle') sleep(shape.idleSeconds);
}
