/**
 * Load: a steady arrival rate (constant-arrival-rate), the everyday capacity figure.
 *
 *   npm run scenario -- load -e AUTH_MODE=dual -e RATE=50 -e DURATION=5m
 */
import { defineScenario } from '../lib/k6/index.ts';

const scenario = defineScenario('load');

export const options = scenario.options;
export const handleSummary = scenario.handleSummary;
export const setup = scenario.setup;
export default scenario.iteration;
