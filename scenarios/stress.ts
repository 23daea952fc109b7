/**
 * Stress: the arrival rate climbs from RATE past the expected peak to PEAK_RATE, holds,
 * and comes back down: where does latency bend, do errors appear?
 *
 *   npm run scenario -- stress -e AUTH_MODE=dual -e RATE=10 -e PEAK_RATE=150
 */
import { defineScenario } from '../lib/k6/index.ts';

const scenario = defineScenario('stress');

export const options = scenario.options;
export const handleSummary = scenario.handleSummary;
export const setup = scenario.setup;
export default scenario.iteration;
