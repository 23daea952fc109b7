/**
 * Every way the docs pass a secret, run as a user would with the real k6 against loopback servers:
 * `CLIENT_SECRET` and `AUTH_PASSWORD` from the environment through `npm run scenario` and
 * `npm run k6`, a password from a k6 secret source (`-e AUTH_PASSWORD_SECRET` with
 * `--secret-source=file=…`), a credentials CSV, and the refused `-e CLIENT_SECRET=…` /
 * `-e AUTH_PASSWORD=…` on a wrapper's command line. Each run's stdout, stderr and every result file
 * (summary.json, summary.md, junit.xml, report.html) is searched for the secret; the only place
 * one may show is npm's own echo of a refused command line, which happens before any code of ours.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ensureBuilt, findLeaks, type K6Run } from '../helpers/k6.ts';
import { type RunningOAuth2Server, startOAuth2Server } from '../helpers/oauth2-server.ts';
import { type ReferenceServer, startReferenceServer } from '../helpers/reference-server.ts';
import { type Finished, REPO_ROOT, runToEnd } from '../helpers/run-process.ts';

const RUN_TIMEOUT_MS = 90_000;
/** Long enough for the dashboard's two snapshots at a 1 s period, so report.html is written. */
const DURATION = '3s';
const RESULT_FILES = ['junit.xml', 'report.html', 'summary.json', 'summary.md'];
/**
 * Accounts of the reference server's demo pool far from user1..user1000, so their passwords
 * (`pass<N>`) are distinctive text no dashboard bundle or log line holds by chance.
 */
const ACCOUNT = { username: 'user987654', password: 'pass987654' };
const POOL = [987001, 987002, 987003].map((n) => ({ username: `user${n}`, password: `pass${n}` }));

let work: string;
let reference: ReferenceServer;
let oauth2: RunningOAuth2Server;
const clientSecret = `client-secret-${randomBytes(12).toString('hex')}`;

/** `npm <args>` from the repository root with only what a user's shell would have, plus `env`. */
function npm(args: readonly string[], env: Record<string, string>): Promise<Finished> {
  return runToEnd('npm', args, {
    env: {
      PATH: [dirname(process.execPath), process.env.PATH].join(':'),
      HOME: process.env.HOME ?? tmpdir(),
      npm_config_update_notifier: 'false',
      ...env,
    },
    timeoutMs: RUN_TIMEOUT_MS,
  });
}

/** A fresh folder name for one run's results (the wrapper creates it). */
let runs = 0;
function resultsDirOf(name: string): string {
  runs += 1;
  return join(work, `${runs}-${name}`);
}

/** The run as findLeaks reads it: its output and every file it left in `resultsDir`. */
async function asRun(finished: Finished, resultsDir: string): Promise<K6Run> {
  const resultFiles: Record<string, string> = {};
  // Every file, those in charts/ too.
  const names = existsSync(resultsDir) ? await readdir(resultsDir, { recursive: true }) : [];
  for (const name of names) {
    const path = join(resultsDir, name);
    if ((await stat(path)).isFile()) resultFiles[name] = await readFile(path, 'utf8');
  }
  return {
    code: finished.code,
    timedOut: finished.timedOut,
    stdout: finished.stdout,
    stderr: finished.stderr,
    elapsedMs: finished.elapsedMs,
    summary: undefined,
    summaryText: '',
    resultFiles,
    points: [],
  };
}

/** Asserts a finished run passed and wrote every result file, none of them holding a secret. */
async function assertCleanRun(
  finished: Finished,
  resultsDir: string,
  secrets: readonly string[],
): Promise<void> {
  assert.equal(finished.timedOut, false);
  assert.equal(finished.code, 0, `stderr tail: ${finished.stderr.slice(-1500)}`);
  const run = await asRun(finished, resultsDir);
  for (const file of RESULT_FILES) {
    assert.ok(file in run.resultFiles, `${file} in ${Object.keys(run.resultFiles)}`);
  }
  assert.deepEqual(findLeaks(run, secrets), []);
}

/**
 * A plain `k6 run`'s results folder, made as a user makes it (`-e RESULTS_DIR` names an existing
 * folder), and the dashboard export it needs for a report.html (npm run scenario sets both).
 */
async function plainRunResults(resultsDir: string): Promise<Record<string, string>> {
  await mkdir(resultsDir);
  return {
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_PORT: '-1',
    K6_WEB_DASHBOARD_PERIOD: '1s',
    K6_WEB_DASHBOARD_EXPORT: join(resultsDir, 'report.html'),
  };
}

