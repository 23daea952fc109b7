/**
 * Session churn: user sessions that come and go, `RATE` per second (constant-arrival-rate). Each
 * iteration is one session: it logs in, sends `SESSION_REQUESTS` protected requests with
 * `PAUSE_SECONDS` of think time after each, and logs out. Measures login and logout under the
 * churn real users make, which a VU that keeps its login for the whole run never shows.
 *
 *   npm run scenario -- session-churn -e AUTH_MODE=session -e RATE=20 -e DURATION=2m
 *
 * Thresholds come from `-e THRESHOLDS=<profile>` (default `churn`, see thresholds/README.md).
 */
import { defineScenario } from '../lib/k6/index.ts';

const scenario = defineScenario('session-churn');

export const options = scenario.options;
export const handleSummary = scenario.handleSummary;
export const setup = scenario.setup;
export default scenario.iteration;
