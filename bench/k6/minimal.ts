/**
 * The smallest k6 script that holds a VU: one request, then idle. Part 2 measures the smoke
 * scenario's memory per VU above this one (bench/k6/bare.ts carries its shape reader and a
 * threshold, and is the baseline of part 1). `-e BENCH_VUS`, `-e BENCH_DURATION` (e.g. "5s").
 */
import { sleep } from 'k6';
import http from 'k6/http';

export const options = {
  scenarios: {
    idle: {
      executor: 'constant-vus',
      vus: Number(__ENV.BENCH_VUS),
      duration: __ENV.BENCH_DURATION,
      gracefulStop: '0s',
    },
  },
};

export default function (): void {
  http.get(`${__ENV.BASE_URL}/health`);
  sleep(3600);
}
