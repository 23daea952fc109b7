/**
 * Smoke: `VUS` VUs loop over the protected endpoint of `BASE_URL` in any auth mode
 * (constant-vus), `PARALLEL` requests at a time. A few VUs, a short run: does login, refresh and
 * the protected call work at all?
 *
 *   npm run build && npm run scenario -- smoke -e AUTH_MODE=dual -e VUS=5 -e DURATION=30s
 *
 * Thresholds come from `-e THRESHOLDS=<profile>` (default `smoke`, see thresholds/README.md).
 */
import { defineScenario } from '../lib/k6/index.ts';

const scenario = defineScenario('smoke');

export const options = scenario.options;
export const handleSummary = scenario.handleSummary;
export const setup = scenario.setup;
export default scenario.iteration;
