/**
 * Checks a TestRun against the k6-operator's published CRD (`config/crd/bases/k6.io_testruns.yaml`)
 * offline, as `kubectl apply --validate=strict` would: the CRD's OpenAPI v3 schema, with every
 * object that lists its properties closed to others (the API server would drop or refuse an
 * unknown field), compiled by ajv. Kubernetes' own keywords (`x-kubernetes-*`) and formats (int32,
 * quantity…) are not JSON Schema: ajv is told to ignore them.
 *
 * The CRD comes from the operator's Go module at a pinned version through Go's module download
 * (`go mod download -json`), like cli/provision-k6.ts gets k6, and stays in Go's module cache:
 * nothing of the operator is vendored here.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { systemDeps } from '../../cli/provision-k6.ts';

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

type Schema = Record<string, unknown>;

/** The schema with unknown fields refused wherever Kubernetes' structural schema prunes them. */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-')) continue;
    out[key] = key === 'properties' ? mapValues(value as Schema) : closeObjects(value);
  }
  const open = (schema as Schema)['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties !== undefined && out.additionalProperties === undefined && !open) {
    out.additionalProperties = false;
  }
  return out;
}

function mapValues(properties: Schema): Schema {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, closeObjects(v)]));
}

export type TestRunValidator = (manifest: unknown) => string[];

/** A validator for `k6.io/v1alpha1` TestRuns; returns the errors (none: valid). */
export async function testRunValidator(): Promise<TestRunValidator> {
  const crd = parse(await readTestRunCrd()) as {
    spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Schema } }> };
  };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (version === undefined) throw new Error('the TestRun CRD has no v1alpha1 version');
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  const validate = ajv.compile(closeObjects(version.schema.openAPIV3Schema) as Schema);
  return (manifest) =>
    validate(manifest)
      ? []
      : (validate.errors ?? []).map(
          (e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
        );
}
