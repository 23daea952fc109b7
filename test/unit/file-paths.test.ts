import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidatePaths } from '../../lib/core/file-paths.ts';

describe('candidatePaths', () => {
  it('tries a relative path from the working folder first, then from the project root', () => {
    assert.deepEqual(candidatePaths('profiles/x.json', '/home/me/project'), [
      '/home/me/project/profiles/x.json',
      '../profiles/x.json',
    ]);
  });

  it('drops a leading "./" and a trailing slash of the working folder', () => {
    assert.deepEqual(candidatePaths('./profiles/x.json', '/work/'), [
      '/work/profiles/x.json',
      '../profiles/x.json',
    ]);
  });

  it('falls back to the project root alone when PWD is not known', () => {
    assert.deepEqual(candidatePaths('profiles/x.json', undefined), ['../profiles/x.json']);
    assert.deepEqual(candidatePaths('profiles/x.json', ''), ['../profiles/x.json']);
  });

  it('keeps absolute paths, Windows drive paths and file URLs as they are', () => {
    assert.deepEqual(candidatePaths('/etc/p.json', '/work'), ['/etc/p.json']);
    assert.deepEqual(candidatePaths('C:\\p.json', '/work'), ['C:\\p.json']);
    assert.deepEqual(candidatePaths('file:///p.json', '/work'), ['file:///p.json']);
  });
});
