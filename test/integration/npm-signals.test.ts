/**
 * `npm run server` and `npm run idp` stop cleanly on a SIGTERM sent to npm, as a process manager,
 * CI runner or `kill <npm's pid>` sends it. npm runs a script through `sh -c`, and sh neither passes
 * a SIGTERM on nor waits once it is killed: without `exec` in the script, npm and sh died and the
 * node server stayed behind, still listening. Here: npm exits 0, the port refuses connections
 * within a few seconds, and no process npm started is left.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { waitFor } from '../helpers/k6.ts';
import { REPO_ROOT } from '../helpers/run-process.ts';

const START_TIMEOUT_MS = 30_000;
/** server/main.ts gives keep-alive connections 2 s; the rest is a busy machine's slack. */
const STOP_TIMEOUT_MS = 6000;

/** Every descendant of `pid` (Linux /proc), so the test can tell that none is left. */
function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    const file = `/proc/${parent}/task/${parent}/children`;
    if (!existsSync(file)) return;
    for (const child of readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean)) {
      found.push(Number(child));
      visit(Number(child));
    }
  };
  visit(pid);
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const SCRIPTS = [
  { script: 'server', listening: /Reference server listening on (http:\/\/127\.0\.0\.1:\d+)/ },
  { script: 'idp', listening: /Identity provider listening on (http:\/\/127\.0\.0\.1:\d+)/ },
] as const;

describe('a SIGTERM sent to npm', () => {
  for (const { script, listening } of SCRIPTS) {
    it(`stops npm run ${script}: npm exits 0, the port closes and no process is left`, async () => {
      const npm = spawn('npm', ['run', script], {
        cwd: REPO_ROOT,
        env: {
          PATH: [dirname(process.execPath), process.env.PATH].join(':'),
          HOME: process.env.HOME ?? tmpdir(),
          PORT: '0',
          LOG_LEVEL: 'silent',
          SCRYPT_COST: '16',
          npm_config_update_notifier: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      npm.stdout.setEncoding('utf8').on('data', (text: string) => {
        output += text;
      });
      npm.stderr.setEncoding('utf8').on('data', (text: string) => {
        output += text;
      });
      // 'close' comes once every process holding npm's stdout and stderr has gone: a server left
      // behind would keep them open.
      const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        npm.once('close', (code, signal) => resolve({ code, signal })),
      );
      const pid = npm.pid;
      assert.ok(pid !== undefined);
      let started: number[] = [];
      try {
        await waitFor(
          `npm run ${script} to print its URL`,
          () => listening.test(output),
          START_TIMEOUT_MS,
        );
        const port = Number(new URL(listening.exec(output)?.[1] ?? '').port);
        assert.equal(await accepts(port), true);
        started = descendantsOf(pid);
        assert.ok(started.length >= 1, `npm started the ${script}: ${started}`);

        const sentMs = Date.now();
        npm.kill('SIGTERM');
        const exit = await Promise.race([
          closed,
          new Promise<'timeout'>((resolve) =>
            setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS),
          ),
        ]);
        assert.notEqual(
          exit,
          'timeout',
          `npm run ${script}: npm or a process it started still holds its output ${STOP_TIMEOUT_MS} ms after SIGTERM:\n${output}`,
        );
        assert.deepEqual(exit, { code: 0, signal: null }, output);
        await waitFor('the port to refuse connections', async () => !(await accepts(port)), 2000);
        assert.deepEqual(
          started.filter(isAlive),
          [],
          'processes npm started that are still running',
        );
        console.log(
          `npm run ${script}: stopped ${Date.now() - sentMs} ms after SIGTERM to npm, exit 0`,
        );
      } finally {
        // Only what this test started: npm and its own descendants, by pid.
        for (const child of [pid, ...started]) {
          if (isAlive(child)) process.kill(child, 'SIGKILL');
        }
      }
    });
  }
});
