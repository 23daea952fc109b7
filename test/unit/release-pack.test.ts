import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPackFiles, REQUIRED_FILES } from '../release/check-pack.ts';

const manifest = { bin: { 'k6-auth': 'dist/cli/k6-auth.js' }, dependencies: { esbuild: '0.28.2' } };

describe('checkPackFiles', () => {
  it('accepts a tarball with every required file and nothing forbidden', () => {
    assert.deepEqual(checkPackFiles([...REQUIRED_FILES, 'cli/templates/README.md'], manifest), []);
  });

  it('names each missing file, each forbidden one, a bin not packed and tsx at run time', () => {
    const files = [
      ...REQUIRED_FILES.filter((file) => file !== 'dist/smoke.js'),
      'cli/k6-auth.ts',
      'load-tests/accounts.csv',
    ];
    assert.deepEqual(
      checkPackFiles(files, { bin: { 'k6-auth': 'bin/nowhere.js' }, dependencies: { tsx: '4' } }),
      [
        "dist/smoke.js missing; reason: a user's install needs it",
        'cli/k6-auth.ts packed; reason: expected no file matching /^cli\\/(?!templates\\/)/',
        'load-tests/accounts.csv packed; reason: expected no file matching /(^|\\/)(accounts|users)\\.(csv|json)$/',
        'bin k6-auth is "bin/nowhere.js"; reason: expected a packed file',
        'tsx is a runtime dependency; reason: expected the CLI to ship as built JavaScript',
      ],
    );
  });
});
