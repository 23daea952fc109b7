import assert from 'node:assert/strict';
import { test } from 'node:test';
import { K6_VERSION, provisionK6, systemDeps } from '../../cli/provision-k6.ts';

test('the provisioned k6 binary runs and prints the pinned version', async () => {
  const { path } = await provisionK6();
  assert.equal(await systemDeps().versionOf(path), K6_VERSION);
});
