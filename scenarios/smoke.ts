/**
 * Smoke: each VU loops over the protected endpoint of `BASE_URL` in any auth mode. A few VUs, a
 * short run: does login, refresh and the protected call work at all?
 *
 *   npm run build && npm run scenario -- smoke -e AUTH_MODE=dual -e VUS=5 -e DURATION=30s
 *
 * Thresholds come from `-e THRESHOLDS=<profile>` (default `smoke`, see thresholds/README.md).
 */
import type { Options } from 'k6/options';
import { thresholdOptions } from '../lib/core/thresholds.ts';
import { runSettings, smokeIteration } from '../lib/k6/index.ts';
import { summaryHandler } from '../lib/k6/summary.ts';

export const options: Options = {
  vus: runSettings.vus,
  duration: runSettings.duration,
  ...thresholdOptions(__ENV, 'smoke'),
};

export const handleSummary = summaryHandler('smoke');

export default function (): Promise<void> {
  return smokeIteration();
}
