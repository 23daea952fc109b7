/**
 * Configuration with the real k6: a bad setting stops the run at init, before any request, with
 * a message naming it; `-e PROFILE` paths are read from where k6 runs, as users type them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { counterCount, ensureBuilt, runK6 } from '../helpers/k6.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';
import { REPO_ROOT } from '../helpers/run-process.ts';

/** k6's exit code for an exception in init code (the script's configuration). */
const SCRIPT_EXCEPTION = 107;

describe('configuration at init', () => {
  let dir: string;

  before(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'auth-config-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const server = referenceServerForSuite();

  async function requestsSeen(): Promise<number> {
    const { requests } = await server.stats();
    return Object.values(requests).reduce((a, b) => a + b, 0);
  }

  it('stops on an invalid run setting, naming it, before any request', async () => {
    const run = await runK6({
      script: 'dist/smoke.js',
      env: { BASE_URL: server.url, VUS: '0' },
      timeoutMs: 30_000,
    });
    assert.equal(run.code, SCRIPT_EXCEPTION);
    assert.match(
      run.stderr,
      /Invalid -e VUS; reason: expected a whole number of VUs from 1 to 100000, got \\"0\\"/,
    );
    assert.equal(await requestsSeen(), 0);
  });

  it('stops on a profile file that is not there, naming every place it looked', async () => {
    const run = await runK6({
      script: 'dist/smoke.js',
      env: { BASE_URL: server.url, PROFILE: 'profiles/no-such-profile.json' },
      timeoutMs: 30_000,
    });
    assert.equal(run.code, SCRIPT_EXCEPTION);
    assert.ok(
      run.stderr.includes(
        `Cannot open -e PROFILE=profiles/no-such-profile.json; reason: expected a readable file, got none at ${REPO_ROOT}profiles/no-such-profile.json or ../profiles/no-such-profile.json`,
      ),
      run.stderr,
    );
    assert.equal(await requestsSeen(), 0);
  });

  it('reads a relative PROFILE from the project root even without PWD', async () => {
    await server.resetStats();
    const run = await runK6({
      script: 'dist/smoke.js',
      // article.json is the reference server's shape in session mode, with a form login.
      env: {
        BASE_URL: server.url,
        PROFILE: 'profiles/article.json',
        AUTH_MODE: 'session',
        PWD: '',
        DURATION: '1s',
      },
      timeoutMs: 30_000,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.summary);
    assert.equal(counterCount(run.summary, 'auth_logins'), 1);
    assert.equal((await server.stats()).logins, 1);
  });

  it('reads an absolute PROFILE path, and -e values override it', async () => {
    await server.resetStats();
    const sessionsBefore = (await server.stats()).activeSessions;
    const profile = join(dir, 'token.json');
    await writeFile(profile, JSON.stringify({ mode: 'session', baseUrl: 'http://127.0.0.1:9' }));
    const run = await runK6({
      script: 'dist/smoke.js',
      env: { PROFILE: profile, BASE_URL: server.url, AUTH_MODE: 'token', DURATION: '1s' },
      timeoutMs: 30_000,
    });
    assert.equal(run.code, 0, run.stderr);
    const stats = await server.stats();
    assert.equal(stats.logins, 1);
    assert.equal(
      stats.activeSessions,
      sessionsBefore,
      'token mode, not the profile’s session mode',
    );
  });
});
