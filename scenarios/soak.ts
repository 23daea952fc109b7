/**
 * Soak: hours at a moderate rate, across many token lifetimes. The summary compares equal time
 * windows (-e WINDOWS): latency, errors and refresh behaviour must stay flat over time.
 *
 *   npm run scenario -- soak -e AUTH_MODE=dual -e RATE=20 -e DURATION=2h
 */
import { defineScenario } from '../lib/k6/index.ts';

const scenario = defineScenario('soak');

export const options = scenario.options;
export const handleSummary = scenario.handleSummary;
export const setup = scenario.setup;
export default scenario.iteration;
