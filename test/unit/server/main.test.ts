import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { startAppServer, startReferenceServer } from '../../helpers/reference-server.ts';
import { type Finished, REPO_ROOT, runScript } from '../../helpers/run-process.ts';

/** Runs main.ts to its exit with `env`, for settings that must stop it before it listens. */
function runToExit(env: Record<string, string>): Promise<Finished> {
  return runScript('server/main.ts', [], {
    env: { ...process.env, PORT: '0', ...env },
    timeoutMs: 15_000,
  });
}

describe('npm run server (server/main.ts as a process)', () => {
  it('prints exactly one line to stdout, with its URL, and stops with code 0 on SIGTERM', async () => {
    const server = await startReferenceServer({ LOG_LEVEL: 'silent' });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await server.stop();
    assert.equal(server.output(), `Reference server listening on ${server.url}\n`);
  });

  it('stops cleanly on SIGINT even with a keep-alive connection open', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        const match = /listening on (\S+)/.exec(text);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
    });
    const res = await fetch(`${url}/health`, { headers: { connection: 'keep-alive' } });
    assert.equal(res.status, 200);
    await res.text();
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    assert.equal(await closed, 0);
  });

  it('exits with code 2 and a clear message, before listening, on a bad setting', async () => {
    const { code, stdout, stderr } = await runToExit({ ACCESS_TTL: 'soon' });
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      'Reference server not started: ACCESS_TTL is invalid; reason: expected a whole number from 1 to 31536000, got "soon"\n',
    );
  });

  it('exits with code 1 and the listen error, printing no URL, when its port is taken', async () => {
    const taken = await startAppServer();
    try {
      const port = new URL(taken.url).port;
      const { code, stdout, stderr } = await runToExit({ PORT: port, LOG_LEVEL: 'silent' });
      assert.equal(code, 1);
      assert.equal(stdout, '');
      assert.equal(
        stderr,
        `Reference server not started: EADDRINUSE: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`,
      );
    } finally {
      await taken.stop();
    }
  });

  it('never writes a password, token, session id or secret to its logs, even at debug', async () => {
    const adminToken = 'admin-secret-value-42';
    const jwtSecret = 'jwt-secret-value-that-is-long-enough-0123';
    const server = await startReferenceServer({
      LOG_LEVEL: 'debug',
      ADMIN_TOKEN: adminToken,
      JWT_SECRET: jwtSecret,
      REFRESH_TTL: '60',
    });
    const secrets: string[] = [adminToken, jwtSecret, 'pass17', 'wrong-password-99'];
    try {
      const form = await fetch(`${server.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=user17&password=pass17',
      });
      const cookie = form.headers.getSetCookie()[0]?.split(';')[0] ?? '';
      secrets.push(cookie.slice('sid='.length));
      await fetch(`${server.url}/protected`, { headers: { cookie } });
      await fetch(`${server.url}/logout`, { method: 'POST', headers: { cookie } });
      await fetch(`${server.url}/protected?access_token=query-secret-1`, { headers: { cookie } });
      secrets.push('query-secret-1');
      await fetch(`${server.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'user17', password: 'wrong-password-99' }),
      });
      const tokens = (await (
        await fetch(`${server.url}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'user17', password: 'pass17' }),
        })
      ).json()) as { accessToken: string; refreshToken: string };
      const refresh = (token: string) =>
        fetch(`${server.url}/refresh`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
      const rotated = (await (await refresh(tokens.refreshToken)).json()) as {
        accessToken: string;
        refreshToken: string;
      };
      await refresh(tokens.refreshToken); // reuse: logged as a warning
      await fetch(`${server.url}/protected`, {
        headers: { authorization: `Bearer ${rotated.accessToken}` },
      });
      await fetch(`${server.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{bad',
      });
      await server.setFaults({ latencyMs: { login: 1 } });
      await server.stats();
      for (const token of [
        tokens.accessToken,
        tokens.refreshToken,
        rotated.accessToken,
        rotated.refreshToken,
      ]) {
        // Each part alone would leak too (the signature most of all).
        secrets.push(...token.split('.').slice(1));
      }
    } finally {
      await server.stop();
    }
    const output = server.output();
    assert.match(output, /refresh token reuse detected/);
    assert.match(output, /"path":"\/protected"/);
    for (const secret of secrets) {
      assert.equal(
        output.includes(secret),
        false,
        `the logs contain a secret of ${secret.length} characters`,
      );
    }
  });
});
