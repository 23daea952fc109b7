/**
 * Capacity: a stepped ramping-arrival-rate that climbs until the SLO breaks (release-gate
 * thresholds abort the run); the summary says the highest rate that held the SLO.
 *
 *   npm run scenario -- capacity -e AUTH_MODE=dual -e RATE=20 -e STEP_RATE=20 -e PEAK_RATE=400
 */
import { defineScenario } from '../lib/k6/index.ts';

const scenario = defineScenario('capacity');

export const options = scenario.options;
export const handleSummary = scenario.handleSummary;
export const setup = scenario.setup;
export default scenario.iteration;
