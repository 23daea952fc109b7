/**
 * The k6-operator's published `TestRun` CRD (`config/crd/bases/k6.io_testruns.yaml`), for checking
 * the manifests `npm run operator` writes offline. It comes from the operator's Go module at a
 * pinned version through Go's module download (`go mod download -json`), like provision-k6.ts
 * gets k6, and stays in Go's module cache: nothing of the operator is vendored here.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { systemDeps } from './provision-k6.ts';

/** The operator release whose CRD the manifests are checked against. */
export const K6_OPERATOR_VERSION = '1.5.0';
const K6_OPERATOR_MODULE = 'github.com/grafana/k6-operator';
const CRD_PATH = 'config/crd/bases/k6.io_testruns.yaml';

const execFileAsync = promisify(execFile);

/** The CRD's YAML text; downloads the module once (Go caches it). */
export async function readTestRunCrd(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const go = systemDeps(env).findGo();
  if (go === undefined) {
    throw new Error(
      'Cannot read the TestRun CRD; reason: expected go on PATH or at /usr/local/go/bin/go, got none',
    );
  }
  const { stdout } = await execFileAsync(
    go,
    ['mod', 'download', '-json', `${K6_OPERATOR_MODULE}@v${K6_OPERATOR_VERSION}`],
    { env, timeout: 300_000 },
  );
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  const file = info.Dir === undefined ? undefined : join(info.Dir, CRD_PATH);
  if (file === undefined || !existsSync(file)) {
    throw new Error(
      `Cannot read the TestRun CRD; reason: expected ${CRD_PATH} in ${K6_OPERATOR_MODULE}@v${K6_OPERATOR_VERSION}, got ${info.Error ?? 'no such file'}`,
    );
  }
  return readFile(file, 'utf8');
}
