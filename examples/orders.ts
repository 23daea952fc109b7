import { check, sleep } from 'k6';
import {
  type AuthRequest,
  authenticatedBatch,
  authenticatedRequestAsync,
  protectedCall,
  summaryHandler,
  withThresholds,
} from '../lib/k6/index.ts';

// -e VUS and -e DURATION, like the catalogue scenarios; the thresholds of -e THRESHOLDS, else
// the load profile (thresholds/load.json).
export const options = withThresholds(
  { vus: Number(__ENV.VUS || 10), duration: __ENV.DURATION || '1m' },
  'load',
);
export const handleSummary = summaryHandler('orders');

// Every call below goes to the reference server's GET /protected, so the endpoint:protected
// thresholds judge them all; point the paths at your own API's. A path with an id gets a stable
// `name`, or every id becomes its own time series.
const order = (id: number): AuthRequest => ({
  method: 'GET',
  path: `/protected?order=${id}`,
  name: 'GET /orders/:id',
});

export default async function () {
  protectedCall(); // the profile's protected endpoint, with a check

  // Two calls at once with the VU's credentials; a refresh they need is shared, never doubled.
  const [first, second] = authenticatedBatch([order(41), order(42)]);
  check(first, { 'order 41 answered 200': (r) => r?.status === 200 });
  check(second, { 'order 42 answered 200': (r) => r?.status === 200 });

  // The same on the event loop, with a JSON body (a search sent as the request's body).
  const search = await authenticatedRequestAsync({
    method: 'GET',
    path: '/protected',
    name: 'GET /orders?search',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'open', limit: 10 }),
  });
  // undefined: the VU could not log in (already counted in auth_errors).
  check(search, { 'order search answered 200': (r) => r?.status === 200 });

  sleep(1); // think time: without it each VU sends as fast as the API answers
}
