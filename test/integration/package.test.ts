/**
 * The npm package proven from outside: `npm pack` of this repository, installed with its
 * dependencies from the registry into a fresh project in the system's temporary folder, as any
 * user gets it. With the real k6 against the reference server (dual mode, 2-second access tokens),
 * the installed package's dist/k6/ imported by relative path from a `.js` and a `.ts` script, by
 * an https URL from loopback, and by `import … from 'k6-auth-toolkit'` in an esbuild bundle each
 * log in once per VU, refresh and pass their thresholds; the installed CLI scaffolds a scenario
 * with `npx k6-auth init` and `npx k6-auth run` of it passes. The tarball holds what a user needs
 * and nothing of the repository's own tooling. Packing and installing is bench/lib/installed-package.ts,
 * which the memory bench's installed-package row uses too.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installPackedPackage, userEnv } from '../../bench/lib/installed-package.ts';
import { provisionK6 } from '../../cli/provision-k6.ts';
import { type K6Run, type K6RunOptions, SHORT_LEEWAY } from '../helpers/k6.ts';
import {
  assertLoggedInAndRefreshed,
  bundleLikeAUser,
  copyLoadedBundles,
  runUserScript,
  serveFolderOverHttps,
  USER_VUS,
  userScript,
} from '../helpers/library-user.ts';
import { referenceServerForSuite } from '../helpers/reference-server.ts';
import { type Finished, runToEnd } from '../helpers/run-process.ts';
import { checkPackFiles } from '../release/check-pack.ts';

const K6_TIMEOUT_MS = 60_000;
const NPM_TIMEOUT_MS = 180_000;

/** Where every packed file may live: the package's own entries (package.json's `files`). */
const PACKED_PREFIXES = [
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'build.mjs',
  'build.d.mts',
  'dist/k6/',
  'dist/cli/',
  'lib/',
  'profiles/',
  'thresholds/',
  'cli/templates/',
];

/** The catalogue bundles and the files they load, straight under dist/. */
const PACKED_BUNDLE = /^dist\/[^/]+\.js$/;

function assertExited(result: Finished, what: string): void {
  assert.equal(result.timedOut, false, `${what} timed out`);
  assert.equal(result.code, 0, `${what}: ${result.stderr.slice(-2000)}`);
}

