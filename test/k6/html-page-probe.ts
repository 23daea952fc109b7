/**
 * A k6 script for test/integration/html-page.test.ts: reads the pages named by `-e PAGES` (a
 * JSON array of absolute paths) with lib/k6/html-page.ts, computes the RFC 7636 Appendix B
 * challenge with lib/k6/walk-tools.ts, and writes both as JSON to `-e OUT` from handleSummary.
 */
import { readPage } from '../../lib/k6/html-page.ts';
import { WALK_TOOLS } from '../../lib/k6/walk-tools.ts';

const pages = (JSON.parse(__ENV.PAGES ?? '[]') as string[]).map((path) =>
  readPage(open(path), { login: 'form#login', consent: 'form.consent' }),
);
const random = WALK_TOOLS.randomUrlSafe(32);
const result = {
  pages,
  challenge: WALK_TOOLS.sha256Url('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
  random: { length: random.length, unreserved: /^[A-Za-z0-9_-]+$/.test(random) },
  decoded: WALK_TOOLS.decode('eyJub25jZSI6Im4xIn0'),
};

export const options = { iterations: 1, vus: 1 };
export default function () {}
export function handleSummary() {
  return { [__ENV.OUT as string]: JSON.stringify(result) };
}
