/**
 * `AuthClient.logout()` with the real k6 against the reference server, in every mode: each
 * iteration works, logs out and works again; the server sees every logout and ends the session
 * or revokes the token family, and the next request logs in again, counted as a login, not a
 * re-login. scenarios/session-churn.ts builds a scenario on it (test/integration/scenarios.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buildScenarios } from '../../build.mjs';
import { checkTotals, counterCount, findLeaks, REPO_ROOT, runK6 } from '../helpers/k6.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';

const ITERATIONS = 3;

const SCENARIO = `
import { check } from 'k6';
import { authClient, protectedCall } from '${join(REPO_ROOT, 'lib/k6/index.ts')}';

export const options = { vus: 1, iterations: ${ITERATIONS} };

export default function () {
  protectedCall();
  const client = authClient();
  check(client.logout(), { 'logout answered 200': (r) => r !== undefined && r.status === 200 });
  check(client.logout(), { 'a second logout sends nothing': (r) => r === undefined });
}
`;

describe('logout against the reference server', () => {
  const server = referenceServerForSuite();
  let dir: string;
  let script: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logout-k6-'));
    await mkdir(join(dir, 'scenarios'));
    await writeFile(join(dir, 'scenarios', 'logout.ts'), SCENARIO);
    const [bundle] = await buildScenarios({
      scenariosDir: join(dir, 'scenarios'),
      outDir: join(dir, 'dist'),
    });
    script = bundle?.file ?? '';
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await server.resetStats();
  });

  for (const mode of ['session', 'token', 'dual'] as const) {
    it(`logs out in ${mode} mode, which the server sees, and logs in again on the next request`, async () => {
      const run = await runK6({
        script,
        env: { BASE_URL: server.url, AUTH_MODE: mode },
        timeoutMs: 60_000,
        collectPoints: true,
      });
      const stats = await server.stats();
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.summary);
      assert.equal(stats.requests.logout, ITERATIONS);
      assert.equal(stats.responsesByStatus['401'], undefined);
      assert.equal(stats.logins, ITERATIONS);
      assert.equal(stats.activeSessions, 0);
      assert.equal(stats.activeRefreshFamilies, 0);
      assert.equal(counterCount(run.summary, 'auth_logins'), ITERATIONS);
      assert.equal(counterCount(run.summary, 'auth_relogins'), 0);
      assert.deepEqual(checkTotals(run.summary), { passes: ITERATIONS * 3, fails: 0 });
      const logouts = run.points.filter(
        (p) => p.metric === 'http_reqs' && p.tags.endpoint === 'logout',
      );
      assert.equal(logouts.length, ITERATIONS);
      for (const point of logouts) {
        assert.equal(point.tags.auth, mode);
        assert.equal(point.tags.status, '200');
      }
      assert.deepEqual(findLeaks(run), []);
    });
  }
});