describe('the npm package, packed, installed from the registry into a project outside this repository, run by k6', () => {
  const server = referenceServerForSuite({ ACCESS_TTL: '2' });
  let dir = '';
  let project = '';
  let installed = '';
  let packedFiles: string[] = [];

  before(
    async () => {
      dir = await mkdtemp(join(tmpdir(), 'k6-auth-package-'));
      const build = await runToEnd('npm', ['run', 'build'], {
        env: userEnv(),
        timeoutMs: NPM_TIMEOUT_MS,
      });
      assertExited(build, 'npm run build');
      ({ project, installed, packedFiles } = await installPackedPackage(dir));
    },
    { timeout: 3 * NPM_TIMEOUT_MS },
  );

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function write(path: string, text: string): Promise<string> {
    const file = join(project, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    return file;
  }

  const run = (script: string, options: Partial<K6RunOptions> = {}): Promise<K6Run> =>
    runUserScript(server, script, { cwd: project, ...options });

  it('packs what a user needs and nothing of the repository’s tests, bench, CI or node_modules', () => {
    const outside = packedFiles.filter(
      (file) =>
        !PACKED_BUNDLE.test(file) &&
        !PACKED_PREFIXES.some((prefix) => file === prefix || file.startsWith(prefix)),
    );
    assert.deepEqual(outside, []);
    const used = PACKED_PREFIXES.filter((prefix) =>
      packedFiles.some((file) => file === prefix || file.startsWith(prefix)),
    );
    assert.deepEqual(used, PACKED_PREFIXES, 'every entry of the package is packed');
    for (const file of [
      'dist/k6/index.js',
      'dist/k6/controller.js',
      'dist/k6/identity-provider.js',
      'dist/k6/index.d.ts',
      'dist/cli/k6-auth.js',
    ]) {
      assert.ok(packedFiles.includes(file), `${file} packed`);
    }
  });

  it('installs the package with its dependencies, its manifest passing the release check', async () => {
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'k6-auth-toolkit');
    assert.deepEqual(checkPackFiles(packedFiles, manifest), []);
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      const found = await readFile(
        join(project, 'node_modules', dependency, 'package.json'),
        'utf8',
      );
      assert.equal(JSON.parse(found).name, dependency);
    }
  });

  it('runs a plain .js script that imports the installed dist/k6/index.js by relative path', async () => {
    const script = await write(
      'plain.js',
      userScript('./node_modules/k6-auth-toolkit/dist/k6/index.js', 'js'),
    );
    await assertLoggedInAndRefreshed(await run(script), server);
  });

  it('runs a .ts script that k6 strips itself, importing the same file', async () => {
    const script = await write(
      'typed.ts',
      userScript('./node_modules/k6-auth-toolkit/dist/k6/index.js', 'ts'),
    );
    await assertLoggedInAndRefreshed(await run(script), server);
  });

  it("runs an esbuild bundle of import … from 'k6-auth-toolkit', with the bundles it loads copied beside it", async () => {
    const entry = await write('src/bundled.ts', userScript('k6-auth-toolkit', 'ts'));
    const outfile = join(project, 'build', 'bundled.js');
    await bundleLikeAUser(entry, outfile, project);
    await copyLoadedBundles(join(installed, 'dist', 'k6'), outfile);
    await assertLoggedInAndRefreshed(await run(outfile), server);
  });

  it('runs a script that imports the installed dist/k6/ by an https URL, served from loopback', async () => {
    const https = await serveFolderOverHttps(join(installed, 'dist'), join(dir, 'tls'));
    try {
      const script = await write('by-url.js', userScript(`${https.url}/k6/index.js`, 'js'));
      await assertLoggedInAndRefreshed(
        await run(script, { processEnv: { SSL_CERT_FILE: https.cert } }),
        server,
      );
      assert.deepEqual([...new Set(https.served)].sort(), ['/k6/controller.js', '/k6/index.js']);
    } finally {
      await https.close();
    }
  });

  it('npx k6-auth --help, init, then run of the scaffolded scenario with the real k6', async () => {
    // The provisioned k6, so the installed CLI neither looks for nor builds another.
    const { path: k6 } = await provisionK6();
    const env = userEnv({ K6_BIN: k6 });
    const npx = (args: string[]) =>
      runToEnd('npx', ['--no-install', 'k6-auth', ...args], {
        cwd: project,
        env,
        timeoutMs: 2 * K6_TIMEOUT_MS,
      });

    const help = await npx(['--help']);
    assertExited(help, 'npx k6-auth --help');
    assert.match(help.stdout, /init/);

    assertExited(await npx(['init', '--mode', 'dual', '--base-url', server.url]), 'k6-auth init');
    await server.resetStats();
    const run = await npx([
      'run',
      'load-tests/scenario.ts',
      ...['-e', `BASE_URL=${server.url}`],
      ...['-e', 'PROFILE=load-tests/profile.json'],
      ...['-e', 'CREDENTIALS=load-tests/accounts.example.csv'],
      ...['-e', `VUS=${USER_VUS}`, '-e', 'DURATION=4s'],
      ...['-e', 'RESULTS_DIR=results/scenario'],
      ...Object.entries(SHORT_LEEWAY).flatMap(([name, value]) => ['-e', `${name}=${value}`]),
      '--quiet',
    ]);
    assertExited(run, 'k6-auth run load-tests/scenario.ts');
    const summary = JSON.parse(
      await readFile(join(project, 'results', 'scenario', 'summary.json'), 'utf8'),
    );
    const stats = await server.stats();
    const count = (name: string): number => summary.metrics[name]?.values?.count ?? 0;
    assert.equal(count('auth_logins'), USER_VUS, 'one login per VU');
    assert.equal(stats.logins, USER_VUS);
    assert.ok(count('auth_refreshes') >= USER_VUS, `refreshes: ${count('auth_refreshes')}`);
    assert.equal(stats.refreshes, count('auth_refreshes'), 'the server counted what k6 counted');
    assert.equal(count('auth_relogins'), 0);
    assert.equal(stats.expiredCredentialRejections, 0);
  });
});
