/**
 * The baseline: what a k6 user writes by hand without the toolkit. One login in `setup()`, whose
 * bearer token every VU then sends unchanged (it is never refreshed: the server's ACCESS_TTL must
 * outlast the run), and a check on each protected response.
 */
import { check, sleep } from 'k6';
import http from 'k6/http';
import { benchOptions, readBenchShape } from './shape/bench-options.ts';

const shape = readBenchShape(__ENV);
export const options = benchOptions(shape);

export function setup(): { token: string } {
  const res = http.post(
    `${__ENV.BASE_URL}/login`,
    JSON.stringify({ username: 'user1', password: 'pass1' }),
    { headers: { 'Content-Type': 'application/json' } },
  );
  const token = res.status === 200 ? res.json('accessToken') : undefined;
  if (typeof token !== 'string') {
    throw new Error(
      `bench login failed; reason: expected 200 with an accessToken, got ${res.status}`,
    );
  }
  return { token };
}

export default function (data: { token: string }): void {
  const res = http.get(shape.protectedUrl, { headers: { Authorization: `Bearer ${data.token}` } });
  check(res, { 'protected request answered 2xx': (r) => r.status >= 200 && r.status < 300 });
  if (shape.kind === 'idle') sleep(shape.idleSeconds);
}
