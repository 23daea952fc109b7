/**
 * Spike: a baseline rate, a sudden jump to PEAK_RATE, a drop back, and a recovery period: does
 * the API survive the jump and recover after it?
 *
 *   npm run scenario -- spike -e AUTH_MODE=dual -e RATE=10 -e PEAK_RATE=200
 */
import { defineScenario } from '../lib/k6/index.ts';

const scenario = defineScenario('spike');

export const options = scenario.options;
export const handleSummary = scenario.handleSummary;
export const setup = scenario.setup;
export default scenario.iteration;
