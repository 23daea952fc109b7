import { protectedCall, summaryHandler, withThresholds } from 'k6-auth-toolkit';

// 10 VUs for a minute (-e VUS, -e DURATION), judged by the load thresholds (thresholds/load.json).
export const options = withThresholds(
  { vus: Number(__ENV.VUS || 10), duration: __ENV.DURATION || '1m' },
  'load',
);
export const handleSummary = summaryHandler('first');

export default function () {
  protectedCall(); // logs in, renews when due (refresh or a new login), calls the protected path
}
