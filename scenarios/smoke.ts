/**
 * Smoke: each VU loops over the protected endpoint of `BASE_URL` in any auth mode.
 *
 *   npm run build && npm run k6 -- run -e AUTH_MODE=dual -e VUS=5 -e DURATION=30s dist/smoke.js
 */
import type { Options } from 'k6/options';
import { runSettings, smokeIteration } from '../lib/k6/index.ts';

export const options: Options = {
  vus: runSettings.vus,
  duration: runSettings.duration,
  thresholds: {
    'http_req_duration{endpoint:protected}': ['p(95)<500'],
    'http_req_duration{endpoint:refresh}': ['p(95)<500'],
  },
};

export default function (): Promise<void> {
  return smokeIteration();
}
