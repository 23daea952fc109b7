/**
 * Login storm: every VU logs in at once, as at the start of a test or after a mass session
 * loss; measures login latency and errors, and how long until every VU is in. Against the
 * reference server only, -e SESSION_LOSS_AT=30s makes it forget every session mid-run.
 *
 *   npm run scenario -- login-storm -e AUTH_MODE=session -e VUS=200 -e DURATION=1m
 */
import { defineScenario } from '../lib/k6/index.ts';

export { loseAllSessions } from '../lib/k6/index.ts';

const scenario = defineScenario('login-storm');

export const options = scenario.options;
export const handleSummary = scenario.handleSummary;
export const setup = scenario.setup;
export default scenario.iteration;
