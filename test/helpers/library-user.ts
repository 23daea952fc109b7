/**
 * A k6 user's side of the k6 library (docs/k6-library.md), shared by the tests that import it the
 * ways a user does (from this repository's build, test/integration/k6-library.test.ts, and from
 * the installed npm package, test/integration/package.test.ts): the user's script, the assertions
 * that each VU logged in once and refreshed, and an https server on loopback for the URL import.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import {
  checkTotals,
  counterCount,
  findLeaks,
  type K6Run,
  type K6RunOptions,
  rateSamples,
  runK6,
  SHORT_LEEWAY,
} from './k6.ts';
import type { ReferenceServer } from './reference-server.ts';

/** VUs of a user's script: each logs in once. */
export const USER_VUS = 2;

/** A user's script: the library's request helpers, thresholds and summary, imported from `from`. */
export function userScript(from: string, language: 'js' | 'ts'): string {
  const typed = language === 'ts' ? ': void' : '';
  return [
    "import { sleep } from 'k6';",
    `import { protectedCall, summaryHandler, withThresholds } from '${from}';`,
    `export const options = withThresholds({ vus: ${USER_VUS}, duration: '4s' }, 'smoke');`,
    "export const handleSummary = summaryHandler('library-user');",
    `export default function ()${typed} {`,
    '  protectedCall();',
    '  sleep(0.05);',
    '}',
    '',
  ].join('\n');
}

/**
 * Runs a user's script with the real k6 against `server` (its stats reset first) in dual mode,
 * renewing shortly before expiry, bounded at a minute.
 */
export async function runUserScript(
  server: ReferenceServer,
  script: string,
  options: Partial<K6RunOptions> = {},
): Promise<K6Run> {
  await server.resetStats();
  return runK6({
    script,
    env: { BASE_URL: server.url, AUTH_MODE: 'dual', ...SHORT_LEEWAY },
    timeoutMs: 60_000,
    ...options,
  });
}

/**
 * One login per VU, refreshes counted alike by k6 and the server (its stats reset before the run),
 * nothing failed, the thresholds passed (exit 0), no secret in k6's output.
 */
export async function assertLoggedInAndRefreshed(
  run: K6Run,
  server: ReferenceServer,
  vus = USER_VUS,
): Promise<void> {
  assert.equal(run.timedOut, false);
  assert.equal(run.code, 0, `stderr tail: ${run.stderr.slice(-1500)}`);
  assert.ok(run.summary);
  const stats = await server.stats();
  assert.equal(counterCount(run.summary, 'auth_logins'), vus);
  assert.equal(stats.logins, vus);
  const refreshes = counterCount(run.summary, 'auth_refreshes');
  assert.ok(refreshes >= vus, `expected at least one refresh per VU in 4 s, got ${refreshes}`);
  assert.equal(stats.refreshes, refreshes, 'the server counted what k6 counted');
  assert.equal(counterCount(run.summary, 'auth_relogins'), 0);
  assert.equal(counterCount(run.summary, 'auth_expired_rejections'), 0);
  assert.equal(stats.expiredCredentialRejections, 0);
  assert.equal(rateSamples(run.summary, 'auth_errors').trues, 0);
  assert.equal(rateSamples(run.summary, 'http_req_failed').trues, 0);
  const checks = checkTotals(run.summary);
  assert.equal(checks.fails, 0);
  assert.equal(checks.passes, stats.requests.protected);
  assert.deepEqual(findLeaks(run), []);
}

/**
 * A user's esbuild build of `entry` into `outfile`, resolving 'k6-auth-toolkit' from `project`'s
 * node_modules, with a user's usual k6 settings: an ES module with k6's own modules left to k6.
 */
export async function bundleLikeAUser(
  entry: string,
  outfile: string,
  project: string,
): Promise<void> {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2020',
    platform: 'neutral',
    external: ['k6', 'k6/*'],
    absWorkingDir: project,
    logLevel: 'silent',
  });
}

/** The bundles the library loads apart (from `libraryDir`, a dist/k6/), copied beside `bundle`. */
export async function copyLoadedBundles(libraryDir: string, bundle: string): Promise<void> {
  for (const file of ['controller.js', 'identity-provider.js']) {
    await cp(join(libraryDir, file), join(dirname(bundle), file));
  }
}

export interface HttpsFolder {
  /** `https://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** The self-signed certificate, for k6's `SSL_CERT_FILE`. */
  cert: string;
  /** The paths asked for, in order. */
  served: string[];
  close(): Promise<void>;
}

/**
 * Serves the files under `root` over https on loopback with a certificate made for 127.0.0.1
 * (key and certificate written to `tlsDir`): k6 imports modules over https only.
 */
export async function serveFolderOverHttps(root: string, tlsDir: string): Promise<HttpsFolder> {
  await mkdir(tlsDir, { recursive: true });
  const [key, cert] = [join(tlsDir, 'key.pem'), join(tlsDir, 'cert.pem')];
  await promisify(execFile)('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
  const served: string[] = [];
  const https = createServer(
    { key: await readFile(key), cert: await readFile(cert) },
    (req, res) => {
      const path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
      served.push(path);
      readFile(join(root, path.replace(/^\//, '')))
        .then((body) => {
          res.writeHead(200, { 'content-type': 'text/javascript' });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(404);
          res.end();
        });
    },
  );
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const { port } = https.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    cert,
    served,
    async close() {
      https.closeAllConnections();
      await new Promise((resolve) => https.close(resolve));
    },
  };
}
