/**
 * The k6 library's ways in (docs/k6-library.md), each a user's script run by the real k6 against
 * the reference server in dual mode with 2-second access tokens: the prebuilt folder (dist/k6/)
 * copied into a user's repository and imported by relative path from a `.js` and from a `.ts`
 * script k6 runs itself, the same folder served over https on loopback and imported by a
 * versioned URL, `import … from 'k6-auth-toolkit'` in a user's esbuild build, and this
 * repository's `k6 run scenarios/smoke.ts`. Each VU logs in once and refreshes, and the run passes
 * its thresholds.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildLibrary } from '../../build.mjs';
import { type K6Run, type K6RunOptions, REPO_ROOT, SHORT_LEEWAY } from '../helpers/k6.ts';
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

const VERSION = '0.1.0';

describe('the k6 library, imported the ways a k6 user does, run by k6 against the reference server', () => {
  const server = referenceServerForSuite({ ACCESS_TTL: '2' });
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k6-library-'));
    await buildLibrary();
    // A user's repository with the prebuilt folder copied in, versioned as on jslib.k6.io.
    await cp(join(REPO_ROOT, 'dist', 'k6'), join(dir, 'vendor', 'k6-auth-toolkit', VERSION), {
      recursive: true,
    });
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(path: string, text: string): Promise<string> {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    return file;
  }

  const run = (script: string, options: Partial<K6RunOptions> = {}): Promise<K6Run> =>
    runUserScript(server, script, { ...options });

  it('runs a plain .js script that imports the prebuilt folder by relative path', async () => {
    const from = `../vendor/k6-auth-toolkit/${VERSION}/index.js`;
    const script = await write('tests/plain.js', userScript(from, 'js'));
    await assertLoggedInAndRefreshed(await run(script), server);
  });

  it('runs a .ts script that k6 strips itself, importing the same folder', async () => {
    const from = `../vendor/k6-auth-toolkit/${VERSION}/index.js`;
    const script = await write('tests/typed.ts', userScript(from, 'ts'));
    await assertLoggedInAndRefreshed(await run(script), server);
  });

  it('runs a script that imports the folder by a versioned https URL, served from loopback', async () => {
    const https = await serveFolderOverHttps(join(dir, 'vendor'), join(dir, 'tls'));
    try {
      const from = `${https.url}/k6-auth-toolkit/${VERSION}/index.js`;
      const script = await write('tests/by-url.js', userScript(from, 'js'));
      // k6 imports modules over https only, verified against the system's roots or SSL_CERT_FILE.
      await assertLoggedInAndRefreshed(
        await run(script, { processEnv: { SSL_CERT_FILE: https.cert } }),
        server,
      );
      assert.deepEqual([...new Set(https.served)].sort(), [
        `/k6-auth-toolkit/${VERSION}/controller.js`,
        `/k6-auth-toolkit/${VERSION}/index.js`,
      ]);
    } finally {
      await https.close();
    }
  });

  it("runs a user's esbuild bundle of import … from 'k6-auth-toolkit', once the bundles the library loads apart are copied beside it", async () => {
    const project = join(dir, 'bundler');
    await mkdir(join(project, 'node_modules'), { recursive: true });
    await symlink(REPO_ROOT, join(project, 'node_modules', 'k6-auth-toolkit'));
    const entry = await write('bundler/src/test.ts', userScript('k6-auth-toolkit', 'ts'));
    const outfile = join(project, 'dist', 'test.js');
    await bundleLikeAUser(entry, outfile, project);

    const missing = await run(outfile);
    assert.equal(missing.code, 107, missing.stderr);
    assert.match(
      missing.stderr,
      /Cannot load the toolkit's controller\.js; reason: expected it beside the module that loads it \(a script that bundles the toolkit needs dist\/k6\/controller\.js copied beside it\)/,
    );

    await copyLoadedBundles(join(REPO_ROOT, 'dist', 'k6'), outfile);
    await assertLoggedInAndRefreshed(await run(outfile), server);
  });

  it("types import … from 'k6-auth-toolkit' for a user's tsc, with k6's types from the user's own @types/k6", async () => {
    const project = join(dir, 'typed');
    await mkdir(join(project, 'node_modules', '@types'), { recursive: true });
    await symlink(REPO_ROOT, join(project, 'node_modules', 'k6-auth-toolkit'));
    await symlink(
      join(REPO_ROOT, 'node_modules', '@types', 'k6'),
      join(project, 'node_modules', '@types', 'k6'),
    );
    await write('typed/good.ts', userScript('k6-auth-toolkit', 'ts'));
    await write(
      'typed/bad.ts',
      [
        "import { protectedCall, withThresholds } from 'k6-auth-toolkit';",
        'export const ok: number = protectedCall();',
        "export const options = withThresholds({ vus: 'ten' }, 'smoke');",
        '',
      ].join('\n'),
    );
    await write(
      'typed/tsconfig.json',
      JSON.stringify({
        compilerOptions: {
          target: 'es2020',
          lib: ['es2020'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          types: ['k6'],
        },
        files: ['good.ts', 'bad.ts'],
      }),
    );
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', '.'], {
      cwd: project,
    }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal(result.code, 1, result.stdout);
    assert.deepEqual(result.stdout.trim().split('\n'), [
      "bad.ts(2,14): error TS2322: Type 'boolean' is not assignable to type 'number'.",
      "bad.ts(3,41): error TS2322: Type 'string' is not assignable to type 'number'.",
    ]);
  });

  it('runs this repository’s scenarios/smoke.ts from source, with k6’s own TypeScript support', async () => {
    await assertLoggedInAndRefreshed(
      await run('scenarios/smoke.ts', {
        env: {
          BASE_URL: server.url,
          AUTH_MODE: 'dual',
          VUS: String(USER_VUS),
          DURATION: '4s',
          ...SHORT_LEEWAY,
        },
      }),
      server,
    );
  });
});
