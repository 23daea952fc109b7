/**
 * Refresh storm: every VU logs in at the same moment, so every access token expires together;
 * measures the refresh endpoint at its worst, and the summary's peak refreshes per second shows
 * how far renewal jitter spreads them (-e REFRESH_JITTER=0 makes it a real storm). Give the API
 * short-lived access tokens (the reference server: ACCESS_TTL=30 npm run server).
 *
 *   npm run scenario -- refresh-storm -e AUTH_MODE=dual -e VUS=100 -e DURATION=5m
 */
import { defineScenario } from '../lib/k6/index.ts';

const scenario = defineScenario('refresh-storm');

export const options = scenario.options;
export const handleSummary = scenario.handleSummary;
export const setup = scenario.setup;
export default scenario.iteration;