describe('every documented way of passing a secret', () => {
  before(async () => {
    await ensureBuilt();
    work = await mkdtemp(join(tmpdir(), 'secret-paths-'));
    [reference, oauth2] = await Promise.all([
      startReferenceServer({ USERS: '1000000' }),
      startOAuth2Server({ clientSecret }),
    ]);
  });

  after(async () => {
    await Promise.all([reference?.stop(), oauth2?.stop()]);
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await reference.resetStats();
  });

  it('takes CLIENT_SECRET from the environment through npm run scenario, and prints it nowhere', async () => {
    const resultsDir = resultsDirOf('scenario-client-secret');
    const before = oauth2.stats().grants.password;
    const finished = await npm(
      [
        'run',
        'scenario',
        '--',
        'smoke',
        '-e',
        'PROFILE=profiles/oauth2-password.json',
        '-e',
        `BASE_URL=${oauth2.url}`,
        '-e',
        `DURATION=${DURATION}`,
      ],
      { CLIENT_SECRET: clientSecret, RESULTS_DIR: resultsDir },
    );
    await assertCleanRun(finished, resultsDir, [clientSecret, ...oauth2.issuedSecrets()]);
    assert.ok(oauth2.stats().grants.password > before, 'the token endpoint accepted the client');
    assert.equal(oauth2.stats().invalidClient, 0);
  });

  it('takes CLIENT_SECRET from the environment through npm run k6, and prints it nowhere', async () => {
    const resultsDir = resultsDirOf('k6-client-secret');
    const before = oauth2.stats().grants.password;
    const finished = await npm(
      [
        'run',
        'k6',
        '--',
        'run',
        '--no-usage-report',
        '-e',
        'PROFILE=profiles/oauth2-password.json',
        '-e',
        `BASE_URL=${oauth2.url}`,
        '-e',
        `DURATION=${DURATION}`,
        '-e',
        `RESULTS_DIR=${resultsDir}`,
        'dist/smoke.js',
      ],
      { CLIENT_SECRET: clientSecret, ...(await plainRunResults(resultsDir)) },
    );
    await assertCleanRun(finished, resultsDir, [clientSecret, ...oauth2.issuedSecrets()]);
    assert.ok(oauth2.stats().grants.password > before, 'the token endpoint accepted the client');
    assert.equal(oauth2.stats().invalidClient, 0);
  });

  it('takes AUTH_PASSWORD from the environment through npm run scenario, and prints it nowhere', async () => {
    const resultsDir = resultsDirOf('scenario-password');
    const finished = await npm(
      [
        'run',
        'scenario',
        '--',
        'smoke',
        '-e',
        `BASE_URL=${reference.url}`,
        '-e',
        `AUTH_USERNAME=${ACCOUNT.username}`,
        '-e',
        `DURATION=${DURATION}`,
      ],
      { AUTH_PASSWORD: ACCOUNT.password, RESULTS_DIR: resultsDir },
    );
    await assertCleanRun(finished, resultsDir, [ACCOUNT.password]);
    const stats = await reference.stats();
    assert.ok(stats.logins >= 1, `logins: ${stats.logins}`);
    assert.equal(stats.loginFailures, 0);
  });

  it('takes AUTH_PASSWORD from the environment through npm run k6, and prints it nowhere', async () => {
    const resultsDir = resultsDirOf('k6-password');
    const finished = await npm(
      [
        'run',
        'k6',
        '--',
        'run',
        '--no-usage-report',
        '-e',
        `BASE_URL=${reference.url}`,
        '-e',
        `AUTH_USERNAME=${ACCOUNT.username}`,
        '-e',
        `DURATION=${DURATION}`,
        '-e',
        `RESULTS_DIR=${resultsDir}`,
        'dist/smoke.js',
      ],
      { AUTH_PASSWORD: ACCOUNT.password, ...(await plainRunResults(resultsDir)) },
    );
    await assertCleanRun(finished, resultsDir, [ACCOUNT.password]);
    const stats = await reference.stats();
    assert.ok(stats.logins >= 1, `logins: ${stats.logins}`);
    assert.equal(stats.loginFailures, 0);
  });

  it('reads the password from a k6 file secret source (-e AUTH_PASSWORD_SECRET, --secret-source=file=…), and prints it nowhere', async () => {
    const resultsDir = resultsDirOf('secret-source');
    const secretsFile = join(work, 'secrets.txt');
    await writeFile(secretsFile, `password=${ACCOUNT.password}\n`, { mode: 0o600 });
    const finished = await npm(
      [
        'run',
        'scenario',
        '--',
        'smoke',
        '-e',
        `BASE_URL=${reference.url}`,
        '-e',
        `AUTH_USERNAME=${ACCOUNT.username}`,
        '-e',
        'AUTH_PASSWORD_SECRET=password',
        `--secret-source=file=${secretsFile}`,
        '-e',
        `DURATION=${DURATION}`,
      ],
      { RESULTS_DIR: resultsDir },
    );
    await assertCleanRun(finished, resultsDir, [ACCOUNT.password]);
    const stats = await reference.stats();
    assert.ok(stats.logins >= 1, `logins: ${stats.logins}`);
    assert.equal(stats.loginFailures, 0);
  });

  it('reads a credentials CSV through npm run scenario, and prints none of its passwords', async () => {
    const resultsDir = resultsDirOf('credentials-csv');
    const csv = join(work, 'accounts.csv');
    const rows = POOL.map(({ username, password }) => `${username},${password}`);
    await writeFile(csv, `username,password\n${rows.join('\n')}\n`, { mode: 0o600 });
    const finished = await npm(
      [
        'run',
        'scenario',
        '--',
        'smoke',
        '-e',
        `BASE_URL=${reference.url}`,
        '-e',
        `CREDENTIALS=${csv}`,
        '-e',
        `VUS=${POOL.length}`,
        '-e',
        `DURATION=${DURATION}`,
      ],
      { RESULTS_DIR: resultsDir },
    );
    await assertCleanRun(
      finished,
      resultsDir,
      POOL.map((account) => account.password),
    );
    const stats = await reference.stats();
    assert.ok(stats.logins >= POOL.length, `one login per VU at least: ${stats.logins}`);
    assert.equal(stats.loginFailures, 0);
  });

  describe('a secret given with -e to a wrapper', () => {
    /** Each aimed at the reference server, so a command that did run would show there. */
    const target = () => ['-e', `BASE_URL=${reference.url}`];
    const refused: ReadonlyArray<{ name: string; args: () => string[]; setting: string }> = [
      {
        name: 'npm run scenario -- smoke -e CLIENT_SECRET=…',
        args: () => [
          'run',
          'scenario',
          '--',
          'smoke',
          ...target(),
          '-e',
          `CLIENT_SECRET=${clientSecret}`,
        ],
        setting: 'CLIENT_SECRET',
      },
      {
        name: 'npm run scenario -- smoke --env AUTH_PASSWORD=…',
        args: () => [
          'run',
          'scenario',
          '--',
          'smoke',
          ...target(),
          '--env',
          `AUTH_PASSWORD=${ACCOUNT.password}`,
        ],
        setting: 'AUTH_PASSWORD',
      },
      {
        name: 'npm run k6 -- run -e AUTH_PASSWORD=… dist/smoke.js',
        args: () => [
          'run',
          'k6',
          '--',
          'run',
          ...target(),
          '-e',
          `AUTH_PASSWORD=${ACCOUNT.password}`,
          'dist/smoke.js',
        ],
        setting: 'AUTH_PASSWORD',
      },
      {
        name: 'npm start -- -e CLIENT_SECRET=…',
        args: () => ['start', '--', '-e', `CLIENT_SECRET=${clientSecret}`],
        setting: 'CLIENT_SECRET',
      },
    ];

    for (const { name, args, setting } of refused) {
      it(`is refused with exit code 2 before k6 starts: ${name}`, async () => {
        const resultsDir = resultsDirOf('refused');
        const grantsBefore = oauth2.stats().grants.password;
        const finished = await npm(args(), { RESULTS_DIR: resultsDir });
        assert.equal(finished.timedOut, false);
        assert.equal(finished.code, 2, `stderr tail: ${finished.stderr.slice(-1500)}`);
        assert.match(
          finished.stderr,
          new RegExp(
            `k6-auth-toolkit: Refusing -e ${setting}=… on the command line \\(SECRET_ON_COMMAND_LINE\\)`,
          ),
        );
        assert.match(finished.stderr, /if the value is real, rotate it/);
        assert.match(finished.stderr, new RegExp(`${setting}="\\$${setting}" npm (run |start)`));
        // Nothing ran: no results, no request at either server.
        assert.equal(existsSync(resultsDir), false);
        const stats = await reference.stats();
        assert.equal(stats.logins + stats.loginFailures, 0);
        assert.equal(oauth2.stats().grants.password, grantsBefore);
        // npm's echo of its own command line ("> node … -e NAME=value") is the one place the value
        // shows, written before the wrapper starts; every other line is free of it.
        const secret = setting === 'CLIENT_SECRET' ? clientSecret : ACCOUNT.password;
        const echoed = (text: string) =>
          text
            .split('\n')
            .filter((line) => !line.startsWith('> '))
            .join('\n');
        assert.ok(
          finished.stdout.includes(secret),
          'npm echoed the command line, as the message says',
        );
        assert.deepEqual(
          findLeaks(
            await asRun(
              { ...finished, stdout: echoed(finished.stdout), stderr: echoed(finished.stderr) },
              resultsDir,
            ),
            [secret],
          ),
          [],
        );
      });
    }

    it('is refused with nothing printed at all under npm --silent, which does not echo', async () => {
      const finished = await npm(
        ['run', '--silent', 'scenario', '--', 'smoke', '-e', `CLIENT_SECRET=${clientSecret}`],
        { RESULTS_DIR: resultsDirOf('refused-silent') },
      );
      assert.equal(finished.code, 2);
      assert.match(finished.stderr, /SECRET_ON_COMMAND_LINE/);
      assert.equal(finished.stdout.includes(clientSecret), false);
      assert.equal(finished.stderr.includes(clientSecret), false);
    });
  });
});

// The repository root is where npm finds package.json; a moved test would run nothing.
assert.ok(existsSync(join(REPO_ROOT, 'package.json')));
