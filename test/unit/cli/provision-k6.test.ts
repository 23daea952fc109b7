import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  K6_VERSION,
  K6NotFoundError,
  parseK6Version,
  pinnedGoBin,
  type ResolverDeps,
  resolveK6,
} from '../../../cli/provision-k6.ts';

const GO_PATH = '/home/u/go';
const BUILT = join(pinnedGoBin(GO_PATH), 'k6');

/** A fake system: which binaries exist and what version each prints; records what was done. */
function fakeSystem(options: {
  env?: Record<string, string>;
  versions?: Record<string, string>;
  onPath?: string;
  go?: string;
  buildWorks?: boolean;
}) {
  const versions = { ...options.versions };
  const calls: string[] = [];
  const logs: string[] = [];
  const deps: ResolverDeps = {
    env: options.env ?? {},
    versionOf: async (path) => {
      calls.push(`version ${path}`);
      return versions[path];
    },
    findOnPath: () => options.onPath,
    findGo: () => options.go,
    goPath: async () => GO_PATH,
    goBuild: async (_go, gobin, version) => {
      calls.push(`build ${version} into ${gobin}`);
      if (!options.buildWorks) throw new Error('proxy refused the module');
      versions[join(gobin, 'k6')] = version;
    },
    log: (message) => logs.push(message),
  };
  return { deps, calls, logs };
}

describe('resolveK6', () => {
  test('K6_BIN wins over everything else when it runs', async () => {
    const { deps, calls } = fakeSystem({
      env: { K6_BIN: '/opt/k6' },
      versions: { '/opt/k6': '1.0.0', '/usr/bin/k6': K6_VERSION },
      onPath: '/usr/bin/k6',
      go: '/usr/local/go/bin/go',
    });
    assert.deepEqual(await resolveK6(deps), { path: '/opt/k6', source: 'K6_BIN' });
    assert.deepEqual(calls, ['version /opt/k6']);
  });

  test('a K6_BIN that does not run is an error that names the setting', async () => {
    const { deps } = fakeSystem({ env: { K6_BIN: '/nope/k6' } });
    await assert.rejects(resolveK6(deps), {
      name: 'K6NotFoundError',
      code: 'K6_NOT_FOUND',
      message: 'K6_BIN does not run; reason: expected an executable k6 binary, got "/nope/k6"',
    });
  });

  test('k6 on PATH is used when its version is the pinned one', async () => {
    const { deps } = fakeSystem({
      versions: { '/usr/bin/k6': K6_VERSION },
      onPath: '/usr/bin/k6',
      go: '/usr/local/go/bin/go',
    });
    assert.deepEqual(await resolveK6(deps), { path: '/usr/bin/k6', source: 'PATH' });
  });

  test('k6 on PATH of another version is passed over for the pinned build under Go bin', async () => {
    const { deps, logs } = fakeSystem({
      versions: { '/usr/bin/k6': '1.4.0', [BUILT]: K6_VERSION },
      onPath: '/usr/bin/k6',
      go: '/usr/local/go/bin/go',
    });
    assert.deepEqual(await resolveK6(deps), { path: BUILT, source: 'go-bin' });
    assert.deepEqual(logs, [`k6 on PATH is 1.4.0; the toolkit is pinned to v${K6_VERSION}.`]);
  });

  test('without a usable k6 it builds the pinned version with Go and says so first', async () => {
    const { deps, calls, logs } = fakeSystem({ go: '/usr/local/go/bin/go', buildWorks: true });
    assert.deepEqual(await resolveK6(deps), { path: BUILT, source: 'go-build' });
    assert.deepEqual(calls, [
      `version ${BUILT}`,
      `build ${K6_VERSION} into ${pinnedGoBin(GO_PATH)}`,
      `version ${BUILT}`,
    ]);
    assert.match(
      logs[0] ?? '',
      /^Building k6 v\d+\.\d+\.\d+ from the Go module go\.k6\.io\/k6\/v2/,
    );
  });

  test('a failed Go build is an error that says how to get k6 instead', async () => {
    const { deps } = fakeSystem({ go: '/usr/local/go/bin/go', buildWorks: false });
    await assert.rejects(resolveK6(deps), (error: unknown) => {
      assert.ok(error instanceof K6NotFoundError);
      assert.match(
        error.message,
        /^building k6 v[\d.]+ with Go failed; reason: proxy refused the module\./,
      );
      assert.match(error.message, /Set K6_BIN/);
      return true;
    });
  });

  test('without k6 and without Go the error tells the user how to install k6', async () => {
    const { deps } = fakeSystem({});
    await assert.rejects(resolveK6(deps), (error: unknown) => {
      assert.ok(error instanceof K6NotFoundError);
      assert.match(
        error.message,
        /^k6 v[\d.]+ not found; reason: expected K6_BIN, k6 v[\d.]+ on PATH, or Go to build it, got none\./,
      );
      assert.match(
        error.message,
        /Grafana's packages .*install-k6.*release binary .*Docker .*setup-k6-action\. The fallback: install Go/,
      );
      return true;
    });
  });
});

describe('parseK6Version', () => {
  test('reads the version from k6 version output', () => {
    assert.equal(parseK6Version('k6 v2.2.0 (go1.26.8, linux/amd64)\n'), '2.2.0');
  });
  test('answers undefined for output that is not k6', () => {
    assert.equal(parseK6Version('go version go1.26.8'), undefined);
  });
});

test('the pinned k6 version matches the pinned @types/k6 version', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.equal(pkg.devDependencies['@types/k6'], K6_VERSION);
});
