/**
 * A load test of {{BASE_URL}} in {{MODE}} mode, written by `k6-auth init`. Each VU logs in once,
 * keeps its credentials, renews them before they expire and calls the profile's protected
 * endpoint. Run it with the command in {{DIR}}/README.md; add your own calls below.
 */
import { sleep } from 'k6';
import { protectedCall, summaryHandler, withThresholds } from 'k6-auth-toolkit';

// -e VUS and -e DURATION change the shape; -e THRESHOLDS another thresholds profile.
export const options = withThresholds(
  { vus: Number(__ENV.VUS || 5), duration: __ENV.DURATION || '30s' },
  'smoke',
);
export const handleSummary = summaryHandler('scenario');

export default function () {
  protectedCall(); // the profile's protected endpoint, with a check
  sleep(1); // think time: without it each VU sends as fast as the API answers
}
